#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# contrib/systemd/oomlab.service: `systemd-analyze verify` accepts it, `systemd-analyze security
# --offline=true` rates it at most 3.0 (docs/DEPLOY.md has the figure), it keeps /dev/kmsg
# reachable (no ProtectKernelLogs=/PrivateDevices=, DeviceAllow=/dev/kmsg r), and the daemon
# runs as it would under DynamicUser=: an unprivileged uid holding only the unit's
# AmbientCapabilities (setpriv), which opens a kill source and counts our kill.
set -u
source "$(dirname "$0")/_serve_lib.sh"
unit=$TOP/contrib/systemd/oomlab.service
[ -f "$unit" ] || fail "no $unit"
require_cmd systemd-analyze

sed "s|/usr/bin/oomlab|$OOMLAB|" "$unit" >"$SERVE_TMP/oomlab.service"
if systemd-analyze verify --man=no "$SERVE_TMP/oomlab.service" >"$SERVE_TMP/verify" 2>&1; then
	echo "SUBTEST PASS verify"
else
	echo "SUBTEST FAIL verify: $(cat "$SERVE_TMP/verify")"
fi
score=$(systemd-analyze security --offline=true "$SERVE_TMP/oomlab.service" 2>/dev/null | sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p')
echo "exposure $score"
if [ -n "$score" ] && python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) <= 3.0 else 1)" "$score"; then
	echo "SUBTEST PASS security-score"
else
	echo "SUBTEST FAIL security-score: '$score' above 3.0 (or not rated)"
fi
if grep -Eq '^(ProtectKernelLogs|PrivateDevices)=' "$unit" || ! grep -qx 'DeviceAllow=/dev/kmsg r' "$unit"; then
	echo "SUBTEST FAIL kmsg-reachable: the unit hides /dev/kmsg"
else
	echo "SUBTEST PASS kmsg-reachable"
fi

# the unit's capabilities, as an unprivileged user
[ "$(id -u)" = 0 ] || { echo "SUBTEST SKIP caps: needs root (setpriv)"; exit 0; }
command -v setpriv >/dev/null || { echo "SUBTEST SKIP caps: needs setpriv"; exit 0; }
require_memcg
caps=$(sed -n 's/^AmbientCapabilities=//p' "$unit" | tr 'A-Z' 'a-z' | sed 's/cap_//g; s/ /,+/g; s/^/+/')
echo "caps $caps"
# a copy the unprivileged user can execute (the build tree may not be reachable for it)
cp "$OOMLAB" "$SERVE_TMP/oomlab" && chmod 755 "$SERVE_TMP" "$SERVE_TMP/oomlab"
serve_parent_cgroup "oomlab-test-serve-unit-$$" || fail "cannot create the parent cgroup"
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps="$caps" --ambient-caps="$caps" \
	--bounding-set=-all,"$caps" "$SERVE_TMP/oomlab" serve --listen 127.0.0.1:0 --depth 1 2>"$SERVE_TMP/caps.err" &
SERVE_PIDS+=($!)
port=
for _ in $(seq 100); do
	port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/metrics|\1|p' "$SERVE_TMP/caps.err")
	[ -n "$port" ] && break
	sleep 0.1
done
cat "$SERVE_TMP/caps.err"
[ -n "$port" ] || { echo "SUBTEST FAIL caps: serve did not start with $caps"; exit 0; }
provoke_kill || fail "kill not provoked"
for _ in $(seq 30); do
	curl -fsS "http://127.0.0.1:$port/metrics" | grep -q "^oomlab_oom_kills_total{cgroup=\"$PARENT\",limit_scope=\"cgroup\",constraint=\"memcg\"} 1$" && break
	sleep 0.1
done
if curl -fsS "http://127.0.0.1:$port/metrics" | grep -q "^oomlab_oom_kills_total{cgroup=\"$PARENT\",limit_scope=\"cgroup\",constraint=\"memcg\"} 1$"; then
	echo "SUBTEST PASS caps"
else
	echo "SUBTEST FAIL caps: kill of $VICTIM_PID not counted as uid 65534 with $caps"
fi

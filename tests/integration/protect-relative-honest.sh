#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# protect --relative is honest: when raising the others (capped at +1000) cannot give the order
# --adj would (target at adj 1000 and the largest), it exits 1, says so, and writes nothing.
source "$(dirname "$0")/../_lib.sh"
require_root
require_memcg
require_cmd python3
tmp=$(mktemp -d); trap 'kill $rp 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
# the target: `oomlab eat` holding 40 MiB at adj 1000 (its summary line says it holds them)
"$OOMLAB" run -q --max 256M -- sh -c "
sh -c 'echo 1000 > /proc/self/oom_score_adj && echo \$\$ > $tmp/T &&
	exec \"\$0\" eat --rate max --total 40M --hold -q > $tmp/S' \"$OOMLAB\" & sleep 30 & wait" >/dev/null 2>&1 &
rp=$!
for i in $(seq 100); do [ -s "$tmp/T" ] && [ -s "$tmp/S" ] && break; sleep 0.05; done
T=$(cat "$tmp/T"); [ -n "$T" ] || fail "target did not start"
grep -q CapEff /proc/self/status
if [ $(( 0x$(awk '/CapEff/{print $2}' /proc/self/status) >> 24 & 1 )) = 1 ]; then skip "CAP_SYS_RESOURCE present: the direct write works, --relative is not used"; fi
"$OOMLAB" protect "$T" --adj -500 --relative >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc = 1 ] || fail "exit $rc (want 1): $(cat "$tmp/err" "$tmp/out")"
grep -q "cannot give the order of --adj -500" "$tmp/err" || fail "no clear line: $(cat "$tmp/err")"
for p in $(cat /sys/fs/cgroup/memory$(grep :memory: /proc/$T/cgroup | cut -d: -f3)/cgroup.procs); do
	[ "$p" = "$T" ] && continue
	a=$(cat /proc/$p/oom_score_adj 2>/dev/null) || continue
	[ "$a" = 0 ] || fail "pid $p raised to $a although the plan failed"
done
"$OOMLAB" protect "$T" --adj -500 --relative --json >"$tmp/j" 2>/dev/null
[ "$(jget order_achieved "$tmp/j")" = false ] || fail "JSON order_achieved: $(cat "$tmp/j")"
echo "refused, nothing written"

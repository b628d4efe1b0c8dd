# SPDX-License-Identifier: MIT
# `oomlab run --max 64M --high 60M` writes the v2 files for real: the boxed command reads its own
# cgroup's memory.max and memory.high, and an eater inside is throttled at memory.high
# (memory.events high > 0, PSI some > 0) before the OOM kill at memory.max.
. /tests/_lib.sh

if ! have_oomlab run || ! have_oomlab eat; then
	result oomlab-run-high SKIP "oomlab run not available in this build"
	exit 0
fi
if ! grep -q -- '--high' "$T/help-run"; then
	result oomlab-run-high SKIP "oomlab run has no --high option in this build"
	exit 0
fi
# 1. the limits as the kernel sees them, read from inside the box
oomlab run --max 64M --high 60M -- sh -c \
	'cg=/sys/fs/cgroup$(sed -n "s/^0:://p" /proc/self/cgroup); cat "$cg/memory.max" "$cg/memory.high"' \
	>"$T/limits" 2>"$T/err1"
rc=$?
show "$T/limits"
[ "$rc" = 0 ] || fail "oomlab run of a reader exited $rc"
[ "$(sed -n 1p "$T/limits")" = 67108864 ] || fail "memory.max inside the box is '$(sed -n 1p "$T/limits")'"
[ "$(sed -n 2p "$T/limits")" = 62914560 ] || fail "memory.high inside the box is '$(sed -n 2p "$T/limits")'"

# 2. throttled, then killed: the shell survives the eater and reads the box's counters
oomlab run --json --max 64M --high 60M -- sh -c \
	'cg=/sys/fs/cgroup$(sed -n "s/^0:://p" /proc/self/cgroup); oomlab eat --total 256M >/dev/null 2>&1; cat "$cg/memory.events" "$cg/memory.pressure" >'"$T/events" \
	>"$T/json" 2>"$T/err2"
rc=$?
cat "$T/json"
show "$T/events"
[ "$(jget high_bytes <"$T/json")" = 62914560 ] || fail "high_bytes '$(jget high_bytes <"$T/json")', expected 62914560"
[ "$(jget limit_bytes <"$T/json")" = 67108864 ] || fail "limit_bytes '$(jget limit_bytes <"$T/json")'"
[ "$(jget oom_kills <"$T/json")" = 1 ] || fail "oom_kills '$(jget oom_kills <"$T/json")', expected 1"
h=$(awk '$1 == "high" { print $2 }' "$T/events")
[ "${h:-0}" -gt 0 ] || fail "memory.events high is '${h:-missing}' inside the box: no throttling"
[ "$(awk '$1 == "oom_kill" { print $2 }' "$T/events")" = 1 ] || fail "memory.events oom_kill is not 1"
cg=$(jget cgroup <"$T/json")
[ ! -d "$CG${cg#$CG}" ] || fail "oomlab run left its cgroup '$cg' behind"
finish oomlab-run-high

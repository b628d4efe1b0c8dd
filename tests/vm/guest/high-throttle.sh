# SPDX-License-Identifier: MIT
# memory.high a few percent under memory.max: the eater is throttled (memory.events high counts
# the reclaim/sleep rounds), the cgroup's PSI "some" stall rises, a PSI trigger fires, and the
# OOM killer ends it at memory.max.
# Keep high within a few percent of max: without swap the penalty sleeps grow with the square of
# the overage (48M under 64M took 85 s to OOM under TCG; 60M under 64M takes about 2 s).
. /tests/_lib.sh

mkcg C high || { finish high-throttle; exit 0; }
cgw "$C" memory.max 64M
cgw "$C" memory.high 60M
[ "$(cat "$C/memory.high")" = 62914560 ] || fail "memory.high reads '$(cat "$C/memory.high")'"

psiwait "$C/memory.pressure" "some 100000 1000000" "$TMO" 1 >"$T/psi" 2>&1 &
pp=$!
wait_line "$T/psi" '^psi: (armed|cannot)' || fail "psiwait did not start"
t0=$(up_cs)
run_in "$C" memeater -t "$TMO" >"$T/eat" 2>&1
rc=$?
t1=$(up_cs)
kill $pp 2>/dev/null
wait $pp
pid=$(eater_pid "$T/eat")
tail -n 2 "$T/eat"
show "$C/memory.events" "$C/memory.peak" "$C/memory.pressure" "$T/psi"
high=$(key "$C" memory.events high)
echo "eater pid $pid exit $rc after $((t1 - t0))0 ms; memory.events high=$high"
[ "$rc" = 137 ] || fail "eater exit status $rc, expected 137 (OOM kill at memory.max)"
[ "$high" -gt 0 ] || fail "memory.events high is $high: no throttling at memory.high"
[ "$(key "$C" memory.events oom_kill)" = 1 ] || fail "memory.events oom_kill is not 1"
kill_line "$pid" memeater >/dev/null || fail "no 'Killed process $pid' in the kernel log"
finish high-throttle

# the stall share from the total= delta over the episode (the averages lag: context only)
total=$(psi "$C/memory.pressure" some total)
avg10=$(psi "$C/memory.pressure" some avg10)
wall_us=$(((t1 - t0) * 10000))
[ "$wall_us" -gt 0 ] || wall_us=1
share=$((total * 100 / wall_us))
echo "PSI some: total=${total}us over ${wall_us}us = ${share}% stalled; avg10=$avg10 (lags up to 2 s)"
[ "$share" -ge 10 ] || fail "PSI some stall share ${share}% (total=${total}us), expected > 10%"
finish psi-some-rises

grep -q '^psi: EVENT' "$T/psi" || fail "the 'some 100000 1000000' trigger never fired"
finish psi-trigger
cg_rm "$C" && CGS=

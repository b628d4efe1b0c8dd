# SPDX-License-Identifier: MIT
# memory.max alone: an anonymous eater is OOM-killed inside its cgroup. The kernel counts it in
# memory.events (oom, oom_kill), memory.peak stops at the limit, and the log names the victim
# with this cgroup as both oom_memcg and task_memcg.
. /tests/_lib.sh

mkcg A maxoom || { finish max-oom; exit 0; }
cgw "$A" memory.max 64M
[ "$(cat "$A/memory.max")" = 67108864 ] || fail "memory.max reads '$(cat "$A/memory.max")'"
[ "$(cat "$A/memory.high")" = max ] || fail "memory.high is not 'max' in a new cgroup"

run_in "$A" memeater -t "$TMO" >"$T/eat" 2>&1
rc=$?
pid=$(eater_pid "$T/eat")
tail -n 3 "$T/eat"
show "$A/memory.events" "$A/memory.peak" "$A/memory.current" "$A/memory.pressure"
echo "eater pid $pid exit status $rc"
[ "$rc" = 137 ] || fail "eater exit status $rc, expected 137 (SIGKILL)"
[ "$(key "$A" memory.events oom_kill)" = 1 ] || fail "memory.events oom_kill is not 1"
[ "$(key "$A" memory.events oom)" = 1 ] || fail "memory.events oom is not 1"
[ "$(key "$A" memory.events max)" -gt 0 ] || fail "memory.events max is 0"
peak=$(cat "$A/memory.peak")
[ "$peak" -le 67108864 ] || fail "memory.peak $peak above memory.max"
[ "$peak" -ge $((60 << 20)) ] || fail "memory.peak $peak far below the 64M limit"
kill_line "$pid" memeater || fail "no 'Killed process $pid (memeater)' in the kernel log"
summary_line "$pid" | tee "$T/sum"
grep -q "constraint=CONSTRAINT_MEMCG," "$T/sum" || fail "no CONSTRAINT_MEMCG summary for pid $pid"
grep -q "oom_memcg=$(rel "$A"),task_memcg=$(rel "$A"),task=memeater," "$T/sum" ||
	fail "summary line does not name oom_memcg=task_memcg=$(rel "$A")"
cg_rm "$A" && CGS=
finish max-oom

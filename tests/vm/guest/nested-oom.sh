# SPDX-License-Identifier: MIT
# Nested cgroups: the limit sits on the parent, the eater runs in a child. The kill report's
# oom_memcg is the parent (an ancestor of task_memcg, the child); memory.events of the parent
# counts the OOM, the child's memory.events.local counts the kill.
. /tests/_lib.sh

mkcg P nested || { finish nested-oom; exit 0; }
cgw "$P" memory.max 64M
cgw "$P" cgroup.subtree_control +memory
mkcg L leaf "$P" || { finish nested-oom; exit 0; }
run_in "$L" memeater -t "$TMO" >"$T/eat" 2>&1
rc=$?
pid=$(eater_pid "$T/eat")
show "$P/memory.events" "$P/memory.events.local" "$L/memory.events" "$L/memory.events.local"
[ "$rc" = 137 ] || fail "eater exit status $rc, expected 137"
summary_line "$pid" | tee "$T/sum"
grep -q "oom_memcg=$(rel "$P"),task_memcg=$(rel "$L"),task=memeater," "$T/sum" ||
	fail "summary line does not say oom_memcg=$(rel "$P") task_memcg=$(rel "$L")"
[ "$(key "$P" memory.events.local oom)" = 1 ] || fail "parent memory.events.local oom is not 1"
[ "$(key "$P" memory.events oom_kill)" = 1 ] || fail "parent memory.events oom_kill is not 1"
[ "$(key "$L" memory.events.local oom_kill)" = 1 ] || fail "leaf memory.events.local oom_kill is not 1"
[ "$(cat "$L/memory.max")" = max ] || fail "the leaf has its own limit"
cleanup && CGS=
finish nested-oom

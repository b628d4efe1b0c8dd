# SPDX-License-Identifier: MIT
# `oomlab why --pid N --json` after a real v2 memcg OOM in nested cgroups: it finds the kill of
# N in the live kernel buffer and names the limit's cgroup (oom_memcg, the parent) apart from
# the victim's (task_memcg, the leaf), with the limit the kernel printed.
. /tests/_lib.sh

if ! have_oomlab why; then
	result oomlab-why SKIP "oomlab why not available in this build"
	exit 0
fi
mkcg P why || { finish oomlab-why; exit 0; }
cg_limit "$P" 64M
cg_nest "$P"
mkcg L leaf "$P" || { finish oomlab-why; exit 0; }
run_in "$L" memeater -t "$TMO" >"$T/eat" 2>&1
rc=$?
pid=$(eater_pid "$T/eat")
[ "$rc" = 137 ] || fail "eater exit status $rc, expected 137"
oomlab why --pid "$pid" --json >"$T/json" 2>"$T/err"
rc=$?
cat "$T/json" "$T/err"
j() { jget "$1" <"$T/json"; }
[ "$rc" = 0 ] || fail "oomlab why --pid $pid exited $rc"
[ "$(j kills.0.pid)" = "$pid" ] || fail "kills.0.pid '$(j kills.0.pid)', expected $pid"
[ "$(j kills.0.comm)" = memeater ] || fail "kills.0.comm '$(j kills.0.comm)'"
[ "$(j kills.0.oom_memcg)" = "$(rel "$P")" ] ||
	fail "kills.0.oom_memcg '$(j kills.0.oom_memcg)', expected $(rel "$P")"
[ "$(j kills.0.task_memcg)" = "$(rel "$L")" ] ||
	fail "kills.0.task_memcg '$(j kills.0.task_memcg)', expected $(rel "$L")"
[ "$(j kills.0.memcg_limit_kb)" = 65536 ] ||
	fail "kills.0.memcg_limit_kb '$(j kills.0.memcg_limit_kb)', expected 65536"
j kills.1 >/dev/null && fail "more than one kill reported for --pid $pid"
cleanup
finish oomlab-why

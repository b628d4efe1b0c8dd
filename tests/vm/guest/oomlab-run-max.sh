# SPDX-License-Identifier: MIT
# `oomlab run --json --max 64M -- oomlab eat --total 256M` on a pure v2 kernel: the eater is
# OOM-killed, run exits 137 and its JSON report (issue 2's contract) says so with the kernel's
# own figures; the cgroup run created is gone afterwards.
. /tests/_lib.sh

if ! have_oomlab run || ! have_oomlab eat; then
	result oomlab-run-max SKIP "oomlab run not available in this build"
	exit 0
fi
oomlab run --json --max 64M -- oomlab eat --total 256M >"$T/json" 2>"$T/err"
rc=$?
cat "$T/json"
tail -n 5 "$T/err"
j() { jget "$1" <"$T/json"; }
[ "$rc" = 137 ] || fail "oomlab run exit status $rc, expected 137 (mirrors the OOM-killed command)"
case $LAYOUT in v1) want=v1 ;; hybrid) want=hybrid ;; *) want=v2 ;; esac
[ "$(j cgroup_mode)" = $want ] || fail "cgroup_mode '$(j cgroup_mode)', expected $want"
[ "$(j limit_bytes)" = 67108864 ] || fail "limit_bytes '$(j limit_bytes)', expected 67108864"
[ "$(j high_bytes)" = null ] || fail "high_bytes '$(j high_bytes)', expected null (no --high)"
[ "$(j oom_killed)" = true ] || fail "oom_killed '$(j oom_killed)', expected true"
[ "$(j oom_kills)" = 1 ] || fail "oom_kills '$(j oom_kills)', expected 1"
[ "$(j exit_code)" = null ] || fail "exit_code '$(j exit_code)', expected null (signalled)"
case $(j signal) in 9 | SIGKILL | KILL) ;; *) fail "signal '$(j signal)', expected SIGKILL" ;; esac
peak=$(j peak_bytes)
[ "$peak" -gt $((32 << 20)) ] 2>/dev/null && [ "$peak" -le 67108864 ] ||
	fail "peak_bytes '$peak' not in (32M, 64M]"
[ "$(j anon_bytes)" != "" ] || fail "anon_bytes missing"
[ -n "$(j verdict)" ] || fail "verdict missing"
cg=$(j cgroup)
cg=${cg#$CG}
case $cg in /?*) ;; *) fail "cgroup '$cg' is not a cgroup path" ;; esac
# the kernel's own word: which pid it killed in that cgroup
kpid=$(dmesg | grep "oom-kill:.*,task_memcg=$cg,task=" | tail -n 1 | sed -n 's/.*,pid=\([0-9]*\),.*/\1/p')
[ -n "$kpid" ] || fail "the kernel log has no OOM kill in '$cg'"
[ ! -d "$CG$cg" ] || fail "oomlab run left its cgroup '$cg' behind"
finish oomlab-run-max

# the victim (issue 2: an object or null): when reported, it must be the pid the kernel killed
vpid=$(j victim.pid)
if [ "$(j victim)" = null ]; then
	result oomlab-run-victim SKIP "oomlab run reported no victim (victim: null) in this build"
	exit 0
fi
[ "$vpid" = "$kpid" ] || fail "victim.pid '$vpid' but the kernel killed '$kpid' in '$cg'"
finish oomlab-run-victim

# SPDX-License-Identifier: MIT
# The lab's steps that only a cgroup v2 kernel (and CAP_SYS_RESOURCE) can run, for real:
#   step 3   the eater crosses memory.high: throttled, PSI some > 10 %
#   ex 2     PSI every 0.5 s: warning before the kill (244M high under 256M max; avg10 or the interval share)
#   ex 4     two processes, one protected (negative oom_score_adj needs CAP_SYS_RESOURCE)
#   ex 3     the 30 s band (200M under 256M, slow allocator): only with VMT_SLOW=1
# Step 3 runs with memory.high 60M under memory.max 64M: further below, the throttling sleeps
# grow with the square of the overage (the lab's default 400M under 512M takes minutes here).
# vmt-timeout: 100
. /tests/_lib.sh

if ! have_oomlab lab; then
	result oomlab-lab SKIP "oomlab lab not available in this build"
	exit 0
fi
# lab_item KIND N ID NAME: run one step/exercise with --json and judge its status
lab_item() {
	_kind=$1 _arg=--step
	[ "$1" = exercises ] && _arg=--exercise
	shift
	_n=$1 _id=$2 _name=$3
	shift 3
	_t0=$(up_cs)
	oomlab lab "$_arg" "$_n" --yes --json "$@" >"$T/$_id.json" 2>"$T/$_id.err"
	_rc=$?
	echo "lab $_arg $_n: exit $_rc after $((($(up_cs) - _t0) / 100)) s"
	tail -n 15 "$T/$_id.err"
	cat "$T/$_id.json"
	j() { jget "$1" <"$T/$_id.json"; }
	[ "$(j host.cgroup_mode)" = v2 ] || fail "host.cgroup_mode '$(j host.cgroup_mode)', expected v2"
	[ "$(j host.memory_high)" = true ] || fail "host.memory_high is not true"
	[ "$(j host.cap_sys_resource)" = true ] || fail "host.cap_sys_resource is not true"
	[ "$(j "$_kind.0.id")" = "$_id" ] || fail "$_kind.0.id '$(j "$_kind.0.id")', expected $_id"
	[ "$(j "$_kind.0.status")" = PASS ] ||
		fail "$_id: $(j "$_kind.0.status"): $(j "$_kind.0.reason") (observed: $(j "$_kind.0.observed"))"
	finish "$_name"
}
lab_item steps 3 step3 oomlab-lab-step3 --max 64M --high 60M
lab_item exercises 2 ex2 oomlab-lab-ex2
lab_item exercises 4 ex4 oomlab-lab-ex4
if [ "${VMT_SLOW:-0}" = 1 ]; then
	lab_item exercises 3 ex3 oomlab-lab-ex3
else
	result oomlab-lab-ex3 SKIP "the 30 s band exercise runs only with GUEST_ENV=VMT_SLOW=1"
fi

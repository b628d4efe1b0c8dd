# SPDX-License-Identifier: MIT
# Sourced by every guest test (tests/vm/guest/*.sh) inside the v2 test VM (busybox sh, root,
# pure cgroup2 at /sys/fs/cgroup with +memory in the root's subtree_control, PSI on).
# Protocol: a test prints any diagnostics it likes and one or more lines
#   RESULT <name> PASS|FAIL|SKIP [reason]
# /init forwards them to the host. A test that prints no RESULT line counts as a failure.
# Tests must remove every cgroup they create (/init checks after each test).

CG=/sys/fs/cgroup
LAYOUT=${VMT_LAYOUT:-v2}
V1=0
case $LAYOUT in v1 | hybrid) CG=/sys/fs/cgroup/memory V1=1 ;; esac   # tests work in the memory hierarchy
TMO=${VMT_TMO:-30}         # per-workload timeout (seconds); /init kills the whole test later
T=$(mktemp -d /tmp/vmt.XXXXXX)
FAILS=

result() { echo "RESULT $1 $2${3:+ $3}"; }
fail() { echo "FAIL: $*"; FAILS="${FAILS:+$FAILS; }$*"; }
# finish NAME: one RESULT line from the fail() calls since the last finish
finish() {
	if [ -z "$FAILS" ]; then result "$1" PASS; else result "$1" FAIL "$FAILS"; fi
	FAILS=
}
# show FILE...: print files with a header, for the log
show() { for f in "$@"; do echo "--- $f"; cat "$f"; done; }

# mkcg VAR NAME [PARENT]: create cgroup oomlab-test-NAME-PID (under PARENT or the root), path
# into VAR (not printed: a $(...) subshell would lose the cleanup list)
mkcg() {
	_p=${3:-$CG}/oomlab-test-$2-$$
	mkdir "$_p" || { fail "cannot create cgroup '$_p'"; return 1; }
	CGS="$_p $CGS"    # newest first: children are removed before parents
	eval "$1=\$_p"
}
# cg_rm CG: kill whatever is left in CG (cgroup.kill), wait until it is empty, remove it
cg_rm() {
	[ -d "$1" ] || return 0
	if [ $V1 = 1 ]; then
		_i=0
		while [ -n "$(cat "$1/cgroup.procs")" ] && [ $_i -lt 100 ]; do
			for _p in $(cat "$1/cgroup.procs"); do kill -9 "$_p" 2>/dev/null; done
			sleep 0.05; _i=$((_i + 1))
		done
	elif grep -q '^populated 1' "$1/cgroup.events"; then
		echo 1 >"$1/cgroup.kill"
		_i=0
		while grep -q '^populated 1' "$1/cgroup.events" && [ $_i -lt 100 ]; do
			sleep 0.05; _i=$((_i + 1))
		done
	fi
	rmdir "$1" || { fail "cannot remove cgroup '$1'"; return 1; }
}
cleanup() {
	for _c in $CGS; do cg_rm "$_c"; done
	CGS=
	rm -rf "$T"
}
trap cleanup EXIT

# cgw CG FILE VALUE: write a cgroup file, failing the test with the kernel's reason
cgw() {
	echo "$3" >"$1/$2" || { fail "cannot write '$3' to '$2' in '$1'"; return 1; }
}
# key CG FILE KEY: the value of KEY in a flat keyed file (memory.events, memory.stat)
key() { awk -v k="$3" '$1 == k { print $2; f = 1 } END { if (!f) print "missing" }' "$1/$2"; }
# psi FILE some|full FIELD: one field (avg10, total, ...) of a pressure file
psi() { awk -v l="$2" -v f="$3" '$1 == l { for (i = 2; i <= NF; i++) { split($i, a, "="); if (a[1] == f) print a[2] } }' "$1"; }
# run_in CG CMD...: run CMD inside CG (the shell moves itself, then execs)
run_in() { _cg=$1; shift; sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$_cg" "$@"; }
# wait_line FILE REGEX [TENTHS]: wait until FILE has a matching line (default 10 s)
wait_line() {
	_i=0
	while ! grep -qE "$2" "$1" 2>/dev/null; do
		[ $_i -ge "${3:-100}" ] && return 1
		sleep 0.1; _i=$((_i + 1))
	done
}
# uptime in hundredths of a second (the clock /proc/uptime gives)
up_cs() { awk '{ split($1, a, "."); print a[1] * 100 + a[2] }' /proc/uptime; }
# rel CG: the cgroup path as the kernel prints it (oom_memcg=, /proc/PID/cgroup)
rel() { echo "${1#$CG}"; }
# eater_pid LOG: the pid memeater announced
eater_pid() { sed -n 's/^eat: start pid=\([0-9]*\).*/\1/p' "$1"; }
# kill_line PID COMM: the kernel's kill record for PID, from the whole log buffer
kill_line() { dmesg | grep -E "(Memory cgroup out of memory|Out of memory): Killed process $1 \($2\)"; }
# summary_line PID: the oom-kill: summary line (constraint, oom_memcg, task_memcg) for PID
summary_line() { dmesg | grep -E "oom-kill:.*,pid=$1,"; }

# have_oomlab CMD: the oomlab binary has a working CMD (not a "not implemented yet" stub)
have_oomlab() {
	command -v oomlab >/dev/null || return 1
	oomlab "$1" --help >"$T/help-$1" 2>&1 || return 1
	! grep -q 'not implemented' "$T/help-$1"
}
# has_fd PID REGEX: PID has an open fd whose target matches (a started watcher is ready)
has_fd() { ls -l "/proc/$1/fd" 2>/dev/null | grep -qE "$2"; }
# wait_fd PID REGEX [TENTHS]: wait until PID opened a matching file (default 10 s)
wait_fd() {
	_i=0
	while ! has_fd "$1" "$2"; do
		kill -0 "$1" 2>/dev/null || return 1
		[ $_i -ge "${3:-100}" ] && return 1
		sleep 0.1; _i=$((_i + 1))
	done
}
# cg_limit CG SIZE: the memory limit (memory.max on v2)
cg_limit() { if [ $V1 = 1 ]; then cgw "$1" memory.limit_in_bytes "$2"; else cgw "$1" memory.max "$2"; fi; }
# cg_nest CG: children of CG get the memory controller (v2: subtree_control)
cg_nest() { [ $V1 = 1 ] || cgw "$1" cgroup.subtree_control +memory; }

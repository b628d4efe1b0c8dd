# SPDX-License-Identifier: MIT
# Shared by the scores integration tests (sourced; a helper, not a test): prerequisites, a v1
# memory cgroup of our own, eaters we start and control through fifos, cleanup on exit.
# Safety: the cgroup is created directly under the v1 memory root as oomlab-test-scores-<pid>,
# only our own children are signalled, by pid, and everything is removed on EXIT.

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

scores_prereqs() {
	[ "$(id -u)" = 0 ] || skip "needs root (creates a memory cgroup)"
	MEMROOT=/sys/fs/cgroup/memory
	[ -f $MEMROOT/memory.limit_in_bytes ] || skip "no v1 memory controller at $MEMROOT (this test drives the v1 interface)"
	[ "$(cat /proc/meminfo | awk '/^SwapTotal/ {print $2}')" = 0 ] ||
		skip "swap is on: a memcg OOM would swap first and sizes would not be exact"
	command -v cc >/dev/null || skip "no C compiler for the eater helper"
	WORK=$(mktemp -d /tmp/oomlab-scores.XXXXXX)
	cc -O2 -pthread -o "$WORK/_scores_eater" "$TESTS/integration/_scores_eater.c" || fail "cannot build the eater"
	CG=$MEMROOT/oomlab-test-scores-$$
	CGNAME=/oomlab-test-scores-$$
	mkdir "$CG" || fail "cannot create $CG"
	OURS=() FDS=()
	trap scores_cleanup EXIT
}

scores_cleanup() {
	local p
	for p in "${OURS[@]}"; do kill -9 "$p" 2>/dev/null; done
	for p in "${OURS[@]}"; do wait "$p" 2>/dev/null; done
	# rmdir can race with the exit of the last member: retry briefly
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		[ -d "$CG" ] || break
		rmdir "$CG" 2>/dev/null && break
		sleep 0.1
	done
	[ -d "$CG" ] && echo "warning: could not remove $CG"
	rm -rf "$WORK"
}

# start_eater NAME INITIAL_MIB [MORE_MIB [anon|memfd]]: the process joins $CG before exec.
# Sets EPID (its pid), and fds ${NAME}_in (write: a line makes it grow; close: it exits) and
# ${NAME}_out (read: "ready PID", then "grew").
start_eater() {
	local name=$1; shift
	rm -f "$WORK/$name.in" "$WORK/$name.out"
	mkfifo "$WORK/$name.in" "$WORK/$name.out"
	sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' sh "$CG" "$WORK/_scores_eater" "$@" \
		<"$WORK/$name.in" >"$WORK/$name.out" &
	EPID=$!
	OURS+=("$EPID")
	local wfd rfd line
	exec {wfd}>"$WORK/$name.in"
	exec {rfd}<"$WORK/$name.out"
	eval "${name}_in=$wfd ${name}_out=$rfd"
	FDS+=("$wfd" "$rfd")
	read -r -t 20 -u "$rfd" line || fail "eater $name did not become ready"
	[ "$line" = "ready $EPID" ] || fail "eater $name said '$line', expected 'ready $EPID'"
}

# stop_all: SIGKILL our remaining children, reap them, close their fifos.
stop_all() {
	local p fd
	for p in "${OURS[@]}"; do kill -9 "$p" 2>/dev/null; done
	for p in "${OURS[@]}"; do wait "$p" 2>/dev/null; done
	for fd in "${FDS[@]}"; do eval "exec $fd>&-"; done
	OURS=() FDS=()
}

oom_kills() { awk '/^oom_kill / {print $2}' "$CG/memory.oom_control"; }

# json_num KEY < json : the first integer (or null) of "KEY":
json_num() { sed -n "s/.*\"$1\":\\(-\\{0,1\\}[0-9][0-9]*\\|null\\).*/\\1/p" | head -n1; }

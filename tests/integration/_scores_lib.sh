# SPDX-License-Identifier: MIT
# Shared by the scores integration tests (sourced; a helper, not a test): prerequisites, a v1
# memory cgroup of our own, eaters (`oomlab eat`) we start and control through fifos, a reader of
# the kernel's kill records, cleanup on exit.
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
	command -v python3 >/dev/null || skip "needs python3 (reads the kill records in /dev/kmsg)"
	[ -r /dev/kmsg ] || skip "cannot read /dev/kmsg (the kernel's kill records)"
	WORK=$(mktemp -d /tmp/oomlab-scores.XXXXXX)
	mkdir "$WORK/bin"
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

# start_eater NAME EAT_OPTIONS...: `oomlab eat --rate max -q EAT_OPTIONS` run through a link named
# NAME (its comm), joining $CG before exec. Sets EPID (its pid), and fds ${NAME}_in (write: a
# line makes a --step eater grow; close: it exits) and ${NAME}_out (read: the summary line
# "eat: ..." once --total is eaten, then "step N: ..." after each step). Eaters that only hold
# their memory take --hold (they end by signal; stop_all SIGKILLs them).
start_eater() {
	local name=$1; shift
	rm -f "$WORK/$name.in" "$WORK/$name.out"
	mkfifo "$WORK/$name.in" "$WORK/$name.out"
	[ -L "$WORK/bin/$name" ] || ln -s "$OOMLAB" "$WORK/bin/$name" || fail "cannot link $WORK/bin/$name"
	sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' sh "$CG" "$WORK/bin/$name" eat \
		--rate max -q "$@" <"$WORK/$name.in" >"$WORK/$name.out" &
	EPID=$!
	OURS+=("$EPID")
	local wfd rfd line
	exec {wfd}>"$WORK/$name.in"
	exec {rfd}<"$WORK/$name.out"
	eval "${name}_in=$wfd ${name}_out=$rfd"
	FDS+=("$wfd" "$rfd")
	read -r -t 20 -u "$rfd" line || fail "eater $name ($EPID) did not become ready"
	case $line in "eat: "*) ;; *) fail "eater $name said '$line', expected its summary 'eat: ...'" ;; esac
}

# grow NAME [TIMEOUT]: one line to a --step eater, then its answer in LINE; status 0 when the
# answer is a step line, 1 when it is something else or nothing came within TIMEOUT (20 s).
grow() {
	local in out
	eval "in=\${${1}_in} out=\${${1}_out}"
	echo go >&"$in"
	LINE=
	read -r -t "${2:-20}" -u "$out" LINE || return 1
	case $LINE in "step "*) return 0 ;; *) return 1 ;; esac
}

# kmsg_seq: the sequence number of the newest record in the kernel log.
# kmsg_kills_since SEQ: the pid of each "Killed process N" record after SEQ, in the kernel's order.
kmsg_seq() { _kmsg_read; }
kmsg_kills_since() { _kmsg_read "$1"; }
_kmsg_read() {
	python3 - "$@" <<'EOF'
import errno, os, sys
since = int(sys.argv[1]) if len(sys.argv) > 1 else None
fd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
last = -1
while True:
    try:
        rec = os.read(fd, 8192)
    except BlockingIOError:
        break  # the end of the log
    except OSError as e:
        if e.errno == errno.EPIPE:
            continue  # records overwritten while we read: go on with the next ones
        raise
    if not rec:
        break
    head, _, msg = rec.partition(b";")  # "prio,seq,usec,flags;text"
    last = int(head.split(b",")[1])
    k = msg.find(b"Killed process ")
    if since is not None and last > since and k >= 0:
        print(int(msg[k + len("Killed process "):].split()[0]))
if since is None:
    print(last)
EOF
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

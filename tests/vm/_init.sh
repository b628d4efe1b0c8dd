#!/bin/sh
# SPDX-License-Identifier: MIT
# /init of the oomlab v2 test VM (busybox sh as PID 1; packed by tests/vm/_build.sh).
# Mounts a pure cgroup2 hierarchy, enables the memory controller, runs every /tests/*.sh (the
# guest tests from tests/vm/guest/), sends the results to the host over the SECOND serial port
# (ttyS1; the console ttyS0 carries the kernel log and the tests' output) and powers off.
# Results-port protocol, one line each:
#   VMTEST BEGIN <facts>                  first line
#   LOG <test>| <line>                    every output line of every test
#   RESULT <name> PASS|FAIL|SKIP [reason] one per check
#   VMTEST END tests=N seconds=S          last line: its absence means the run was cut short
# Knobs (kernel command-line words KEY=value become init's environment):
#   VMT_PROBE=1        print "VMTEST PROBE OK" and power off at once (the KVM probe boot)
#   VMT_ONLY=REGEX     run only guest tests whose name matches
#   VMT_TMO=30         per-workload timeout inside a test (seconds)
#   VMT_TEST_TMO=60    hard limit per guest test: then SIGKILL and its cgroups are cleaned up
#                      (a test file can set its own with a line "# vmt-timeout: SECONDS")
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mount -t tmpfs tmpfs /tmp
CG=/sys/fs/cgroup

# the results port: ttyS1 when the VM has one (the host gives it -serial file:...), else console
if grep -q '^1: uart:16550' /proc/tty/driver/serial; then
	stty -F /dev/ttyS1 raw -echo 2>/dev/null
	exec 3>/dev/ttyS1
else
	exec 3>&1
fi
out() { echo "$*" >&3; }
up() { cut -d' ' -f1 /proc/uptime; }
bye() {
	out "VMTEST END tests=${NT:-0} seconds=$(up)"
	exec 3>&- # the last close of the tty waits until the UART has drained
	sync
	poweroff -f
}

out "VMTEST BEGIN kernel=$(uname -r) uptime=$(up) nproc=$(nproc) $(grep MemTotal /proc/meminfo | tr -s ' ')"
if [ "$VMT_PROBE" = 1 ]; then
	out "VMTEST PROBE OK"
	bye
fi

# ---- the cgroup layout: VMT_LAYOUT=v2 (default), psi0 (v2, psi=0), v1 (only v1 hierarchies:
# memory, cpu,cpuacct, pids), hybrid (v1 controllers + cgroup2 at unified/ with none, like
# systemd's hybrid mode) ----
FAILS=
export VMT_LAYOUT=${VMT_LAYOUT:-v2}
case $VMT_LAYOUT in
v1 | hybrid)
	mount -t tmpfs -o mode=755 cgroup $CG || FAILS="$FAILS mount-tmpfs"
	for c in memory cpu,cpuacct pids; do
		mkdir -p $CG/$c && mount -t cgroup -o $c cgroup $CG/$c || FAILS="$FAILS mount-v1-$c"
	done
	if [ $VMT_LAYOUT = hybrid ]; then
		mkdir -p $CG/unified && mount -t cgroup2 -o nsdelegate cgroup2 $CG/unified || FAILS="$FAILS mount-unified"
		# controllers no v1 hierarchy took (io, ...) show up there; memory must not
		grep -qw memory $CG/unified/cgroup.controllers && FAILS="$FAILS memory-on-unified"
	fi
	grep -qw cgroup_no_v1=all /proc/cmdline && FAILS="$FAILS cgroup_no_v1=all-set"
	[ -f $CG/memory/memory.limit_in_bytes ] || FAILS="$FAILS no-v1-memory"
	;;
*)
mount -t cgroup2 -o nsdelegate,memory_recursiveprot cgroup2 $CG || FAILS="$FAILS mount-cgroup2"
echo +memory >$CG/cgroup.subtree_control || FAILS="$FAILS enable-memory"
grep -qw memory $CG/cgroup.subtree_control || FAILS="$FAILS memory-not-in-subtree_control"
grep -qw cgroup_no_v1=all /proc/cmdline || FAILS="$FAILS no-cgroup_no_v1=all"
# with cgroup_no_v1=all no v1 hierarchy can be mounted: the memory controller must be on v2
mkdir -p /tmp/v1 && mount -t cgroup -o memory none /tmp/v1 2>/dev/null && {
	FAILS="$FAILS v1-memory-mountable"
	umount /tmp/v1
}
	;;
esac
if [ "$VMT_LAYOUT" = psi0 ]; then
	# psi=0: the files exist, reads fail (EOPNOTSUPP)
	cat /proc/pressure/memory >/dev/null 2>&1 && FAILS="$FAILS psi-readable-with-psi=0"
else
	cat /proc/pressure/memory >/dev/null || FAILS="$FAILS psi-unreadable"
fi
out "LOG boot| mounts: $(grep cgroup /proc/mounts | tr '\n' ' ')"
out "LOG boot| controllers: $(cat $CG/cgroup.controllers 2>/dev/null) subtree_control: $(cat $CG/cgroup.subtree_control 2>/dev/null)"
out "LOG boot| /proc/pressure/memory: $(tr '\n' ' ' </proc/pressure/memory 2>&1)"
out "LOG boot| cmdline: $(cat /proc/cmdline)"
if [ -z "$FAILS" ]; then out "RESULT $VMT_LAYOUT/boot PASS"; else out "RESULT $VMT_LAYOUT/boot FAIL$FAILS"; fi

# leftovers: every cgroup below the root, deepest first
leftovers() {
	case $VMT_LAYOUT in
	v1 | hybrid) for d in $CG/*/; do find "$d" -mindepth 1 -type d; done | sort -r ;;
	*) find $CG -mindepth 1 -type d | sort -r ;;
	esac
}
clean_cg() {
	echo 1 >"$1/cgroup.kill" 2>/dev/null
	[ -f "$1/cgroup.events" ] || for p in $(cat "$1/cgroup.procs" 2>/dev/null); do kill -9 "$p"; done
	i=0
	while grep -q '^populated 1' "$1/cgroup.events" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
	rmdir "$1"
}

NT=0 LEFT=
for t in /tests/*.sh; do
	name=$(basename "$t" .sh)
	case $name in _*) continue ;; esac
	if [ -n "$VMT_ONLY" ] && ! echo "$name" | grep -qE "$VMT_ONLY"; then continue; fi
	NT=$((NT + 1))
	log=/tmp/log.$name
	echo "===== guest test $name (uptime $(up)s) ====="
	t0=$(up)
	# a test may ask for its own limit with a line "# vmt-timeout: SECONDS"
	tmo=$(sed -n 's/^# vmt-timeout: *\([0-9][0-9]*\)$/\1/p' "$t")
	(cd /tmp && exec timeout -s KILL "${tmo:-${VMT_TEST_TMO:-60}}" sh "$t") >"$log" 2>&1
	rc=$?
	took=$(awk "BEGIN { printf \"%.2f\", $(up) - $t0 }")
	echo "===== $name: exit $rc after ${took}s"
	while IFS= read -r l; do
		echo "$name| $l"
		out "LOG $name| $l"
	done <"$log"
	out "LOG $name| (guest test exit status $rc after ${took} s)"
	grep '^RESULT ' "$log" >&3 || out "RESULT $name FAIL no RESULT line (exit status $rc)"
	if [ $rc -ne 0 ] && grep -q '^RESULT ' "$log"; then
		out "RESULT $name-exit FAIL the test script exited with status $rc"
	fi
	l=$(leftovers | tr '\n' ' ')
	if [ -n "$l" ]; then
		out "RESULT $name-cleanup FAIL cgroups left behind: $l"
		LEFT="$LEFT $l"
		for c in $l; do clean_cg "$c"; done
	fi
done

if [ -z "$LEFT" ] && [ -z "$(leftovers)" ]; then
	out "RESULT no-cgroup-left PASS"
else
	out "RESULT no-cgroup-left FAIL left behind:$LEFT $(leftovers | tr '\n' ' ')"
fi
bye

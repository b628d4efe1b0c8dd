#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The tracefs source (no libbpf): memcg OOM kills in a nested v1 memcg reported with pid, comm,
# the cgroups read after the fact, and its private trace instance removed on exit, on SIGTERM
# and on SIGINT; an instance left by a SIGKILLed oomlab (its lock free) is removed at the next
# start, a locked one and a legacy one are not.
# The instances are looked at through a tracefs mounted in a private mount namespace of the test's
# own (tracefs is one file system: an instance made through any mount is in all of them), so the
# test neither needs nor leaves a tracefs mount; oomlab itself mounts nothing others can see.
set -u
. "$(dirname "$0")/_oomkill.sh"
oom_need_root
need_python
oom_setup tracefs 64M
tmp=$(mktemp -d); trap 'oom_cleanup; rm -rf "$tmp"' EXIT
N=5
command -v unshare >/dev/null || { echo "SKIP: unshare (util-linux) not installed"; exit 77; }
command -v flock >/dev/null || { echo "SKIP: flock (util-linux) not installed"; exit 77; }
# in_tracefs CMD: run the shell command CMD in tracefs's top directory, seen in a private mount
in_tracefs() {
	unshare -m --propagation private sh -c '{ [ -d /sys/kernel/tracing/instances ] ||
		mount -t tracefs nodev /sys/kernel/tracing; } && cd /sys/kernel/tracing && eval "$1"' \
		in-tracefs "$1"
}
mounts_before=$(grep -cE ' - (tracefs|debugfs) ' /proc/self/mountinfo)
# a stale instance: an owned name nobody holds the lock of; a live one: the same form, locked by
# a process of ours (another pid namespace would look the same); a legacy "oomlab-<pid>" whose pid
# is gone: cannot be proved stale, left alone
sh -c 'exit 0' & dead=$!; wait $dead
stale=instances/oomlab-$dead-0-0badf00d
live=instances/oomlab-1-0-1234abcd
legacy=instances/oomlab-$dead
trap 'kill $holder 2>/dev/null; in_tracefs "rmdir $stale $live $legacy 2>/dev/null; true"; oom_cleanup; rm -rf "$tmp"' EXIT
holder=
in_tracefs "mkdir $stale $live $legacy" ||
	{ echo "cannot create instances through a private tracefs mount"; exit 1; }
in_tracefs "exec 9<$live && flock -s 9 && exec sleep 120" & holder=$!
sleep 0.3
watch_start "$tmp/out" "$tmp/err" --source tracefs --json --no-kmsg --timeout 60s
bad=
in_tracefs "test -d $stale" && bad="stale instance '$stale' not removed"
in_tracefs "test -d $live" || bad="$bad; live (locked) instance '$live' removed"
in_tracefs "test -d $legacy" || bad="$bad; legacy instance '$legacy' (no proof) removed"
kill $holder 2>/dev/null; wait $holder 2>/dev/null
in_tracefs "rmdir $stale $live $legacy 2>/dev/null; true"
if [ -n "$bad" ]; then
	echo "$bad"; exit 1
fi
cat "$tmp/err"
inst=$(sed -n 's/.*trace instance \([^,]*\),.*/\1/p' "$tmp/err")
case $inst in instances/oomlab-[0-9]*) ;; *) echo "unexpected instance name '$inst'"; exit 1 ;; esac
in_tracefs "test -d $inst" || { echo "no trace instance '$inst'"; exit 1; }
pids=
for i in $(seq 1 $N); do pids="$pids $(oom_eat 2>/dev/null)"; done
watch_until "$tmp/out" "$pids" || exit 1
check_events "$tmp/out" "$pids" tracefs true || exit 1
! in_tracefs "test -d $inst" || { echo "instance '$inst' left behind"; exit 1; }
for sig in TERM INT; do
	watch_start "$tmp/out" "$tmp/err" --source tracefs --json
	inst=$(sed -n 's/.*trace instance \([^,]*\),.*/\1/p' "$tmp/err")
	in_tracefs "test -d $inst" || { echo "no trace instance '$inst'"; exit 1; }
	kill -$sig $WATCHER
	wait $WATCHER; st=$?; WATCHER=
	[ $st = 0 ] || { echo "SIG$sig: exit status $st"; exit 1; }
	! in_tracefs "test -d $inst" || { echo "SIG$sig: instance '$inst' left behind"; exit 1; }
done
echo "instances removed on exit, SIGTERM and SIGINT"
mounts_after=$(grep -cE ' - (tracefs|debugfs) ' /proc/self/mountinfo)
[ "$mounts_after" = "$mounts_before" ] ||
	{ echo "tracefs/debugfs mounts: $mounts_before before, $mounts_after after"; exit 1; }
# where tracefs is not mounted, oomlab says it used a private mount, not the host's
if [ "$mounts_before" = 0 ]; then
	grep -q 'private detached tracefs mount\|private temporary directory' "$tmp/err" ||
		{ echo "no private mount named: $(cat "$tmp/err")"; exit 1; }
fi

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The tracefs source (no libbpf): memcg OOM kills in a nested v1 memcg reported with pid, comm,
# the cgroups read after the fact, and its private trace instance removed on exit, on SIGTERM
# and on SIGINT; an instance left by a SIGKILLed oomlab (its lock free) is removed at the next
# start, a locked one and a legacy one are not.
set -u
. "$(dirname "$0")/_oomkill.sh"
oom_need_root
need_python
oom_setup tracefs 64M
tmp=$(mktemp -d); trap 'oom_cleanup; rm -rf "$tmp"' EXIT
N=5
# a stale instance: an owned name nobody holds the lock of; a live one: the same form, locked by
# a process of ours (another pid namespace would look the same); a legacy "oomlab-<pid>" whose pid
# is gone: cannot be proved stale, left alone
sh -c 'exit 0' & dead=$!; wait $dead
stale= live= legacy= holder=
# the source mounts tracefs itself (and leaves it mounted); do it first to plant the instances
[ -d /sys/kernel/tracing/instances ] || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
if [ -d /sys/kernel/tracing/instances ]; then
	stale=/sys/kernel/tracing/instances/oomlab-$dead-0-0badf00d
	live=/sys/kernel/tracing/instances/oomlab-1-0-1234abcd
	legacy=/sys/kernel/tracing/instances/oomlab-$dead
	mkdir "$stale" "$live" "$legacy" || exit 1
	flock -s "$live" sleep 120 & holder=$!
	sleep 0.2
fi
watch_start "$tmp/out" "$tmp/err" --source tracefs --json --no-kmsg --timeout 60s
if [ -n "$stale" ]; then
	bad=
	[ -d "$stale" ] && bad="stale instance '$stale' not removed"
	[ -d "$live" ] || bad="$bad; live (locked) instance '$live' removed"
	[ -d "$legacy" ] || bad="$bad; legacy instance '$legacy' (no proof) removed"
	kill $holder 2>/dev/null; wait $holder 2>/dev/null
	rmdir "$stale" "$live" "$legacy" 2>/dev/null
	[ -z "$bad" ] || { echo "$bad"; exit 1; }
fi
cat "$tmp/err"
inst=$(sed -n 's/.*trace instance \([^,]*\),.*/\1/p' "$tmp/err")
[ -d "$inst" ] || { echo "no trace instance '$inst'"; exit 1; }
pids=
for i in $(seq 1 $N); do pids="$pids $(oom_eat 2>/dev/null)"; done
watch_until "$tmp/out" "$pids" || exit 1
check_events "$tmp/out" "$pids" tracefs true || exit 1
[ ! -d "$inst" ] || { echo "instance '$inst' left behind"; exit 1; }
for sig in TERM INT; do
	watch_start "$tmp/out" "$tmp/err" --source tracefs --json
	inst=$(sed -n 's/.*trace instance \([^,]*\),.*/\1/p' "$tmp/err")
	[ -d "$inst" ] || { echo "no trace instance '$inst'"; exit 1; }
	kill -$sig $WATCHER
	wait $WATCHER; st=$?; WATCHER=
	[ $st = 0 ] || { echo "SIG$sig: exit status $st"; exit 1; }
	[ ! -d "$inst" ] || { echo "SIG$sig: instance '$inst' left behind"; exit 1; }
done
echo "instances removed on exit, SIGTERM and SIGINT"

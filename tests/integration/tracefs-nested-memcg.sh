#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The tracefs source (no libbpf): memcg OOM kills in a nested v1 memcg reported with pid, comm,
# the cgroups read after the fact, and its private trace instance removed on exit, on SIGTERM
# and on SIGINT; an instance left by a SIGKILLed oomlab (pid gone) is removed at the next start.
set -u
. "$(dirname "$0")/_oomkill.sh"
oom_need_root
need_python
oom_setup tracefs 64M
tmp=$(mktemp -d); trap 'oom_cleanup; rm -rf "$tmp"' EXIT
N=5
# a stale instance: named after a pid of ours that has been reaped (tracefs mounted by then?)
sh -c 'exit 0' & dead=$!; wait $dead
stale=
if [ -d /sys/kernel/tracing/instances ]; then
	stale=/sys/kernel/tracing/instances/oomlab-$dead
	mkdir "$stale" || exit 1
fi
watch_start "$tmp/out" "$tmp/err" --source tracefs --json --no-kmsg --timeout 60s
if [ -n "$stale" ] && [ -d "$stale" ]; then
	echo "stale instance '$stale' not removed"; rmdir "$stale"; exit 1
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

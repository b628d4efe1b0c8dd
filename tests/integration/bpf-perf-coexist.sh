#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The classic tracepoint program returns 1: a tracepoint BPF program that returns 0 drops the
# event for every perf user of oom:mark_victim. With oomlab attached there, `perf stat` must still
# count each kill. perf mounts tracefs at /sys/kernel/tracing when none is mounted (to find the
# event) and leaves it: it runs in a private mount namespace of its own, so nothing is left.
set -u
. "$(dirname "$0")/_oomkill.sh"
oom_need_root
command -v perf >/dev/null || { echo "SKIP: perf not installed (apt-get install linux-perf)"; exit 77; }
command -v unshare >/dev/null || { echo "SKIP: unshare (util-linux) not installed"; exit 77; }
oom_setup bpfperf 64M
tmp=$(mktemp -d); trap 'oom_cleanup; rm -rf "$tmp"' EXIT
N=3
watch_start "$tmp/out" "$tmp/err" --source bpf --bpf-attach=tracepoint --json --no-kmsg \
	--timeout 60s
unshare -m --propagation private perf stat -x, -e oom:mark_victim -a -o "$tmp/perf" -- sh -c '
	. "$1"; CG=$2; CGB=$3; EATER=$4
	for i in $(seq 1 '$N'); do oom_eat >/dev/null 2>&1; done' perf-eat \
	"$(dirname "$0")/_oomkill.sh" "$CG" "$CGB" "$EATER" || { echo "perf stat failed"; exit 1; }
kill -INT $WATCHER; wait $WATCHER; WATCHER=
count=$(grep 'oom:mark_victim' "$tmp/perf" | cut -d, -f1)
echo "perf counted ${count:-nothing}, oomlab saw $(grep -c . "$tmp/out")"
case $count in ''|*[!0-9]*) echo "SKIP: perf cannot count tracepoints here"; exit 77 ;; esac
# other OOM kills on this host may add to the count, never subtract
[ "$count" -ge $N ] || { echo "perf saw $count < $N kills: the BPF program hid them"; exit 1; }

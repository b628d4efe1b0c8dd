#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# 20 memcg OOM kills in /oomlab-test-bpf-PID/b under a 64M limit on /oomlab-test-bpf-PID: the BPF
# source reports each one with pid, comm, task_memcg .../b, oom_memcg ... and its 64 MiB limit,
# read in the kernel (not after the fact).
set -u
. "$(dirname "$0")/_oomkill.sh"
oom_need_root
need_python
oom_setup bpf 64M
tmp=$(mktemp -d); trap 'oom_cleanup; rm -rf "$tmp"' EXIT
N=20
watch_start "$tmp/out" "$tmp/err" --source bpf --json --no-kmsg --timeout 60s
cat "$tmp/err"
pids=
for i in $(seq 1 $N); do
	p=$(oom_eat 2>/dev/null) || { echo "eater $p was not killed"; exit 1; }
	pids="$pids $p"
done
watch_until "$tmp/out" "$pids" || { cat "$tmp/err"; exit 1; }
check_events "$tmp/out" "$pids" bpf false

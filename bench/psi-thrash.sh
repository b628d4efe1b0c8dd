#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# How fast `oomlab psi` sees a page-cache thrash (KERNEL-NOTES §6): a 96 MiB file read at random
# by two readers inside a 64 MiB cgroup, written and dropped from the page cache from outside.
# Measures, over ROUNDS fresh thrashes: the time from the readers' start to the first
# non-healthy `psi --watch` line (and avg10 on that line), the time `psi --wait 'some
# 100ms/2s'` takes to return 0, and that the same wait on an idle cgroup times out (exit 1).
# Creates oomlab-test-psi-bench-<pid> under the memory and cgroup2 roots; removes it on exit.
# Usage: bench/psi-thrash.sh [ROUNDS=5]   (OOMLAB=path/to/oomlab). Needs root and python3.
set -u
ROUNDS=${1:-5}
here=$(cd "$(dirname "$0")" && pwd)
OOMLAB=${OOMLAB:-$here/../oomlab}
v1=$(awk '$9=="cgroup" && $NF ~ /(^|,)memory(,|$)/ {print $5; exit}' /proc/self/mountinfo)
v2=$(awk '$9=="cgroup2" {print $5; exit}' /proc/self/mountinfo)
name=oomlab-test-psi-bench-$$
idle=oomlab-test-psi-bidle-$$
if [ -n "$v1" ]; then M=$v1/$name; else M=$v2/$name; fi
U=$v2/$name
f=/var/tmp/oomlab-test-psi-bench-$$.dat
pids=()
stop_readers() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	pids=()
}
cleanup() {
	stop_readers
	for d in "$U" "$M" "$v2/$idle"; do
		for k in 1 2 3 4 5 6 7 8 9 10; do rmdir "$d" 2>/dev/null && break; [ -d "$d" ] || break; sleep 0.2; done
	done
	rm -f "$f"
}
trap cleanup EXIT
mkdir "$M" && { [ "$M" = "$U" ] || mkdir "$U"; } || exit 1
if [ -n "$v1" ]; then echo 64M >"$M/memory.limit_in_bytes"; else echo 64M >"$M/memory.max"; fi
mkdir "$v2/$idle"
dd if=/dev/urandom of="$f" bs=1M count=96 conv=fsync status=none
echo "machine: $(uname -r), $(nproc) CPU; date $(date -u +%Y-%m-%dT%H:%MZ); cgroup $name (64 MiB), file 96 MiB, 2 random 4 KiB readers"
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
start_thrash() {
	python3 -c "import os; fd=os.open('$f', os.O_RDONLY); os.posix_fadvise(fd,0,0,os.POSIX_FADV_DONTNEED)"
	sync
	for i in 1 2; do
		python3 -c "
import os,random
pid=str(os.getpid())
open('$M/cgroup.procs','w').write(pid)
if '$M' != '$U': open('$U/cgroup.procs','w').write(pid)
fd=os.open('$f',os.O_RDONLY); n=os.fstat(fd).st_size//4096
while True: os.pread(fd,4096,random.randrange(n)*4096)
" &
		pids+=($!)
	done
}
for r in $(seq 1 "$ROUNDS"); do
	# let the previous round's pressure decay out of the interval shares (not of avg10)
	sleep 3
	t0=$(date +%s%N)
	"$OOMLAB" psi "/$name" --watch --json -i 500ms -n 12 >/tmp/oomlab-psi-bench-$$.json &
	wp=$!
	start_thrash
	wait "$wp"
	first=$(python3 - "/tmp/oomlab-psi-bench-$$.json" <<'PY'
import json, sys
for i, line in enumerate(open(sys.argv[1])):
    d = json.loads(line)
    if d["verdict"] != "healthy":
        s = d["psi"]["some"]
        print(f"line {i+1} ({(i+1)*0.5:.1f} s): {d['verdict']}, some share {s['share']} %, avg10 {s['avg10']} %, full share {d['psi']['full']['share']} % ({d['reason']})")
        break
else:
    print("never non-healthy")
PY
)
	# armed during the thrash (it has been running for the 6 s of the watch above)
	t1=$(date +%s%N)
	"$OOMLAB" psi --wait 'some 100ms/2s' --timeout 10s "/$name" >/dev/null 2>&1
	rc=$?
	wt=$(ms "$t1")
	stop_readers
	# armed on the quiet cgroup, then the thrash starts: includes the refill of the cgroup
	sleep 3
	t1=$(date +%s%N)
	"$OOMLAB" psi --wait 'some 100ms/2s' --timeout 10s "/$name" >/dev/null 2>&1 &
	wp=$!
	start_thrash
	wait "$wp"
	rc2=$?
	wt2=$(ms "$t1")
	stop_readers
	echo "round $r: watch: first non-healthy at $first"
	echo "round $r: wait armed during the thrash: exit $rc after $wt ms; armed before it starts: exit $rc2 after $wt2 ms"
done
rm -f /tmp/oomlab-psi-bench-$$.json
t1=$(date +%s%N)
"$OOMLAB" psi --wait 'some 100ms/2s' --timeout 3s "/$idle" >/dev/null 2>&1
echo "idle cgroup: --wait 'some 100ms/2s' --timeout 3s: exit $? after $(ms "$t1") ms"

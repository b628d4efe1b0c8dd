#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# How long does `oomlab scores --all` take on a host with N (default 5000) processes?
# Starts N sleeping processes of our own (killed afterwards, by pid), then times R runs
# (default 20) of each command and prints min / median / max in ms, side by side:
#   oomlab scores --all --json     (default source: one BPF task-iterator pass, when it loads)
#   oomlab scores --all --json --source proc (status, oom_score_adj and oom_score of every pid)
#   ps -eo pid,oom,oomadj         (the baseline; "oom" is procps-ng's oom_score: procps reads stat/status and oom_score)
# Reference: nohang's victim search was measured at 590 ms (nohang issue #85).
# Wall times include /usr/bin/time's fork+exec (~1 ms); "cpu" is user+sys of the command (10 ms
# resolution), which other load on the machine inflates less than wall time.
# BENCH_NICE=1 adds the same runs at nice -20 (root): on a shared machine, a proxy for idle.
# Usage: bench/scores-5000.sh [N] [RUNS]   (OOMLAB=path/to/oomlab)
set -u
N=${1:-5000}
RUNS=${2:-20}
here=$(cd "$(dirname "$0")" && pwd)
OOMLAB=${OOMLAB:-$here/../oomlab}
[ -x "$OOMLAB" ] || { echo "build oomlab first (make)"; exit 1; }

pids=()
tf=$(mktemp /tmp/oomlab-bench.XXXXXX)
cleanup() {
	rm -f "$tf"
	local p
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
}
trap cleanup EXIT

for ((i = 0; i < N; i++)); do
	sleep 3600 &
	pids+=($!)
done
total=$(ls /proc | grep -c '^[0-9]')
echo "host: $(uname -r), $(nproc) CPU, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo); processes now: $total ($N ours)"

timeit() { # label cmd... -> min/median/max wall ms of RUNS runs, median CPU (user+sys) ms
	local label=$1; shift
	local t=() c=() i t0 t1 cpu
	"$@" >/dev/null 2>&1 # warm the dentry cache once
	for ((i = 0; i < RUNS; i++)); do
		t0=$(date +%s%N)
		/usr/bin/time -o "$tf" -f '%U %S' "$@" >/dev/null 2>&1
		cpu=$(tail -n1 "$tf")
		t1=$(date +%s%N)
		t+=($(( (t1 - t0) / 1000 )))
		c+=($(echo "$cpu" | awk '{printf "%d", ($1 + $2) * 1000000}'))
	done
	local cmed=$(printf '%s\n' "${c[@]}" | sort -n | awk -v n="$RUNS" '{v[NR] = $1} END {print v[int((n + 1) / 2)] / 1000}')
	printf '%s\n' "${t[@]}" | sort -n | awk -v label="$label" -v n="$RUNS" -v cpu="$cmed" '
		{ v[NR] = $1 }
		END { printf "%-34s wall min %6.1f ms  median %6.1f ms  max %6.1f ms | cpu median %5.0f ms (%d runs)\n",
			label, v[1] / 1000, v[int((n + 1) / 2)] / 1000, v[n] / 1000, cpu, n }'
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine inflates every figure)"
src=$("$OOMLAB" scores --all --json | sed -n 's/.*"source":"\([^"]*\)".*/\1/p')
echo "default source here: $src"
timeit "oomlab scores --all --json" "$OOMLAB" scores --all --json
timeit "oomlab scores --all (text)" "$OOMLAB" scores --all
timeit "oomlab scores --all --json --source proc" "$OOMLAB" scores --all --json --source proc
timeit "ps -eo pid,oom,oomadj" ps -eo pid,oom,oomadj
timeit "oomlab scores --all --json, 1 CPU" taskset -c 0 "$OOMLAB" scores --all --json
timeit "... --source proc, 1 CPU" taskset -c 0 "$OOMLAB" scores --all --json --source proc
if [ "${BENCH_NICE:-0}" = 1 ]; then
	# On a shared machine: the same commands at nice -20, so other work (nice 0) barely gets
	# the CPUs while they run. A proxy for an idle host, labelled as such.
	timeit "nice -20 oomlab scores --all --json" nice -n -20 "$OOMLAB" scores --all --json
	timeit "nice -20 ps -eo pid,oom,oomadj" nice -n -20 ps -eo pid,oom,oomadj
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

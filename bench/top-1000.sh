#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Cost of `oomlab top` with 1,000 cgroups: one `top --json` snapshot (wall time), and
# `top --interval 1s` over DURATION seconds (CPU from /proc/PID/stat utime+stime, RSS from
# /proc/PID/status VmHWM), side by side with a plain shell loop reading the same files.
# Creates oomlab-bench-<i> (i = 1..N) directly under the v1 memory root and the cgroup2 root
# (or only the cgroup2 root on a v2 host) and removes them on exit. Needs root.
# Usage: bench/top-1000.sh [N=1000] [DURATION=30]   (OOMLAB=path/to/oomlab)
set -u
N=${1:-1000}
DUR=${2:-30}
here=$(cd "$(dirname "$0")" && pwd)
OOMLAB=${OOMLAB:-$here/../oomlab}
[ "$(id -u)" = 0 ] || { echo "needs root"; exit 1; }
v1=$(awk '$9=="cgroup" && $NF ~ /(^|,)memory(,|$)/ {print $5; exit}' /proc/self/mountinfo)
v2=$(awk '$9=="cgroup2" {print $5; exit}' /proc/self/mountinfo)
roots=()
[ -n "$v1" ] && roots+=("$v1")
[ -n "$v2" ] && roots+=("$v2")
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	for r in "${roots[@]}"; do
		for i in $(seq 1 "$N"); do rmdir "$r/oomlab-bench-$i" 2>/dev/null; done
	done
}
trap cleanup EXIT
for r in "${roots[@]}"; do
	if ls -d "$r"/oomlab-bench-* >/dev/null 2>&1; then
		echo "oomlab-bench-* already exist in $r: another bench running?"; exit 1
	fi
	for i in $(seq 1 "$N"); do mkdir "$r/oomlab-bench-$i"; done
done
ncg=$("$OOMLAB" top --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])')
hz=$(getconf CLK_TCK)
echo "machine: $(uname -r), $(nproc) CPU, $(awk '/MemTotal/ {print int($2/1024/1024+0.5) " GiB"}' /proc/meminfo), layout $("$OOMLAB" top --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["layout"])')"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ); cgroups seen by top: $ncg"

# the reference: a plain shell loop over the same files top reads (usage, limit, peak,
# oom_control in the memory tree; memory.pressure in the cgroup2 tree)
shell_pass() {
	local d
	if [ -n "$v1" ]; then
		for d in $(find "$v1" -type d); do
			cat "$d/memory.usage_in_bytes" "$d/memory.limit_in_bytes" \
				"$d/memory.max_usage_in_bytes" "$d/memory.oom_control" >/dev/null 2>&1
		done
	else
		for d in $(find "$v2" -type d); do
			cat "$d/memory.current" "$d/memory.max" "$d/memory.high" "$d/memory.peak" \
				"$d/memory.events" >/dev/null 2>&1
		done
	fi
	if [ -n "$v2" ]; then
		for d in $(find "$v2" -type d); do cat "$d/memory.pressure" >/dev/null 2>&1; done
	fi
}

snap() { # runs cmd...: median of runs, ms
	local t0 t1 v=() runs=$1
	shift
	for k in $(seq 1 "$runs"); do
		t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N)
		v+=($(( (t1 - t0) / 1000 )))
	done
	printf '%s\n' "${v[@]}" | sort -n | awk '{a[NR]=$1} END {printf "median %.1f ms, min %.1f ms, max %.1f ms", a[int((NR+1)/2)]/1000, a[1]/1000, a[NR]/1000}'
}

echo
echo "== one snapshot of $ncg cgroups"
if command -v hyperfine >/dev/null; then
	hyperfine -N -w 3 -r 30 "$OOMLAB top --json" 2>&1 | sed -n '1,3p'
	command -v psi-top >/dev/null && hyperfine -N -w 1 -r 10 "psi-top" 2>&1 | sed -n '1,3p'
fi
echo "oomlab top --json (20 runs):       $(snap 20 "$OOMLAB" top --json)"
command -v psi-top >/dev/null &&
	echo "nohang psi-top (10 runs, PSI only): $(snap 10 psi-top)"
echo "shell loop, same files (5 runs):   $(snap 5 shell_pass)"

cpu_of() { # pid -> utime+stime ticks
	awk '{print $14 + $15}' "/proc/$1/stat"
}

echo
echo "== refreshing for ${DUR}s at 1s"
"$OOMLAB" top --interval 1s >/dev/null &
tp=$!
pids+=("$tp")
sleep 2
c0=$(cpu_of "$tp"); t0=$(date +%s%N)
sleep "$DUR"
c1=$(cpu_of "$tp"); t1=$(date +%s%N)
wall=$(( (t1 - t0) / 1000 ))
rss=$(awk '/VmHWM/ {print $2}' "/proc/$tp/status")
rsscur=$(awk '/VmRSS/ {print $2}' "/proc/$tp/status")
echo "oomlab top --interval 1s:   CPU $(awk -v c=$((c1 - c0)) -v hz="$hz" -v w="$wall" 'BEGIN {printf "%.2f %% of one core", c / hz * 1e6 / w * 100}') (${c0}->${c1} ticks over $((wall / 1000)) ms), RSS ${rsscur} KiB (peak ${rss} KiB)"
kill "$tp"
# on a terminal (the usual case): only the rows that fit are printed
if command -v script >/dev/null; then
	pf=$(mktemp /tmp/oomlab-bench-pid.XXXXXX)
	script -qfc "stty rows 50 cols 150; echo \$\$ > $pf; exec $OOMLAB top --interval 1s" /dev/null >/dev/null &
	pids+=($!)
	sleep 2
	tp=$(cat "$pf"); rm -f "$pf"
	c0=$(cpu_of "$tp"); t0=$(date +%s%N)
	sleep "$DUR"
	c1=$(cpu_of "$tp"); t1=$(date +%s%N)
	wall=$(( (t1 - t0) / 1000 ))
	echo "same on a terminal (pty):   CPU $(awk -v c=$((c1 - c0)) -v hz="$hz" -v w="$wall" 'BEGIN {printf "%.2f %% of one core", c / hz * 1e6 / w * 100}'), RSS $(awk '/VmRSS/ {print $2}' "/proc/$tp/status") KiB"
	kill "$tp"
fi
# the shell loop's CPU: its children come and go, so use the bash subshell's own and its
# reaped children's ticks (utime+stime+cutime+cstime)
( while :; do shell_pass; sleep 1; done ) &
sp=$!
pids+=("$sp")
sleep 2
s0=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$sp/stat"); t0=$(date +%s%N)
sleep "$DUR"
s1=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$sp/stat"); t1=$(date +%s%N)
wall=$(( (t1 - t0) / 1000 ))
echo "shell loop every 1s:        CPU $(awk -v c=$((s1 - s0)) -v hz="$hz" -v w="$wall" 'BEGIN {printf "%.2f %% of one core", c / hz * 1e6 / w * 100}')"
kill "$sp"
if command -v psi-top >/dev/null; then
	( while :; do psi-top >/dev/null; sleep 1; done ) &
	sp=$!
	pids+=("$sp")
	sleep 2
	s0=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$sp/stat"); t0=$(date +%s%N)
	sleep "$DUR"
	s1=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$sp/stat"); t1=$(date +%s%N)
	wall=$(( (t1 - t0) / 1000 ))
	echo "psi-top every 1s (PSI only): CPU $(awk -v c=$((s1 - s0)) -v hz="$hz" -v w="$wall" 'BEGIN {printf "%.2f %% of one core", c / hz * 1e6 / w * 100}')"
	kill "$sp"
fi

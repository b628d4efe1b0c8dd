#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Random signals against run, doctor, watch (--source tracefs) and lab for N iterations, then
# counts leaks: anything the sweeps removed that pids it started did not make, cgroups (owned names whose owner lock is free, after one `doctor --clean` for the
# SIGKILLed ones), processes this script started, tracefs instances, BPF programs.
# Usage: bench/soak-signals.sh [N]   (root; prints one line per leak and a summary)
set -u
N=${1:-100}
OOMLAB=${OOMLAB:-$(cd "$(dirname "$0")/.." && pwd)/oomlab}
[ "$(id -u)" = 0 ] || { echo "needs root"; exit 77; }
SIGS=(INT TERM HUP QUIT USR1 USR2 ALRM PIPE KILL)
P=oomlab-soak-$$
for t in /sys/fs/cgroup/memory /sys/fs/cgroup/unified; do [ -d $t ] && mkdir -p $t/$P; done
# interrupted: the started processes end by themselves (5 s at most); the parent goes if empty
trap 'for t in /sys/fs/cgroup/memory /sys/fs/cgroup/unified; do rmdir $t/$P 2>/dev/null; done' EXIT
bpf_before=$(bpftool prog show 2>/dev/null | grep -cE 'oom|cgiter' || true)
leaks=0 killed=0 sent=0 started=
owned_left() { # cgroups under $P and instances whose lock nobody holds
	for d in /sys/fs/cgroup/memory/$P/oomlab-* /sys/fs/cgroup/unified/$P/oomlab-*; do
		[ -d "$d" ] || continue
		flock -xn "$d" true 2>/dev/null && echo "$d"
	done
	# trace instances: tracefs is often not mounted (a fresh host; watch then uses a private
	# mount of its own), so look through a private mount namespace that mounts it
	unshare -m --propagation private sh -c '
		grep -q " /sys/kernel/tracing " /proc/self/mountinfo ||
			mount -t tracefs nodev /sys/kernel/tracing || exit 0
		for d in /sys/kernel/tracing/instances/oomlab-*-*-*; do
			[ -d "$d" ] || continue
			flock -xn "$d" true 2>/dev/null && echo "$d"
		done'
	# doctor's probe and the lab's cgroups live at the root: only those of pids we started
	for p in $started; do
		for d in /sys/fs/cgroup/memory/oomlab-$p-* /sys/fs/cgroup/unified/oomlab-$p-*; do
			[ -d "$d" ] && echo "$d"
		done
	done
}
for i in $(seq 1 "$N"); do
	case $((RANDOM % 4)) in
	0) "$OOMLAB" run -q --parent $P --max 64M -- sleep 5 >/dev/null 2>&1 & ;;
	1) "$OOMLAB" doctor >/dev/null 2>&1 & ;;
	2) "$OOMLAB" watch --source tracefs --timeout 5s >/dev/null 2>&1 & ;;
	3) "$OOMLAB" lab --step 1 --max 64M >/dev/null 2>&1 & ;;
	esac
	pid=$!
	started="$started $pid"
	sleep "0.0$((RANDOM % 10))$((RANDOM % 10))"
	s=${SIGS[$((RANDOM % ${#SIGS[@]}))]}
	kill -"$s" "$pid" 2>/dev/null && sent=$((sent + 1))
	[ "$s" = KILL ] && killed=$((killed + 1))
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
	kill -0 "$pid" 2>/dev/null && { kill -9 "$pid"; killed=$((killed + 1)); }
	wait "$pid" 2>/dev/null
done
# what a SIGKILL leaves is the sweep's job: one doctor --clean, then nothing may remain
# the root sweep may only remove what pids of ours made: any other "removed" line is a
# cgroup this soak did not start (counted as a leak of safety, printed as FOREIGN)
cleanout=$("$OOMLAB" doctor --clean --parent $P 2>&1; "$OOMLAB" doctor --clean 2>&1)
foreign=0
while read -r act dir _; do
	[ "$act" = removed ] && [ -n "$dir" ] && [ "${dir#/}" != "$dir" ] || continue
	case "$dir" in */$P/*) continue ;; esac
	n=$(basename "${dir%:}"); p=${n#oomlab-}; p=${p%%-*}
	case " $started " in *" $p "*) continue ;; esac
	echo "FOREIGN removed $dir"; foreign=$((foreign + 1))
done <<<"$cleanout"
leaks=$((leaks + foreign))
"$OOMLAB" watch --source tracefs --timeout 1ms >/dev/null 2>&1 # sweeps stale instances
sleep 0.5
for d in $(owned_left); do echo "LEAK cgroup/instance $d"; leaks=$((leaks + 1)); done
for d in $(find /sys/fs/cgroup/memory/$P /sys/fs/cgroup/unified/$P -mindepth 1 -type d 2>/dev/null); do
	echo "LEAK dir $d"; leaks=$((leaks + 1))
done
procs=0
# every started pid was reaped by `wait`: one alive now is ours only if it is still our child
# (pids wrap at pid_max during a long soak, and kill -0 then finds someone else's process)
for p in $started; do
	[ "$(sed 's/.*) //' /proc/$p/stat 2>/dev/null | cut -d' ' -f2)" = $$ ] && procs=$((procs + 1))
done
[ "$procs" = 0 ] || { echo "LEAK $procs processes"; leaks=$((leaks + procs)); }
bpf_after=$(bpftool prog show 2>/dev/null | grep -cE 'oom|cgiter' || true)
[ "$bpf_after" -le "$bpf_before" ] || { echo "LEAK BPF programs: $bpf_before -> $bpf_after"; leaks=$((leaks + 1)); }
for t in /sys/fs/cgroup/memory /sys/fs/cgroup/unified; do rmdir $t/$P 2>/dev/null; done
echo "soak: $N iterations, $sent signals ($killed SIGKILL), $leaks leaks, load $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$leaks" = 0 ]

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# oomlab serve at scale, beside Debian's prometheus-node-exporter in the same run:
#  - N empty cgroups (default 1000) at the hierarchy roots, named oomlab-bench-<i> (memory
#    tree and, on hybrid hosts, the cgroup2 tree), removed on exit
#  - scrape time of /metrics (curl time_total, median and max of 20), both exporters
#  - CPU share at one scrape per SCRAPE s (default 15) over DURATION s (default 60), from
#    utime+stime in /proc/PID/stat
#  - RSS (VmRSS, VmHWM) after the scrapes
#  - idle wake-ups: context switches of every thread over IDLE s (default 10) with no scrape
#  - kill-to-counter latency: 5 kills in oomlab-bench-kill; /events' counted_monotonic_us minus
#    the BPF time stamp of the kill (both CLOCK_MONOTONIC)
# Needs root. Usage: bench/serve-scale.sh [N]; env DURATION, SCRAPE, IDLE.
set -euo pipefail
OOMLAB=${OOMLAB:-$(cd "$(dirname "$0")/.." && pwd)/oomlab}
N=${1:-1000} DURATION=${DURATION:-60} SCRAPE=${SCRAPE:-15} IDLE=${IDLE:-10}
NE=$(command -v prometheus-node-exporter || command -v node_exporter || true)
trees=()
for d in /sys/fs/cgroup/memory /sys/fs/cgroup/unified; do [ -e $d/cgroup.procs ] && trees+=($d); done
[ ${#trees[@]} -gt 0 ] || trees=(/sys/fs/cgroup)
tmp=$(mktemp -d /tmp/oomlab-bench.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	for t in "${trees[@]}"; do
		for i in $(seq "$N"); do rmdir "$t/oomlab-bench-$i" 2>/dev/null || true; done
		rmdir "$t/oomlab-bench-kill" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
for t in "${trees[@]}"; do
	for i in $(seq "$N"); do mkdir "$t/oomlab-bench-$i"; done
	mkdir "$t/oomlab-bench-kill"
done
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

"$OOMLAB" serve --listen 127.0.0.1:0 --depth 1 --max-series 100000 2>"$tmp/serve.err" &
spid=$!; pids+=($spid)
for _ in $(seq 100); do sp=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/metrics|\1|p' "$tmp/serve.err"); [ -n "$sp" ] && break; sleep 0.1; done
surl=http://127.0.0.1:$sp/metrics
nurl=
if [ -n "$NE" ]; then
	np=$(port)
	"$NE" --web.listen-address=127.0.0.1:$np >"$tmp/ne.log" 2>&1 &
	npid=$!; pids+=($npid)
	nurl=http://127.0.0.1:$np/metrics
	for _ in $(seq 100); do curl -fsS "$nurl" >/dev/null 2>&1 && break; sleep 0.1; done
fi
sleep 1
echo "machine: $(nproc) vCPU, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "cgroups: $N empty + the host's; oomlab tracks $(curl -fsS "$surl" | sed -n 's/^oomlab_tracked_cgroups //p'), $(curl -fsS "$surl" | grep -vc '^#') samples, $(curl -fsS "$surl" | wc -c) bytes"
[ -n "$nurl" ] && echo "node_exporter (default collectors): $(curl -fsS "$nurl" | grep -vc '^#') samples"

scrape_stats() { # url
	for i in $(seq 20); do curl -fsS -o /dev/null -w '%{time_total}\n' "$1"; done | sort -n |
		awk '{a[NR]=$1} END {printf "median %.1f ms, max %.1f ms", a[int((NR+1)/2)]*1000, a[NR]*1000}'
}
echo "scrape oomlab:        $(scrape_stats "$surl") (own figure: $(curl -fsS "$surl" | sed -n 's/^oomlab_scrape_duration_seconds //p') s)"
[ -n "$nurl" ] && echo "scrape node_exporter: $(scrape_stats "$nurl")"

cpu() { awk '{print $14 + $15}' /proc/$1/stat; } # ticks
hz=$(getconf CLK_TCK)
c0s=$(cpu $spid); [ -n "$nurl" ] && c0n=$(cpu $npid)
t0=$(date +%s.%N)
for ((t = 0; t < DURATION; t += SCRAPE)); do
	curl -fsS -o /dev/null "$surl"; [ -n "$nurl" ] && curl -fsS -o /dev/null "$nurl"
	sleep "$SCRAPE"
done
t1=$(date +%s.%N)
share() { python3 -c "print(f'{($2-$1)/$hz/($4-$3)*100:.3f} % of a core')" "$@"; }
echo "cpu at one scrape per ${SCRAPE}s over ${DURATION}s: oomlab $(share "$c0s" "$(cpu $spid)" "$t0" "$t1")${nurl:+, node_exporter $(share "$c0n" "$(cpu $npid)" "$t0" "$t1")}"
rss() { awk '/^VmRSS|^VmHWM/ {printf "%s %.1f MiB ", $1, $2/1024}' /proc/$1/status; }
echo "memory: oomlab $(rss $spid)${nurl:+; node_exporter $(rss $npid)}"

csw() { cat /proc/$1/task/*/status | awk '/ctxt_switches/ {s+=$2} END {print s}'; }
w0s=$(csw $spid); [ -n "$nurl" ] && w0n=$(csw $npid)
sleep "$IDLE"
echo "idle ${IDLE}s, no scrape: oomlab $(( $(csw $spid) - w0s )) context switches (all threads)${nurl:+, node_exporter $(( $(csw $npid) - w0n ))}"

lat=()
for i in 1 2 3 4 5; do
	out=$("$OOMLAB" run --parent /oomlab-bench-kill --max 32M --json -- "$OOMLAB" eat -q --total 128M 2>/dev/null || true)
	vp=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["victim"]["pid"])' "$out" 2>/dev/null || echo 0)
	sleep 0.2
	l=$(curl -fsS "${surl%/metrics}/events" | python3 -c '
import json, sys
ev = [e for e in json.load(sys.stdin)["events"] if e["process.pid"] == int(sys.argv[1]) and e.get("oomlab.kernel_time_us")]
print(ev[-1]["oomlab.counted_monotonic_us"] - ev[-1]["oomlab.kernel_time_us"] if ev else "")' "$vp")
	[ -n "$l" ] && lat+=("$l")
done
echo "kill to counter (µs, $(head -1 "$tmp/serve.err" | cut -d: -f2 | cut -d, -f1)): ${lat[*]:-none}"
echo "load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# CPU cost of `oomlab run`'s sampler at 100 ms and 1 s, against a shell loop that reads the
# same files at the same interval. The workload is `sleep`, so what is counted is sampling
# (plus one `sleep` process, about 1 ms). CPU is getrusage(RUSAGE_CHILDREN) of the whole run
# (user + system, µs resolution), RSS is oomlab's VmHWM. Needs root (creates cgroups).
# Usage: bench/sampler-cost.sh [SECONDS]  (default 30)
set -euo pipefail
OOMLAB=${OOMLAB:-$(cd "$(dirname "$0")/.." && pwd)/oomlab}
secs=${1:-30}
d=/sys/fs/cgroup/memory/oomlab-bench-$$ u=/sys/fs/cgroup/unified/oomlab-bench-$$
trap 'rmdir "$u" "$d" 2>/dev/null || true' EXIT

cpu_of() { # command... -> "cpu_ms hwm_kb" (VmHWM of the command's own process)
	python3 - "$@" <<'PY'
import resource, subprocess, sys, time
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
hwm = 0
while p.poll() is None:
    try:
        for l in open(f"/proc/{p.pid}/status"):
            if l.startswith("VmHWM:"):
                hwm = max(hwm, int(l.split()[1]))
    except OSError:
        pass
    time.sleep(0.5)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{(r.ru_utime + r.ru_stime) * 1000:.1f} {hwm}")
PY
}

echo "machine: $(uname -r), $(nproc) CPU, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo); load $(cut -d' ' -f1 /proc/loadavg); $secs s per run; $(date -u +%F)"
echo
echo "| sampler | interval | CPU over ${secs} s | CPU share of one core | max RSS |"
echo "|---|---|---|---|---|"
for iv in 100ms 1s; do
	read -r c rss < <(cpu_of "$OOMLAB" run -q --max 256M --interval "$iv" --timeline "/tmp/oomlab-bench-$$.csv" -- sleep "$secs")
	rm -f "/tmp/oomlab-bench-$$.csv"
	echo "| oomlab run (live view off, timeline on) | $iv | ${c} ms | $(awk -v c="$c" -v s="$secs" 'BEGIN{printf "%.3f %%", c / (s * 10)}') | ${rss} kB |"
done
mkdir -p "$d"; [ -d /sys/fs/cgroup/unified ] && mkdir -p "$u"
for iv in 0.1 1; do
	read -r c rss < <(cpu_of bash -c "end=\$((SECONDS + $secs)); while [ \$SECONDS -lt \$end ]; do
		cat $d/memory.usage_in_bytes $d/memory.limit_in_bytes $d/memory.max_usage_in_bytes \
		    $d/memory.failcnt $d/memory.stat $d/memory.oom_control $u/memory.pressure >/dev/null 2>&1
		sleep $iv; done")
	echo "| shell loop: cat of the same files | ${iv}s | ${c} ms | $(awk -v c="$c" -v s="$secs" 'BEGIN{printf "%.3f %%", c / (s * 10)}') | ${rss} kB |"
done

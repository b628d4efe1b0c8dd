#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `oomlab watch` latency: from the kill record's kernel time stamp to the moment watch has
# printed the event, over N memcg OOM kills (default 50, 100 ms apart), median and p99.
# SOURCE=kmsg (default), bpf or tracefs picks watch's --source; WATCH_ARGS adds options
# (e.g. --no-kmsg). watch --latency prints, per kill, the record's time stamp and
# CLOCK_MONOTONIC / CLOCK_BOOTTIME read right after the event was written, and (bpf, tracefs)
# when its wait returned, when the event was emitted and when rendering began: the script
# prints each step's median and p99. The kmsg record's stamp is printk's local_clock(), not
# exactly either clock: the offset is measured below (CLOCK_MONOTONIC minus the time stamp of a
# record written through /dev/kmsg) and reported, not subtracted. The BPF record's stamp is
# bpf_ktime_get_ns(), CLOCK_MONOTONIC itself.
# Then: idle cost of a blocked watcher over IDLE seconds (default 60): wake-ups (context
# switches), CPU time and RSS, side by side with `dmesg --follow-new` (util-linux).
# Needs root; creates /sys/fs/cgroup/memory/oomlab-test-kmsg-bench-<pid> and removes it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
OOMLAB=${OOMLAB:-$top/oomlab}
N=${N:-50}
SOURCE=${SOURCE:-kmsg}
WATCH_ARGS=${WATCH_ARGS:-}
IDLE=${IDLE:-60}
cg=/sys/fs/cgroup/memory/oomlab-test-kmsg-bench-$$
tmp=$(mktemp -d /tmp/oomlab-bench.XXXXXX)
wpid=
cleanup() {
	for p in $wpid $dpid; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	rmdir "$cg" 2>/dev/null || true
	rm -rf "$tmp"
}
dpid=
trap cleanup EXIT
trap 'exit 1' INT TERM
mkdir "$cg"
echo $((64 << 20)) >"$cg/memory.limit_in_bytes"
echo "machine: $(nproc) CPU, kernel $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"

# clock offset: write a record and read its time stamp back
python3 - <<'PY'
import os, select, time
# writes to /dev/kmsg are rate-limited (printk_devkmsg=ratelimit: 10 per 5 s): 5 probes
fd = os.open("/dev/kmsg", os.O_RDWR | os.O_NONBLOCK)
os.lseek(fd, 0, os.SEEK_END)
offs = []
for i in range(5):
    tag = ("oomlab-bench: clock probe %d" % i).encode()
    t0 = time.clock_gettime(time.CLOCK_MONOTONIC)
    b0 = time.clock_gettime(time.CLOCK_BOOTTIME)
    os.write(fd, b"<6>" + tag + b"\n")
    deadline = time.time() + 2
    while time.time() < deadline:
        select.select([fd], [], [], 0.1)
        try:
            rec = os.read(fd, 8192)
        except (BlockingIOError, BrokenPipeError):
            continue
        if tag in rec:
            ts = int(rec.split(b",")[2])
            offs.append((t0 * 1e6 - ts, b0 * 1e6 - ts))
            break
if offs:
    offs.sort()
    m = offs[len(offs) // 2]
    print("clock offset at write time: CLOCK_MONOTONIC - printk stamp = %.0f us, CLOCK_BOOTTIME - printk stamp = %.0f us (median of %d probes)" % (m[0], m[1], len(offs)))
else:
    print("clock offset: no probe record came back")
PY

if [ "$N" -gt 0 ]; then
mkfifo "$tmp/err"
# shellcheck disable=SC2086 # WATCH_ARGS: words
"$OOMLAB" watch --source "$SOURCE" $WATCH_ARGS --json --latency --timeout 300s >"$tmp/out" 2>"$tmp/err" &
wpid=$!
exec 3<"$tmp/err"
while read -r -t 10 ready <&3; do
	case $ready in *"watching "*) break ;; esac
done
echo "watch --source $SOURCE $WATCH_ARGS, load average $(cut -d' ' -f1-3 /proc/loadavg)"
pids=()
exec 4>&2 2>/dev/null # bash's "Killed" job notices
for i in $(seq "$N"); do
	sh -c 'echo $$ > "$1/cgroup.procs" && exec python3 -c "b = bytearray(200 << 20)"' sh "$cg" 2>/dev/null &
	pids+=($!)
	sleep 0.1
done
for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
exec 2>&4 4>&-
sleep 0.5
kill "$wpid"; wait "$wpid" 2>/dev/null || true
wpid=
timeout 1 cat <&3 >"$tmp/lat" || true
python3 - "$tmp/lat" "${pids[@]}" <<'PY'
import sys
pids = set(int(p) for p in sys.argv[2:])
mono, boot, steps = [], [], {"woke_us": [], "seen_us": [], "render_us": []}
for l in open(sys.argv[1]):
    if not l.startswith("latency "):
        continue
    f = dict(kv.split("=") for kv in l.split()[1:])
    if int(f["pid"]) not in pids:
        continue
    k = int(f["kernel_us"])
    mono.append(int(f["monotonic_us"]) - k)
    boot.append(int(f["boottime_us"]) - k)
    for s in steps:
        if int(f.get(s, 0)):
            steps[s].append(int(f[s]) - k)
def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]
print("kills seen: %d of %d" % (len(mono), len(pids)))
for name, v in (("CLOCK_MONOTONIC", mono), ("CLOCK_BOOTTIME", boot)):
    print("latency vs %-15s median %6d us  p99 %6d us  max %6d us  min %6d us" %
          (name, pct(v, 50), pct(v, 99), max(v), min(v)))
# from the record's stamp to: the wait returning, the event emitted, rendering, written
for name, v in list(steps.items()) + [("written", mono)]:
    if v:
        print("  %-10s median %6d us  p99 %6d us  max %6d us  over 1 ms: %d of %d" %
              (name.replace("_us", ""), pct(v, 50), pct(v, 99), max(v), sum(x > 1000 for x in v), len(v)))
PY

fi

# idle: a blocked watcher vs dmesg --follow, nothing logged on purpose
lastseq() { # sequence number of the newest record in the kernel log
	python3 -c '
import os
fd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
seq = 0
while True:
    try:
        r = os.read(fd, 8192)
    except BlockingIOError:
        break
    except BrokenPipeError:
        continue
    seq = int(r.split(b",")[1])
print(seq)'
}
idle() { # label pid
	local pid=$1 s0 s1 v0 v1 n0 n1 c0 c1
	sleep 1
	s0=$(lastseq)
	v0=$(awk '/^voluntary_ctxt_switches/ {print $2}' /proc/$pid/status)
	n0=$(awk '/^nonvoluntary_ctxt_switches/ {print $2}' /proc/$pid/status)
	c0=$(awk '{print $14 + $15}' /proc/$pid/stat)
	sleep "$IDLE"
	v1=$(awk '/^voluntary_ctxt_switches/ {print $2}' /proc/$pid/status)
	n1=$(awk '/^nonvoluntary_ctxt_switches/ {print $2}' /proc/$pid/status)
	c1=$(awk '{print $14 + $15}' /proc/$pid/stat)
	s1=$(lastseq)
	echo "kernel records logged meanwhile=$((s1 - s0)) wakeups(voluntary)=$((v1 - v0)) involuntary=$((n1 - n0)) cpu_ticks=$((c1 - c0)) $(grep -E '^(VmRSS|VmHWM)' /proc/$pid/status | tr -s ' \t' ' ' | tr '\n' ' ')"
}
# both at once, so they see the same records
"$OOMLAB" watch --source kmsg >/dev/null 2>&1 &
wpid=$!
dmesg --follow-new >/dev/null 2>&1 &
dpid=$!
idle "$wpid" >"$tmp/idle.w" &
ipid=$!
idle "$dpid" >"$tmp/idle.d"
wait "$ipid"
echo "idle ${IDLE}s, oomlab watch:       $(cat "$tmp/idle.w")"
echo "idle ${IDLE}s, dmesg --follow-new: $(cat "$tmp/idle.d")"
kill "$wpid" "$dpid"; wait "$wpid" "$dpid" 2>/dev/null || true
wpid= dpid=
echo "(a blocked reader wakes only when the kernel logs a record: other OOM kills on this kernel log ~80 records each)"

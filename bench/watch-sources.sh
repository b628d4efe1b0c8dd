#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Benchmark of the OOM victim sources, side by side on the same kills:
#   oomlab watch --source bpf | --source tracefs, a minimal /dev/kmsg reader (the kmsg source's
#   floor: one blocking read per record), and bpftrace on tracepoint:oom:mark_victim.
# Measures, per source: latency from the kernel's mark_victim timestamp (the BPF record's
# bpf_ktime_get_ns, CLOCK_MONOTONIC) to the line reaching a reader (median, p99), with the watchers
# on a free CPU and then on the OOMing task's CPU; kills missed; start-up time; idle CPU and
# wake-ups over IDLE seconds; RSS.
# Runs: each source alone on a free CPU (the eater pinned to CPU 0, the watcher to CPU 1); the BPF
# source also under SCHED_FIFO and on the eater's CPU; then all four together on CPU 1 and on
# CPU 0. A shared host (other jobs running) shows up as millisecond outliers in the p99.
# Usage: sudo bench/watch-sources.sh [KILLS=50] [IDLE=60]  (env). Needs root, a v1 memory
# hierarchy at /sys/fs/cgroup/memory, python3, taskset; installs bpftrace with apt-get if missing.
# Results: bench/out/watch-sources.json and a Markdown table on stdout.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
OOMLAB=${OOMLAB:-$top/oomlab}
KILLS=${KILLS:-50}
IDLE=${IDLE:-60}
out=$here/out
mkdir -p "$out"
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }
command -v python3 >/dev/null || { echo "needs python3" >&2; exit 1; }
if ! command -v bpftrace >/dev/null; then
	echo "installing bpftrace (bench only: it is large)" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y bpftrace >&2
fi
"$OOMLAB" watch --source bpf --timeout 1ms 2>&1 | grep -q 'not compiled in' &&
	{ echo "oomlab was built with BPF=0" >&2; exit 1; }

cc=${CC:-cc}
cat > "$out/eater.c" <<'C'
#include <stdlib.h>
#include <string.h>
int main(void)
{
	for (int i = 0; i < 256; i++) {
		char *p = malloc(1 << 20);
		if (!p)
			return 1;
		memset(p, i + 1, 1 << 20);
	}
	return 0;
}
C
cat > "$out/kmsg-probe.c" <<'C'
/* the floor of a /dev/kmsg source: blocking read, one record per read, print "pid mono_us" */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
int main(void)
{
	char buf[8192];
	int fd = open("/dev/kmsg", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || lseek(fd, 0, SEEK_END) < 0)
		return 1;
	fprintf(stderr, "ready\n");
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		struct timespec ts;
		char *k;
		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			return 1;
		buf[n] = 0;
		k = strstr(buf, ";Memory cgroup out of memory: Killed process ");
		if (!k)
			k = strstr(buf, ";Out of memory: Killed process ");
		if (!k)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		k = strstr(k, "Killed process ") + 15;
		printf("%ld %lld\n", strtol(k, NULL, 10), ts.tv_sec * 1000000LL + ts.tv_nsec / 1000);
		fflush(stdout);
	}
}
C
$cc -O2 -o "$out/eater" "$out/eater.c"
$cc -O2 -o "$out/kmsg-probe" "$out/kmsg-probe.c"

exec python3 - "$OOMLAB" "$out" "$KILLS" "$IDLE" <<'PY'
import json, os, signal, statistics, subprocess, sys, threading, time

OOMLAB, OUT, KILLS, IDLE = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
EATER, KPROBE = f"{OUT}/eater", f"{OUT}/kmsg-probe"
BT = "tracepoint:oom:mark_victim { printf(\"%d %llu\\n\", args->pid, nsecs); }"
SOURCES = {
    "oomlab-bpf": ([OOMLAB, "watch", "--source", "bpf", "--json", "--no-kmsg"], "oomlab watch: source"),
    "oomlab-tracefs": ([OOMLAB, "watch", "--source", "tracefs", "--json", "--no-kmsg"], "oomlab watch: source"),
    "kmsg-read": ([KPROBE], "ready"),
    "bpftrace": (["bpftrace", "-B", "line", "-e", BT], "Attaching"),
}
mono_us = lambda: time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000

class Watcher:
    def __init__(self, name, cpu=None, fifo=False):
        argv, self.marker = SOURCES[name]
        self.name = name
        self.lines = []  # (reader mono µs, text)
        self.ready = threading.Event()
        pre = ["taskset", "-c", str(cpu)] if cpu is not None else []
        if fifo:  # SCHED_FIFO: not delayed by other runnable tasks on its CPU
            pre = ["chrt", "-f", "10"] + pre
        self.t0 = mono_us()
        self.p = subprocess.Popen(pre + argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  bufsize=0)
        threading.Thread(target=self._err, daemon=True).start()
        threading.Thread(target=self._out, daemon=True).start()
        if not self.ready.wait(20):
            raise SystemExit(f"{name} did not start")
    def _err(self):
        for l in self.p.stderr:
            if self.marker.encode() in l and not self.ready.is_set():
                self.startup_us = mono_us() - self.t0
                self.ready.set()
    def _out(self):
        # block reads: iterating an unbuffered pipe reads one byte per read(), which made a long
        # JSON line look ~1 ms slower than bpftrace's short one (docs/BPF.md)
        fd, buf = self.p.stdout.fileno(), b""
        while True:
            d = os.read(fd, 1 << 16)
            t = mono_us()
            if not d:
                break
            buf += d
            while b"\n" in buf:
                l, buf = buf.split(b"\n", 1)
                if self.marker.encode() in l:  # bpftrace says "Attaching 1 probe..." on stdout
                    if not self.ready.is_set():
                        self.startup_us = mono_us() - self.t0
                        self.ready.set()
                    continue
                self.lines.append((t, l.decode(errors="replace")))
    def stop(self):
        self.p.send_signal(signal.SIGINT)
        try:
            self.p.wait(10)
        except subprocess.TimeoutExpired:
            self.p.kill(); self.p.wait()
    # per-process counters, all threads
    def counters(self):
        cs = run_ns = 0
        tdir = f"/proc/{self.p.pid}/task"
        for t in os.listdir(tdir):
            try:
                st = open(f"{tdir}/{t}/status").read()
                run_ns += int(open(f"{tdir}/{t}/schedstat").read().split()[0])
            except OSError:
                continue
            for l in st.splitlines():
                if l.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                    cs += int(l.split()[1])
        rss = 0
        for l in open(f"/proc/{self.p.pid}/status"):
            if l.startswith("VmRSS:"):
                rss = int(l.split()[1])
        return cs, run_ns, rss

def pct(v, q):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(q * (len(v) - 1))))] if v else None

cg = f"/sys/fs/cgroup/memory/oomlab-test-bench-{os.getpid()}"
cgb = f"{cg}/b"
def cleanup():
    for d in (cgb, cg):
        for _ in range(20):
            try:
                os.rmdir(d); break
            except FileNotFoundError:
                break
            except OSError:
                time.sleep(0.1)
os.mkdir(cg); os.mkdir(cgb)
results = {"kills": KILLS, "idle_s": IDLE, "machine": os.uname().release,
           "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
try:
    open(f"{cg}/memory.limit_in_bytes", "w").write("64M")

    # 1. start-up: 10 cold starts each, unpinned, alone
    results["startup_ms"] = {}
    for name in SOURCES:
        t = []
        for _ in range(10):
            w = Watcher(name); t.append(w.startup_us / 1000); w.stop()
        results["startup_ms"][name] = {"median": statistics.median(t), "max": max(t)}

    # 2. idle: all four at once, nothing happening, IDLE seconds
    ws = [Watcher(n) for n in SOURCES]
    time.sleep(2)
    kfd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
    os.lseek(kfd, 0, os.SEEK_END)
    n0 = len(ws[0].lines)
    a = {w.name: w.counters() for w in ws}
    time.sleep(IDLE)
    b = {w.name: w.counters() for w in ws}
    # other OOM kills on this host wake every watcher: count them (and kernel log records)
    results["idle_oom_events"] = len(ws[0].lines) - n0
    krec = 0
    while True:
        try:
            os.read(kfd, 8192); krec += 1
        except BlockingIOError:
            break
        except BrokenPipeError:
            continue
    os.close(kfd)
    results["idle_kmsg_records"] = krec
    results["idle"] = {n: {"wakeups": b[n][0] - a[n][0], "cpu_ms": (b[n][1] - a[n][1]) / 1e6,
                           "rss_kb": b[n][2]} for n in a}
    for w in ws: w.stop()

    # 3. latency: KILLS kills per run. The reference is the kernel's own timestamp of each
    # mark_victim (bpf_ktime_get_ns in the oomlab-bpf record; a second oomlab-bpf on the eater's
    # CPU serves as reference when the measured source is another one).
    def run(label, measured, wcpu, with_ref, fifo=False):
        os.sched_setaffinity(0, {wcpu})  # the stamping reader threads run where the watchers do
        ws = {n: Watcher(n, wcpu, fifo) for n in measured}
        ref = ws.get("oomlab-bpf")
        if ref is None and with_ref:
            os.sched_setaffinity(0, {0})
            ref = Watcher("oomlab-bpf", 0)
            os.sched_setaffinity(0, {wcpu})
        time.sleep(1)
        pids, other = [], {}
        for i in range(KILLS):
            p = subprocess.Popen(["taskset", "-c", "0", "sh", "-c",
                                  'echo $$ > "$1/cgroup.procs" && exec "$2"', "eat", cgb, EATER],
                                 stderr=subprocess.PIPE)
            err = p.communicate()[1].decode(errors="replace").strip()
            if p.returncode in (-9, 137):
                pids.append(p.pid)
            else:  # not OOM-killed: say why, do not count it
                k = f"exit {p.returncode}: {err[:80]}"
                other[k] = other.get(k, 0) + 1
            time.sleep(0.05)
        time.sleep(1)
        for w in ws.values(): w.stop()
        if ref is not None and "oomlab-bpf" not in ws: ref.stop()
        os.sched_setaffinity(0, set(range(os.cpu_count())))
        ktime, seen, own = {}, {n: {} for n in measured}, {n: {} for n in measured}
        for t, l in ref.lines:
            e = json.loads(l)
            if e["pid"] in pids:
                ktime[e["pid"]] = e["kernel_time_us"]
        for n in measured:
            for t, l in ws[n].lines:
                if n.startswith("oomlab"):
                    e = json.loads(l)
                    seen[n][e["pid"]] = t
                    own[n][e["pid"]] = e["seen_time_us"]
                else:
                    f = l.split()
                    if len(f) == 2 and f[0].isdigit():
                        seen[n].setdefault(int(f[0]), t)
                        if n == "kmsg-read":  # bpftrace's nsecs is the probe time, not output
                            own[n].setdefault(int(f[0]), int(f[1]))
        r = {"provoked": len(pids), "not_killed": other}
        for n in measured:
            lat = [seen[n][p] - ktime[p] for p in pids if p in seen[n] and p in ktime]
            olat = [own[n][p] - ktime[p] for p in pids if p in own[n] and p in ktime]
            r[n] = {"seen": sum(1 for p in pids if p in seen[n]),
                    "reader_median_us": statistics.median(lat) if lat else None,
                    "reader_p99_us": pct(lat, 0.99),
                    "own_median_us": statistics.median(olat) if olat else None,
                    "own_p99_us": pct(olat, 0.99)}
        if "bpftrace" in measured and "oomlab-bpf" in measured:
            r["missed_by_oomlab_bpf_seen_by_bpftrace"] = sorted(
                set(p for p in pids if p in seen["bpftrace"]) - set(seen["oomlab-bpf"]))
        results["latency"][label] = r

    results["latency"] = {}
    for n in SOURCES:  # each alone on a free CPU (1), the eater on CPU 0
        run(f"alone-free-cpu {n}", [n], 1, True)
    # the same, SCHED_FIFO: what is left when nothing else on the host delays the watcher
    run("alone-free-cpu-fifo oomlab-bpf", ["oomlab-bpf"], 1, True, True)
    # on the OOMing task's CPU: PREEMPT_NONE keeps even a SCHED_FIFO watcher waiting
    run("alone-same-cpu oomlab-bpf", ["oomlab-bpf"], 0, True)
    run("alone-same-cpu-fifo oomlab-bpf", ["oomlab-bpf"], 0, True, True)
    run("together-free-cpu", list(SOURCES), 1, True)
    run("together-same-cpu", list(SOURCES), 0, True)
finally:
    cleanup()

json.dump(results, open(f"{OUT}/watch-sources.json", "w"), indent=1)
print(f"# watch sources, {results['machine']}, {results['date']}, {KILLS} kills, idle {IDLE} s\n")
print("| source | start-up median (max) | idle wake-ups | idle CPU | RSS |")
print("|---|---|---|---|---|")
for n in SOURCES:
    s, i = results["startup_ms"][n], results["idle"][n]
    print(f"| {n} | {s['median']:.1f} ms ({s['max']:.1f}) | {i['wakeups']} / {IDLE} s | "
          f"{i['cpu_ms']:.2f} ms | {i['rss_kb'] / 1024:.1f} MiB |")
print(f"\nDuring the idle window: {results['idle_oom_events']} OOM kills elsewhere on the host, "
      f"{results['idle_kmsg_records']} kernel log records.")
print("\n| run | source | seen | to reader median | p99 | own stamp median | p99 |")
print("|---|---|---|---|---|---|---|")
for mode, r in results["latency"].items():
    if r.get("not_killed"):
        print(f"| {mode} | eaters not OOM-killed: {r['not_killed']} | | | | | |")
    if "missed_by_oomlab_bpf_seen_by_bpftrace" in r:
        print(f"| {mode} | missed by oomlab-bpf, seen by bpftrace: "
              f"{r['missed_by_oomlab_bpf_seen_by_bpftrace']} | | | | | |")
    for n in SOURCES:
        if n not in r:
            continue
        x = r[n]
        f = lambda v: "-" if v is None else f"{v / 1000:.3f} ms"
        print(f"| {mode} | {n} | {x['seen']}/{r['provoked']} | {f(x['reader_median_us'])} | "
              f"{f(x['reader_p99_us'])} | {f(x['own_median_us'])} | {f(x['own_p99_us'])} |")
PY

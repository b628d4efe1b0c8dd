#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`make bench` / `make bench-quick`: every oomlab benchmark beside its peer, in one run.

Each row runs oomlab (A) and its peer (B) alternately, A B A B, at three sizes; per size it
reports medians and p99 of A and B, the ratio pair by pair (median of A_i / B_i), peak RSS
(the kernel's ru_maxrss from wait4(), the figure /usr/bin/time -v prints, or VmHWM for a
long-lived process) and the cost per unit of size. A row whose cost per unit grows more than
1.5x from the smallest to the largest size is flagged GROWS. Every figure carries the load
average read just before it was measured: the machine may be shared.

Rows: watch (kill to a reader's read(), BPF source vs bpftrace on tracepoint:oom:mark_victim,
bcc's oomkill where it loads), why --log (grep -c, the `cat >/dev/null` floor, zcat|grep -c,
xzcat|grep -c, zstdcat|grep -c), top --json (systemd-cgtop), top --json --source bpf (the same
snapshot from the cgroup files), serve (prometheus-node-exporter), scores --all (ps -eo
pid,oom,oomadj).

Writes bench/out/bench.json and, with --doc FILE, regenerates the block between
<!-- bench:begin --> and <!-- bench:end --> in FILE. Needs root (cgroups, BPF, OOM kills).
Usage: bench/bench.py [--quick] [--doc docs/BENCHMARKS.md] [--only watch,why,top,serve,scores]
                      [--top-sizes 4000,10000] (default 1000,4000,10000; --quick 100,400,1600)
"""
import argparse, json, os, re, shutil, signal, statistics, subprocess, sys, threading, time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
OOMLAB = os.environ.get("OOMLAB", os.path.join(TOP, "oomlab"))
OUT = os.path.join(HERE, "out")
TMP = "/tmp/oomlab-bench-run"
GROW = 1.5


def loadavg():
    return " ".join(open("/proc/loadavg").read().split()[:3])


def mono_us():
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000


def pct(v, q):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(q * (len(v) - 1))))] if v else None


def say(*a):
    print(*a, file=sys.stderr, flush=True)


def apt_install(pkgs):
    """Peers come from Debian; installed here (bench only), never by make check."""
    missing = [p for p in pkgs if subprocess.run(["dpkg", "-s", p], capture_output=True).returncode]
    if not missing or not shutil.which("apt-get"):
        return
    say(f"bench: installing peers from Debian: {' '.join(missing)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    cmd = ["apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "--no-install-recommends"]
    if subprocess.run(cmd + missing, env=env, stdout=subprocess.DEVNULL).returncode:
        subprocess.run(["apt-get", "-o", "DPkg::Lock::Timeout=600", "update"], env=env,
                       stdout=subprocess.DEVNULL)
        subprocess.run(cmd + missing, env=env, stdout=subprocess.DEVNULL)


def timed(argv, stdout=None, shell=False):
    """wall ms and peak RSS (KiB) of one run. The RSS is /usr/bin/time's %M (ru_maxrss), taken
    through /usr/bin/time rather than from our own wait4(): a child forked from this Python keeps
    Python's high-water mark across exec. For a pipeline: the largest process of it."""
    tf = f"{TMP}/time.out"
    if shell:
        argv = ["sh", "-c", argv]
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", tf] + argv,
                       stdout=stdout or subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ms = (time.perf_counter() - t0) * 1000
    if p.returncode == 127:  # not installed: a fast "run" of nothing must not become a figure
        raise SystemExit(f"bench: cannot run {argv[0]!r} (exit 127: not installed?)")
    try:
        rss = int(open(tf).read().split()[-1])
    except (OSError, ValueError, IndexError):
        rss = 0
    return ms, rss


def alternate(cmds, rounds, outfile=None):
    """cmds: {name: (argv, shell)}; runs them in turn, rounds times; returns {name: [(ms, rss)]}"""
    res = {n: [] for n in cmds}
    for n, (argv, sh) in cmds.items():  # one warm-up each (page cache, dentries)
        timed(argv, open(outfile, "w") if outfile else None, sh)
    for _ in range(rounds):
        for n, (argv, sh) in cmds.items():
            # not /dev/null: GNU grep stops at the first match when its output is /dev/null
            with open(outfile or os.devnull, "w") as f:
                res[n].append(timed(argv, f, sh))
    return res


def summarize(samples, a, b):
    """per-command median/p99 ms, peak RSS; ratio of A to B pair by pair"""
    out = {}
    for n, v in samples.items():
        ms = [x[0] for x in v]
        out[n] = {"median_ms": statistics.median(ms), "p99_ms": pct(ms, 0.99),
                  "peak_rss_kib": max(x[1] for x in v), "runs": len(v)}
    if a in samples and b in samples:
        out["ratio_a_b"] = statistics.median(
            x[0] / y[0] for x, y in zip(samples[a], samples[b]) if y[0] > 0)
    return out


# ---------------------------------------------------------------- watch

EATER_C = r"""
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
"""

SLEEPERS_C = r"""
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
/* N children that sleep until killed; prints "ready" when all exist, exits on stdin EOF */
int main(int argc, char **argv)
{
	int n = atoi(argv[1]);
	char c;
	for (int i = 0; i < n; i++) {
		pid_t p = fork();
		if (p == 0) {
			for (;;)
				pause();
		}
		if (p < 0)
			break;
	}
	printf("ready\n");
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	signal(SIGTERM, SIG_IGN);
	kill(0, SIGTERM);
	return 0;
}
"""


def build_helpers():
    cc = os.environ.get("CC", "cc")
    for name, src in (("eater", EATER_C), ("sleepers", SLEEPERS_C)):
        open(f"{TMP}/{name}.c", "w").write(src)
        subprocess.run([cc, "-O2", "-o", f"{TMP}/{name}", f"{TMP}/{name}.c"], check=True)


BT = 'tracepoint:oom:mark_victim { printf("%d %llu\\n", args->pid, nsecs); }'


def short_slice():
    """The calling thread asks for the 0.1 ms EEVDF slice `oomlab watch` asks for (SCHED_OTHER,
    nice kept; 6.12+, ignored before): the stamping reader of either watcher then preempts a
    task inside its slice when the line arrives instead of waiting up to a tick (4 ms at
    HZ=250) on a busy CPU: what is measured is the watcher, not the reader's own wait."""
    import ctypes, struct
    libc = ctypes.CDLL(None, use_errno=True)
    nr_get, nr_set = 315, 314  # x86_64 sched_getattr, sched_setattr
    if os.uname().machine != "x86_64":
        return
    buf = ctypes.create_string_buffer(56)
    if libc.syscall(nr_get, 0, buf, 56, 0) != 0:
        return
    size, policy, flags, nice, prio, runtime, dl, period, umin, umax = struct.unpack("IIQiIQQQII", buf.raw)
    if policy != 0:
        return
    a = struct.pack("IIQiIQQQII", 56, 0, 0x01, nice, 0, 100000, 0, 0, 0, 0)
    libc.syscall(nr_set, 0, ctypes.create_string_buffer(a, 56), 0)


class Watcher:
    """A watcher on CPU 1 whose stdout is read in blocks (os.read of 64 KiB): each line is
    stamped when the read() that completed it returned, whatever the line's length."""

    def __init__(self, argv, marker):
        self.lines, self.ready, self.err = [], threading.Event(), []
        self.startup_ms = None  # set when the marker is seen; a watcher that died never is
        self.t0 = mono_us()
        self.p = subprocess.Popen(["taskset", "-c", "1"] + argv, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, bufsize=0, start_new_session=True)
        self.marker = marker.encode()
        threading.Thread(target=self._err, daemon=True).start()
        threading.Thread(target=self._out, daemon=True).start()
        self.ok = self.ready.wait(30) and self.startup_ms is not None

    def _mark(self, l):
        if self.marker in l and not self.ready.is_set():
            self.startup_ms = (mono_us() - self.t0) / 1000
            self.ready.set()
            return True
        return False

    def _err(self):
        for l in self.p.stderr:
            self.err.append(l.decode(errors="replace").strip())
            self._mark(l)
        self.ready.set()  # died: ok stays whatever wait() saw

    def _out(self):
        short_slice()
        fd, buf = self.p.stdout.fileno(), b""
        while True:
            d = os.read(fd, 1 << 16)
            t = mono_us()
            if not d:
                break
            buf += d
            while b"\n" in buf:
                l, buf = buf.split(b"\n", 1)
                if not self._mark(l):
                    self.lines.append((t, l))

    def hwm_kib(self, key="VmHWM:"):
        try:
            for l in open(f"/proc/{self.p.pid}/status"):
                if l.startswith(key):
                    return int(l.split()[1])
        except OSError:
            pass
        return None

    def stop(self):
        try:
            os.killpg(self.p.pid, signal.SIGINT)
            self.p.wait(10)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            self.p.kill()
            self.p.wait()


def provoke(cg, n):
    pids = []
    for _ in range(n):
        p = subprocess.Popen(["taskset", "-c", "0", "sh", "-c",
                              'echo $$ > "$1/cgroup.procs" && exec "$2"', "eat", cg,
                              f"{TMP}/eater"], stderr=subprocess.DEVNULL)
        p.wait()
        if p.returncode in (-9, 137):
            pids.append(p.pid)
        time.sleep(0.05)
    return pids


def watch_run(kind, cg, n):
    if kind == "oomlab":
        w = Watcher([OOMLAB, "watch", "--source", "bpf", "--json", "--no-kmsg"], "watching")
    elif kind == "oomlab+kmsg":  # the default: the kernel log's report merged onto each event
        w = Watcher([OOMLAB, "watch", "--source", "bpf", "--json"], "watching")
    else:
        # bpftrace finds tracepoints only through a mounted tracefs, which a fresh host does
        # not have ("tracepoint not found: oom:mark_victim"): mount one for it in a private
        # mount namespace (nothing changes outside it); oomlab attaches without one
        w = Watcher(["unshare", "-m", "--propagation", "private", "sh", "-c",
                     "grep -q ' /sys/kernel/tracing ' /proc/self/mountinfo || "
                     "mount -t tracefs nodev /sys/kernel/tracing; exec \"$@\"", "bt",
                     "bpftrace", "-B", "line", "-e", BT], "Attaching")
    if not w.ok:
        w.stop()
        return {"error": " / ".join(w.err[-2:]) or "did not start"}
    time.sleep(0.5)
    la = loadavg()
    pids = provoke(cg, n)
    time.sleep(0.5)
    hwm, rss = w.hwm_kib(), w.hwm_kib("VmRSS:")
    w.stop()
    lat, own = {}, {}
    for t, l in w.lines:
        if kind.startswith("oomlab"):
            try:
                e = json.loads(l)
            except ValueError:
                continue
            if e.get("pid") in pids and "kernel_time_us" in e:
                lat[e["pid"]] = t - e["kernel_time_us"]
                own[e["pid"]] = e["seen_time_us"] - e["kernel_time_us"]
        else:
            f = l.split()
            if len(f) == 2 and f[0].isdigit() and int(f[0]) in pids:
                lat.setdefault(int(f[0]), t - int(f[1]) // 1000)
    return {"lat_us": [lat[p] for p in pids if p in lat], "provoked": len(pids),
            "seen": len(lat), "startup_ms": w.startup_ms, "hwm_kib": hwm, "rss_kib": rss,
            "own_us": [own[p] for p in pids if p in own], "load": la}


def bench_watch(sizes, reps):
    cg = f"/sys/fs/cgroup/memory/oomlab-test-benchrun-{os.getpid()}"
    os.mkdir(cg)
    rows = {}
    try:
        open(f"{cg}/memory.limit_in_bytes", "w").write("64M")
        os.sched_setaffinity(0, {1})  # the stamping reader threads run where the watchers do
        for n in sizes:
            say(f"bench: watch, {n} kills x {reps} x 2")
            runs = {"oomlab": [], "bpftrace": [], "oomlab+kmsg": []}
            for _ in range(reps):
                for k in runs:
                    runs[k].append(watch_run(k, cg, n))
            rows[n] = runs
    finally:
        os.sched_setaffinity(0, set(range(os.cpu_count())))
        for _ in range(50):
            try:
                os.rmdir(cg)
                break
            except OSError:
                time.sleep(0.1)
    # bcc's oomkill: a kprobe on oom_kill_process; where kprobes are off it does not load
    bcc = shutil.which("oomkill-bpfcc")
    bcc_res = {"available": bool(bcc)}
    if bcc:
        try:
            p = subprocess.run([bcc], capture_output=True, timeout=20, text=True)
            bcc_res["exit"] = p.returncode
            bcc_res["why"] = ([l for l in (p.stderr + p.stdout).splitlines() if l.strip()]
                              or ["exited"])[-1][:200]
        except subprocess.TimeoutExpired:
            bcc_res["loaded"] = True  # still running: it loaded (not measured here)
    out = {"sizes": {}, "oomkill_bpfcc": bcc_res}
    for n, runs in rows.items():
        s = {}
        for k, rs in runs.items():
            good = [r for r in rs if "lat_us" in r]
            lat = [x for r in good for x in r["lat_us"]]
            s[k] = {"median_ms": statistics.median(lat) / 1000 if lat else None,
                    "p99_ms": pct(lat, 0.99) / 1000 if lat else None,
                    "seen": sum(r["seen"] for r in good),
                    "provoked": sum(r["provoked"] for r in good),
                    "startup_ms": statistics.median(r["startup_ms"] for r in good) if good else None,
                    "peak_rss_kib": max((r["hwm_kib"] or 0) for r in good) if good else None,
                    "rss_end_kib": max((r["rss_kib"] or 0) for r in good) if good else None,
                    "own_median_ms": statistics.median(x for r in good for x in r["own_us"]) / 1000
                    if any(r["own_us"] for r in good) else None,
                    "load": [r["load"] for r in good],
                    "errors": [r["error"] for r in rs if "error" in r]}
        pairs = [(statistics.median(a["lat_us"]), statistics.median(b["lat_us"]))
                 for a, b in zip(runs["oomlab"], runs["bpftrace"])
                 if a.get("lat_us") and b.get("lat_us")]
        s["ratio_a_b"] = statistics.median(x / y for x, y in pairs) if pairs else None
        out["sizes"][n] = s
    return out


# ---------------------------------------------------------------- why --log

def make_log(path, mib):
    """dmesg-style log: the captured 6.18 report (pids renumbered) every ~100 KiB between
    filler lines, as bench/why-throughput.sh makes it"""
    src = os.path.join(TOP, "tests/fixtures/logs/captured-6.18-v1-memcg.kmsg")
    report = [l.rstrip("\n").split(";", 1)[1] for l in open(src)]
    filler = ["EXT4-fs (vda1): re-mounted 2a8e1f3c-0b44-4c1a-9d7e-5f8c6d1e2a33. Quota mode: none.",
              "IPv6: ADDRCONF(NETDEV_CHANGE): veth3f2a1b2: link becomes ready",
              "audit: type=1400 audit(1700000000.123:456): apparmor=\"DENIED\" operation=\"open\"",
              "docker0: port 3(veth9c1d2e3) entered forwarding state",
              "TCP: request_sock_TCP: Possible SYN flooding on port 8080. Sending cookies.",
              "nf_conntrack: nf_conntrack: table full, dropping packet",
              "usb 1-1: new high-speed USB device number 2 using xhci_hcd"]
    total, per, ts, r = mib << 20, 100 << 10, 1000000, 0
    with open(path, "w") as o:
        written = 0
        while written < total:
            seg, n, pid = [], 0, 100000 + r
            for t in report:
                t = t.replace("3916", str(pid)).replace("oomlab-test-kmsg-3911", "bench-%d" % (r % 97))
                line = "[%5d.%06d] %s\n" % (ts // 1000000, ts % 1000000, t)
                ts += 7
                seg.append(line)
                n += len(line)
            i = r
            while n < per:
                line = "[%5d.%06d] %s\n" % (ts // 1000000, ts % 1000000, filler[i % len(filler)])
                ts += 13
                i += 1
                seg.append(line)
                n += len(line)
            o.write("".join(seg))
            written += n
            r += 1
    return r


def bench_why(sizes, zsizes, rounds):
    os.makedirs(TMP, exist_ok=True)
    out = {"plain": {}, "compressed": {}}
    res_file = f"{TMP}/why.out"
    for mib in sizes:
        f = f"{TMP}/why-{mib}.log"
        reports = make_log(f, mib)
        say(f"bench: why --log, {mib} MiB plain")
        subprocess.run(["cat", f], stdout=subprocess.DEVNULL)
        la = loadavg()
        s = alternate({
            "oomlab why --log FILE --json": ([OOMLAB, "why", "--log", f, "--json"], False),
            "LC_ALL=C grep -c 'Killed process' FILE": (["env", "LC_ALL=C", "grep", "-c", "Killed process", f], False),
            "cat FILE >/dev/null (floor)": (["cat", f], False),
        }, rounds, res_file)
        out["plain"][mib] = dict(summarize(s, "oomlab why --log FILE --json",
                                           "LC_ALL=C grep -c 'Killed process' FILE"),
                                 load=la, bytes=os.path.getsize(f), reports=reports)
        os.unlink(f)
    for mib in zsizes:
        f = f"{TMP}/whyz-{mib}.log"
        make_log(f, mib)
        row = {}
        for ext, comp, cat in (("gz", ["gzip", "-1", "-k", "-f"], "zcat"),
                               ("xz", ["xz", "-0", "-T2", "-k", "-f"], "xzcat"),
                               ("zst", ["zstd", "-q", "-1", "-k", "-f"], "zstdcat")):
            if not shutil.which(comp[0]) or not shutil.which(cat):
                row[ext] = {"error": f"{comp[0]} not installed"}
                continue
            say(f"bench: why --log, {mib} MiB .{ext}")
            subprocess.run(comp + [f], check=True)
            z = f"{f}.{ext}"
            la = loadavg()
            a = f"oomlab why --log FILE.{ext} --json"
            b = f"{cat} FILE.{ext} | LC_ALL=C grep -c 'Killed process'"
            s = alternate({a: ([OOMLAB, "why", "--log", z, "--json"], False),
                           b: (f"{cat} '{z}' | LC_ALL=C grep -c 'Killed process'", True)},
                          rounds, res_file)
            row[ext] = dict(summarize(s, a, b), load=la, bytes=os.path.getsize(z))
            os.unlink(z)
        os.unlink(f)
        out["compressed"][mib] = row
    return out


# ---------------------------------------------------------------- top, serve (same cgroups)

def roots():
    r = []
    for d in ("/sys/fs/cgroup/memory", "/sys/fs/cgroup/unified"):
        if os.path.exists(f"{d}/cgroup.procs"):
            r.append(d)
    return r or ["/sys/fs/cgroup"]


def scrape_ms(url):
    t0 = time.perf_counter()
    p = subprocess.run(["curl", "-fsS", "-o", "/dev/null", url])
    return (time.perf_counter() - t0) * 1000 if p.returncode == 0 else None


def bench_top_serve(sizes, rounds, scrapes, top=True):
    """top=False: the serve rows alone (--only serve)"""
    out = {"top": {}, "serve": {}, "top_sources": {}}
    made = []
    try:
        have = 0
        for n in sizes:
            for r in roots():
                for i in range(have + 1, n + 1):
                    os.mkdir(f"{r}/oomlab-bench-{i}")
                    made.append(f"{r}/oomlab-bench-{i}")
            have = n
            if not top:
                say(f"bench: serve, {n} cgroups per hierarchy")
                out["serve"][n] = serve_once(scrapes)
                continue
            say(f"bench: top --json, {n} cgroups per hierarchy")
            la = loadavg()
            s = alternate({"oomlab top --json": ([OOMLAB, "top", "--json"], False),
                           "systemd-cgtop -b -n 1 --raw": (["systemd-cgtop", "-b", "-n", "1", "--raw"], False)},
                          rounds)
            out["top"][n] = dict(summarize(s, "oomlab top --json", "systemd-cgtop -b -n 1 --raw"), load=la)
            # the same snapshot from the BPF cgroup iterator and from the files, A B A B
            say(f"bench: top --json --source bpf vs files, {n} cgroups per hierarchy")
            la = loadavg()
            a, b = "oomlab top --json --source bpf", "oomlab top --json --source files"
            probe = subprocess.run([OOMLAB, "top", "--json", "--source", "bpf"],
                                   capture_output=True, text=True)
            if probe.returncode:
                out["top_sources"][n] = {"error": "bpf does not load: " + probe.stderr.strip()[:120]}
            else:
                s = alternate({a: ([OOMLAB] + a.split()[1:], False),
                               b: ([OOMLAB] + b.split()[1:], False)}, rounds)
                out["top_sources"][n] = dict(summarize(s, a, b), load=la)
            say(f"bench: serve, {n} cgroups per hierarchy")
            out["serve"][n] = serve_once(scrapes)
    finally:
        for d in reversed(made):
            for _ in range(20):
                try:
                    os.rmdir(d)
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.05)
    return out


def serve_once(scrapes):
    procs = []
    try:
        sp = subprocess.Popen([OOMLAB, "serve", "--listen", "127.0.0.1:0", "--depth", "1",
                               "--max-series", "1000000"], stderr=subprocess.PIPE,
                              stdout=subprocess.DEVNULL, text=True)
        procs.append(sp)
        port = None
        t0 = time.time()
        while time.time() - t0 < 30:
            l = sp.stderr.readline()
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)/metrics", l)
            if m:
                port = m.group(1)
                break
            if not l:
                break
        if not port:
            return {"error": "oomlab serve did not start"}
        threading.Thread(target=sp.stderr.read, daemon=True).start()
        urls = {"oomlab serve /metrics": f"http://127.0.0.1:{port}/metrics"}
        ne = shutil.which("prometheus-node-exporter") or shutil.which("node_exporter")
        if ne:
            import socket
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            np = s.getsockname()[1]
            s.close()
            npr = subprocess.Popen([ne, f"--web.listen-address=127.0.0.1:{np}"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            procs.append(npr)
            urls["prometheus-node-exporter /metrics"] = f"http://127.0.0.1:{np}/metrics"
            for _ in range(100):
                if scrape_ms(urls["prometheus-node-exporter /metrics"]) is not None:
                    break
                time.sleep(0.1)
        la = loadavg()
        samples = {k: [] for k in urls}
        for k, u in urls.items():
            scrape_ms(u)  # warm-up
        for _ in range(scrapes):
            for k, u in urls.items():
                samples[k].append(scrape_ms(u) or float("nan"))
        res = {"load": la}
        for (k, v), p in zip(samples.items(), procs):
            res[k] = {"median_ms": statistics.median(v), "p99_ms": pct(v, 0.99),
                      "peak_rss_kib": hwm(p.pid), "runs": len(v)}
        ks = list(samples)
        if len(ks) == 2:
            res["ratio_a_b"] = statistics.median(a / b for a, b in zip(samples[ks[0]], samples[ks[1]]))
        return res
    finally:
        for p in procs:
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def hwm(pid):
    for l in open(f"/proc/{pid}/status"):
        if l.startswith("VmHWM:"):
            return int(l.split()[1])
    return None


# ---------------------------------------------------------------- scores

def bench_scores(sizes, rounds):
    out = {}
    for n in sizes:
        say(f"bench: scores --all, {n} extra processes")
        p = subprocess.Popen([f"{TMP}/sleepers", str(n)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, start_new_session=True)
        try:
            p.stdout.readline()
            total = sum(1 for d in os.listdir("/proc") if d.isdigit())
            la = loadavg()
            s = alternate({"oomlab scores --all --json": ([OOMLAB, "scores", "--all", "--json"], False),
                           "ps -eo pid,oom,oomadj": (["ps", "-eo", "pid,oom,oomadj"], False)},
                          rounds)
            out[n] = dict(summarize(s, "oomlab scores --all --json", "ps -eo pid,oom,oomadj"),
                          load=la, processes=total)
        finally:
            p.stdin.close()
            p.wait()
            try:
                os.killpg(p.pid, signal.SIGKILL)  # the sleepers, if any outlived it
            except ProcessLookupError:
                pass
    return out


# ---------------------------------------------------------------- report

def growth(points):
    """points: [(size, cost)] smallest first -> (cost per unit at each size, flag)"""
    per = [c / s if c is not None and s else None for s, c in points]
    if per[0] and per[-1]:
        g = per[-1] / per[0]
        return per, g, g > GROW
    return per, None, False


def f_ms(v):
    return "-" if v is None else (f"{v:.3f} ms" if v < 10 else f"{v:.1f} ms")


def f_kib(v):
    return "-" if not v else f"{v / 1024:.1f} MiB"


def f_ratio(v):
    return "-" if v is None else f"{v:.2f}"


def table_generic(title, unit, data, a, b, extra=(), per_unit_scale=1.0, unit_label=""):
    """data: {size: summary}; prints per size: A median/p99/RSS, B median/p99/RSS, ratio,
    cost per unit of A, load"""
    L = [f"#### {title}", "",
         f"| {unit} | {a}: median | p99 | peak RSS | {b}: median | p99 | peak RSS | "
         f"A/B (pairwise) | {a}: per {unit_label} | load |" + "".join(f" {e[0]} |" for e in extra),
         "|---" * (10 + len(extra)) + "|"]
    sizes = sorted(data, key=int)
    pts = []
    for s in sizes:
        d = data[s]
        if "error" in d:
            L.append(f"| {s} | {d['error']} |")
            pts.append((int(s), None))
            continue
        A, B = d.get(a, {}), d.get(b, {})
        pts.append((int(s), A.get("median_ms")))
    per, g, flag = growth(pts)
    for s, pu in zip(sizes, per):
        d = data[s]
        if "error" in d:
            continue
        A, B = d.get(a, {}), d.get(b, {})
        pu_s = "-" if pu is None else f"{pu * per_unit_scale:.3f} µs"
        L.append(f"| {s} | {f_ms(A.get('median_ms'))} | {f_ms(A.get('p99_ms'))} | "
                 f"{f_kib(A.get('peak_rss_kib'))} | {f_ms(B.get('median_ms'))} | "
                 f"{f_ms(B.get('p99_ms'))} | {f_kib(B.get('peak_rss_kib'))} | "
                 f"{f_ratio(d.get('ratio_a_b'))} | {pu_s} | {d.get('load', '')} |" +
                 "".join(f" {e[1](d)} |" for e in extra))
    if g is not None:
        L.append("")
        L.append(f"Cost per {unit_label} of oomlab, largest/smallest size: {g:.2f}x"
                 + (" **GROWS (> 1.5x)**" if flag else " (flat: within 1.5x)") + ".")
    L.append("")
    return L, flag


def report(res):
    L = [f"Run: `{res['command']}`, {res['date']}, machine: {res['machine']}; "
         f"load average at the start {res['load_start']}, at the end {res['load_end']}; "
         f"took {res['took_s']:.0f} s. A = oomlab, B = the peer, run alternately A B A B; "
         "ratio = median of A/B per pair (below 1: oomlab faster). Peak RSS: ru_maxrss of the "
         "command (what `/usr/bin/time -v` prints) or VmHWM of a long-lived process. "
         "The load average beside each row was read just before it.", ""]
    flags = []
    w = res.get("watch")
    if w:
        L += ["#### watch: kill to a reader's read(), BPF source vs bpftrace", "",
              "Each size is the number of kills per watcher run (eater on CPU 0, watcher and "
              "reader on CPU 1, 64 MiB v1 memcg); both lines are read by the same block reader "
              "(os.read of 64 KiB, stamped with CLOCK_MONOTONIC when it returns) and measured "
              "from the kernel's own time stamp (oomlab's kernel_time_us, bpftrace's nsecs: "
              "both bpf_ktime_get_ns).", "",
              "oomlab runs with `--no-kmsg` (A); the last two columns are the default watch, "
              "which also merges the kernel log's report onto each event (it reads the "
              "report's records from /dev/kmsg, one read() each, before it writes).", "",
              "| kills per run | oomlab: median | p99 | own stamp median | seen | start-up | RSS at end (peak) | bpftrace: median | p99 | seen | start-up | RSS at end (peak) | A/B (pairwise) | load | default (kernel-log merge): median | p99 |",
              "|---" * 16 + "|"]
        for n in sorted(w["sizes"], key=int):
            s = w["sizes"][n]
            A, B = s["oomlab"], s["bpftrace"]
            L.append(f"| {n} | {f_ms(A['median_ms'])} | {f_ms(A['p99_ms'])} | {f_ms(A['own_median_ms'])} | "
                     f"{A['seen']}/{A['provoked']} | "
                     f"{f_ms(A['startup_ms'])} | {f_kib(A['rss_end_kib'])} ({f_kib(A['peak_rss_kib'])}) | "
                     f"{f_ms(B['median_ms'])} | "
                     f"{f_ms(B['p99_ms'])} | {B['seen']}/{B['provoked']} | {f_ms(B['startup_ms'])} | "
                     f"{f_kib(B['rss_end_kib'])} ({f_kib(B['peak_rss_kib'])}) | {f_ratio(s['ratio_a_b'])} | {', '.join(A['load'][:1] + B['load'][:1])} | "
                     f"{f_ms(s.get('oomlab+kmsg', {}).get('median_ms'))} | {f_ms(s.get('oomlab+kmsg', {}).get('p99_ms'))} |")
            for k in ("oomlab", "bpftrace", "oomlab+kmsg"):
                if k not in s:
                    continue
                if s[k]["errors"]:
                    L.append(f"| {n} | {k} failed: {'; '.join(s[k]['errors'])[:150]} |")
        bcc = w["oomkill_bpfcc"]
        L += ["", "bcc's `oomkill-bpfcc`: " + (
            "not installed" if not bcc["available"] else
            "loaded (kprobe attached)" if bcc.get("loaded") else
            f"does not load here (exit {bcc.get('exit')}: `{bcc.get('why')}`)") + ".", ""]
    y = res.get("why")
    if y:
        a, b = "oomlab why --log FILE --json", "LC_ALL=C grep -c 'Killed process' FILE"
        t, fl = table_generic("why --log, plain text (MiB)", "MiB", y["plain"], a, b,
                              extra=[("floor `cat FILE >/dev/null`",
                                      lambda d: f_ms(d['cat FILE >/dev/null (floor)']['median_ms'])),
                                     ("A/floor", lambda d: f_ratio(
                                         d[a]['median_ms'] / d['cat FILE >/dev/null (floor)']['median_ms']))],
                              per_unit_scale=1000, unit_label="MiB")
        L += t
        flags += ["why plain"] if fl else []
        for ext, cat in (("gz", "zcat"), ("xz", "xzcat"), ("zst", "zstdcat")):
            a = f"oomlab why --log FILE.{ext} --json"
            b = f"{cat} FILE.{ext} | LC_ALL=C grep -c 'Killed process'"
            data = {m: r[ext] for m, r in y["compressed"].items()}
            t, fl = table_generic(f"why --log, .{ext} (MiB before compression)", "MiB", data, a, b,
                                  per_unit_scale=1000, unit_label="MiB")
            L += t
            flags += [f"why {ext}"] if fl else []
    ts = res.get("top_serve")
    if ts and ts["top"]:
        t, fl = table_generic("top --json (cgroups per hierarchy)", "cgroups", ts["top"],
                              "oomlab top --json", "systemd-cgtop -b -n 1 --raw",
                              per_unit_scale=1000, unit_label="cgroup")
        L += t
        flags += ["top"] if fl else []
    if ts:
        if ts.get("top_sources"):
            t, fl = table_generic("top --json: BPF cgroup iterator vs the files (cgroups per hierarchy)",
                                  "cgroups", ts["top_sources"], "oomlab top --json --source bpf",
                                  "oomlab top --json --source files", per_unit_scale=1000,
                                  unit_label="cgroup")
            L += t
            flags += ["top bpf"] if fl else []
        t, fl = table_generic("serve: one /metrics scrape (cgroups per hierarchy)", "cgroups",
                              ts["serve"], "oomlab serve /metrics",
                              "prometheus-node-exporter /metrics", per_unit_scale=1000,
                              unit_label="cgroup")
        L += t
        flags += ["serve"] if fl else []
    sc = res.get("scores")
    if sc:
        t, fl = table_generic("scores --all (extra sleeping processes)", "processes", sc,
                              "oomlab scores --all --json", "ps -eo pid,oom,oomadj",
                              extra=[("processes on the host", lambda d: str(d["processes"]))],
                              per_unit_scale=1000, unit_label="process")
        L += t
        flags += ["scores"] if fl else []
    L.append("Rows flagged GROWS: " + (", ".join(flags) if flags else "none") + ".")
    return "\n".join(L) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--doc")
    ap.add_argument("--only", default="watch,why,top,scores",
                    help="rows to run, comma-separated: watch, why, top (with serve), serve "
                    "(serve alone), scores")
    ap.add_argument("--top-sizes", help="cgroups per hierarchy for the top/serve rows, e.g. 4000,10000")
    o = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("bench: needs root (cgroups, BPF, OOM kills)")
    if not os.access(OOMLAB, os.X_OK):
        sys.exit(f"bench: no oomlab at {OOMLAB} (make first)")
    only = set(o.only.split(","))
    os.makedirs(OUT, exist_ok=True)
    os.makedirs(TMP, exist_ok=True)
    t0 = time.time()
    apt_install(["bpftrace", "bpfcc-tools", "prometheus-node-exporter", "zstd", "xz-utils",
                 "gzip", "procps", "curl", "grep", "time", "systemd"])
    build_helpers()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mem = int(open("/proc/meminfo").readline().split()[1]) // 1048576
    res = {"command": "make bench-quick" if o.quick else "make bench",
           "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
           "machine": f"Linux {os.uname().release}, {os.cpu_count()} vCPU {cpu}, {mem} GiB",
           "load_start": loadavg()}
    Q = o.quick
    if "watch" in only:
        res["watch"] = bench_watch([5, 10, 20] if Q else [10, 30, 60], 2)
    if "why" in only:
        res["why"] = bench_why([16, 64, 256] if Q else [64, 256, 1024],
                               [4, 16, 64] if Q else [16, 64, 256], 3 if Q else 5)
    if "top" in only or "serve" in only:  # serve alone: --only serve
        sizes = [int(x) for x in o.top_sizes.split(",")] if o.top_sizes else \
            [100, 400, 1600] if Q else [1000, 4000, 10000]
        res["top_serve"] = bench_top_serve(sizes,
                                           5 if Q else 10, 5 if Q else 10, top="top" in only)
    if "scores" in only:
        res["scores"] = bench_scores([1000, 3000, 6000] if Q else [1000, 5000, 15000],
                                     5 if Q else 10)
    res["load_end"] = loadavg()
    res["took_s"] = time.time() - t0
    name = "bench-quick.json" if Q else "bench.json"
    json.dump(res, open(os.path.join(OUT, name), "w"), indent=1)
    md = report(res)
    print(md)
    if o.doc:
        doc = open(o.doc).read()
        b, e = "<!-- bench:begin -->", "<!-- bench:end -->"
        if b in doc and e in doc:
            doc = doc[:doc.index(b) + len(b)] + "\n" + md + doc[doc.index(e):]
        else:
            doc += f"\n{b}\n{md}{e}\n"
        open(o.doc, "w").write(doc)
        say(f"bench: tables written to {o.doc} and {os.path.join(OUT, name)}")


if __name__ == "__main__":
    main()

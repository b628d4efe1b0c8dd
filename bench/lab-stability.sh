#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Does the lab ever fail from noise? Runs the whole lab (`oomlab lab --all --yes --json
# --report`) QUIET times back to back, then BUSY times with both CPUs kept busy by two spinning
# shells of our own (killed by pid afterwards), and prints, per step, every status seen and the
# min / median / max of each quantity the step's verdict is made from (the JSON "measured"
# object), with the load average before and after each run. Raw JSON per run in OUT.
# Usage: bench/lab-stability.sh [QUIET=20] [BUSY=10]   (OOMLAB=path/to/oomlab, OUT=dir)
# Needs root. Creates only what the lab creates (and removes); the spinners are ours.
set -u
QUIET=${1:-20}
BUSY=${2:-10}
here=$(cd "$(dirname "$0")" && pwd)
OOMLAB=${OOMLAB:-$here/../oomlab}
OUT=${OUT:-$(mktemp -d /tmp/oomlab-lab-bench.XXXXXX)}
mkdir -p "$OUT"
[ "$(id -u)" = 0 ] || { echo "needs root (the lab creates cgroups)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "needs python3 for the summary" >&2; exit 1; }

spin=()
stop_spin() {
	for p in "${spin[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${spin[@]}"; do wait "$p" 2>/dev/null; done
	spin=()
}
trap stop_spin EXIT

echo "machine: $(uname -r), $(nproc) CPU, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); started $(date -u +%Y-%m-%dT%H:%M:%SZ); runs in $OUT"
one() { # label n
	local f=$OUT/$1-$2 l0 l1 t0 rc
	l0=$(cut -d' ' -f1 /proc/loadavg)
	t0=$(date +%s%N)
	"$OOMLAB" lab --all --yes --json --report "$f.html" >"$f.json" 2>"$f.log"
	rc=$?
	l1=$(cut -d' ' -f1 /proc/loadavg)
	echo "{\"label\":\"$1\",\"run\":$2,\"rc\":$rc,\"wall_ms\":$((($(date +%s%N) - t0) / 1000000)),\"load_before\":$l0,\"load_after\":$l1}" >"$f.meta"
	echo "$1 run $2: exit $rc, $((($(date +%s%N) - t0) / 1000000)) ms, load $l0 -> $l1"
	rm -f "$f.html"
}
for i in $(seq 1 "$QUIET"); do one quiet "$i"; done
if [ "$BUSY" -gt 0 ]; then
	for k in 1 2; do
		sh -c 'while :; do :; done' &
		spin+=($!)
	done
	echo "spinners: ${spin[*]}"
	for i in $(seq 1 "$BUSY"); do one busy "$i"; done
	stop_spin
fi

python3 - "$OUT" <<'PY'
import glob, json, os, statistics, sys
out = sys.argv[1]
runs = {}
for meta in sorted(glob.glob(os.path.join(out, "*.meta"))):
    m = json.load(open(meta))
    try:
        d = json.load(open(meta[:-5] + ".json"))
    except Exception as e:
        d = None
    runs.setdefault(m["label"], []).append((m, d))
for label, rs in runs.items():
    loads = [m["load_before"] for m, _ in rs] + [m["load_after"] for m, _ in rs]
    walls = sorted(m["wall_ms"] / 1000 for m, _ in rs)
    print(f"\n### {label}: {len(rs)} runs, exit codes {sorted(set(m['rc'] for m, _ in rs))}, "
          f"wall {walls[0]:.0f}/{statistics.median(walls):.0f}/{walls[-1]:.0f} s, "
          f"load average {min(loads):.2f}-{max(loads):.2f}\n")
    print("| item | statuses | quantity | min | median | max |")
    print("|---|---|---|---|---|---|")
    items = {}
    for _, d in rs:
        if not d:
            continue
        for it in d["steps"] + d["exercises"]:
            e = items.setdefault(it["id"], {"st": {}, "q": {}})
            e["st"][it["status"]] = e["st"].get(it["status"], 0) + 1
            for k, v in it.get("measured", {}).items():
                e["q"].setdefault(k, []).append(v)
    for iid, e in items.items():
        st = ", ".join(f"{k} {v}" for k, v in sorted(e["st"].items()))
        if not e["q"]:
            print(f"| {iid} | {st} | - | | | |")
        for k, v in e["q"].items():
            print(f"| {iid} | {st} | {k} | {min(v):g} | {statistics.median(v):g} | {max(v):g} |")
    fails = [(m["run"], it["id"], it["observed"]) for m, d in rs if d
             for it in d["steps"] + d["exercises"] if it["status"] == "FAIL"]
    for f in fails:
        print(f"FAIL in run {f[0]}: {f[1]}: {f[2]}")
PY

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `oomlab top --source bpf` (one BPF cgroup-iterator pass per hierarchy) against
# `--source files` on the same cgroups, number for number. Under a parent of our own
# (oomlab-test-topbpf-<pid>, in the memory tree and, on hybrid hosts, the cgroup2 tree):
#   lim/       64 MiB limit, and lim/shm/ holding a /dev/shm file that was 8 MiB and is now
#              3 MiB (usage and peak differ; the limit binds from the parent)
#   oom/       32 MiB limit, one anonymous eater OOM-killed in it (oom_kill 1, charges at the
#              limit, a PSI stall in its cgroup2 sibling)
#   memonly/   only in the memory tree, v2only/ only in the cgroup2 tree (hybrid: the merge)
# All workloads have exited before the reads, so the counters stand still: a files read, the
# BPF read, a files read again. Where both file reads agree, the BPF figure must be the same
# number (usage, limits, peak, OOM kills, PSI totals); PSI averages only decay while idle, so the
# BPF one must lie between the two file reads. Skips when BPF is not compiled in or not
# permitted; fails when it is built but does not load otherwise.
source "$(dirname "$0")/../_lib.sh"
require_root
require_memcg
require_cmd python3

probe=$("$OOMLAB" top --json --source bpf 2>&1 >/dev/null) || {
	case $probe in
	*"not compiled in"* | *"Operation not permitted"* | *"needs root"*) skip "no BPF cgroup iterator here: $probe" ;;
	*) fail "the BPF cgroup iterator is built but does not load: $probe" ;;
	esac
}

if [ -f /sys/fs/cgroup/memory/memory.limit_in_bytes ]; then
	MEM=/sys/fs/cgroup/memory LIMIT=memory.limit_in_bytes
	V2=
	[ -f /sys/fs/cgroup/unified/cgroup.procs ] && V2=/sys/fs/cgroup/unified
else
	MEM=/sys/fs/cgroup LIMIT=memory.max V2=
fi
NAME=oomlab-test-topbpf-$$
SHM=/dev/shm/$NAME
WORK=$(mktemp -d /tmp/oomlab-topbpf.XXXXXX)
cleanup() {
	rm -f "$SHM"
	for root in "$MEM" $V2; do
		for d in lim/shm lim oom memonly v2only ""; do
			[ -d "$root/$NAME/$d" ] || continue
			for _ in 1 2 3 4 5 6 7 8 9 10; do rmdir "$root/$NAME/$d" 2>/dev/null && break; sleep 0.1; done
			[ -d "$root/$NAME/$d" ] && echo "warning: could not remove $root/$NAME/$d"
		done
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$MEM/$NAME/lim/shm" "$MEM/$NAME/oom" "$MEM/$NAME/memonly" || fail "cannot create cgroups under $MEM"
if [ -n "$V2" ]; then
	mkdir -p "$V2/$NAME/lim/shm" "$V2/$NAME/oom" "$V2/$NAME/v2only" || fail "cannot create cgroups under $V2"
fi
echo $((64 << 20)) > "$MEM/$NAME/lim/$LIMIT"
echo $((32 << 20)) > "$MEM/$NAME/oom/$LIMIT"

# in_cgroup DIR CMD...: run CMD in DIR of the memory tree (and its cgroup2 sibling)
in_cgroup() {
	local d=$1; shift
	sh -c 'echo $$ > "$1/cgroup.procs" && { [ -z "$2" ] || echo $$ > "$2/cgroup.procs"; } && shift 2 && exec "$@"' \
		sh "$MEM/$NAME/$d" "${V2:+$V2/$NAME/$d}" "$@"
}
in_cgroup lim/shm dd if=/dev/zero of="$SHM" bs=1M count=8 status=none || fail "cannot write $SHM"
truncate -s 3M "$SHM"
in_cgroup oom "$OOMLAB" eat --total 64M --rate max -q >/dev/null 2>&1
st=$?
[ "$st" = 137 ] || fail "the eater in oom/ exited with $st, not SIGKILL (no OOM kill?)"
sleep 0.3 # the victim's memory is uncharged as it exits

# three reads; again (up to 5 times) while a counter still moved between the two file reads
for attempt in 1 2 3 4 5; do
	"$OOMLAB" top "/$NAME" --json --source files > "$WORK/f1.json" || fail "top --source files failed"
	"$OOMLAB" top "/$NAME" --json --source bpf > "$WORK/bpf.json" || fail "top --source bpf failed"
	"$OOMLAB" top "/$NAME" --json --source files > "$WORK/f2.json" || fail "top --source files failed"
	python3 - "$WORK" "$NAME" "${V2:+hybrid}" <<'PY'
import json, sys
w, name, hybrid = sys.argv[1], "/" + sys.argv[2], sys.argv[3] == "hybrid"
f1, b, f2 = (json.load(open(f"{w}/{n}.json")) for n in ("f1", "bpf", "f2"))
assert b["source"] == "bpf" and f1["source"] == "files", (b["source"], f1["source"])
rows = lambda d: {c["name"]: c for c in d["cgroups"]}
F1, B, F2 = rows(f1), rows(b), rows(f2)
want = {name, name + "/lim", name + "/lim/shm", name + "/oom"}
want |= {name + "/memonly", name + "/v2only"} if hybrid else {name + "/memonly"}
assert want <= set(F1), ("cgroups missing from the files", sorted(want - set(F1)))
assert set(B) == set(F1) == set(F2), ("different cgroups", sorted(set(B) ^ set(F1)))
exact = ("trees", "usage", "high", "max", "binding_limit", "usage_share", "peak", "oom_kill",
         "unreclaimable")
moved, bad = [], []
for n in sorted(F1):
    x1, xb, x2 = F1[n], B[n], F2[n]
    for k in exact:
        if x1.get(k) != x2.get(k):
            moved.append((n, k, x1.get(k), x2.get(k)))
        elif xb.get(k) != x1.get(k):
            bad.append((n, k, "files", x1.get(k), "bpf", xb.get(k)))
    p1, pb, p2 = x1["psi"], xb["psi"], x2["psi"]
    if (p1 is None) != (pb is None) or (p2 is None) != (pb is None):
        bad.append((n, "psi", p1, pb, p2))
        continue
    if pb is None:
        if xb.get("psi_missing") != x1.get("psi_missing"):
            bad.append((n, "psi_missing", x1.get("psi_missing"), xb.get("psi_missing")))
        continue
    for line in ("some", "full"):
        t1, tb, t2 = p1[line]["total_us"], pb[line]["total_us"], p2[line]["total_us"]
        if t1 != t2:
            moved.append((n, line + ".total_us", t1, t2))
        elif tb != t1:
            bad.append((n, line + ".total_us", "files", t1, "bpf", tb))
        for a in ("avg10", "avg60", "avg300"):
            lo, hi = sorted((p1[line][a], p2[line][a]))
            if not lo <= pb[line][a] <= hi:
                bad.append((n, f"{line}.{a}", "files", p1[line][a], p2[line][a], "bpf", pb[line][a]))
for x in bad:
    print("  differs:", *x)
if bad:
    sys.exit(1)
if moved:
    print("  moved between the two file reads, again:", *moved[:3])
    sys.exit(3)
o = B[name + "/oom"]
s = B[name + "/lim/shm"]
print(f"  {len(B)} cgroups agree; oom/: oom_kill {o['oom_kill']}, max {o['max']}, psi some total "
      f"{o['psi']['some']['total_us'] if o['psi'] else None} us; lim/shm: usage {s['usage']}, "
      f"peak {s['peak']}, binding limit {s['binding_limit']}")
# figures that must not be zero for the comparison to mean anything
assert o["oom_kill"] == 1 and o["max"] == 32 << 20, ("oom/", o)
assert s["peak"] >= 8 << 20 > s["usage"] >= 3 << 20 and s["binding_limit"] == 64 << 20, ("lim/shm", s)
if hybrid:
    assert B[name + "/memonly"]["trees"] == "v1" and B[name + "/v2only"]["trees"] == "v2"
    assert o["psi"] and o["psi"]["some"]["total_us"] > 0, ("no stall recorded for the OOM", o["psi"])
PY
	rc=$?
	[ "$rc" = 3 ] && continue
	[ "$rc" = 0 ] || fail "the sources disagree (above)"
	exit 0
done
fail "counters kept moving between two file reads of idle cgroups (5 attempts)"

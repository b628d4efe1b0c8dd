# SPDX-License-Identifier: MIT
# `oomlab scores --source bpf` (the BPF task iterator) against /proc and against the kernel itself.
# In one 128 MiB v1 memory cgroup of our own: eaters of 8 and 24 MiB (anonymous), one of 16 MiB
# shared (shmem), and a "leaderless" process whose main thread has exited while a second thread
# holds 40 MiB (its /proc/PID/status shows no memory at all).
#   A. Both sources list the same processes with the same comm, adj, page tables and swap; anon,
#      file and shmem each within the per-CPU counter error (the shmem eater's 16 MiB must land
#      in shmem in both, which a mixed-up counter index would not do); the computed oom_score
#      equals /proc/PID/oom_score.
#   B. Both predict the leaderless process, and the kernel kills it (the kill record names the
#      thread that lent its mm: find_lock_task_mm()).
#   C. The kernel's own task dump in that OOM report (dump_tasks) shows, for the idle survivors,
#      exactly the rss (and its anon/file/shmem parts on 6.8+), page tables, swap and adj the
#      BPF source read before the push: its
#      numbers are the OOM killer's numbers. /proc/PID/status sums the per-CPU counters (6.16+)
#      and may differ; the test says by how much.
# Each part is one SUBTEST line. The test fails when the BPF source is built but does not load
# for another reason than missing privileges or namespace (a verifier or relocation failure).
set -u
. "$TESTS/integration/_scores_lib.sh"
scores_prereqs
command -v python3 >/dev/null || skip "needs python3 to compare the JSON of both sources"
probe=$("$OOMLAB" scores --all --top 1 --source bpf 2>&1) || {
	case $probe in
	*"not compiled in"* | *"Operation not permitted"* | *"pid namespace"*) skip "no BPF source here: $probe" ;;
	*) fail "the BPF task iterator is built but does not load: $probe" ;;
	esac
}
sub_fail() { echo "SUBTEST FAIL $1: $2"; exit 1; }

echo $((128 * 1024 * 1024)) > "$CG/memory.limit_in_bytes"
start_eater a --total 8M --hold; A=$EPID
start_eater b --total 24M --hold; B=$EPID
start_eater shm --mode shmem --total 16M --hold; S=$EPID
# the leader has exited before the thread eats (eat --leaderless joins it first)
start_eater lone --leaderless --total 40M --hold; L=$EPID
grep -q '^VmRSS' "/proc/$L/status" &&
	fail "pid $L: the exited leader still shows VmRSS: this kernel keeps the leader's mm"
tids=$(ls "/proc/$L/task" | tr '\n' ' ')
echo "eaters: a=$A (8 MiB) b=$B (24 MiB) shm=$S (16 MiB shmem) leaderless=$L (40 MiB in thread(s) $tids)"

"$OOMLAB" scores "$CGNAME" --json --source bpf > "$WORK/bpf.json" || fail "scores --source bpf failed"
"$OOMLAB" scores "$CGNAME" --json --source proc > "$WORK/proc.json" || fail "scores --source proc failed"
ncpu=$(getconf _NPROCESSORS_CONF)
python3 - "$WORK" "$ncpu" "$S" "$A" "$B" "$L" <<'EOF' || sub_fail sources-agree "the sources disagree (above)"
import json, sys
w = sys.argv[1]; ncpu = int(sys.argv[2]); shm = int(sys.argv[3]); ours = set(int(x) for x in sys.argv[3:])
bpf = json.load(open(w + "/bpf.json"))
proc = json.load(open(w + "/proc.json"))
assert bpf["source"] == "bpf-task-iter" and proc["source"] == "procfs", (bpf["source"], proc["source"])
b = {p["pid"]: p for p in bpf["processes"]}
q = {p["pid"]: p for p in proc["processes"]}
assert ours <= set(b) and ours <= set(q), ("missing processes", sorted(b), sorted(q))
# per counter, the per-mm count lags the sum by less than batch x nr_cpus pages
bound_kb = max(32, 2 * ncpu) * ncpu * 4
for pid in sorted(ours):
    x, y = b[pid], q[pid]
    for k in ("comm", "oom_score_adj", "pgtables_kb", "swap_kb", "killable"):
        assert x[k] == y[k], (pid, k, x[k], y[k])
    for k in ("rss_anon_kb", "rss_file_kb", "rss_shmem_kb"):
        assert abs(x[k] - y[k]) <= bound_kb, (pid, k, x[k], y[k], bound_kb)
    assert x["rss_kb"] == x["rss_anon_kb"] + x["rss_file_kb"] + x["rss_shmem_kb"], x
    d = x["rss_kb"] - y["rss_kb"]
    score = int(open("/proc/%d/oom_score" % pid).read())
    assert x["oom_score"] == score, (pid, "computed oom_score", x["oom_score"], "file", score)
    print("  pid %d %-14s bpf rss %6d kB, /proc %6d kB (%+d), pgtables %d kB, oom_score %d = file"
          % (pid, x["comm"], x["rss_kb"], y["rss_kb"], d, x["pgtables_kb"], score))
lone = b[int(sys.argv[6])]
assert lone["killable"] and lone["rss_anon_kb"] >= 40 * 1024, ("leaderless", lone)
for src in (b, q):
    assert src[shm]["rss_shmem_kb"] >= 16 * 1024 and src[shm]["swap_kb"] == 0, ("shmem eater", src[shm])
    assert src[shm]["rss_anon_kb"] < 8 * 1024, ("shmem eater counted as anon", src[shm])
EOF
pb=$(json_num predicted_victim < "$WORK/bpf.json")
pp=$(json_num predicted_victim < "$WORK/proc.json")
echo "A: both sources agree; predicted victim: bpf $pb, proc $pp"
[ "$pb" = "$L" ] || sub_fail sources-agree "bpf predicted $pb, expected the leaderless $L"
[ "$pp" = "$L" ] || sub_fail sources-agree "proc predicted $pp, expected the leaderless $L"
echo "SUBTEST PASS sources-agree"

# B. push the cgroup over its limit with shmem nobody maps (counted in no rss)
usage=$(cat "$CG/memory.usage_in_bytes")
push=$(( (128 * 1024 * 1024 - usage) / 1048576 + 6 ))
start_eater push --mode memfd --step "${push}M"
before=$(oom_kills)
seq=$(kmsg_seq)
grow push || fail "the pusher did not finish; it said '$LINE'"
logged=()
for line in $(kmsg_kills_since "$seq"); do
	for t in $L $tids $A $B $S; do [ "$t" = "$line" ] && logged+=("$line"); done
done
wait "$L" 2>/dev/null; st=$?
echo "B: kill records for our processes: ${logged[*]:-none}; leaderless exit status $st; oom_kill $before -> $(oom_kills)"
[ ${#logged[@]} -ge 1 ] || sub_fail leaderless-killed "no kill record for our processes"
case " $tids " in
*" ${logged[0]} "*) ;;
*) sub_fail leaderless-killed "the kernel killed ${logged[0]} first, not the leaderless process $L (threads $tids)" ;;
esac
[ "$st" = 137 ] || sub_fail leaderless-killed "the leaderless process exited with $st, not SIGKILL"
[ "${logged[0]}" = "$L" ] || echo "   (the kill record names thread ${logged[0]}, not pid $L: the thread whose mm was found)"
echo "SUBTEST PASS leaderless-killed"

# C. the kernel's task dump of that report, for the idle survivors a and b
if [ "$(cat /proc/sys/vm/oom_dump_tasks)" != 1 ]; then
	echo "SUBTEST SKIP kernel-task-dump: vm.oom_dump_tasks is 0 (no task dump in OOM reports)"
	exit 0
fi
dmesg > "$WORK/dmesg" 2>/dev/null || { echo "SUBTEST SKIP kernel-task-dump: cannot read the kernel log (dmesg)"; exit 0; }
python3 - "$WORK" "$A" "$B" "$S" <<'EOF'
import json, re, sys
w = sys.argv[1]
bpf = {p["pid"]: p for p in json.load(open(w + "/bpf.json"))["processes"]}
proc = {p["pid"]: p for p in json.load(open(w + "/proc.json"))["processes"]}
dump = open(w + "/dmesg", errors="replace").read()
found = 0
for pid in map(int, sys.argv[2:]):
    # "[  pid]   uid  tgid total_vm  rss [rss_anon rss_file rss_shmem] pgtables_bytes swapents oom_score_adj name"
    rows = [l for l in dump.splitlines()
            if re.search(r"\] \[ *%d\] +\d+ +%d +\d+ " % (pid, pid), l)]
    if not rows:
        continue
    nums = [int(x) for x in rows[-1].split("]", 2)[2].split()[:-1]]
    rss, pgt, swp, adj = nums[3], nums[-3], nums[-2], nums[-1]
    x = bpf[pid]
    want = [x["rss_kb"] // 4, x["pgtables_kb"] * 1024, x["swap_kb"] // 4, x["oom_score_adj"]]
    got = [rss, pgt, swp, adj]
    if len(nums) == 10: # 6.8+: rss_anon rss_file rss_shmem columns
        got += nums[4:7]
        want += [x["rss_anon_kb"] // 4, x["rss_file_kb"] // 4, x["rss_shmem_kb"] // 4]
    got, want = tuple(got), tuple(want)
    print("  pid %d: kernel dump %s, bpf %s; /proc status rss %d pages"
          % (pid, got, want, proc[pid]["rss_kb"] // 4))
    if got != want:
        sums = proc[pid]["rss_kb"] // 4
        hint = " (the dump matches the /proc SUMS: this kernel's OOM killer sums the per-CPU counters; the BPF source must sum too)" if rss == sums else ""
        sys.exit("pid %d: the OOM killer saw %s, the BPF source read %s%s" % (pid, got, want, hint))
    found += 1
print("SUBTEST PASS kernel-task-dump" if found else
      "SUBTEST SKIP kernel-task-dump: no task dump rows for our eaters (the report header was rate-limited)")
EOF
rc=$?
[ $rc = 0 ] || sub_fail kernel-task-dump "the BPF source's numbers are not the OOM killer's"

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Behaviour of `oomlab why` on fixtures: every prefix style decodes to the same kill, filters,
# hostile comms, rate-limited kills, text wording, usage errors.
set -u
L=$FIXTURES/logs
command -v python3 >/dev/null || { echo "SKIP: python3 needed to read the JSON output"; exit 77; }
fail=0
check() { # description, command... (must succeed)
	local d=$1; shift
	if ! "$@"; then echo "FAIL: $d"; fail=1; fi
}
jq_py() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

# 1. all prefix styles: same pid, comm, cgroup, numbers
ref=$("$OOMLAB" why --json --log "$L/captured-6.18-v1-memcg.kmsg" |
	jq_py 'k=d["kills"]; print(len(k), [(x["pid"],x["comm"],x["task_memcg"],x["memcg_limit_kb"],x["anon_rss_kb"],x["uid"],x["victim_rank"]) for x in k])')
for f in "$L"/prefix-*.log; do
	got=$("$OOMLAB" why --json --log "$f" |
		jq_py 'k=d["kills"]; print(len(k), [(x["pid"],x["comm"],x["task_memcg"],x["memcg_limit_kb"],x["anon_rss_kb"],x["uid"],x["victim_rank"]) for x in k])')
	check "prefix style $(basename "$f"): '$got' != '$ref'" test "$got" = "$ref"
done
check "reference decodes" test "$ref" = "1 [(3916, 'python3', '/oomlab-test-kmsg-3911', 65536, 65152, 0, 1)]"

# 2. hostile comm: true pid and numbers
got=$("$OOMLAB" why --json --log "$L/captured-6.18-hostile-comm.kmsg" |
	jq_py 'k=d["kills"][0]; print(k["pid"], repr(k["comm"]), k["total_vm_kb"], k["anon_rss_kb"], k["file_rss_kb"], k["task_memcg"])')
check "hostile comm: $got" test "$got" = "4061 'x) total-vm:1kB' 221548 65152 6732 /oomlab-test-kmsg-4013"
got=$("$OOMLAB" why --json --log "$L/hostile-summary.log" |
	jq_py 'print([(k["pid"], k["comm"], k["task_memcg"], k["total_vm_kb"]) for k in d["kills"]])')
check "hostile summary: $got" test "$got" = "[(700, 'a,task=b', '/evil', 9000), (701, '(x)) total-vm:1kB', None, 5000), (702, '\\\\\\n', None, 6000)]"

# a comm cannot start a fake line in text output: control bytes are shown as \xNN
t=$("$OOMLAB" why --log "$L/hostile-summary.log")
check "control bytes escaped in text" grep -qF 'OOM kill of pid 702 (\x5c\x0a), uid 0' <<<"$t"
check "one line per kill header" test "$(grep -c '^OOM kill of pid' <<<"$t")" = 3

# 3. rate-limited burst: 20 kills, 5 without header, all with the right pid in log order
got=$("$OOMLAB" why --json --log "$L/captured-6.18-burst-ratelimited.kmsg" |
	jq_py 'k=d["kills"]; print(len(k), sum(1 for x in k if x["invoker_comm"] is None), ",".join(str(x["pid"]) for x in k))')
want_pids=$(grep -o 'Killed process [0-9]*' "$L/captured-6.18-burst-ratelimited.kmsg" | awk '{printf "%s%s", s, $3; s=","}')
check "burst: $got" test "$got" = "20 5 $want_pids"

# 4. filters: --pid, --cgroup (exact, ancestor, mount prefix), --since
n() { "$OOMLAB" why --json --log "$L/captured-6.18-two-cgroups-nested.kmsg" "$@" | jq_py 'print(len(d["kills"]))'; }
check "no filter" test "$(n)" = 6
check "--pid" test "$(n --pid 13626)" = 1
check "--pid other" test "$(n --pid 1)" = 0
check "--cgroup a" test "$(n --cgroup /oomlab-test-kmsg-a-13577)" = 3
check "--cgroup b (ancestor of child)" test "$(n --cgroup /oomlab-test-kmsg-b-13577)" = 3
check "--cgroup mount path" test "$(n --cgroup /sys/fs/cgroup/memory/oomlab-test-kmsg-b-13577/child)" = 3
check "--cgroup prefix is not a parent" test "$(n --cgroup /oomlab-test-kmsg-b-1357)" = 0
check "--pid and wrong --cgroup" test "$(n --pid 13626 --cgroup /oomlab-test-kmsg-a-13577)" = 0
check "--since 30ms" test "$(n --since 30ms)" = 2
check "rate-limited kill has no cgroup: never matches --cgroup" test \
	"$("$OOMLAB" why --json --log "$L/captured-6.18-burst-ratelimited.kmsg" --pid 4445 --cgroup /oomlab-test-kmsg-4105 | jq_py 'print(len(d["kills"]))')" = 0

# 5. text: plain words
t=$("$OOMLAB" why --log "$L/captured-6.18-two-cgroups-nested.kmsg" --pid 13626)
check "text names the ancestor" grep -q "limit hit was its ancestor /oomlab-test-kmsg-b-13577" <<<"$t"
check "text names the limit" grep -q "usage 48.0 MiB of a 48.0 MiB limit" <<<"$t"
t=$("$OOMLAB" why --log "$L/hist-5.10-v2-oom-group.log")
check "oom group in text" grep -q "memory.oom.group" <<<"$t"
check "not the largest" grep -q "number 2 by size of 3 task" <<<"$t"
t=$("$OOMLAB" why --log "$L/hist-5.4-global-journal.log")
check "global OOM in text" grep -q "the host ran out of memory" <<<"$t"
check "no match message" grep -q "no OOM kill matching" <<<"$("$OOMLAB" why --log "$L/hist-5.4-global-journal.log" --pid 3)"

# 6. the live-buffer path through a sysroot (dev/kmsg holds saved raw records)
check "sysroot dev/kmsg" test "$("$OOMLAB" --sysroot "$FIXTURES/why-sysroot" why --json --pid 4895 | jq_py 'print(d["kills"][0]["anon_rss_kb"])')" = 64896

# 6b. --cgroup's live state comes through the host's layout (mountinfo), not fixed paths: the v1
# memory hierarchy mounted at a place of its own; v1's "no limit" (PAGE_COUNTER_MAX pages) is
# null in JSON and "unlimited" in text, never 9223372036854771712
cgs=$(mktemp -d); trap 'rm -rf "$cgs"' EXIT
cp -r "$FIXTURES/sysroot-v1/." "$cgs/"; cp -r "$FIXTURES/why-sysroot/dev" "$cgs/"
mkdir -p "$cgs/cg"; mv "$cgs/sys/fs/cgroup/memory" "$cgs/cg/mem"
sed -i 's| /sys/fs/cgroup/memory | /cg/mem |' "$cgs/proc/self/mountinfo"
cj=$("$OOMLAB" --sysroot "$cgs" why --json --cgroup / 2>/dev/null)
check "cgroup live state through the layout" test "$(jq_py 'c=d["cgroup"]; print(c["path"], "memory.limit_in_bytes" in c and c["memory.limit_in_bytes"] is None, c.get("memory.usage_in_bytes") is not None)' <<<"$cj")" = "/ True True"
check "unlimited in text" grep -q 'limit    unlimited (memory.limit_in_bytes)' <<<"$("$OOMLAB" --sysroot "$cgs" why --cgroup / 2>/dev/null)"

# 7. usage errors exit 2, a missing file exits 1, --help exits 0
"$OOMLAB" why --pid x >/dev/null 2>&1; check "bad pid -> 2" test $? = 2
"$OOMLAB" why --since 5parsecs >/dev/null 2>&1; check "bad since -> 2" test $? = 2
"$OOMLAB" why extra >/dev/null 2>&1; check "extra arg -> 2" test $? = 2
"$OOMLAB" why --log /nonexistent >/dev/null 2>&1; check "missing log -> 1" test $? = 1
check "error wording" grep -q "cannot read '/nonexistent': No such file or directory" <<<"$("$OOMLAB" why --log /nonexistent 2>&1)"
"$OOMLAB" why --help | grep -q -- '--cgroup PATH'; check "--help" test $? = 0
"$OOMLAB" watch --count 0 >/dev/null 2>&1; check "watch bad count -> 2" test $? = 2
"$OOMLAB" watch --help | grep -q -- '--exec CMD'; check "watch --help" test $? = 0
exit $fail

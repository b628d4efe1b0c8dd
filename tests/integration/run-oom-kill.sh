#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A real OOM kill: `oomlab run --max 64M -- oomlab eat --total 256M` exits 137, the report
# says the cgroup's own limit killed it, anon >= 95 % at death, peak within 1 % of 64 MiB,
# the host's available memory is reported, and no cgroup is left.
source "$(dirname "$0")/../_lib.sh"
require_root
require_memcg
require_cmd python3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
before=$(oomlab_cgroups)

"$OOMLAB" run --max 64M --json --timeline "$tmp/t.csv" -- "$OOMLAB" eat --total 256M >"$tmp/out.json" 2>"$tmp/err"
rc=$?
cat "$tmp/out.json"
assert_eq "$rc" 137 "exit status"
assert_eq "$(jget oom_killed "$tmp/out.json")" true "oom_killed"
assert_eq "$(jget signal "$tmp/out.json")" 9 "signal"
assert_eq "$(jget exit_code "$tmp/out.json")" null "exit_code"
assert_eq "$(jget limit_bytes "$tmp/out.json")" 67108864 "limit_bytes"
[ "$(jget oom_kills "$tmp/out.json")" -ge 1 ] || fail "oom_kills < 1"
python3 - "$tmp/out.json" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1]))
lim = 64 << 20
assert abs(d["peak_bytes"] - lim) <= lim // 100, f"peak {d['peak_bytes']} not within 1% of {lim}"
use = d["usage_at_end_bytes"]
assert d["sampled_alive"], "no sample while the eater was alive"
assert d["anon_bytes"] >= 0.95 * use, f"anon {d['anon_bytes']} < 95% of {use}"
assert d["host_available_bytes"] and d["host_available_bytes"] > lim, "host_available_bytes"
assert d["cgroup_mode"] in ("v1", "v2", "hybrid")
assert d["verdict"] == "critical", d["verdict"]
PY
# the timeline has a header and at least one sample row
[ "$(wc -l <"$tmp/t.csv")" -ge 2 ] || fail "timeline has no samples"
head -1 "$tmp/t.csv" | grep -q '^t_us,current_bytes' || fail "timeline header"

# the text account says why
"$OOMLAB" run --max 64M -q -- "$OOMLAB" eat --total 256M -q >"$tmp/out.txt" 2>&1
assert_eq "$?" 137 "exit status (text)"
grep -q "the cgroup hit its own limit" "$tmp/out.txt" || fail "no 'why' line: $(cat "$tmp/out.txt")"
grep -q "not host memory exhaustion" "$tmp/out.txt" || fail "no host comparison"
grep -q "^host: .*available" "$tmp/out.txt" || fail "no host line"

assert_nothing_left "$before" "cgroups left behind"

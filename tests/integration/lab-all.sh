#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The whole lab (`oomlab lab --all --yes --json --report`): every step and exercise PASS, or
# SKIPPED with a reason; the JSON has the documented shape; no cgroup is left afterwards.
source "$(dirname "$0")/../_lib.sh"
require_root
require_memcg
require_cmd python3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
before=$(oomlab_cgroups)
"$OOMLAB" lab --all --yes --json --report "$tmp/r.html" >"$tmp/out.json" 2>"$tmp/err"
rc=$?
tail -25 "$tmp/err"
python3 - "$tmp/out.json" "$rc" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1]))
rc = int(sys.argv[2])
for k in ("kernel", "cgroup_mode", "memory_high", "psi_per_cgroup", "cap_sys_resource"):
    assert k in d["host"], f"host.{k} missing"
steps, exs = d["steps"], d["exercises"]
assert [s["id"] for s in steps] == ["step1", "step2", "step3", "step4", "step5", "step6", "step7"], [s["id"] for s in steps]
assert [e["id"] for e in exs] == ["ex1", "ex2", "ex3", "ex4"], [e["id"] for e in exs]
bad = []
for s in steps + exs:
    for k in ("id", "title", "status", "reason", "expected", "observed"):
        assert k in s, f"{s.get('id')}: {k} missing"
    assert s["status"] in ("PASS", "FAIL", "SKIPPED"), s["status"]
    assert isinstance(s.get("measured"), dict), f"{s['id']}: no measured object"
    if s["status"] == "FAIL":
        bad.append(f"{s['id']}: {s['reason']} / observed: {s['observed']}")
    if s["status"] == "SKIPPED":
        assert len(s["reason"]) > 20, f"{s['id']}: SKIPPED without a real reason"
# on a host without memory.high, the v2-only exercises must say so, not pretend
if not d["host"]["memory_high"]:
    for e in exs:
        if e["id"] in ("ex2", "ex3"):
            assert e["status"] == "SKIPPED" and "memory.high" in e["reason"], e
# root and a memory cgroup are there (required above): the kill step must PASS, with a kill
k = [s for s in steps if s["id"] == "step4"][0]
assert k["status"] == "PASS", f"step4: {k['status']}: {k['reason']} / observed: {k['observed']}"
assert k["kill_t_us"] is not None, "kill without a kill time"
assert k["measured"]["exit"] == 137 and k["measured"]["oom_kills"] >= 1, k["measured"]
# the sick cgroup is judged by the verdict's own rules (docs/VERDICT.md): sick or worse
if d["host"]["psi_per_cgroup"]:
    for sid, key in (("step3", "worst_verdict"), ("step7", "sick_worst_verdict")):
        s = [x for x in steps if x["id"] == sid][0]
        if key in s["measured"]:
            assert s["measured"][key] >= 2, f"{sid}: worst verdict {s['measured'][key]} < sick"
assert d["interrupted"] is False, "interrupted without a signal"
assert not bad, "failed: " + "; ".join(bad)
assert rc == 0, f"exit status {rc}"
PY
grep -q '<svg class="plot memory"' "$tmp/r.html" || fail "report has no memory plot"
grep -q '<script' "$tmp/r.html" && fail "report contains a script"
grep -Eq '(src|href)="https?:' "$tmp/r.html" && fail "report loads something from the network"
assert_nothing_left "$before" "cgroups left behind"

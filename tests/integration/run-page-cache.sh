#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Page cache is reclaimed, not killed: 1 GiB written through a 128 MiB cgroup exits 0.
source "$(dirname "$0")/../_lib.sh"
require_root
require_memcg
require_cmd python3
[ "$(stat -f -c %T /var/tmp)" != tmpfs ] || skip "/var/tmp is tmpfs: no reclaimable page cache there"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
before=$(oomlab_cgroups)
"$OOMLAB" run --max 128M --json -- "$OOMLAB" eat --mode file --total 1G --rate 400M/s -q >"$tmp/out.json" 2>"$tmp/err"
rc=$?
cat "$tmp/out.json"
assert_eq "$rc" 0 "exit status"
assert_eq "$(jget oom_killed "$tmp/out.json")" false "oom_killed"
assert_eq "$(jget oom_kills "$tmp/out.json")" 0 "oom_kills"
assert_eq "$(jget reclaimed_at_limit "$tmp/out.json")" true "reclaimed_at_limit"
python3 - "$tmp/out.json" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1]))
lim = 128 << 20
assert d["peak_bytes"] <= lim, "peak above the limit"
assert d["peak_bytes"] >= lim * 0.9, "the limit was never approached"
if d["sampled_alive"]:
    assert d["file_bytes"] > d["anon_bytes"], "expected mostly page cache"
PY
assert_eq "$(oomlab_cgroups)" "$before" "cgroups left behind"

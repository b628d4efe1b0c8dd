#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# shmem is counted once: the kernel counts it inside the page cache (v2 memory.stat "file", v1
# "cache"), so a shmem eater must show as shmem, not as anonymous AND page cache at once. In the
# JSON account and in every timeline row anon_bytes + file_bytes + shmem_bytes fit in the usage.
source "$(dirname "$0")/../_lib.sh"
require_root
require_memcg
require_cmd python3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

"$OOMLAB" run --max 256M --interval 100ms --json --output "$tmp/j" --timeline "$tmp/t.csv" -- \
	"$OOMLAB" eat --mode shmem --total 64M --rate 200M/s -q >/dev/null 2>"$tmp/err"
assert_eq "$?" 0 "exit status"
python3 - "$tmp/j" "$tmp/t.csv" <<'PY' || exit 1
import csv, json, sys
M = 1 << 20
d = json.load(open(sys.argv[1]))
a, f, s, use = d["anon_bytes"], d["file_bytes"], d["shmem_bytes"], d["usage_at_end_bytes"]
print(f"anon {a} file {f} shmem {s} usage {use}")
assert s >= 56 * M, f"shmem {s} < 56 MiB for a 64 MiB shmem eater"
assert a < 16 * M, f"anon {a}: shmem counted as anonymous"
assert f < 16 * M, f"file {f}: shmem counted as page cache too"
assert a + f + s <= use + M, f"anon+file+shmem {a + f + s} > usage {use}: counted twice"
for r in csv.DictReader(open(sys.argv[2])):
    parts = int(r["anon_bytes"]) + int(r["file_bytes"]) + int(r["shmem_bytes"])
    assert parts <= int(r["current_bytes"]) + M, f"timeline row counts twice: {r}"
PY
"$OOMLAB" run -q --max 256M -- "$OOMLAB" eat --mode shmem --total 64M --rate 200M/s -q >/dev/null 2>"$tmp/text"
grep -qE '^memory: .*anonymous [0-9.]+ [KM]i?B \([0-9]\.[0-9] %\), shmem [0-9.]+ MiB \(9[0-9]\.[0-9] %\), page cache' "$tmp/text" ||
	fail "the account does not show the shmem share: $(grep '^memory' "$tmp/text")"
exit 0

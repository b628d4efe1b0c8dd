#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The command's stdout and stderr are its own: `oomlab run -- sh -c 'echo out' > f` leaves exactly
# "out" in f; the live view and the account go to stderr; --json puts the account on stdout (and
# then the command's stdout on stderr) unless --output gives it a file; --timeline - writes CSV
# on stdout, ending in a row with the outcome and a wall-clock column.
source "$(dirname "$0")/../_lib.sh"
require_root
require_memcg
require_cmd python3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

"$OOMLAB" run -- sh -c 'echo out; echo err >&2' >"$tmp/f" 2>"$tmp/e"
assert_eq "$?" 0 "exit status"
assert_eq "$(cat "$tmp/f")" out "stdout of the command (exactly its own)"
assert_eq "$(wc -c <"$tmp/f")" 4 "bytes on stdout"
grep -qx err "$tmp/e" || fail "the command's stderr is not on stderr: $(cat "$tmp/e")"
grep -q '^outcome:   exited with status 0' "$tmp/e" || fail "the account is not on stderr: $(cat "$tmp/e")"

# in a pipe: the same
out=$("$OOMLAB" run --interval 50ms -- sh -c 'sleep 0.2; echo piped' 2>"$tmp/e2" | cat)
assert_eq "$out" piped "stdout through a pipe"
# not a terminal: the live view is one line per sample, no carriage returns or escapes
grep -qE '^ +0\.[0-9]{2}s ' "$tmp/e2" || fail "no live lines on stderr: $(cat "$tmp/e2")"
! grep -q $'\r\|\033' "$tmp/e2" || fail "terminal control bytes in a non-terminal live view"

# --json: stdout is the JSON account; the command's stdout goes to stderr
"$OOMLAB" run --json -- sh -c 'echo out' >"$tmp/j" 2>"$tmp/je"
assert_eq "$(jget exit_status "$tmp/j")" 0 "--json exit_status"
grep -qx out "$tmp/je" || fail "--json: the command's stdout is not on stderr"
# --json --output FILE: stdout is the command's again
"$OOMLAB" run --json --output "$tmp/acc.json" -- sh -c 'echo out' >"$tmp/f2" 2>/dev/null
assert_eq "$(cat "$tmp/f2")" out "--json --output: stdout of the command"
assert_eq "$(jget exit_status "$tmp/acc.json")" 0 "--output JSON account"
# --output FILE without --json: the text account in the file
"$OOMLAB" run -q --output "$tmp/acc.txt" -- sh -c 'exit 4' 2>"$tmp/e3"
assert_eq "$?" 4 "exit status with --output"
grep -q '^outcome:   exited with status 4' "$tmp/acc.txt" || fail "text account not in --output file"
! grep -q '^outcome:' "$tmp/e3" || fail "the account went to stderr too"

# --timeline -: CSV on stdout, a wall-clock column, a last row with the outcome
"$OOMLAB" run -q --interval 50ms --timeline - -- sh -c 'sleep 0.3; exit 3' >"$tmp/t.csv" 2>/dev/null
assert_eq "$?" 3 "exit status with --timeline -"
python3 - "$tmp/t.csv" <<'PY' || exit 1
import csv, sys, datetime
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) >= 3, f"only {len(rows)} rows"
for r in rows:
    datetime.datetime.strptime(r["wall_time"], "%Y-%m-%dT%H:%M:%S.%fZ")
assert all(r["event"] == "" for r in rows[:-1]), "an event on a sample row"
last = rows[-1]
assert last["event"] == "exited" and last["exit_status"] == "3" and last["signal"] == "", last
PY
exit 0

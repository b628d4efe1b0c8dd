#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `why --journal --journal-file F` on a real .journal file made by systemd-journal-remote from a
# journal export stream (tests/fixtures/logs/forms/journal-export.log, the capture's report as
# `journalctl -o export` prints it): the kill is found with its wall-clock time, --boot all and
# --boot 0 (the file's only boot) agree, --since with a date before/after the kill keeps/drops
# it, and a file that is not a journal is one clear line with exit 1. Also --journal-dir.
set -u
JR=
for p in /lib/systemd/systemd-journal-remote /usr/lib/systemd/systemd-journal-remote; do
	[ -x "$p" ] && JR=$p && break
done
[ -n "$JR" ] || { echo "SKIP: systemd-journal-remote not installed (apt-get install systemd-journal-remote)"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 needed to read the JSON"; exit 77; }
"$OOMLAB" why --help | grep -q -- '--journal-file' || { echo "SKIP: built without libsystemd (no --journal)"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/dir"
"$JR" --output="$tmp/dir/remote.journal" "$FIXTURES/logs/forms/journal-export.log" 2>"$tmp/jr.err" ||
	{ echo "systemd-journal-remote failed: $(cat "$tmp/jr.err")"; exit 1; }
sub() { if eval "$2"; then echo "SUBTEST PASS $1"; else echo "SUBTEST FAIL $1: $3"; fi; }
kills() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(" ".join("%s@%s" % (k["pid"], k["time"]) for k in d["kills"]))'; }
a=$("$OOMLAB" why --json --journal-file "$tmp/dir/remote.journal" --boot all 2>"$tmp/err" | kills)
sub found '[ "$a" = "3916@2026-11-26T09:40:00.000000Z" ]' "got '$a' ($(head -c 200 "$tmp/err"))"
b=$("$OOMLAB" why --json --journal-file "$tmp/dir/remote.journal" 2>/dev/null | kills)
sub boot-0 '[ "$b" = "$a" ]' "--boot 0 gave '$b', --boot all '$a'"
c=$("$OOMLAB" why --json --journal-dir "$tmp/dir" --boot all 2>/dev/null | kills)
sub journal-dir '[ "$c" = "$a" ]' "--journal-dir gave '$c'"
d=$(TZ=UTC "$OOMLAB" why --json --journal-file "$tmp/dir/remote.journal" --boot all --since '2026-11-26 09:39' 2>/dev/null | kills)
e=$(TZ=UTC "$OOMLAB" why --json --journal-file "$tmp/dir/remote.journal" --boot all --since '2026-11-26 09:41' 2>/dev/null | kills)
sub since-date '[ "$d" = "$a" ] && [ -z "$e" ]' "since 09:39 '$d', since 09:41 '$e'"
printf 'not a journal\n' >"$tmp/bogus.journal"
"$OOMLAB" why --journal-file "$tmp/bogus.journal" >/dev/null 2>"$tmp/err"; rc=$?
sub not-a-journal '[ $rc = 1 ] && [ "$(wc -l <"$tmp/err")" = 1 ]' "exit $rc: $(cat "$tmp/err")"
exit 0

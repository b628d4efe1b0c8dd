#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `oomlab why --json --log F` on every log fixture equals the golden F's .json next to it.
# Regenerate after a reviewed change: for f in tests/fixtures/logs/*.{log,kmsg}; do
#   ./oomlab why --json --log $f > ${f%.*}.json; done
set -u
fail=0 n=0
for f in "$FIXTURES"/logs/*.log "$FIXTURES"/logs/*.kmsg; do
	golden=${f%.*}.json
	[ -f "$golden" ] || { echo "missing golden $golden"; fail=1; continue; }
	n=$((n + 1))
	if ! out=$("$OOMLAB" why --json --log "$f"); then
		echo "FAIL: exit status for $f"; fail=1; continue
	fi
	if ! diff -u "$golden" <(printf '%s\n' "$out") >/dev/null; then
		echo "FAIL: $(basename "$f") differs from its golden:"
		diff -u "$golden" <(printf '%s\n' "$out") | head -20
		fail=1
	fi
	# also through stdin (the stream reader, not mmap)
	if ! diff -q "$golden" <("$OOMLAB" why --json --log - <"$f") >/dev/null; then
		echo "FAIL: $(basename "$f") via stdin differs"; fail=1
	fi
done
[ $n -ge 20 ] || { echo "only $n fixtures found"; exit 1; }
echo "$n fixtures checked"
exit $fail

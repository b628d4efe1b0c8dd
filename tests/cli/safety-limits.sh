#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Input and output limits: overflowing sizes and durations are usage errors (exit 2); a reader
# that goes away ends `watch` quietly (141) at once; a stdout error fails the command; one JSON
# object per error; protect refuses --adj -1000 --relative; an unaligned shmem --chunk works.
source "$(dirname "$0")/../_lib.sh"
failed=0
sub() { if [ "$2" = 0 ]; then echo "SUBTEST PASS $1"; else echo "SUBTEST FAIL $1: $3"; failed=1; fi; }
usage2() { "$OOMLAB" "$@" >/dev/null 2>&1; [ $? = 2 ]; }
ok=0
for a in "run --max 9223372036854775808 -- true" "run --max 4611686018427387904 -- true" \
	 "run --max 3T --swap-max 4611686018427387000 -- true" \
	 "run --interval 18446744073709551615us -- true" "watch --timeout 18446744073709551615us" \
	 "why --since 18446744073709551615us" "psi --interval 18446744073709551615us"; do
	usage2 $a || { ok=1; echo "not a usage error: $a"; }
done
sub overflow $ok "see above"
out=$("$OOMLAB" protect 1 --adj -1000 --relative 2>&1); rc=$?
[ $rc = 2 ] && printf '%s' "$out" | grep -q "cannot give --adj -1000"
sub protect-minus-1000 $? "exit $rc: $out"
"$OOMLAB" --help >/dev/full 2>/dev/null; rc=$?
[ $rc = 1 ]; sub stdout-error $? "--help into /dev/full: exit $rc"
if [ "$(id -u)" = 0 ] && [ -r /dev/kmsg ]; then
	start=$(date +%s%N)
	timeout 10 "$OOMLAB" watch --source kmsg 2>/dev/null | true
	rc=${PIPESTATUS[0]}; ms=$(( ($(date +%s%N) - start) / 1000000 ))
	[ $rc = 141 ] && [ $ms -lt 5000 ]; sub sigpipe $? "exit $rc after $ms ms (timeout 10 s: 124)"
	if command -v setpriv >/dev/null; then
		out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$OOMLAB" why --json 2>/dev/null)
		printf '%s\n' "$out" | python3 -c 'import json,sys
lines=[l for l in sys.stdin.read().splitlines() if l.strip()]
assert len(lines)==1, lines
d=json.loads(lines[0]); assert "error" in d, d'
		sub json-one-error $? "why --json as nobody printed: $out"
	fi
else
	echo "SUBTEST SKIP sigpipe: needs root and /dev/kmsg"
fi
"$OOMLAB" eat --mode shmem --chunk 1000 --total 10000 --rate 100M/s -q >/dev/null 2>&1
sub shmem-unaligned $? "eat --mode shmem --chunk 1000 failed"
exit $failed

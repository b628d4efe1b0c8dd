#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# oomlab psi --watch piped (one line per interval), --json --watch (one object per line with a
# time), --log FILE (every sample appended as JSON), on the v2 fixture. Not golden: the lines
# carry the time of day.
set -u
: "${OOMLAB:?}" "${FIXTURES:?}"
S=(--sysroot "$FIXTURES/sysroot-v2")
tmp=$(mktemp -d /tmp/oomlab-psi-watch.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$OOMLAB" "${S[@]}" psi --watch -i 10ms -n 3 --log "$tmp/log" 4242 >"$tmp/out" || fail "watch exit $?"
cat "$tmp/out"
[ "$(wc -l <"$tmp/out")" = 3 ] || fail "expected 3 lines"
# the fixture's cgroup: no stall in the interval (a static tree), anon+shmem 240M of 256M =
# 93.75 %: sick by the unreclaimable rule (>= 90 %, < 95 %), and only that (docs/VERDICT.md)
grep -Evq '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z some +0\.00% full +0\.00% avg10 25\.31/18\.20 usage 250M/256M sick \(avg10 lags\)$' "$tmp/out" &&
	fail "unexpected line (format or verdict other than sick)"
[ "$(wc -l <"$tmp/log")" = 3 ] || fail "expected 3 log lines"
python3 - "$tmp/log" <<'PY' || fail "log lines are not JSON samples"
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    assert d["time"].endswith("Z") and d["stall_source"] == "interval", d
    assert d["psi"]["some"]["share"] == 0 and d["target"]["pid"] == 4242, d
    assert d["verdict"] == "sick", d["verdict"]
    assert d["reason"] == "anon+shmem 93.75 % of the limit >= 90.00 %", d["reason"]
PY
# --log appends
"$OOMLAB" "${S[@]}" psi --watch -i 10ms -n 2 --log "$tmp/log" --json 4242 >"$tmp/out2" || fail "json watch exit $?"
[ "$(wc -l <"$tmp/log")" = 5 ] || fail "--log did not append"
[ "$(wc -l <"$tmp/out2")" = 2 ] || fail "expected 2 JSON lines"
grep -c '"time":"' "$tmp/out2" | grep -qx 2 || fail "JSON watch lines without time"
# usage errors
"$OOMLAB" "${S[@]}" psi --watch -i 0 2>/dev/null; [ $? = 2 ] || fail "--watch -i 0 must be a usage error"
"$OOMLAB" "${S[@]}" psi --wait 'some 1s/2s' --watch 2>/dev/null; [ $? = 2 ] || fail "--wait --watch must be a usage error"
"$OOMLAB" "${S[@]}" psi --log /nonexistent-dir/x -i 10ms 2>"$tmp/err"; [ $? = 1 ] || fail "unwritable log must fail"
grep -q "cannot open '/nonexistent-dir/x'" "$tmp/err" || fail "log error wording: $(cat "$tmp/err")"
exit 0

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A child OOM-killed in the middle of a run is told live, as a line of the view while the
# command goes on, and in the account; the command itself was not OOM-killed, and "at death"
# is not about the child. Processes still running when the command ends are named.
source "$(dirname "$0")/../_lib.sh"
require_root
require_memcg
require_cmd python3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

"$OOMLAB" run --max 64M --interval 100ms --json --output "$tmp/j" -- \
	sh -c "'$OOMLAB' eat --total 256M -q; sleep 1; echo after" >"$tmp/out" 2>"$tmp/live"
rc=$?
cat "$tmp/live"
assert_eq "$rc" 0 "exit status of the command (sh went on after its child's death)"
grep -qx after "$tmp/out" || fail "the command did not go on"
kl=$(grep -n 'OOM kill' "$tmp/live" | head -1 | cut -d: -f1)
[ -n "$kl" ] || fail "no OOM kill line in the live view"
# live: sample lines follow the kill line (it was printed while the command ran, not at the end)
after=$(tail -n +"$((kl + 1))" "$tmp/live" | grep -cE '^ +[0-9]+\.[0-9]{2}s +[0-9.]+M/')
[ "$after" -ge 3 ] || fail "the kill line was not printed live ($after sample lines after it)"
assert_eq "$(jget oom_killed "$tmp/j")" false "oom_killed (the command survived)"
[ "$(jget oom_kills "$tmp/j")" -ge 1 ] || fail "oom_kills < 1"
python3 - "$tmp/j" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1]))
v = d["victims"]
if v:  # a kernel-side victim source runs here: it named the child
    assert all(x["pid"] != d["pid"] for x in v), "the command listed as a victim"
PY
if grep -q 'OOM kill: pid' "$tmp/live"; then
	grep -q 'OOM kill: pid [0-9]* (oomlab).*not the command' "$tmp/live" || fail "the kill line does not say whose"
fi

# processes left at the end are named before the teardown kills them
"$OOMLAB" run -q -- sh -c 'sleep 100 & sleep 100 & echo started' >/dev/null 2>"$tmp/left"
assert_eq "$?" 0 "exit status with children left"
grep -qE '^left: +2 process\(es\) still ran when the command ended.*pid [0-9]+ \((sleep|sh)\), pid [0-9]+ \((sleep|sh)\)' "$tmp/left" ||
	fail "leftovers not named: $(cat "$tmp/left")"
exit 0

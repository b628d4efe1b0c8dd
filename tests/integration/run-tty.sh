#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The live view on a real terminal (tmux, 80x24): it fits in 80 columns, lives in the two bottom
# rows while the command's output scrolls above it (never on the same row), and when the run
# ends every line the command wrote is there once, on its own row, followed by the last sample
# and the account. A wider terminal (200 columns) gets more fields.
source "$(dirname "$0")/../_lib.sh"
require_root
require_memcg
require_cmd tmux
tmp=$(mktemp -d)
sock=oomlab-test-$$
cleanup() { tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

cat >"$tmp/cmd.sh" <<'SH'
i=0
while [ $i -lt 40 ]; do i=$((i + 1)); echo "line $i"; sleep 0.05; done
sleep 1.5
SH

session() { # name columns
	tmux -L "$sock" -f /dev/null new-session -d -s "$1" -x "$2" -y 24 \
		"'$OOMLAB' run --max 256M --interval 100ms -- sh '$tmp/cmd.sh'; echo \$? >'$tmp/$1.rc'; sleep 60"
}
session narrow 80
session wide 200
sleep 2.6 # the command has printed its 40 lines and sleeps: the view is live
tmux -L "$sock" capture-pane -p -t narrow >"$tmp/live80"
tmux -L "$sock" capture-pane -p -t wide >"$tmp/live200"
for _ in $(seq 100); do [ -s "$tmp/narrow.rc" ] && [ -s "$tmp/wide.rc" ] && break; sleep 0.1; done
assert_eq "$(cat "$tmp/narrow.rc" 2>/dev/null)" 0 "exit status in tmux"
tmux -L "$sock" capture-pane -p -S - -t narrow >"$tmp/end80"
echo "--- 80x24 while running"; cat "$tmp/live80"
echo "--- 80x24 at the end (history)"; cat "$tmp/end80"

wide=$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$tmp/live80" "$tmp/end80")
[ "$wide" -le 80 ] || fail "a row of $wide columns on an 80-column terminal"
# while running: the last row is a sample, the row above names the run
last=$(sed -n 24p "$tmp/live80")
[[ $last =~ ^\ *[0-9]+\.[0-9]{2}s\ +[0-9.]+M/256\.0M ]] || fail "the bottom row is not a sample: '$last'"
[[ $(sed -n 23p "$tmp/live80") =~ ^oomlab\ run:\ pid ]] || fail "row 23 is not the status row: '$(sed -n 23p "$tmp/live80")'"
# the command's rows hold nothing but the command's output
grep 'line' "$tmp/live80" | grep -vxE 'line [0-9]+' && fail "a command line shares its row with something else"
[ "$(grep -cxE 'line [0-9]+' "$tmp/live80")" -ge 20 ] || fail "the command's output is not above the status rows"
# at the end: every line once, on its own row; then the last sample and the account
for i in $(seq 40); do
	n=$(grep -cx "line $i" "$tmp/end80")
	[ "$n" = 1 ] || fail "'line $i' is on $n rows of the terminal's history (expected 1)"
done
grep -qE '^ +[0-9]+\.[0-9]{2}s +[0-9.]+M/256\.0M' "$tmp/end80" || fail "no last sample line after the run"
grep -q '^outcome:   exited with status 0' "$tmp/end80" || fail "no account after the run"
# 80 columns: the compact line; 200 columns: more fields
last200=$(sed -n 24p "$tmp/live200")
echo "--- 200 columns, bottom row: $last200"
[[ $last200 == *full* && $last200 == *avg10* ]] || [[ $last200 == *"psi n/a"* ]] || fail "the wide view has no more fields: '$last200'"
[[ $last != *avg10* ]] || fail "the 80-column view carries avg10 fields: '$last'"
[[ $last == *some* ]] || [[ $last == *"psi n/a"* ]] || [[ $last200 == *"psi n/a"* ]] || fail "the 80-column view has no pressure: '$last'"
exit 0

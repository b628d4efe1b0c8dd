#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Bad input: one clear line (plus the "Try" hint), exit 2, nothing created, no crash or hang.
source "$(dirname "$0")/../_lib.sh"
before=$(oomlab_cgroups)
out=$(mktemp); trap 'rm -f "$out"' EXIT
n=0
expect_usage() { # expected-substring args...
	local want=$1; shift
	n=$((n + 1))
	timeout 10 "$OOMLAB" "$@" >"$out" 2>&1 </dev/null
	local rc=$?
	[ $rc = 2 ] || fail "oomlab $*: exit $rc, expected 2: $(cat "$out")"
	grep -q -- "$want" "$out" || fail "oomlab $*: message lacks '$want': $(cat "$out")"
	local lines=$(grep -vc '^Try ' "$out")
	[ "$lines" = 1 ] || fail "oomlab $*: $lines lines instead of one: $(cat "$out")"
}
expect_usage "invalid size '0x10'" run --max 0x10 -- true
expect_usage "--max must be more than 0" run --max 0 -- true
expect_usage "invalid size '-5M'" run --max -5M -- true
expect_usage "too large" run --max 99999999999999999999 -- true
expect_usage "too large" run --max 17179869184G -- true
expect_usage "invalid size '12Q'" run --max 12Q -- true
expect_usage "is above --max" run --max 64M --high 128M -- true
expect_usage "unknown option '--bogus'" run --bogus -- true
expect_usage "no command given" run --max 64M
expect_usage "needs a value" run --max
expect_usage "unknown option '-x'" run -x -- true
expect_usage "unknown option '-z'" eat -qz
expect_usage "leaves the cgroup filesystem" run --parent ../../etc -- true
expect_usage "leaves the cgroup filesystem" run --parent 'a/../../b' -- true
expect_usage "must end in .csv or .jsonl" run --timeline /tmp/x.txt -- true
expect_usage "--interval must be between" run --interval 1ms -- true
expect_usage "--max 64 B is below 1 MiB: the command could not even start" run --max 64 -- true
expect_usage "--max 1023.0 KiB is below 1 MiB" run --max 1023K -- true
expect_usage "invalid duration 'soon' for --kill-after" run --kill-after soon -- true
expect_usage "--kill-after must be at most 1h" run --kill-after 2h -- true
# (--json: the error is JSON on stdout as well)
timeout 10 "$OOMLAB" run --json --timeline - -- true >/dev/null 2>"$out"
assert_eq "$?" 2 "run --json --timeline -"
grep -q -- "--timeline - and --json both want stdout" "$out" || fail "run --json --timeline -: $(cat "$out")"
expect_usage "invalid duration" run --interval 5parsecs -- true
expect_usage "--adj" run --adj 1001 -- true
expect_usage "--adj" run --adj abc -- true
expect_usage "invalid rate" eat --rate 50M
expect_usage "invalid mode" eat --mode swap
expect_usage "--total must be more than 0" eat --total 0
expect_usage "--hold needs --total" eat --hold
expect_usage "--step must be a size above 0" eat --step 0
expect_usage "--step needs a --total that ends" eat --step 1M --total max
expect_usage "not --hold or --step" eat --mode file --total 1M --reread 1s --step 1M
expect_usage "expected anon, file, shmem or memfd" eat --mode swap
expect_usage "unknown option" doctor --frobnicate
expect_usage "unknown command 'frobnicate'" frobnicate
assert_nothing_left "$before" "a usage error created a cgroup"
# --help goes to stdout and exits 0 for every command
for c in run eat doctor; do
	"$OOMLAB" $c --help >"$out" 2>/dev/null || fail "$c --help exit $?"
	grep -q "^Usage: oomlab $c" "$out" || fail "$c --help: no usage line"
done
echo "$n usage errors checked"

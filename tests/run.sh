#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The test driver behind `make check`. Runs every test group and prints one line per test:
#   PASS name | FAIL name | SKIP name: reason
# then "check: N passed, N failed, N skipped". Exit status 1 if anything failed.
# A test script signals a skip by exiting 77 after printing "SKIP: <reason>" on stdout.
# Environment: OOMLAB (the binary), BUILD (build dir), ONLY=regex (run matching tests only),
# VERBOSE=1 (print each test's output, not only on failure),
# SHUFFLE=SEED (run the tests in an order shuffled with SEED, printed; SHUFFLE=1 picks a random
# seed and prints it: rerun that order with SHUFFLE=<printed seed>),
# TEST_TIMEOUT=SECONDS (per test; default 120 unit and cli, 300 fuzz and integration, 900 vm):
# a test still running then is killed (its process group, TERM then KILL) and is a FAIL.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
export OOMLAB=${OOMLAB:-$top/oomlab}
export BUILD=${BUILD:-$top/build}
export TOP=$top TESTS=$here FIXTURES=$here/fixtures
ONLY=${ONLY:-}
pass=0 fail=0 skip=0
failed=()
logdir=$(mktemp -d /tmp/oomlab-tests.XXXXXX)
trap 'rm -rf "$logdir"' EXIT
# The tests' python3 is Debian's (scripts/deps.sh installs it, with python3-yaml). A version
# manager's python3 ahead of it in PATH (pyenv's shim is a bash script) costs ~100 ms a call
# against ~20 ms, and the suite calls python3 thousands of times: cli/cgroup-forms alone ran
# 64 s instead of ~15 s and timed out at 120 s on a loaded machine.
if [ -x /usr/bin/python3 ]; then
	mkdir "$logdir/bin" && ln -s /usr/bin/python3 "$logdir/bin/python3"
	export PATH=$logdir/bin:$PATH
fi

# A script may report several results: lines "SUBTEST PASS sub", "SUBTEST FAIL sub: reason",
# "SUBTEST SKIP sub: reason" each count as the test "name/sub" (tests/vm/v2-suite.sh: one VM
# boot, one line per guest check). The script itself then only counts if it failed (non-zero,
# non-77 exit) without any failed subtest, e.g. when the VM never came back.
run_subtests() { # name rc ms log
	local name=$1 rc=$2 ms=$3 log=$4 st rest n=0
	while read -r _ st rest; do
		n=$((n + 1))
		case $st in
		PASS) pass=$((pass + 1)); printf 'PASS %s/%s\n' "$name" "$rest" ;;
		SKIP) skip=$((skip + 1)); printf 'SKIP %s/%s\n' "$name" "$rest" ;;
		*) fail=$((fail + 1)); failed+=("$name/${rest%%:*}"); printf 'FAIL %s/%s\n' "$name" "$rest" ;;
		esac
	done < <(grep '^SUBTEST ' "$log")
	printf '     %s: %d results in %d ms (exit %d)\n' "$name" "$n" "$ms" "$rc"
	if [ "$rc" != 0 ] && [ "$rc" != 77 ] && ! grep -q '^SUBTEST FAIL' "$log"; then
		fail=$((fail + 1)); failed+=("$name")
		printf 'FAIL %s (exit %d, %d ms)\n' "$name" "$rc" "$ms"
	fi
	if [ "$rc" != 0 ] && [ "$rc" != 77 ] || [ "${VERBOSE:-0}" = 1 ]; then
		grep -v '^SUBTEST ' "$log" | sed 's/^/    | /' | tail -n 60
	fi
}

group_timeout() { # group -> seconds
	if [ -n "${TEST_TIMEOUT:-}" ]; then echo "$TEST_TIMEOUT"; return; fi
	case $1 in unit | cli) echo 120 ;; vm) echo 900 ;; *) echo 300 ;; esac
}

run_one() { # name cmd...
	local name=$1; shift
	local log=$logdir/$(echo "$name" | tr '/ ' '__').log rc tmo
	tmo=$(group_timeout "${name%%/*}")
	local t0=$(date +%s%N)
	# timeout(1) runs the test in a process group of its own and signals all of it
	timeout -k 10 "$tmo" "$@" >"$log" 2>&1 </dev/null
	rc=$?
	local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	if [ $rc = 124 ] || [ $rc = 137 ] && [ $ms -ge $((tmo * 1000)) ]; then
		fail=$((fail + 1)); failed+=("$name")
		printf 'FAIL %s (timed out after %d s)\n' "$name" "$tmo"
		sed 's/^/    | /' "$log" | tail -n 60
		return
	fi
	if grep -q '^SUBTEST ' "$log"; then
		run_subtests "$name" "$rc" "$ms" "$log"
		return
	fi
	if [ $rc = 0 ]; then
		pass=$((pass + 1)); printf 'PASS %s (%d ms)\n' "$name" "$ms"
		[ "${VERBOSE:-0}" = 1 ] && sed 's/^/    /' "$log"
	elif [ $rc = 77 ]; then
		skip=$((skip + 1))
		printf 'SKIP %s: %s\n' "$name" "$(grep -m1 '^SKIP: ' "$log" | cut -c7- || true)"
	else
		fail=$((fail + 1)); failed+=("$name"); printf 'FAIL %s (exit %d, %d ms)\n' "$name" "$rc" "$ms"
		sed 's/^/    | /' "$log" | tail -n 60
	fi
}

# The tests, in order: unit (Check: each binary is one test, Check prints its own summary
# inside), then the script groups: CLI golden tests, fuzz corpora, integration, VM.
names=() cmds=()
add() { # name cmd...
	local name=$1; shift
	if [ -n "$ONLY" ] && ! [[ $name =~ $ONLY ]]; then return; fi
	names+=("$name")
	cmds+=("$(printf '%q ' "$@")")
}
for t in "$BUILD"/tests/test-*; do
	[ -x "$t" ] || continue
	# a binary whose source is gone (a unit file renamed or split since that build) is stale
	[ -f "$here/unit/$(basename "$t").c" ] || continue
	add "unit/$(basename "$t")" env CK_FORK=yes "$t"
done
for group in cli fuzz integration vm; do
	for s in "$here"/$group/*.sh; do
		[ -f "$s" ] || continue
		case $(basename "$s") in _*) continue ;; esac # helpers
		add "$group/$(basename "$s" .sh)" bash "$s"
	done
done

# SHUFFLE: Fisher-Yates with bash's RANDOM seeded (same seed, same bash: same order)
if [ -n "${SHUFFLE:-}" ] && [ "${SHUFFLE}" != 0 ]; then
	seed=$SHUFFLE
	if [ "$seed" = 1 ]; then seed=$(( $(date +%s%N) % 1000000 + 2 )); fi
	case $seed in *[!0-9]*) echo "tests/run.sh: SHUFFLE must be a number, got '$seed'" >&2; exit 2 ;; esac
	echo "shuffle: seed $seed (this order again: SHUFFLE=$seed)"
	RANDOM=$seed
	for ((i = ${#names[@]} - 1; i > 0; i--)); do
		j=$(( (RANDOM * 32768 + RANDOM) % (i + 1) ))
		tn=${names[i]} tc=${cmds[i]}
		names[i]=${names[j]} cmds[i]=${cmds[j]}
		names[j]=$tn cmds[j]=$tc
	done
	echo "order: ${names[*]}"
fi

for ((i = 0; i < ${#names[@]}; i++)); do
	eval "run_one \"\${names[i]}\" ${cmds[i]}"
done

echo
if [ $fail -gt 0 ]; then
	echo "failed: ${failed[*]}"
fi
[ -n "${seed:-}" ] && echo "shuffle seed: $seed"
echo "check: $pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]

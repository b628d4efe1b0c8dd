# SPDX-License-Identifier: MIT
# Golden-output helper for CLI tests (sourced). golden NAME CMD... runs CMD, captures stdout,
# stderr and the exit status, replaces the fixture path with @FIXTURES@, and compares the result
# with tests/cli/expected/NAME.out. UPDATE_GOLDEN=1 (re)writes the expected files instead:
#   UPDATE_GOLDEN=1 ONLY='cli/(psi|top)' make check
set -u
: "${OOMLAB:?}" "${FIXTURES:?}" "${TESTS:?}"
golden_fail=0
golden() {
	local name=$1; shift
	local exp=$TESTS/cli/expected/$name.out got
	got=$( { "$@" 2>&1; echo "[exit $?]"; } | sed "s|$FIXTURES|@FIXTURES@|g")
	if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
		printf '%s\n' "$got" >"$exp"
		echo "updated $exp"
		return 0
	fi
	if [ ! -f "$exp" ]; then
		echo "FAIL $name: no $exp (run with UPDATE_GOLDEN=1)"
		golden_fail=1
		return 1
	fi
	if ! diff -u "$exp" <(printf '%s\n' "$got"); then
		echo "FAIL $name: output differs from $exp"
		golden_fail=1
		return 1
	fi
	echo "ok $name"
}
golden_end() {
	exit $golden_fail
}

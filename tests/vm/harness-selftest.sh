#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Proves that the v2 VM harness can fail (issue 3: "a missing result or a timeout is a failure,
# never a pass"; "breaking a v2-only code path makes it fail"). Three boots of a separate image
# (tests/vm/out/selftest) whose oomlab is tests/vm/selftest/mock-oomlab.sh:
#   1. correct mock: the oomlab-run-* guest tests PASS (they are not always-failing)
#   2. MOCK_BREAK=high (memory.high written to memory.low), a guest test that prints no RESULT
#      and one that hangs in its own cgroup ("# vmt-timeout: 2"): oomlab-run-high, zz-silent
#      and zz-hang FAIL, the hung test's cgroup is reported and removed, no-cgroup-left FAILs,
#      oomlab-run-max still PASSes
#   3. VM_TIMEOUT=2 (the guest cannot even boot): _boot.sh must fail and print the console tail
# Reports each expectation as a SUBTEST. Skips like v2-suite.sh. Runs under TCG unless ACCEL says.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${VM_OUT:-$here/out}
st=$out/selftest
pkgs="apt-get install -y qemu-system-x86 busybox-static"
skip() { echo "SKIP: $*"; exit 77; }
[ "${OOMLAB_VM:-1}" = 0 ] && skip "disabled by OOMLAB_VM=0"
command -v "${QEMU:=qemu-system-x86_64}" >/dev/null || skip "$QEMU not found ($pkgs)"
if [ -z "${BUSYBOX:-}" ] && ! dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed'; then
	skip "busybox-static not installed ($pkgs)"
fi

mkdir -p "$st"
export VM_OUT=$st VM_CACHE=$out/cache ACCEL=${ACCEL:-tcg}
VM_GUEST_EXTRA=$here/selftest/guest OOMLAB_STATIC=$here/selftest/mock-oomlab.sh \
	"$here/_build.sh" >"$st/build.log" 2>&1
rc=$?
[ $rc = 77 ] && { cat "$st/build.log"; exit 77; }
[ $rc = 0 ] || { cat "$st/build.log"; echo "selftest: build failed"; exit 1; }

fails=0
expect() { # name result-file regex
	if grep -qE "$3" "$2"; then
		echo "SUBTEST PASS $1"
	else
		echo "SUBTEST FAIL $1: no line matching '$3' in $2"
		grep -v '^LOG' "$2" 2>/dev/null | sed 's/^/    /'
		fails=$((fails + 1))
	fi
}

LOGDIR=$st/good GUEST_ENV="VMT_ONLY=^oomlab-run" "$here/_boot.sh"
expect correct-oomlab-passes-run-max "$st/good/results.txt" '^RESULT oomlab-run-max PASS'
expect correct-oomlab-passes-run-high "$st/good/results.txt" '^RESULT oomlab-run-high PASS'
expect correct-oomlab-passes-run-victim "$st/good/results.txt" '^RESULT oomlab-run-victim PASS'

LOGDIR=$st/broken GUEST_ENV="VMT_ONLY=^(oomlab-run|zz-) MOCK_BREAK=high" "$here/_boot.sh"
expect broken-high-fails "$st/broken/results.txt" "^RESULT oomlab-run-high FAIL .*memory.high inside the box is 'max'"
expect broken-high-keeps-run-max "$st/broken/results.txt" '^RESULT oomlab-run-max PASS'
expect missing-result-fails "$st/broken/results.txt" '^RESULT zz-silent FAIL no RESULT line'

expect hung-test-fails "$st/broken/results.txt" '^RESULT zz-hang FAIL no RESULT line \(exit status 137\)'
expect hung-test-cgroup-reported "$st/broken/results.txt" '^RESULT zz-hang-cleanup FAIL cgroups left behind: /sys/fs/cgroup/oomlab-test-hang-'
expect hung-test-no-cgroup-left-fails "$st/broken/results.txt" '^RESULT no-cgroup-left FAIL'

LOGDIR=$st/timeout VM_TIMEOUT=2 "$here/_boot.sh" >"$st/timeout.log" 2>&1
rc=$?
echo "timeout boot: exit $rc"
if [ $rc = 2 ] && grep -q 'TIMEOUT' "$st/timeout.log" && grep -q 'console tail' "$st/timeout.log"; then
	echo "SUBTEST PASS timeout-fails-with-console-tail"
else
	echo "SUBTEST FAIL timeout-fails-with-console-tail: _boot.sh exit $rc"
	sed 's/^/    /' "$st/timeout.log"
	fails=$((fails + 1))
fi
[ $fails = 0 ]

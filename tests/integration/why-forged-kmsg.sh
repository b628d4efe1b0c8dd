#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A program's write to /dev/kmsg that poses as the kernel's kill line (root can write any text;
# the record gets the user facility, 1, not the kernel's 0) is never a kill: `why` on the live
# buffer names it as an imitation and reports no kill for its pid. This writes one line to the
# real kernel log: pid 999999 and a comm naming this test, so no tool or person can take it for
# a real kill of theirs.
set -u
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (writes to /dev/kmsg)"; exit 77; }
[ -w /dev/kmsg ] && [ -r /dev/kmsg ] || { echo "SKIP: /dev/kmsg not readable and writable"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 needed to read the JSON"; exit 77; }
comm="oomlab-forge-$$"
printf '<3>Memory cgroup out of memory: Killed process 999999 (%s) total-vm:1000kB, anon-rss:900kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:0\n' "$comm" >/dev/kmsg ||
	{ echo "cannot write to /dev/kmsg"; exit 1; }
out=$("$OOMLAB" why --json --pid 999999 2>"${TMPDIR:-/tmp}/forge-err.$$"); rc=$?
err=$(cat "${TMPDIR:-/tmp}/forge-err.$$"); rm -f "${TMPDIR:-/tmp}/forge-err.$$"
echo "$err"
n=$(printf '%s' "$out" | python3 -c 'import json,sys; print(sum(1 for k in json.load(sys.stdin)["kills"] if k["pid"] == 999999))')
[ "$n" = 0 ] || { echo "the forged record was reported as a kill ($n): $out"; exit 1; }
printf '%s' "$err" | grep -q 'written by a program, not by the kernel' ||
	{ echo "the forged record was not named as an imitation (exit $rc)"; exit 1; }
echo "forged /dev/kmsg record refused and named (exit $rc)"

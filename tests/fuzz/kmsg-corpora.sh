#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Replay every fuzz target's seed corpus (tests/fuzz/corpus/<name>, for fuzz_<name>) and the log fixtures
# through the targets built with the ordinary compiler (mk/fuzz.mk: build/fuzz/replay_*).
# A crash, a sanitizer report (SANITIZE=address,undefined builds) or a failed invariant fails.
set -u
here=$(cd "$(dirname "$0")" && pwd)
fail=0 n=0
for src in "$here"/fuzz_*.c; do
	t=$(basename "$src" .c)
	bin=$BUILD/fuzz/replay_$t
	[ -x "$bin" ] || { echo "missing $bin (make check builds it)"; exit 1; }
	# corpora are named after the target without its fuzz_ prefix (as mk/fuzz.mk seeds them)
	c=$here/corpus/${t#fuzz_}
	[ -d "$c" ] || { echo "no seed corpus for $t"; fail=1; continue; }
	inputs=("$c")
	# every fixture log is a seed for every target
	inputs+=("$FIXTURES"/logs/*.log "$FIXTURES"/logs/*.kmsg)
	if ! "$bin" "${inputs[@]}"; then
		echo "FAIL: $t"; fail=1
	fi
	n=$((n + 1))
done
[ $n -ge 3 ] || { echo "expected 3 fuzz targets, found $n"; exit 1; }
exit $fail

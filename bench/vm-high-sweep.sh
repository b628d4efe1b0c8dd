#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# How long memory.high throttling delays a memcg OOM kill, by distance below memory.max, in the
# pure v2 test VM (tests/vm). Without swap the kernel's penalty sleeps grow with the square of the
# overage, so the time to the OOM kill explodes as memory.high moves away from memory.max.
# usage: bench/vm-high-sweep.sh   (VMB_HIGHS="64 62 60 56 52 48" to choose the memory.high MiB)
# Figures and the date go to docs/VM-TESTBED.md.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/tests/vm/out/bench
export VM_OUT=$out VM_CACHE=$top/tests/vm/out/cache ACCEL=${ACCEL:-tcg}
VM_GUEST_EXTRA=$top/bench/vm "$top/tests/vm/_build.sh" >/dev/null
GUEST_ENV="VMT_ONLY=^high-sweep\$ VMT_TEST_TMO=1500 VMB_HIGHS=$(echo "${VMB_HIGHS:-64 63 62 60 58 56 52 48}" | tr " " _)" \
	VM_TIMEOUT=1600 "$top/tests/vm/_boot.sh" >&2
grep '^LOG high-sweep| BENCH' "$out/run/results.txt" | sed 's/^LOG high-sweep| BENCH //'

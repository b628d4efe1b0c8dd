#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Achieved vs requested allocation rate of `oomlab eat` (anon mode, every page touched),
# 3 runs per rate, each lasting about 2 s. No cgroup: the host must have the memory free.
# Usage: bench/eat-rate.sh [RATES...]   (default: 10M/s 50M/s 100M/s 250M/s 500M/s 1G/s)
set -euo pipefail
OOMLAB=${OOMLAB:-$(cd "$(dirname "$0")/.." && pwd)/oomlab}
rates=("$@"); [ ${#rates[@]} -gt 0 ] || rates=(10M/s 50M/s 100M/s 250M/s 500M/s 1G/s)
echo "| requested | total | run 1 | run 2 | run 3 | worst deviation |"
echo "|---|---|---|---|---|---|"
for r in "${rates[@]}"; do
	n=${r%/s}
	# about 2 s worth
	total=$(python3 -c "
import sys
s='$n'; m={'K':1<<10,'M':1<<20,'G':1<<30}
v=float(s[:-1])*m[s[-1]] if s[-1] in m else float(s)
print(int(v*2))")
	line="| $r | $((total >> 20)) MiB |"
	worst=0
	for i in 1 2 3; do
		out=$("$OOMLAB" eat --rate "$r" --total "$total" --json -q | tail -1)
		read -r req ach < <(python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(d['requested_bytes_per_sec'], d['achieved_bytes_per_sec'])" "$out")
		dev=$(python3 -c "print(f'{($ach-$req)*100/$req:+.2f}')")
		line+=" $(python3 -c "print(f'{$ach/1048576:.1f}')") MiB/s ($dev %) |"
		worst=$(python3 -c "print(max(abs($worst), abs($dev)))")
	done
	echo "$line ${worst} % |"
done

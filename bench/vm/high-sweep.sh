# SPDX-License-Identifier: MIT
# Guest side of bench/vm-high-sweep.sh: an anonymous eater under memory.max=64M with memory.high
# at several distances below it; prints how long it takes the OOM killer to end the eater,
# how many memory.high events and how much PSI stall it took. Not a test: always PASS.
. /tests/_lib.sh
echo "BENCH high_mib max_mib seconds_to_oom high_events some_stall_ms exit"
for h in $(echo "${VMB_HIGHS:-64_63_62_60_58_56_52_48}" | tr _ " "); do
	mkcg X sweep$h || break
	cgw "$X" memory.max 64M
	[ "$h" = 64 ] || cgw "$X" memory.high "${h}M"
	t0=$(up_cs)
	run_in "$X" memeater -t "${VMB_TMO:-200}" >/dev/null 2>&1
	rc=$?
	t1=$(up_cs)
	echo "BENCH $h 64 $(((t1 - t0) / 100)).$(printf %02d $(((t1 - t0) % 100))) $(key "$X" memory.events high) $(($(psi "$X/memory.pressure" some total) / 1000)) $rc"
	cg_rm "$X" && CGS=
done
result high-sweep PASS

# SPDX-License-Identifier: MIT
# memory.high alone ("sick but alive"): an eater that goes 2 MiB over memory.high is throttled
# (memory.events high counts) but never killed, and finishes. v1 cannot show this without swap.
. /tests/_lib.sh

mkcg B highonly || { finish high-only; exit 0; }
cgw "$B" memory.high 32M
run_in "$B" memeater -l 34 -t "$TMO" >"$T/eat" 2>&1
rc=$?
tail -n 2 "$T/eat"
show "$B/memory.events" "$B/memory.peak" "$B/memory.pressure"
[ "$rc" = 0 ] || fail "eater exit status $rc, expected 0 (throttled, not killed)"
[ "$(key "$B" memory.events high)" -gt 0 ] || fail "memory.events high is 0"
[ "$(key "$B" memory.events oom_kill)" = 0 ] || fail "memory.events oom_kill is not 0"
[ "$(psi "$B/memory.pressure" some total)" -gt 0 ] || fail "PSI some total stayed 0"
cg_rm "$B" && CGS=
finish high-only

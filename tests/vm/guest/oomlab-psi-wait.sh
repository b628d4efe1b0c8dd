# SPDX-License-Identifier: MIT
# `oomlab psi --wait 'some 100ms/1s' CG` arms a real kernel PSI trigger on a v2 cgroup and exits 0
# when an eater throttled at memory.high (60M under a 64M memory.max) makes it fire. The 1 s
# window is allowed here: the guest has CAP_SYS_RESOURCE (without it only N x 2 s windows are).
. /tests/_lib.sh

if ! have_oomlab psi || ! grep -q -- '--wait' "$T/help-psi"; then
	result oomlab-psi-wait SKIP "oomlab psi --wait not available in this build"
	exit 0
fi
mkcg Q psiw || { finish oomlab-psi-wait; exit 0; }
cgw "$Q" memory.max 64M
cgw "$Q" memory.high 60M
oomlab psi --wait 'some 100ms/1s' --timeout "${TMO}s" "$(rel "$Q")" >"$T/out" 2>&1 &
pp=$!
wait_fd "$pp" "$(rel "$Q")/memory.pressure" || fail "oomlab psi did not open memory.pressure"
run_in "$Q" memeater -t "$TMO" >"$T/eat" 2>&1
rc=$?
wait "$pp"
prc=$?
cat "$T/out"
show "$Q/memory.events" "$Q/memory.pressure"
[ "$rc" = 137 ] || fail "eater exit status $rc, expected 137"
[ "$prc" = 0 ] || fail "oomlab psi --wait exited $prc, expected 0 (trigger fired)"
cg_rm "$Q" && CGS=
finish oomlab-psi-wait

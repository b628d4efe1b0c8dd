# SPDX-License-Identifier: MIT
# The seed's scenario: a 200 MiB "critical" process and an expendable 150 MiB hog in one 512 MiB
# memory cgroup; then the critical process needs 200 MiB more and the cgroup runs out.
#  A. no protection: the bigger process at the time of the OOM (critical, ~400 MiB) is killed,
#     as `oomlab scores` predicts just before.
#  B. `oomlab protect CRITICAL`: without CAP_SYS_RESOURCE (this machine, Docker) the kernel says
#     EACCES and oomlab explains it; `oomlab protect CRITICAL --relative` raises the hog instead
#     (and nothing outside the cgroup); then the hog dies and the critical process survives.
set -u
. "$TESTS/integration/_scores_lib.sh"
scores_prereqs
echo $((512 * 1024 * 1024)) > "$CG/memory.limit_in_bytes"

# --- A: no protection ---
start_eater crit --total 200M --step 200M; crit=$EPID
start_eater hog --total 150M --hold; hog=$EPID
pred=$("$OOMLAB" scores "$CGNAME" --json | json_num predicted_victim)
echo "A: critical $crit, hog $hog; predicted $pred"
[ "$pred" = "$crit" ] || fail "A: expected the bigger process ($crit) to be predicted, got $pred"
k0=$(oom_kills)
echo go >&$crit_in
wait "$crit" 2>/dev/null; st=$?
[ $st = 137 ] || fail "A: critical process exited $st, expected SIGKILL (137)"
kill -0 "$hog" 2>/dev/null || fail "A: the hog died too"
[ $(( $(oom_kills) - k0 )) = 1 ] || fail "A: expected one OOM kill"
echo "A: the kernel killed the critical process (the bigger one), as predicted"
stop_all

# --- B: protect the critical process ---
start_eater crit --total 200M --step 200M; crit=$EPID
start_eater hog --total 150M --hold; hog=$EPID
# a bystander outside the cgroup that must never be touched: our own child, in our own memcg
sleep 300 & bystander=$!
OURS+=("$bystander")
by_adj=$(cat /proc/$bystander/oom_score_adj)

out=$("$OOMLAB" protect "$crit" 2>&1); rc=$?
echo "$out" | head -n 3
if grep -q 'CapEff:.*' /proc/self/status && [ "$(( 0x$(awk '/^CapEff/ {print $2}' /proc/self/status) >> 24 & 1 ))" = 1 ]; then
	[ $rc = 0 ] || fail "B: with CAP_SYS_RESOURCE protect should succeed (rc $rc)"
	[ "$(cat /proc/$crit/oom_score_adj)" = -800 ] || fail "B: adj not set"
else
	[ $rc = 1 ] || fail "B: protect without CAP_SYS_RESOURCE should fail (rc $rc)"
	echo "$out" | grep -q 'Permission denied' || fail "B: no EACCES explanation"
	echo "$out" | grep -q 'CAP_SYS_RESOURCE' || fail "B: the explanation does not name CAP_SYS_RESOURCE"
	echo "$out" | grep -q -- '--relative' || fail "B: no hint at --relative"
	[ "$(cat /proc/$crit/oom_score_adj)" = 0 ] || fail "B: adj changed although refused"

	# dry run writes nothing
	"$OOMLAB" protect "$crit" --relative --dry-run >/dev/null || fail "B: dry run failed"
	[ "$(cat /proc/$hog/oom_score_adj)" = 0 ] || fail "B: --dry-run wrote something"

	json=$("$OOMLAB" protect "$crit" --relative --json) || fail "B: protect --relative failed"
	echo "$json" | grep -q '"result":"relative"' || fail "B: result is not relative: $json"
	[ "$(cat /proc/$hog/oom_score_adj)" = 800 ] || fail "B: hog adj is $(cat /proc/$hog/oom_score_adj), expected 800"
	[ "$(cat /proc/$crit/oom_score_adj)" = 0 ] || fail "B: critical adj changed"
	# the floor is oom_score_adj_min (0), not the current value: undo works, below 0 does not
	echo 0 > /proc/$hog/oom_score_adj || fail "B: lowering back to the floor was refused"
	if echo -1 2>/dev/null > /proc/$hog/oom_score_adj; then fail "B: lowering below the floor worked"; fi
	"$OOMLAB" protect "$crit" --relative >/dev/null || fail "B: protect --relative (again) failed"
	[ "$(cat /proc/$hog/oom_score_adj)" = 800 ] || fail "B: hog adj not 800 after the second protect"
fi
[ "$(cat /proc/$bystander/oom_score_adj)" = "$by_adj" ] || fail "B: a process outside the cgroup was touched"
pred=$("$OOMLAB" scores "$CGNAME" --json | json_num predicted_victim)
[ "$pred" = "$hog" ] || fail "B: after protect the hog ($hog) should be predicted, got $pred"
k0=$(oom_kills)
grow crit 30 || fail "B: the critical process did not finish growing (it said '$LINE')"
wait "$hog" 2>/dev/null; st=$?
[ $st = 137 ] || fail "B: the hog exited $st, expected SIGKILL (137)"
kill -0 "$crit" 2>/dev/null || fail "B: the critical process died"
[ $(( $(oom_kills) - k0 )) = 1 ] || fail "B: expected one OOM kill"
echo "B: with protection the hog died and the critical process survived"

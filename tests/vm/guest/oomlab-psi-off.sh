# SPDX-License-Identifier: MIT
# psi=0 (the RHEL/CentOS default): every PSI feature of oomlab degrades with a clear line and
# nothing fails. Runs only in the psi0 layout (elsewhere PSI is on: SKIP).
# vmt-timeout: 60
. /tests/_lib.sh
L=${VMT_LAYOUT:-v2}
if cat /proc/pressure/memory >/dev/null 2>&1; then
	result "$L/psi-off" SKIP "PSI is on in this boot"
	exit 0
fi
# psi: no crash, non-zero with one clear line naming PSI
oomlab psi >"$T/o" 2>"$T/e"
rc=$?
cat "$T/o" "$T/e"
echo "oomlab psi: exit $rc"
[ $rc -le 1 ] || [ $rc = 0 ] || fail "oomlab psi exit $rc (crash or usage error?)"
grep -qiE 'psi|pressure' "$T/e" "$T/o" || fail "oomlab psi said nothing about PSI being off"
grep -qiE 'psi=0|disabled|not supported|EOPNOTSUPP|off' "$T/e" "$T/o" || fail "oomlab psi did not say PSI is disabled"
# doctor names it
oomlab doctor >"$T/d" 2>&1
cat "$T/d" | grep -iE 'psi|pressure'
grep -iE 'psi' "$T/d" | grep -qiE 'psi=0|disabled|off|not supported' || fail "doctor does not say PSI is off"
# run still works and says PSI is unavailable instead of failing
oomlab run --json --max 64M -- oomlab eat --total 256M >"$T/j" 2>"$T/re"
rc=$?
tail -n 5 "$T/re"
[ $rc = 137 ] || fail "oomlab run exit $rc with psi=0, expected 137 (the OOM-killed eater)"
[ "$(jget oom_killed <"$T/j")" = true ] || fail "oomlab run's JSON does not say oom_killed with psi=0"
# top --once (or its batch form) must not fail on PSI
if have_oomlab top; then
	oomlab top --once >"$T/t" 2>&1 || oomlab top -n 1 >"$T/t" 2>&1
	trc=$?
	tail -n 5 "$T/t"
	[ $trc = 0 ] || fail "oomlab top exit $trc with psi=0"
fi
finish "$L/psi-off"

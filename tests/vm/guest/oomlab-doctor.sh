# SPDX-License-Identifier: MIT
# `oomlab doctor --json` on the real kernel of this layout, sent whole to the host (one
# "DOCTOR-JSON {...}" line), where tests/vm/_doctor-compare.py compares its layout facts with the
# fixture-tree golden of the same layout (tests/cli/expected/doctor-*.json): fixtures and kernels
# cannot drift apart.
. /tests/_lib.sh
L=${VMT_LAYOUT:-v2}
oomlab doctor --json >"$T/d" 2>"$T/e"
rc=$?
cat "$T/e"
echo "DOCTOR-JSON $(tr -d '\n' <"$T/d")"
# doctor exits 0 or 1 (something limited/missing) but never crashes, and its JSON parses
[ $rc -le 1 ] || fail "oomlab doctor --json exited $rc"
[ -n "$(jget cgroup_mode <"$T/d")" ] || fail "doctor --json has no cgroup_mode"
finish "$L/doctor-ran"

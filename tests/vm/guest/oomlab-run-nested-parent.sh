# SPDX-License-Identifier: MIT
# `oomlab run --parent A/B` on pure cgroup v2 where neither A nor B delegates the memory
# controller yet: run enables +memory in every ancestor of its cgroup that lacks it (before,
# only B was written, which v2 refuses while A does not delegate memory: run failed), the
# command is boxed with its own limit and OOM-killed, and run's cgroup is gone afterwards.
. /tests/_lib.sh

if ! have_oomlab run || ! have_oomlab eat; then
	result oomlab-run-nested-parent SKIP "oomlab run not available in this build"
	exit 0
fi
mkcg A nested || { finish oomlab-run-nested-parent; exit 0; }
mkdir "$A/b" || fail "cannot create $A/b"
CGS="$A/b $CGS"
grep -qw memory "$A/cgroup.subtree_control" && fail "test setup: $A delegates memory already"
oomlab run --json --parent "$(rel "$A")/b" --max 32M -- oomlab eat --total 128M >"$T/json" 2>"$T/err"
rc=$?
tail -n 5 "$T/err"
j() { jget "$1" <"$T/json"; }
[ "$rc" = 137 ] || fail "oomlab run --parent A/b exit $rc, expected 137: $(tail -n 2 "$T/err")"
[ "$(j limit_bytes)" = 33554432 ] || fail "limit_bytes '$(j limit_bytes)', expected 33554432"
[ "$(j oom_killed)" = true ] || fail "oom_killed '$(j oom_killed)', expected true"
grep -qw memory "$A/cgroup.subtree_control" || fail "$A does not delegate memory after the run"
left=$(find "$A/b" -mindepth 1 -type d | head -n 1)
[ -z "$left" ] || fail "oomlab run left '$left' behind"
finish oomlab-run-nested-parent

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Whose limit: `oomlab run --parent P` where P has a 64 MiB limit and the run's own cgroup none.
# The eater is OOM-killed for P's limit; the account names P (the kernel's oom_memcg), its limit
# and usage, counts the kill in the run's cgroup and shows the peak against P's 64 MiB.
source "$(dirname "$0")/../_lib.sh"
require_root
require_memcg
require_cmd python3
tmp=$(mktemp -d)
P=oomlab-test-parent-$$
dirs=()
cleanup() {
	for d in "${dirs[@]}"; do rmdir "$d" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

if [ -e /sys/fs/cgroup/memory/memory.limit_in_bytes ]; then
	# v1 or hybrid: the limit in the v1 tree, the v2 sibling for PSI (hybrid)
	mkdir /sys/fs/cgroup/memory/$P || fail "cannot create the parent"
	dirs+=(/sys/fs/cgroup/memory/$P)
	echo $((64 << 20)) >/sys/fs/cgroup/memory/$P/memory.limit_in_bytes
	if [ -d /sys/fs/cgroup/unified ]; then mkdir /sys/fs/cgroup/unified/$P && dirs+=(/sys/fs/cgroup/unified/$P); fi
	limfile=memory.limit_in_bytes
else
	grep -qw memory /sys/fs/cgroup/cgroup.subtree_control || echo +memory >/sys/fs/cgroup/cgroup.subtree_control
	mkdir /sys/fs/cgroup/$P || fail "cannot create the parent"
	dirs+=(/sys/fs/cgroup/$P)
	echo $((64 << 20)) >/sys/fs/cgroup/$P/memory.max
	limfile=memory.max
fi

"$OOMLAB" run --parent "$P" --json --output "$tmp/j" -- "$OOMLAB" eat --total 256M -q >/dev/null 2>"$tmp/live"
rc=$?
cat "$tmp/j"
assert_eq "$rc" 137 "exit status"
assert_eq "$(jget oom_killed "$tmp/j")" true "oom_killed"
assert_eq "$(jget oom_cgroup.name "$tmp/j")" "/$P" "oom_cgroup.name (the limit that was hit)"
assert_eq "$(jget oom_cgroup.own "$tmp/j")" false "oom_cgroup.own"
assert_eq "$(jget oom_cgroup.limit_bytes "$tmp/j")" 67108864 "oom_cgroup.limit_bytes"
assert_eq "$(jget peak_limit_bytes "$tmp/j")" 67108864 "peak_limit_bytes"
assert_eq "$(jget limit_bytes "$tmp/j")" null "limit_bytes (the run's own: none)"
[ "$(jget oom_kills "$tmp/j")" -ge 1 ] || fail "the kill is not counted in the run's cgroup"

"$OOMLAB" run -q --parent "$P" -- "$OOMLAB" eat --total 256M -q >/dev/null 2>"$tmp/text"
assert_eq "$?" 137 "exit status (text)"
cat "$tmp/text"
grep -q "^why: .*the limit of /$P, an ancestor, was hit: $limfile = 64.0 MiB" "$tmp/text" ||
	fail "the account does not name /$P and its limit"
grep -q "^peak: .* of 64.0 MiB, the limit of /$P" "$tmp/text" || fail "the peak is not shown against /$P's limit"
! grep -q "hit its own limit" "$tmp/text" || fail "the account says the run's own limit was hit"
# the kernel charged the kill to the victim's memcg; on v1 it does not propagate it upwards
# (docs/KERNEL-SURPRISES.md), on v2 it does
if [ "$limfile" = memory.limit_in_bytes ]; then
	pk=$(sed -n 's/^oom_kill //p' /sys/fs/cgroup/memory/$P/memory.oom_control)
	assert_eq "$pk" 0 "v1: the parent's own oom_kill counter (kills of its children are not propagated)"
else
	pk=$(sed -n 's/^oom_kill //p' /sys/fs/cgroup/$P/memory.events)
	[ "$pk" -ge 2 ] || fail "v2: the parent's oom_kill counter $pk does not count its children's kills"
fi
# nothing of the run is left below P
[ -z "$(find /sys/fs/cgroup -maxdepth 3 -path "*/$P/oomlab-*" 2>/dev/null)" ] || fail "a run cgroup is left below /$P"
exit 0

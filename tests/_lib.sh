# SPDX-License-Identifier: MIT
# Shared helpers for script tests (sourced). Protocol: exit 0 pass, 77 skip ("SKIP: reason"
# on stdout), anything else fails.
OOMLAB=${OOMLAB:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/oomlab}
FIXTURES=${FIXTURES:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/fixtures}

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "# $*"; }

require_root() { [ "$(id -u)" = 0 ] || skip "needs root (creates cgroups)"; }
# the memory controller somewhere: v2 with memory, or a v1 memory hierarchy
require_memcg() {
	if [ -e /sys/fs/cgroup/cgroup.controllers ] && grep -qw memory /sys/fs/cgroup/cgroup.controllers; then return 0; fi
	[ -e /sys/fs/cgroup/memory/memory.limit_in_bytes ] && return 0
	skip "no memory cgroup controller mounted"
}
require_cmd() { command -v "$1" >/dev/null 2>&1 || skip "needs '$1'"; }

# the oomlab-<pid>-<n> cgroups currently present (both trees)
oomlab_cgroups() {
	find /sys/fs/cgroup -maxdepth 3 -type d -name 'oomlab-[0-9]*-[0-9]*' 2>/dev/null | sort
}

# JSON field of a one-object document: jget FIELD FILE (python3 for exact parsing)
jget() {
	python3 -c 'import json,sys
d=json.load(open(sys.argv[2]))
for k in sys.argv[1].split("."):
    d = d[int(k)] if isinstance(d, list) else d[k]
print(json.dumps(d) if not isinstance(d, str) else d)' "$1" "$2"
}

assert_eq() { [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"; }

# Cgroups that appeared since $1 (an earlier oomlab_cgroups) and whose oomlab is gone: what a
# finished run left behind. Cgroups of oomlab runs still going (other tests, other users on a
# shared machine) are not counted: a live owner holds flock(LOCK_SH) on its cgroup directory
# (lib/cg-owner.h); legacy oomlab-<pid>-<n> of older builds count as live while <pid> is oomlab.
left_behind() {
	local before=$1 c pid
	for c in $(oomlab_cgroups); do
		printf '%s\n' "$before" | grep -qxF "$c" && continue
		[ -d "$c" ] || continue
		flock -xn "$c" true 2>/dev/null || continue
		pid=$(basename "$c" | sed -n 's/^oomlab-\([0-9]*\)-[0-9]*$/\1/p')
		[ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = oomlab ] && continue
		echo "$c"
	done
}
assert_nothing_left() { # before message
	local l
	l=$(left_behind "$1")
	[ -z "$l" ] || fail "$2: $l"
}

# SPDX-License-Identifier: MIT
# Helpers for the kmsg integration tests (sourced; not a test: the name starts with "_").
# Test cgroups live directly under the v1 memory root, named oomlab-test-kmsg-<what>-<pid>,
# and are removed on exit. Only processes started here are ever signalled.
# TODO(lead): switch the eater to `oomlab eat` once it is merged.

MEMROOT=/sys/fs/cgroup/memory
CGS=()
BGPIDS=()

kmsg_need() {
	[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (/dev/kmsg, cgroups)"; exit 77; }
	[ -r /dev/kmsg ] || { echo "SKIP: /dev/kmsg not readable"; exit 77; }
	[ -w $MEMROOT/cgroup.procs ] || { echo "SKIP: no writable v1 memory controller at $MEMROOT"; exit 77; }
	command -v python3 >/dev/null || { echo "SKIP: python3 (the test's eater) not installed"; exit 77; }
	trap kmsg_cleanup EXIT
}

kmsg_cleanup() {
	local p c
	for p in "${BGPIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${BGPIDS[@]}"; do wait "$p" 2>/dev/null; done
	for ((i = ${#CGS[@]} - 1; i >= 0; i--)); do
		c=${CGS[$i]}
		# our eaters are dead by now; a cgroup with tasks left cannot be removed: say so
		rmdir "$c" 2>/dev/null || echo "warning: could not remove $c"
	done
}

# make_cgroup NAME LIMIT_BYTES: creates it, sets CG to its path relative to the memory root.
# Not for $(...): the cleanup list must be filled in this shell, not in a subshell.
make_cgroup() {
	local d=$MEMROOT/$1
	mkdir "$d" || return 1
	CGS+=("$d")
	if [ -n "${2:-}" ]; then echo "$2" >"$d/memory.limit_in_bytes" || return 1; fi
	CG=/$1
}

# start_eater CGROUP_REL [COMM] : an anonymous eater (200 MiB, touched: `oomlab eat`) in
# CGROUP, its pid in $EATER_PID. It runs through a link named COMM (default oomlab-eater): the
# kernel takes the comm from the name a program was executed by, so the pid and the comm are
# the victim's.
start_eater() {
	local l=${BUILD:-/tmp}/tests/eat-links/${2:-oomlab-eater}
	mkdir -p "${l%/*}"
	[ -L "$l" ] || ln -s "$OOMLAB" "$l" 2>/dev/null || [ -L "$l" ] || return 1
	sh -c 'echo $$ > "$1/cgroup.procs" && exec "$2" eat --rate max --total 200M -q' sh \
		"$MEMROOT$1" "$l" 2>/dev/null &
	EATER_PID=$!
}

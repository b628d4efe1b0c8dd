#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Is there anything of oomlab's on this host? CI (.ci/run) runs it before and after the suite: a
# fresh machine has none, and the suite must leave none. Looks for
#   cgroups      oomlab-* directories in every cgroup hierarchy (v1 controllers, cgroup2)
#   tracefs      oomlab-* trace instances (seen through a tracefs mounted in a private mount
#                namespace of this script's own, so nothing is mounted or left here either)
#   BPF          loaded programs with the names of lib/bpf/*.bpf.c (bpftool prog list)
#   swap         any active swap device (the lab's --swap zram must be undone); with
#                SWAP_BASELINE=FILE, only devices not listed in FILE (a host's own swap)
# Prints one line per finding and exits 1 if there is any, 0 otherwise.
# Usage: scripts/host-state.sh [LABEL]   (LABEL is printed: "before", "after")
set -u
label=${1:-now}
found=0
say() { echo "host-state ($label): $*"; found=1; }

# cgroups: every mount point of a cgroup hierarchy, three levels deep (the lab and run create
# them at the root, tests one or two levels down)
while read -r mp; do
	while IFS= read -r d; do
		say "cgroup left: $d"
	done < <(find "$mp" -maxdepth 3 -type d -name 'oomlab-*' 2>/dev/null)
done < <(awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo | sort -u)

# tracefs instances: through a private mount (tracefs is one file system: every mount shows all
# instances)
if command -v unshare >/dev/null && [ "$(id -u)" = 0 ]; then
	inst=$(unshare -m --propagation private sh -c \
		'mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null && ls /sys/kernel/tracing/instances' 2>/dev/null |
		grep '^oomlab-' || true)
	for i in $inst; do say "tracefs instance left: instances/$i"; done
fi

# BPF programs (names are cut at 15 characters by the kernel)
if command -v bpftool >/dev/null && [ "$(id -u)" = 0 ]; then
	while IFS= read -r l; do
		say "BPF program loaded: $l"
	done < <(bpftool prog list 2>/dev/null | grep -E 'name (mark_victim_|oom_kill_proces|oomtasks)( |$)')
fi

# swap
while read -r dev _; do
	[ "$dev" = Filename ] && continue
	if [ -n "${SWAP_BASELINE:-}" ] && [ -f "$SWAP_BASELINE" ] && grep -qxF "$dev" "$SWAP_BASELINE"; then
		continue
	fi
	say "swap device active: $dev"
done </proc/swaps

[ $found = 0 ] && echo "host-state ($label): no oomlab cgroup, tracefs instance, BPF program or swap device"
exit $found

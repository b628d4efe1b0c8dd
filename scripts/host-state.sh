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
# A cgroup or trace instance whose owner lock (lib/cg-owner.h: flock on the directory) is held,
# or a BPF program held by a running oomlab, belongs to an oomlab that is running now (another
# user of this host): it is named as "in use", not counted. Everything else is a leftover.
# Prints one line per finding and exits 1 if there is any leftover, 0 otherwise.
# Usage: scripts/host-state.sh [LABEL]   (LABEL is printed: "before", "after")
set -u
label=${1:-now}
found=0
say() { echo "host-state ($label): $*"; found=1; }
note() { echo "host-state ($label): $*"; }
# held DIR: is the owner lock of DIR taken (a running oomlab holds it shared)?
held() { command -v flock >/dev/null && ! flock -n -x "$1" true 2>/dev/null; }

# cgroups: every mount point of a cgroup hierarchy, three levels deep (the lab and run create
# them at the root, tests one or two levels down)
while read -r mp; do
	while IFS= read -r d; do
		if held "$d"; then note "cgroup in use by a running oomlab (owner lock held): $d"; else say "cgroup left: $d"; fi
	done < <(find "$mp" -maxdepth 3 -type d -name 'oomlab-*' 2>/dev/null)
done < <(awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo | sort -u)

# tracefs instances: through a private mount (tracefs is one file system: every mount shows all
# instances)
if command -v unshare >/dev/null && [ "$(id -u)" = 0 ]; then
	inst=$(unshare -m --propagation private sh -c \
		'{ [ -d /sys/kernel/tracing/instances ] || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null; } &&
		cd /sys/kernel/tracing/instances && for i in oomlab-*; do [ -d "$i" ] || continue
			if command -v flock >/dev/null && ! flock -n -x "$i" true 2>/dev/null; then echo "held:$i"; else echo "$i"; fi
		done' 2>/dev/null || true)
	for i in $inst; do
		case $i in
		held:*) note "tracefs instance in use by a running oomlab (owner lock held): instances/${i#held:}" ;;
		*) say "tracefs instance left: instances/$i" ;;
		esac
	done
fi

# BPF programs (names are cut at 15 characters by the kernel)
if command -v bpftool >/dev/null && [ "$(id -u)" = 0 ]; then
	# each program with the pids holding it; one held by a live oomlab process is in use
	while IFS=$'\t' read -r id name holders; do
		inuse=
		for h in $holders; do
			[ "$(cat /proc/"$h"/comm 2>/dev/null)" = oomlab ] && inuse=$h
		done
		if [ -n "$inuse" ]; then note "BPF program $id ($name) in use by running oomlab pid $inuse"
		else say "BPF program loaded: $id ($name), held by: ${holders:-nobody}"; fi
	done < <(bpftool -j prog list 2>/dev/null | python3 -c '
import json, re, sys
try: progs = json.load(sys.stdin)
except Exception: progs = []
for p in progs:
    n = p.get("name", "")
    if re.match(r"(mark_victim_|oom_kill_proces|oomtasks|cgiter)", n):
        holders = set(str(x.get("pid")) for x in p.get("pids", []))
        if not holders:  # bpftool without pid iterators: the fds that name the program
            import glob
            for f in glob.glob("/proc/[0-9]*/fdinfo/*"):
                try:
                    if re.search(r"^prog_id:\s*%d$" % p.get("id"), open(f).read(), re.M):
                        holders.add(f.split("/")[2])
                except OSError:
                    pass
        print("%s\t%s\t%s" % (p.get("id"), n, " ".join(sorted(holders))))' 2>/dev/null)
fi

# swap
while read -r dev _; do
	[ "$dev" = Filename ] && continue
	if [ -n "${SWAP_BASELINE:-}" ] && [ -f "$SWAP_BASELINE" ] && grep -qxF "$dev" "$SWAP_BASELINE"; then
		continue
	fi
	say "swap device active: $dev"
done </proc/swaps

[ $found = 0 ] && echo "host-state ($label): no leftover oomlab cgroup, tracefs instance, BPF program or swap device"
exit $found

# SPDX-License-Identifier: MIT
# Helpers for the BPF and tracefs integration tests (sourced, not run): a nested v1 memory cgroup
# /oomlab-test-<tag>-<pid> (limit LIMIT) with a child /b, an eater compiled here, and removal of
# everything on exit. Never touches cgroups or processes this test did not create.

oom_need_root() {
	if [ "$(id -u)" != 0 ]; then echo "SKIP: needs root (memory cgroups, tracing)"; exit 77; fi
	if [ ! -w /sys/fs/cgroup/memory/cgroup.procs ]; then
		echo "SKIP: no writable v1 memory hierarchy at /sys/fs/cgroup/memory"; exit 77
	fi
}

# oom_setup TAG LIMIT: sets CG (the parent dir), CGB (the child), EATER
oom_setup() {
	CG=/sys/fs/cgroup/memory/oomlab-test-$1-$$
	CGB=$CG/b
	mkdir "$CG" || exit 1
	trap oom_cleanup EXIT
	mkdir "$CGB" || exit 1
	echo "$2" > "$CG/memory.limit_in_bytes" || exit 1
	EATER=${BUILD:-/tmp}/tests/oomlab-eater
	if [ ! -x "$EATER" ]; then
		mkdir -p "$(dirname "$EATER")"
		cat > "$EATER.c" <<'C'
#include <stdlib.h>
#include <string.h>
int main(void)
{
	/* touch 1 MiB at a time until the memcg kills us (256 MiB at most) */
	for (int i = 0; i < 256; i++) {
		char *p = malloc(1 << 20);
		if (!p)
			return 1;
		memset(p, i + 1, 1 << 20);
	}
	return 0;
}
C
		${CC:-cc} -O1 -o "$EATER.tmp" "$EATER.c" && mv "$EATER.tmp" "$EATER" || exit 1
	fi
}

# oom_eat: starts one eater inside $CGB, waits for it; prints its pid. Status 0 if it was killed.
oom_eat() {
	sh -c 'echo $$ > "$1/cgroup.procs" && exec "$2"' oomlab-eat "$CGB" "$EATER" &
	local pid=$! st
	wait $pid; st=$?
	echo $pid
	[ $st = 137 ]
}

oom_cleanup() {
	local d
	# only our own eaters can be left (they are killed by the memcg; wait for the rest)
	for d in "$CGB" "$CG"; do
		[ -d "$d" ] || continue
		for p in $(cat "$d/cgroup.procs" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
	done
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		rmdir "$CGB" 2>/dev/null; rmdir "$CG" 2>/dev/null
		[ -d "$CG" ] || break
		sleep 0.1
	done
	[ -n "${WATCHER:-}" ] && kill "$WATCHER" 2>/dev/null && wait "$WATCHER" 2>/dev/null
	return 0
}

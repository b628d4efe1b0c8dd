# SPDX-License-Identifier: MIT
# Helpers for the BPF and tracefs integration tests (sourced, not run): a nested v1 memory cgroup
# /oomlab-test-<tag>-<pid> (limit LIMIT) with a child /b, the eater (`oomlab eat`), and removal of
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
	# the one eater, `oomlab eat`, through a link named oomlab-eater: the victim's comm
	EATER=${BUILD:-/tmp}/tests/oomlab-eater
	mkdir -p "$(dirname "$EATER")"
	[ "$(readlink "$EATER" 2>/dev/null)" = "$OOMLAB" ] || ln -sfn "$OOMLAB" "$EATER" || exit 1
}

# oom_eat: starts one eater inside $CGB, waits for it; prints its pid. Status 0 if it was killed.
oom_eat() {
	# 1 MiB at a time, touched, until the memcg kills it (256 MiB at most)
	sh -c 'echo $$ > "$1/cgroup.procs" && exec "$2" eat --rate max --total 256M -q' oomlab-eat "$CGB" "$EATER" &
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

# watch_start OUT ERR ARGS...: starts `oomlab watch ARGS` in the background (WATCHER=pid), waits
# until it says which source runs (or fails); skips when BPF is not there to test.
watch_start() {
	local out=$1 err=$2; shift 2
	# emptied here, not by the background job's redirection: that one may come after the first
	# grep below, which then finds the previous watcher's "source" line and the first kill is
	# provoked before this watcher is attached (seen as "0 events" under load 8)
	: >"$out"
	: >"$err"
	"$OOMLAB" watch "$@" > "$out" 2> "$err" &
	WATCHER=$!
	for _ in $(seq 1 100); do
		grep -q '^oomlab watch: source ' "$err" && return 0
		if ! kill -0 $WATCHER 2>/dev/null; then
			wait $WATCHER; WATCHER=
			if grep -q 'not compiled in' "$err"; then echo "SKIP: built with BPF=0"; exit 77; fi
			if grep -q 'no kernel BTF' "$err"; then echo "SKIP: no kernel BTF"; exit 77; fi
			cat "$err"; echo "watcher failed to start"; exit 1
		fi
		sleep 0.05
	done
	echo "watcher did not start in 5 s"; cat "$err"; exit 1
}

# watch_wait: waits for the watcher (started with --count/--timeout) and checks its status
watch_wait() {
	local st
	wait $WATCHER; st=$?; WATCHER=
	if [ $st != 0 ]; then echo "watcher exited with $st"; return 1; fi
}

# watch_until OUT PIDS: waits (10 s at most) until every pid of PIDS has a line in OUT, then stops
# the watcher with SIGINT. Other OOM kills on this host also appear in OUT: never --count them.
watch_until() {
	local p missing st
	for _ in $(seq 1 200); do
		missing=0
		for p in $2; do grep -q "\"pid\":$p," "$1" || { missing=1; break; }; done
		[ $missing = 0 ] && break
		sleep 0.05
	done
	kill -INT $WATCHER
	wait $WATCHER; st=$?; WATCHER=
	if [ $st != 0 ]; then echo "watcher exited with $st"; return 1; fi
}

need_python() {
	command -v python3 >/dev/null || { echo "SKIP: python3 needed to check the JSON"; exit 77; }
}

# check_events OUT PIDS SOURCE AFTER_THE_FACT(true|false): every pid in PIDS reported once, from
# SOURCE, with comm, task_memcg $CG_REL/b, oom_memcg $CG_REL (64 MiB). Read after the fact (the
# victim may be gone by then), a cgroup or a figure may be unknown (null), never wrong, and the
# event says after_the_fact: true (a victim reaped before any read has null cgroup fields, seen
# once in CI under load: the flag says why they are missing).
check_events() {
	python3 - "$1" "$2" "$3" "$4" "${CG#/sys/fs/cgroup/memory}" <<'PY'
import json, sys
out, pids, source, atf, cg = sys.argv[1:]
atf = atf == "true"
pids = [int(p) for p in pids.split()]
evs = [json.loads(l) for l in open(out) if l.strip()]
mine = [e for e in evs if e["pid"] in pids]
bad = []
complete = 0
for p in pids:
    es = [e for e in mine if e["pid"] == p]
    if len(es) != 1:
        bad.append(f"pid {p}: {len(es)} events"); continue
    e = es[0]
    must = {"comm": "oomlab-eater", "source": source}
    # limit_now_kb: the BPF record's limit (src/cmd-watch.c), the file for the other sources
    may = {"task_memcg": cg + "/b", "oom_memcg": cg, "memcg_limit_kb": 65536, "limit_now_kb": 65536,
           "scope": "memcg"}
    if not atf:
        must["after_the_fact"] = False
        must.update(may); may = {}
    elif e.get("after_the_fact") is not True:
        # the record carries no cgroup: every cgroup field is looked up after the kill, and the
        # event must say so, also when the victim was reaped first and the fields are null
        missing = [k for k in ("task_memcg", "oom_memcg") if e.get(k) is None]
        bad.append(f"pid {p}: after_the_fact={e.get('after_the_fact')!r}" +
                   (f" with {', '.join(missing)} missing" if missing else " with cgroup fields read"))
    for k, v in must.items():
        if e.get(k) != v:
            bad.append(f"pid {p}: {k}={e.get(k)!r}, want {v!r}")
    for k, v in may.items():
        if e.get(k) is not None and e.get(k) != v:
            bad.append(f"pid {p}: {k}={e.get(k)!r}, want {v!r} or null")
    if not atf and not e.get("anon_rss_kb"):
        bad.append(f"pid {p}: anon_rss_kb={e.get('anon_rss_kb')!r}")
    if all(e.get(k) == v for k, v in may.items()):
        complete += 1
print(f"{len(pids)} kills provoked, {len(mine)} reported, {complete} with every cgroup field")
for b in bad: print("  " + b)
sys.exit(1 if bad else 0)
PY
}

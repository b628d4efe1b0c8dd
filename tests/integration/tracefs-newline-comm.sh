#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The tracefs source frames records by parsing, not by newlines: victims whose comm holds '\n'
# (it is also the line header's comm: the OOMing task is the victim) are all reported, with the
# comm as the kernel has it, and a cgroup that is unknown is null, never "/".
set -u
. "$(dirname "$0")/_oomkill.sh"
oom_need_root
need_python
oom_setup tracefs-nl 64M
tmp=$(mktemp -d); trap 'oom_cleanup; rm -rf "$tmp"' EXIT
N=${N:-6}
# the eater is `oomlab eat` through a link whose name is the comm: '_' stands for '\n' (the
# kernel takes a task's comm from the name it was executed by, 15 bytes at most)
nl_eater() { # NAME: NL_LINK, the link for NAME with its '_' turned into newlines (no $(...):
	# it would drop trailing newlines)
	NL_LINK=$(printf '%s' "$1" | tr '_' '\n'; printf .)
	NL_LINK=$tmp/${NL_LINK%.}
	[ -L "$NL_LINK" ] || ln -s "$OOMLAB" "$NL_LINK" || exit 1
}
watch_start "$tmp/out" "$tmp/err" --source tracefs --json --no-kmsg --timeout 60s
grep -q "source tracefs" "$tmp/err" || { cat "$tmp/err"; echo "tracefs source did not start"; exit 1; }
pids=
names="_x x_ a_b_c ___ _a_mark_victim: n_l_total-vm=1"
for i in $(seq 1 $N); do
	nm=$(echo $names | tr ' ' '\n' | sed -n "$(( (i - 1) % 6 + 1 ))p")
	nl_eater "$nm"
	sh -c 'echo $$ > "$1/cgroup.procs" && exec "$2" eat --rate max --total 256M -q' x "$CGB" "$NL_LINK" &
	p=$!; wait $p; pids="$pids $p:$nm"
done
justpids=$(for x in $pids; do echo "${x%%:*}"; done | tr '\n' ' ')
watch_until "$tmp/out" "$justpids" || exit 1
python3 - "$tmp/out" "$pids" <<'PY'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
bad = []
for pn in sys.argv[2].split():
    pid, name = pn.split(":", 1)
    want = name.replace("_", "\n")[:15]
    es = [e for e in evs if e["pid"] == int(pid)]
    if len(es) != 1:
        bad.append(f"pid {pid} ({want!r}): {len(es)} events"); continue
    e = es[0]
    if e.get("comm") != want:
        bad.append(f"pid {pid}: comm {e.get('comm')!r}, want {want!r}")
    for k in ("task_memcg", "oom_memcg"):
        if e.get(k) == "/":
            bad.append(f"pid {pid}: {k} is '/' (unknown must be null)")
print(f"{len(sys.argv[2].split())} victims with newlines in their comm, {len(evs)} events")
for b in bad: print("  " + b)
sys.exit(1 if bad else 0)
PY

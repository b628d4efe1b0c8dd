#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `oomlab serve --source kmsg` never counts a program's write to /dev/kmsg that poses as the
# kernel's kill line (facility 1, not the kernel's 0): before, serve fed every record to the
# decoder and exported the forgery as an OOM kill. One forged line (pid 999997, a comm naming
# this test), then one real kill: records arrive in order, so once the real kill is in /events
# serve has read the forgery too.
set -u
source "$(dirname "$0")/_serve_lib.sh"
require_root
require_memcg
require_cmd python3
require_cmd curl
[ -r /dev/kmsg ] && [ -w /dev/kmsg ] || skip "/dev/kmsg not readable and writable"
serve_parent_cgroup "oomlab-test-serve-forge-$$" || fail "cannot create the parent cgroup"
start_serve --source kmsg || fail "serve did not start"
printf '<3>Memory cgroup out of memory: Killed process 999997 (oomlab-forge-%s) total-vm:1000kB, anon-rss:900kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:0\n' "$$" >/dev/kmsg ||
	fail "cannot write to /dev/kmsg"
provoke_kill || fail "kill not provoked"
seen=
for _ in $(seq 50); do
	curl -fsS "http://127.0.0.1:$SERVE_PORT/events" >"$SERVE_TMP/events" || fail "no /events"
	python3 -c 'import json, sys
sys.exit(0 if any(e.get("process.pid") == int(sys.argv[1]) for e in json.load(open(sys.argv[2]))["events"]) else 1)' \
		"$VICTIM_PID" "$SERVE_TMP/events" && { seen=1; break; }
	sleep 0.1
done
[ -n "$seen" ] || fail "the real kill (pid $VICTIM_PID) never reached /events"
n=$(python3 -c 'import json, sys; print(sum(1 for e in json.load(open(sys.argv[1]))["events"] if e.get("process.pid") == 999997))' "$SERVE_TMP/events")
[ "$n" = 0 ] || fail "the forged record was exported as a kill ($n): $(cat "$SERVE_TMP/events")"
echo "real kill of pid $VICTIM_PID exported, the forged record of pid 999997 not"

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `oomlab serve --source kmsg|tracefs|bpf` counts our kill under our parent cgroup, each in a
# mount namespace where tracefs and debugfs are unmounted (a fresh machine). The kernel log's
# summary line is rate-limited (~10 per 5 s, other tests kill too): with kmsg a kill can come
# without its cgroup, so that source gets three attempts.
set -u
source "$(dirname "$0")/_serve_lib.sh"
require_root
require_memcg
require_cmd python3
require_cmd curl
require_cmd unshare
[ -r /dev/kmsg ] || skip "/dev/kmsg not readable"
serve_parent_cgroup "oomlab-test-serve-src-$$" || fail "cannot create the parent cgroup"

for src in kmsg tracefs bpf; do
	err=$SERVE_TMP/$src.err
	unshare -m sh -c 'umount /sys/kernel/tracing 2>/dev/null; umount /sys/kernel/debug/tracing 2>/dev/null; umount /sys/kernel/debug 2>/dev/null; exec "$@"' sh \
		"$OOMLAB" serve --listen 127.0.0.1:0 --depth 1 --source $src 2>"$err" &
	pid=$!
	SERVE_PIDS+=($pid)
	port=
	for _ in $(seq 100); do
		port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/metrics|\1|p' "$err")
		[ -n "$port" ] && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	if [ -z "$port" ]; then
		if grep -q "cannot open the $src source" "$err"; then
			echo "SUBTEST SKIP $src: $(head -1 "$err")"
			continue
		fi
		echo "SUBTEST FAIL $src: serve did not start: $(cat "$err")"
		continue
	fi
	ok=
	for attempt in 1 2 3; do
		before=$(curl -fsS "http://127.0.0.1:$port/metrics" | sed -n "s|^oomlab_oom_kills_total{cgroup=\"$PARENT\",limit_scope=\"cgroup\",constraint=\"memcg\"} ||p")
		provoke_kill || { echo "attempt $attempt: kill not provoked"; continue; }
		for _ in $(seq 30); do
			n=$(curl -fsS "http://127.0.0.1:$port/metrics" | sed -n "s|^oomlab_oom_kills_total{cgroup=\"$PARENT\",limit_scope=\"cgroup\",constraint=\"memcg\"} ||p")
			[ "${n:-0}" -gt "${before:-0}" ] && { ok=1; break; }
			sleep 0.1
		done
		[ -n "$ok" ] && break
		[ $src = kmsg ] || break
		echo "attempt $attempt ($src): our kill not counted under $PARENT (summary rate-limited?), retrying in 5 s"
		sleep 5 # the kernel's printk rate-limit window, nothing to wait on
	done
	# three attempts rate-limited (a host where other OOM kills happen at the same time): the
	# kill must still be in /events, by pid and cgroup, counted with the limit unknown
	if [ -z "$ok" ] && [ $src = kmsg ] && curl -fsS "http://127.0.0.1:$port/events" |
		python3 -c 'import json, sys
d = json.load(sys.stdin)
sys.exit(0 if any(e.get("process.pid") == int(sys.argv[1]) and e.get("oomlab.victim_cgroup") == sys.argv[2]
                  and e.get("oomlab.source") == "kmsg" for e in d["events"]) else 1)' "$VICTIM_PID" "$VICTIM_CG"; then
		echo "kmsg: the kernel rate-limited every report's summary line; our kill (pid $VICTIM_PID) is in /events with its cgroup, limit scope unknown"
		ok=1
	fi
	head -2 "$err"
	curl -fsS "http://127.0.0.1:$port/metrics" | grep -E "^oomlab_event_source_up"
	if [ -n "$ok" ] && curl -fsS "http://127.0.0.1:$port/metrics" | grep -qx "oomlab_event_source_up{source=\"$src\"} 1"; then
		echo "SUBTEST PASS $src"
	else
		echo "SUBTEST FAIL $src: kill of pid $VICTIM_PID in $VICTIM_CG not counted; its /events entry: $(curl -fsS "http://127.0.0.1:$port/events" | python3 -c 'import json, sys
d = json.load(sys.stdin); m = [e for e in d["events"] if e.get("process.pid") == int(sys.argv[1])]
print(json.dumps(m[0]) if m else "none (of %d events)" % len(d["events"]))' "$VICTIM_PID")"
	fi
	kill $pid; wait $pid 2>/dev/null
done

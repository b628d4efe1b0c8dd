#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The v1 surprise (docs/KERNEL-SURPRISES.md): after an OOM kill in /<parent>/<child>, the
# parent's memory.oom_control oom_kill stays 0 (v1 counts locally); oomlab serve still counts
# the kill under the parent in oomlab_oom_kills_total. On v2 the parent's memory.events
# oom_kill counts it (hierarchical) and the test checks that instead.
set -u
source "$(dirname "$0")/_serve_lib.sh"
require_root
require_memcg
require_cmd curl
require_cmd python3
[ -r /dev/kmsg ] || skip "/dev/kmsg not readable"
serve_parent_cgroup "oomlab-test-serve-v1-$$" || fail "cannot create the parent cgroup"
start_serve --depth 1 || fail "serve did not start"
provoke_kill || fail "kill not provoked"
if [ -e /sys/fs/cgroup/memory/cgroup.procs ]; then
	f=/sys/fs/cgroup/memory$PARENT/memory.oom_control
	cat "$f"
	grep -qx 'oom_kill 0' "$f" || fail "v1 parent counted its child's kill: $(cat "$f") (kernel changed?)"
	want_cgroup=0
else
	f=/sys/fs/cgroup$PARENT/memory.events
	cat "$f"
	grep -qx 'oom_kill 1' "$f" || fail "v2 parent did not count its child's kill"
	want_cgroup=1
fi
for _ in $(seq 30); do
	curl -fsS "http://127.0.0.1:$SERVE_PORT/metrics" >"$SERVE_TMP/m"
	grep -q "^oomlab_oom_kills_total{cgroup=\"$PARENT\",limit_scope=\"cgroup\",constraint=\"memcg\"} 1$" "$SERVE_TMP/m" && break
	sleep 0.1
done
grep -E "^oomlab_(oom_kills|cgroup_oom_kill_events)_total\{cgroup=\"$PARENT\"" "$SERVE_TMP/m"
grep -q "^oomlab_oom_kills_total{cgroup=\"$PARENT\",limit_scope=\"cgroup\",constraint=\"memcg\"} 1$" "$SERVE_TMP/m" || fail "serve did not count the kill under $PARENT"
grep -q "^oomlab_cgroup_oom_kill_events_total{cgroup=\"$PARENT\"} $want_cgroup$" "$SERVE_TMP/m" || fail "the per-cgroup counter is not the kernel's ($want_cgroup)"

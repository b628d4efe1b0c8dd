#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Over --max-series, the tracked cgroup that had a kill keeps its per-cgroup series: 40 empty
# sibling cgroups and one with a kill, --depth 1, a budget of 8 label sets. In walk order
# (kernfs hashes names) the killed one was cut most of the time; it must be there every time,
# and the cut must be counted in oomlab_series_dropped_total.
set -u
source "$(dirname "$0")/_serve_lib.sh"
require_root
require_memcg
require_cmd curl
[ -r /dev/kmsg ] || skip "/dev/kmsg not readable"
for i in $(seq 40); do
	serve_parent_cgroup "oomlab-test-serve-budget-$$-$i" || fail "cannot create sibling $i"
done
serve_parent_cgroup "oomlab-test-serve-budget-$$-killed" || fail "cannot create the parent cgroup"
start_serve --depth 1 --max-series 8 || fail "serve did not start"
provoke_kill || fail "kill not provoked"
ok=
for _ in $(seq 30); do
	curl -fsS "http://127.0.0.1:$SERVE_PORT/metrics" >"$SERVE_TMP/m"
	grep -q "^oomlab_oom_kills_total{cgroup=\"$PARENT\",limit_scope=\"cgroup\",constraint=\"memcg\"} 1$" "$SERVE_TMP/m" &&
		grep -q "^oomlab_cgroup_oom_kill_events_total{cgroup=\"$PARENT\"}" "$SERVE_TMP/m" && ok=1 && break
	sleep 0.1
done
grep -E "^oomlab_(oom_kills_total|cgroup_oom_kill_events_total|series_dropped_total|tracked_cgroups)" "$SERVE_TMP/m" | head -n 20
[ -n "$ok" ] || fail "the killed cgroup $PARENT lost its per-cgroup series to the --max-series cut"
d=$(sed -n 's/^oomlab_series_dropped_total \([0-9]*\)$/\1/p' "$SERVE_TMP/m")
[ "${d:-0}" -gt 0 ] || fail "no cut counted in oomlab_series_dropped_total (budget not reached?)"
echo "kept $PARENT's series under a budget of 8 with 41 tracked cgroups; dropped $d"

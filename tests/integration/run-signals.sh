#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `oomlab run` and signals, as `timeout`/`systemd-run` do it: the first SIGTERM reaches every
# process of the cgroup (not only the command's pid); a command that ignores it (and its
# children, which inherit the ignore) is killed when --kill-after runs out, or at once by a
# second signal; nothing is left afterwards: no process, no cgroup. Exit statuses: 128+N of the
# signal that ended the command (143 when it obeyed SIGTERM, 137 when oomlab had to kill it).
source "$(dirname "$0")/../_lib.sh"
require_root
require_memcg
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}" $(cat "$tmp"/? 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

# a command that ignores TERM, INT and HUP, with two children that inherit that; it writes the
# pids of all three so the test can check that none survives
cat >"$tmp/stubborn.sh" <<'SH'
trap '' TERM INT HUP
sleep 1000 & echo $! >>"$1"
sleep 1000 & echo $! >>"$1"
echo $$ >>"$1"
wait
SH

start_run() { # pidfile extra-options...
	local pf=$1; shift
	: >"$pf"
	"$OOMLAB" run -q "$@" -- sh "$tmp/stubborn.sh" "$pf" >"$pf.out" 2>"$pf.err" &
	rp=$!; pids+=($rp)
	for _ in $(seq 200); do [ "$(wc -l <"$pf")" -ge 3 ] && break; sleep 0.02; done
	[ "$(wc -l <"$pf")" -ge 3 ] || fail "the stubborn command did not start: $(cat "$pf.err")"
}
# wait for oomlab, but never forever (an oomlab that ignores signals is the bug tested here)
wait_run() { # seconds
	for _ in $(seq $(($1 * 20))); do kill -0 "$rp" 2>/dev/null || break; sleep 0.05; done
	if kill -0 "$rp" 2>/dev/null; then
		kill -9 "$rp"
		fail "oomlab run was still running $1 s after the signal"
	fi
	wait "$rp"
}
# this run's own cgroups (other oomlab runs may be going on on this machine)
run_left() { # what
	local l
	l=$(oomlab_cgroups | grep "/oomlab-$rp-" || true)
	[ -z "$l" ] || fail "$1: $l"
}
none_alive() { # pidfile what
	local p st
	for p in $(cat "$1"); do
		st=$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null || true)
		[ -z "$st" ] || [ "$st" = Z ] || fail "$2: pid $p is still running (state $st)"
	done
}

# 1. one SIGTERM, then the grace period (1 s here) runs out
start_run "$tmp/a" --kill-after 1s
t0=$(date +%s%N)
kill -TERM "$rp"
wait_run 15; rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "SIGTERM + --kill-after 1s: exit $rc after $ms ms"
assert_eq "$rc" 137 "exit status after SIGTERM and the grace period"
[ "$ms" -ge 900 ] || fail "killed after $ms ms, before the 1 s grace period"
[ "$ms" -lt 6000 ] || fail "took $ms ms to end after a 1 s grace period"
grep -q "SIGTERM: sent to 3 process(es)" "$tmp/a.err" || fail "no forward note: $(cat "$tmp/a.err")"
grep -q "after SIGTERM (--kill-after): killing every process" "$tmp/a.err" || fail "no kill note: $(cat "$tmp/a.err")"
grep -q "grace period ran out" "$tmp/a.err" || fail "the account does not say why: $(cat "$tmp/a.err")"
none_alive "$tmp/a" "SIGTERM + grace"
run_left "cgroups left after SIGTERM + grace"

# 2. SIGTERM, then SIGINT: everything ends at once, long before the 30 s grace
start_run "$tmp/b" --kill-after 30s
kill -TERM "$rp"
sleep 0.3
t0=$(date +%s%N)
kill -INT "$rp"
wait_run 15; rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "SIGTERM then SIGINT: exit $rc, $ms ms after the second signal"
assert_eq "$rc" 137 "exit status after a second signal"
[ "$ms" -lt 5000 ] || fail "took $ms ms to end after the second signal"
grep -q "SIGINT again: killing every process" "$tmp/b.err" || fail "no second-signal note: $(cat "$tmp/b.err")"
none_alive "$tmp/b" "second signal"
run_left "cgroups left after a second signal"

# 3. the same with --json: the account says how it ended
start_run "$tmp/c" --kill-after 0.5s --json
kill -HUP "$rp"
wait_run 15; rc=$?
echo "SIGHUP + --kill-after 0.5s (--json): exit $rc"
assert_eq "$rc" 137 "exit status after SIGHUP and the grace period"
assert_eq "$(jget interrupted_by "$tmp/c.out")" HUP "interrupted_by"
assert_eq "$(jget forced_kill.by "$tmp/c.out")" kill_after "forced_kill.by"
assert_eq "$(jget signal_forwarded_to "$tmp/c.out")" 3 "signal_forwarded_to"
assert_eq "$(jget kill_after_us "$tmp/c.out")" 500000 "kill_after_us"
none_alive "$tmp/c" "SIGHUP + grace"

# 4. a command that obeys: SIGTERM reaches its child too (the child's own trap proves it), the
# command's own death by SIGTERM is mirrored as 143
cat >"$tmp/polite.sh" <<'SH'
( trap 'echo got-term >"$1.child"; exit 0' TERM; echo ready >"$1"; while :; do sleep 0.05; done ) &
wait
SH
rm -f "$tmp/d" "$tmp/d.child"
"$OOMLAB" run -q -- sh "$tmp/polite.sh" "$tmp/d" >/dev/null 2>"$tmp/d.err" &
rp=$!; pids+=($rp)
for _ in $(seq 200); do [ -s "$tmp/d" ] && break; sleep 0.02; done
kill -TERM "$rp"
wait_run 15; rc=$?
echo "SIGTERM to a command that obeys: exit $rc"
assert_eq "$rc" 143 "exit status of a command killed by SIGTERM"
for _ in $(seq 100); do [ -s "$tmp/d.child" ] && break; sleep 0.02; done
grep -q got-term "$tmp/d.child" 2>/dev/null || fail "the command's child never got SIGTERM (only the main pid was signalled)"
run_left "cgroups left after SIGTERM"
exit 0

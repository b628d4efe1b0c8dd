#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `eat --leaderless`: the main thread has exited (a zombie leader, no VmRSS in /proc/PID/status)
# by the time the summary is printed, the other thread holds the memory (its own status shows
# it), the process's oom_score counts it, and the process ends like any eater: exit 0 after
# --total, or the signal's status with --hold.
source "$(dirname "$0")/../_lib.sh"
pid=
f=$(mktemp -u)
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -f "$f"' EXIT
mkfifo "$f"
"$OOMLAB" eat --leaderless --total 40M --rate max -q --hold >"$f" &
pid=$!
read -r -t 10 line <"$f" || fail "no summary"
case $line in "eat: 40 MiB (anon) in "*) ;; *) fail "summary '$line'" ;; esac
state=$(awk '$1 == "State:" {print $2}' "/proc/$pid/status")
grep -q '^VmRSS' "/proc/$pid/status" && fail "the leader $pid still shows VmRSS: $(grep VmRSS "/proc/$pid/status")"
assert_eq "$state" Z "the leader's state"
tid=
for t in /proc/$pid/task/*; do [ "${t##*/}" = "$pid" ] || tid=${t##*/}; done
[ -n "$tid" ] || fail "no second thread in /proc/$pid/task"
trss=$(awk '$1 == "VmRSS:" {print $2}' "/proc/$pid/task/$tid/status")
[ "$trss" -ge $((40 * 1024)) ] || fail "thread $tid: VmRSS $trss kB, expected the 40 MiB"
score=$(cat "/proc/$pid/oom_score")
[ "$score" -gt 0 ] || fail "oom_score $score: the thread's memory is not counted"
lead=$pid
kill -TERM "$pid"; wait "$pid"; st=$?; pid=
assert_eq "$st" 143 "exit status after SIGTERM"
echo "leader $lead: state $state, no VmRSS; thread $tid: VmRSS $trss kB; oom_score $score; SIGTERM: 143"
"$OOMLAB" eat --leaderless --total 4M --rate max -q >/dev/null; st=$?
assert_eq "$st" 0 "exit status after --total"
echo "without --hold: exit 0 after --total"

# SPDX-License-Identifier: MIT
# oom_score_adj inside a memcg (what scores/protect rely on). The guest has CAP_SYS_RESOURCE, so a
# negative adj can be written. A 40 MiB holder with adj -1000 shares a 64 MiB cgroup with a
# growing eater: without the protection the holder would be the bigger task when the limit is
# hit; with it the kernel skips the holder and kills the eater.
. /tests/_lib.sh

mkcg S adj || { finish oom-score-adj; exit 0; }
cgw "$S" memory.max 64M
run_in "$S" sh -c 'echo -1000 >/proc/self/oom_score_adj && exec memeater -l 40 -H 600 -t 600' \
	>"$T/hold" 2>&1 &
wait_line "$T/hold" '^eat: reached|rror|ermission' 300 || fail "the holder never reached 40 MiB"
hp=$(eater_pid "$T/hold")
cat "$T/hold"
[ -n "$hp" ] && [ "$(cat /proc/$hp/oom_score_adj)" = -1000 ] ||
	fail "cannot set oom_score_adj -1000 (no CAP_SYS_RESOURCE?)"
echo "holder $hp: oom_score_adj $(cat /proc/$hp/oom_score_adj) oom_score $(cat /proc/$hp/oom_score)"
[ "$(cat /proc/$hp/oom_score)" = 0 ] || fail "oom_score of an adj -1000 task is not 0"
run_in "$S" memeater -t "$TMO" >"$T/eat" 2>&1
rc=$?
pid=$(eater_pid "$T/eat")
echo "eater $pid exit $rc"
[ "$rc" = 137 ] || fail "eater exit status $rc, expected 137"
kill_line "$pid" memeater || fail "the kernel did not kill the eater $pid"
kill -0 "$hp" 2>/dev/null || fail "the protected holder $hp died"
kill_line "$hp" memeater && fail "the kernel killed the protected holder $hp"
[ "$(key "$S" memory.events oom_kill)" = 1 ] || fail "memory.events oom_kill is not 1"
kill "$hp"
wait
cg_rm "$S" && CGS=
finish oom-score-adj

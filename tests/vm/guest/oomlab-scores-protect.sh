# SPDX-License-Identifier: MIT
# `oomlab scores` predicts the memcg OOM victim and `oomlab protect --adj -1000` changes it, on a
# real v2 cgroup (the guest has CAP_SYS_RESOURCE, so lowering works). A 40 MiB holder and an
# 8 MiB small task share a 64 MiB cgroup: the holder is predicted first; protected, the small
# one is; then a 20 MiB allocation by an unkillable (-1000) task forces a real OOM and the
# kernel must kill the predicted one.
. /tests/_lib.sh

if ! have_oomlab scores || ! have_oomlab protect; then
	result oomlab-scores-protect SKIP "oomlab scores/protect not available in this build"
	exit 0
fi
mkcg S scores || { finish oomlab-scores-protect; exit 0; }
cgw "$S" memory.max 64M
run_in "$S" memeater -l 40 -H 600 -t 600 >"$T/big" 2>&1 &
run_in "$S" memeater -l 8 -H 600 -t 600 >"$T/small" 2>&1 &
wait_line "$T/big" '^eat: reached' && wait_line "$T/small" '^eat: reached' ||
	fail "the holders did not reach their sizes"
big=$(eater_pid "$T/big")
small=$(eater_pid "$T/small")
echo "big $big, small $small"

oomlab scores "$(rel "$S")" --json >"$T/s1" 2>&1
rc=$?
cat "$T/s1"
[ "$rc" = 0 ] || fail "oomlab scores exited $rc"
[ "$(jget predicted_victim <"$T/s1")" = "$big" ] ||
	fail "predicted_victim '$(jget predicted_victim <"$T/s1")', expected the 40M task $big"

oomlab protect "$big" --adj -1000 --json >"$T/p" 2>&1
rc=$?
cat "$T/p"
[ "$rc" = 0 ] || fail "oomlab protect --adj -1000 exited $rc (CAP_SYS_RESOURCE is there)"
[ "$(cat /proc/$big/oom_score_adj)" = -1000 ] ||
	fail "oom_score_adj of $big is $(cat /proc/$big/oom_score_adj) after protect"

oomlab scores "$(rel "$S")" --json >"$T/s2" 2>&1
cat "$T/s2"
[ "$(jget predicted_victim <"$T/s2")" = "$small" ] ||
	fail "after protect, predicted_victim '$(jget predicted_victim <"$T/s2")', expected $small"

# the real OOM: 40 + 8 + 20 MiB > 64 MiB, only the small task is killable
run_in "$S" sh -c 'echo -1000 >/proc/self/oom_score_adj && exec memeater -l 20 -t 60' >"$T/trig" 2>&1
rc=$?
[ "$rc" = 0 ] || fail "the unkillable 20M allocation exited $rc"
kill_line "$small" memeater || fail "the kernel did not kill the predicted victim $small"
kill -0 "$big" 2>/dev/null || fail "the protected task $big died"
kill "$big" 2>/dev/null
wait
cg_rm "$S" && CGS=
finish oomlab-scores-protect

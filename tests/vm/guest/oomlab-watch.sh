# SPDX-License-Identifier: MIT
# `oomlab watch --json --cgroup CG --count 1` streams a real v2 memcg kill as it happens: the
# line names the victim's pid and its cgroup, and watch exits after that one kill.
. /tests/_lib.sh

if ! have_oomlab watch; then
	result oomlab-watch SKIP "oomlab watch not available in this build"
	exit 0
fi
mkcg W watch || { finish oomlab-watch; exit 0; }
cg_limit "$W" 64M
oomlab watch --source kmsg --json --cgroup "$(rel "$W")" --count 1 --timeout "${TMO}s" >"$T/json" 2>"$T/err" &
wp=$!
# ready once it holds /dev/kmsg open (it reads only records newer than its start)
wait_fd "$wp" '/dev/kmsg' || fail "oomlab watch did not open /dev/kmsg"
sleep 0.2
run_in "$W" memeater -t "$TMO" >"$T/eat" 2>&1
rc=$?
pid=$(eater_pid "$T/eat")
wait "$wp"
wrc=$?
cat "$T/json" "$T/err"
[ "$rc" = 137 ] || fail "eater exit status $rc, expected 137"
[ "$wrc" = 0 ] || fail "oomlab watch exited $wrc"
[ "$(wc -l <"$T/json")" = 1 ] || fail "expected exactly one JSON line for --count 1"
[ "$(jget pid <"$T/json")" = "$pid" ] || fail "pid '$(jget pid <"$T/json")', expected $pid"
[ "$(jget task_memcg <"$T/json")" = "$(rel "$W")" ] ||
	fail "task_memcg '$(jget task_memcg <"$T/json")', expected $(rel "$W")"
cg_rm "$W" && CGS=
finish oomlab-watch

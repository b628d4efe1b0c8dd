# SPDX-License-Identifier: MIT
# Issue 16 on a real pure cgroup v2 kernel: every form a user may type for one cgroup (the full
# path, the name from the root with and without its slash, the /proc/PID/cgroup line, a pid in
# it) resolves to that same cgroup in psi, top, scores, why --cgroup and watch --cgroup; a
# traversal is refused with exit 2. The host's tests/cli/cgroup-forms.sh does the same on
# fixture trees (v2, v1, hybrid) and on the real hybrid host.
. /tests/_lib.sh

for c in psi top scores why watch; do
	if ! have_oomlab $c; then
		result oomlab-cgroup-forms SKIP "oomlab $c not available in this build"
		exit 0
	fi
done
mkcg P forms || { finish oomlab-cgroup-forms; exit 0; }
name=$(rel "$P")
sleep 60 &
sleeper=$!
echo "$sleeper" >"$P/cgroup.procs" || fail "cannot move the sleeper into $P"
line=$(grep '^0::' "/proc/$sleeper/cgroup")
[ "$line" = "0::$name" ] || fail "/proc/$sleeper/cgroup says '$line', expected 0::$name"
printf '[  100.000000] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=%s,task_memcg=%s,task=eat,pid=999999,uid=0\n[  100.000001] Memory cgroup out of memory: Killed process 999999 (eat) total-vm:1000kB, anon-rss:900kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:0\n' \
	"$name" "$name" >"$T/kill.log"

for f in "$P" "$name" "${name#/}" "$line" "pid:$sleeper"; do
	for k in psi top scores why watch; do
		arg=${f#pid:}
		if [ "$arg" != "$f" ]; then
			case $k in
			psi) oomlab psi -i 0 --json "$arg" >"$T/out" 2>&1 ;;
			top) oomlab top --json "$arg" >"$T/out" 2>&1 ;;
			scores) oomlab scores --json --pid "$arg" >"$T/out" 2>&1 ;;
			*) continue ;;
			esac
		else
			case $k in
			psi) oomlab psi -i 0 --json "$arg" >"$T/out" 2>&1 ;;
			top) oomlab top --json "$arg" >"$T/out" 2>&1 ;;
			scores) oomlab scores --json -- "$arg" >"$T/out" 2>&1 ;;
			why) oomlab why --log "$T/kill.log" --json --cgroup "$arg" >"$T/out" 2>/dev/null ;;
			watch) oomlab watch --timeout 10ms --cgroup "$arg" >/dev/null 2>"$T/out" ;;
			esac
		fi
		case $k in
		watch)
			grep -qF "cgroup $name (" "$T/out" ||
				fail "watch --cgroup '$f': $(head -c 300 "$T/out")" ;;
		why)
			[ "$(jget kills.0.task_memcg <"$T/out")" = "$name" ] &&
				[ "$(jget cgroup_target.name <"$T/out")" = "$name" ] ||
				fail "why --cgroup '$f': $(head -c 300 "$T/out")" ;;
		*)
			got=$(jget cgroup_target.name <"$T/out")
			[ "$got" = "$name" ] || fail "$k '$f': cgroup_target.name '$got', expected $name: $(head -c 300 "$T/out")" ;;
		esac
	done
done
oomlab why --cgroup /../../../../tmp/x >"$T/out" 2>&1
rc=$?
[ $rc = 2 ] || fail "why --cgroup /../../../../tmp/x: exit $rc, expected 2: $(head -c 200 "$T/out")"
kill "$sleeper" 2>/dev/null
wait "$sleeper" 2>/dev/null
cleanup
finish oomlab-cgroup-forms

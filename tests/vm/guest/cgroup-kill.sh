# SPDX-License-Identifier: MIT
# cgroup.kill tears down a whole process tree at once (5.14+): the cgroup empties
# (cgroup.events populated 0) and can be removed.
. /tests/_lib.sh

mkcg K kill || { finish cgroup-kill; exit 0; }
run_in "$K" sh -c 'sleep 600 & sleep 600 & (sleep 600 & wait) & wait' &
i=0
while [ "$(wc -l <"$K/cgroup.procs")" -lt 5 ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
n=$(wc -l <"$K/cgroup.procs")
echo "processes in the cgroup: $n"
[ "$n" -ge 5 ] || fail "only $n processes joined the cgroup"
grep -q '^populated 1' "$K/cgroup.events" || fail "cgroup.events does not say populated 1"
cgw "$K" cgroup.kill 1
i=0
while grep -q '^populated 1' "$K/cgroup.events" && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
show "$K/cgroup.events"
grep -q '^populated 0' "$K/cgroup.events" || fail "still populated after cgroup.kill"
[ -z "$(cat "$K/cgroup.procs")" ] || fail "cgroup.procs not empty after cgroup.kill"
wait
rmdir "$K" && CGS= || fail "cannot remove the killed cgroup"
finish cgroup-kill

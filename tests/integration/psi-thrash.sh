#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# oomlab psi against the live kernel: a page-cache thrash inside a limited cgroup (working set
# larger than the limit, KERNEL-NOTES §6) must give a non-healthy verdict from the interval share
# and fire a 'some 100ms/2s' trigger; an idle cgroup must time out (exit 1); a cgroup removed
# under an armed trigger must end the wait with exit 3 (POLLERR); a 1s window must be rounded to
# 2s without CAP_SYS_RESOURCE (or refused with --strict). Timings are measured in bench/, not here.
set -u
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (creates cgroups)"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: needs python3 (posix_fadvise, random reads)"; exit 77; }
v1=$(awk '$9=="cgroup" && $NF ~ /(^|,)memory(,|$)/ {print $5; exit}' /proc/self/mountinfo)
v2=$(awk '$9=="cgroup2" {print $5; exit}' /proc/self/mountinfo)
[ -n "$v2" ] || { echo "SKIP: no cgroup2 tree: no per-cgroup PSI on this host"; exit 77; }
cat "$v2/memory.pressure" >/dev/null 2>&1 || [ -e "$v2/cgroup.procs" ] || { echo "SKIP: no cgroup2"; exit 77; }
if ! cat /proc/pressure/memory >/dev/null 2>&1; then echo "SKIP: PSI disabled (psi=0)"; exit 77; fi

name=oomlab-test-psi-$$
idle=oomlab-test-psi-idle-$$
gone=oomlab-test-psi-gone-$$
late=oomlab-test-psi-late-$$
if [ -n "$v1" ]; then M=$v1/$name; else M=$v2/$name; fi
U=$v2/$name
f=/var/tmp/oomlab-test-psi-$$.dat
pids=()
out=$(mktemp /tmp/oomlab-test-psi.XXXXXX)
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	# killed readers may still be exiting (uncharging): a bounded retry, then say so
	for d in "$U" "$M" "$v2/$idle" "$v2/$gone" "$v2/$late" ${v1:+"$v1/$late"}; do
		for k in $(seq 1 25); do
			[ -d "$d" ] || break
			rmdir "$d" 2>/dev/null && break
			sleep 0.2
		done
		[ -d "$d" ] && echo "warning: could not remove $d"
	done
	rm -f "$f" "$out"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

mkdir "$M" || fail "cannot create $M"
[ "$M" = "$U" ] || mkdir "$U" || fail "cannot create $U"
if [ -n "$v1" ]; then
	echo 64M >"$M/memory.limit_in_bytes"
else
	echo +memory >"$v2/cgroup.subtree_control" 2>/dev/null
	echo 64M >"$M/memory.max" || { echo "SKIP: cannot set memory.max"; exit 77; }
fi

# top notices a cgroup created after it started (inotify on the cgroup directories), and a
# limit written after that
"$OOMLAB" top -i 500ms -n 7 >"$out" &
tp=$!
sleep 1
mkdir "$v2/$late"
if [ -n "$v1" ]; then
	mkdir "$v1/$late"
	sleep 0.6
	echo 32M >"$v1/$late/memory.limit_in_bytes"
fi
wait "$tp" || fail "top -n 7 failed"
last=$(awk '/^oomlab top/ {buf=""} {buf = buf $0 "\n"} END {printf "%s", buf}' "$out")
printf '%s' "$last" | grep "/$late " || fail "top: cgroup created while running not shown: $(cat "$out")"
if [ -n "$v1" ]; then
	printf '%s' "$last" | grep "/$late " | grep -q ' 32.0M ' ||
		fail "top: limit written while running not shown: $(printf '%s' "$last" | grep "/$late ")"
fi

# the idle cgroup first: no task, no stall
mkdir "$v2/$idle"
"$OOMLAB" psi --wait 'some 100ms/2s' --timeout 3s "/$idle"
rc=$?
[ $rc = 1 ] || fail "idle cgroup: --wait exit $rc, expected 1 (timeout)"

# window rounding: 1s is refused by the kernel without CAP_SYS_RESOURCE
if ! grep -q '^CapEff:.*' /proc/self/status || ! python3 -c "import sys;c=int(open('/proc/self/status').read().split('CapEff:')[1].split()[0],16);sys.exit(0 if c>>24&1 else 1)"; then
	"$OOMLAB" psi --strict --wait 'some 100ms/1s' --timeout 1s "/$idle" 2>"$out"
	rc=$?
	[ $rc = 2 ] || fail "--strict with a 1s window: exit $rc, expected 2"
	grep -q 'multiples of 2s' "$out" || fail "--strict: no reason given: $(cat "$out")"
	"$OOMLAB" psi --wait 'some 100ms/1s' --timeout 2s "/$idle" 2>"$out"
	rc=$?
	[ $rc = 1 ] || fail "rounded window: exit $rc, expected 1 (timeout)"
	grep -q 'using 2s instead' "$out" || fail "rounding not reported: $(cat "$out")"
fi

# POLLERR: the cgroup goes away under an armed trigger
mkdir "$v2/$gone"
"$OOMLAB" psi --wait 'some 100ms/2s' --timeout 20s "/$gone" 2>"$out" &
wp=$!
pids+=("$wp")
sleep 0.5
rmdir "$v2/$gone"
wait "$wp"
rc=$?
[ $rc = 3 ] || fail "removed cgroup: --wait exit $rc, expected 3"
grep -q 'went away' "$out" || fail "removed cgroup: message: $(cat "$out")"

# the thrash: written from outside, dropped from the page cache, read at random from inside
dd if=/dev/urandom of="$f" bs=1M count=96 conv=fsync status=none || fail "cannot write $f"
python3 -c "import os; fd=os.open('$f', os.O_RDONLY); os.posix_fadvise(fd,0,0,os.POSIX_FADV_DONTNEED)"
for i in 1 2; do
	python3 -c "
import os,random
pid=str(os.getpid())
open('$M/cgroup.procs','w').write(pid)
if '$M' != '$U': open('$U/cgroup.procs','w').write(pid)
fd=os.open('$f',os.O_RDONLY); n=os.fstat(fd).st_size//4096
while True: os.pread(fd,4096,random.randrange(n)*4096)
" &
	pids+=($!)
done

"$OOMLAB" psi --wait 'some 100ms/2s' --timeout 20s "/$name"
rc=$?
[ $rc = 0 ] || fail "thrash: --wait exit $rc, expected 0 (fired)"

"$OOMLAB" psi "/$name" --watch --json -i 1s -n 4 >"$out" || fail "psi --watch failed"
cat "$out"
[ "$(wc -l <"$out")" = 4 ] || fail "expected 4 JSON lines"
grep -q '"stall_source":"interval"' "$out" || fail "no interval share"
grep -Eq '"verdict":"(sick|critical)","reason":"(some|full) stall' "$out" ||
	fail "no sick/critical verdict from the stall share during a thrash"
# the text view names what each line means and says the share is live
"$OOMLAB" psi "/$name" -i 1s >"$out" || fail "psi text failed"
cat "$out"
grep -q 'all non-idle tasks stalled' "$out" || fail "text: no meaning of full"
grep -q 'from total deltas' "$out" || fail "text: share not explained"
grep -Eq '^verdict: (strained|sick|critical)' "$out" || fail "text: healthy during thrash"
# the kill counter stays at 0: a thrash is "sick but alive"
grep -q 'oom kills 0' "$out" || [ "$M" = "$U" ] || fail "unexpected OOM kill: $(cat "$out")"
# top: the same cgroup in the table, with interval shares and a non-healthy verdict
"$OOMLAB" top -i 1s -n 3 >"$out" || fail "top failed"
grep "/$name " "$out"
tail -n +2 "$out" | awk -v n="/$name" '$1 == n' | tail -1 | grep -Eq ' (strained|sick|critical)$' ||
	fail "top: the thrashing cgroup is healthy in the last frame"
"$OOMLAB" top --json -i 1s >"$out" || fail "top --json failed"
python3 - "$out" "/$name" <<'PY' || fail "top --json: no share / healthy verdict for the thrashing cgroup"
import json, sys
d = json.load(open(sys.argv[1]))
c = [c for c in d["cgroups"] if c["name"] == sys.argv[2]][0]
print(c)
assert c["psi"]["some"]["share"] is not None and c["psi"]["some"]["share"] > 0
assert c["verdict"] != "healthy"
PY
exit 0

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A cgroup is oomlab's only when its owner record proves it (lib/cg-owner.h), and a sweep (the
# one `run` does at start, `doctor --clean`) removes only what the record proves stale:
#   record        the trusted.oomlab.owner xattr of a run's cgroup names its pid, start time,
#                 boot id and pid namespace
#   renamed       a run of a renamed copy of the binary survives the next run and doctor --clean
#   pidns         two runs in two pid namespaces (both pid 1) at once: no collision, and neither
#                 is killed by a sweep from the host
#   foreign       doctor --clean keeps oomlab-1-0 (legacy, pid 1 alive), oomlab-01-7, an owned
#                 name without a record, a record naming another directory, and a record whose
#                 owner (same start time) is alive; it removes a record whose owner is gone
#   sysroot       --sysroot doctor --clean on a fixture tree that lists a live pid of ours:
#                 judged and reported, nothing signalled, nothing removed
#   nested-v1     in a mount namespace without the cgroup2 tree (v1 only), a workload that makes
#                 inner/ and moves a process there: run tears both down; after a SIGKILL of
#                 oomlab, doctor --clean removes them (children first) and says so
#   kill-before-record  oomlab stopped (test hook OOMLAB_TEST_STOP_AFTER_MKDIR=mem|v2, SIGSTOP
#                 right after that mkdir) and SIGKILLed before it wrote the owner record: while
#                 it is stopped doctor --clean keeps the directory, after the SIGKILL it removes it
#                 (the name proves its maker); a recordless owned name it did not make is kept
# Test cgroups live under a parent of our own (--parent), never at the root where the sweeps of
# older builds run.
source "$(dirname "$0")/../_lib.sh"
require_root
require_cmd python3
require_cmd unshare
require_cmd flock
V1=/sys/fs/cgroup/memory
[ -e $V1/memory.limit_in_bytes ] || skip "this test is written for a v1 memory controller (hybrid or v1)"
V2=/sys/fs/cgroup/unified
[ -e $V2/cgroup.procs ] || V2=
tmp=$(mktemp -d)
P=oomlab-safety-test-$$
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	for t in $V1 $V2; do
		[ -d "$t/$P" ] || continue
		# children first; whatever is inside was started by this test
		# a SIGKILLed process leaves its cgroup only once it is reaped: retry for up to 5 s
		for _ in $(seq 50); do
			find "$t/$P" -depth -mindepth 1 -type d | while read -r d; do
				for q in $(cat "$d/cgroup.procs" 2>/dev/null); do kill -9 "$q" 2>/dev/null; done
				rmdir "$d" 2>/dev/null
			done
			rmdir "$t/$P" 2>/dev/null && break
			sleep 0.1
		done
		[ -d "$t/$P" ] && echo "cleanup: cannot remove $t/$P" >&2
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p $V1/$P || fail "cannot create $V1/$P"
[ -z "$V2" ] || mkdir -p $V2/$P || fail "cannot create $V2/$P"

failed=0
sub() { # name rc message
	if [ "$2" = 0 ]; then echo "SUBTEST PASS $1"; else echo "SUBTEST FAIL $1: $3"; failed=1; fi
}
getx() { python3 -c 'import os,sys
try: print(os.getxattr(sys.argv[1], "trusted.oomlab.owner").decode().strip())
except OSError as e: print("ERR", e.strerror)' "$1"; }
setx() { python3 -c 'import os,sys; os.setxattr(sys.argv[1], "trusted.oomlab.owner", sys.argv[2].encode())' "$1" "$2"; }
# wait until pid $1 has a cgroup under $P; prints its v1 directory
cg_of_run() {
	local i d
	for i in $(seq 200); do
		d=$(ls -d $V1/$P/oomlab-"$1"-* 2>/dev/null | head -1)
		[ -n "$d" ] && { echo "$d"; return 0; }
		sleep 0.05
	done
	return 1
}
alive() { [ -e "/proc/$1" ] && [ "$(awk '{print $3}' /proc/$1/stat 2>/dev/null)" != Z ]; }
BOOT=$(cat /proc/sys/kernel/random/boot_id)
NS=$(stat -L -c %i /proc/self/ns/pid)

# --- record
out=$("$OOMLAB" run -q --parent $P -- sh -c '
	p=$(grep ":memory:" /proc/self/cgroup | cut -d: -f3)
	python3 -c "import os,sys; print(os.getxattr(sys.argv[1], \"trusted.oomlab.owner\").decode().strip())" /sys/fs/cgroup/memory$p
	echo "oomlab=$PPID start=$(sed "s/.*) //" /proc/$PPID/stat | cut -d" " -f20) name=$(basename $p)"' 2>"$tmp/err")
rec=$(printf '%s\n' "$out" | grep '^oomlab-owner')
want=$(printf '%s\n' "$out" | grep '^oomlab=')
opid=${want#oomlab=}; opid=${opid%% *}
ostart=$(printf '%s' "$want" | sed 's/.*start=\([0-9]*\).*/\1/')
oname=${want##*name=}
exp="oomlab-owner 1 name=$oname pid=$opid start=$ostart boot=$BOOT pidns=$NS"
[ "$rec" = "$exp" ]; sub record $? "record '$rec', expected '$exp' ($(cat "$tmp/err"))"

# --- renamed: a copy of the binary under another name; its run must survive a sweep
cp "$OOMLAB" "$tmp/renamed-tool"
"$tmp/renamed-tool" run -q --parent $P -- sleep 60 >/dev/null 2>&1 &
rp=$!; pids+=($rp)
d=$(cg_of_run $rp) || fail "the renamed binary's run made no cgroup"
victim=$(head -1 "$d/cgroup.procs")
"$OOMLAB" run -q --parent $P -- true >/dev/null 2>&1
"$OOMLAB" doctor --clean --parent $P >"$tmp/clean" 2>&1
ok=0
alive $rp && [ -d "$d" ] && alive "$victim" || ok=1
grep -q "kept .*$(basename "$d"): its owner (pid $rp) holds its lock" "$tmp/clean" || ok=1
sub renamed $ok "the renamed run (pid $rp, $d, workload $victim) did not survive: $(cat "$tmp/clean")"
kill -TERM $rp; wait $rp 2>/dev/null
[ ! -d "$d" ]; sub renamed-teardown $? "$d left after SIGTERM"

# --- pidns: two runs, each pid 1 of its own pid namespace, at the same time
unshare -pf --mount-proc "$OOMLAB" run -q --parent $P -- sleep 60 >/dev/null 2>"$tmp/ns1" &
n1=$!; pids+=($n1)
unshare -pf --mount-proc "$OOMLAB" run -q --parent $P -- sleep 60 >/dev/null 2>"$tmp/ns2" &
n2=$!; pids+=($n2)
for i in $(seq 200); do [ "$(ls -d $V1/$P/oomlab-1-* 2>/dev/null | wc -l)" -ge 2 ] && break; sleep 0.05; done
ns_cgs=$(ls -d $V1/$P/oomlab-1-* 2>/dev/null)
[ "$(printf '%s\n' "$ns_cgs" | grep -c .)" = 2 ]
sub pidns-no-collision $? "expected two oomlab-1-* cgroups, got '$ns_cgs' ($(cat "$tmp/ns1" "$tmp/ns2"))"
"$OOMLAB" run -q --parent $P -- true >/dev/null 2>&1
"$OOMLAB" doctor --clean --parent $P >"$tmp/clean" 2>&1
ok=0
for c in $ns_cgs; do
	[ -d "$c" ] || ok=1
	w=$(head -1 "$c/cgroup.procs" 2>/dev/null); [ -n "$w" ] && alive "$w" || ok=1
done
sub pidns-survives-sweep $ok "a pid-namespace run was removed or killed: $(cat "$tmp/clean")"
kill -TERM $n1 $n2 2>/dev/null; wait $n1 $n2 2>/dev/null
for c in $ns_cgs; do [ -d "$c" ] && ok=1; done
sub pidns-teardown $ok "left after SIGTERM: $(ls -d $V1/$P/oomlab-1-* 2>/dev/null)"

# --- foreign and stale entries in the real tree
sleep 60 & live=$!; pids+=($live)
sh -c 'exit 0' & dead=$!; wait $dead
lstart=$(sed 's/.*) //' /proc/$live/stat | cut -d' ' -f20)
mk() { mkdir "$V1/$P/$1" && { [ -z "$2" ] || setx "$V1/$P/$1" "$2"; }; }
mk oomlab-1-0 "" && mk oomlab-01-7 "" && mk oomlab-$dead-0-aaaaaaaa "" &&
	mk oomlab-$dead-1-bbbbbbbb "oomlab-owner 1 name=oomlab-$dead-1-cccccccc pid=$dead start=1 boot=$BOOT pidns=$NS" &&
	mk oomlab-$live-0-dddddddd "oomlab-owner 1 name=oomlab-$live-0-dddddddd pid=$live start=$lstart boot=$BOOT pidns=$NS" &&
	mk oomlab-$dead-2-eeeeeeee "oomlab-owner 1 name=oomlab-$dead-2-eeeeeeee pid=$dead start=1 boot=$BOOT pidns=$NS" &&
	mk oomlab-$live-3-ffffffff "oomlab-owner 1 name=oomlab-$live-3-ffffffff pid=$live start=$((lstart + 1)) boot=$BOOT pidns=$NS" ||
	fail "cannot plant the test cgroups (trusted xattrs?)"
"$OOMLAB" doctor --clean --parent $P >"$tmp/clean" 2>&1; rc=$?
ok=0
for k in oomlab-1-0 oomlab-01-7 oomlab-$dead-0-aaaaaaaa oomlab-$dead-1-bbbbbbbb oomlab-$live-0-dddddddd; do
	[ -d "$V1/$P/$k" ] || { ok=1; echo "removed $k"; }
done
for k in oomlab-$dead-2-eeeeeeee oomlab-$live-3-ffffffff; do
	[ ! -d "$V1/$P/$k" ] || { ok=1; echo "kept stale $k"; }
done
alive $live || ok=1
[ $rc = 0 ] || ok=1
grep -q "removed 2 stale" "$tmp/clean" || ok=1
sub foreign $ok "doctor --clean (exit $rc): $(cat "$tmp/clean")"
for k in oomlab-1-0 oomlab-01-7 oomlab-$dead-0-aaaaaaaa oomlab-$dead-1-bbbbbbbb oomlab-$live-0-dddddddd; do rmdir "$V1/$P/$k" 2>/dev/null; done

# --- sysroot: a fixture tree whose stale-looking cgroup lists a live pid of ours
S=$tmp/sysroot
mkdir -p $S/proc/self $S/proc/sys/kernel/random $S/sys/fs/cgroup/memory
echo "31 30 0:27 / /sys/fs/cgroup/memory rw,nosuid - cgroup cgroup rw,memory" >$S/proc/self/mountinfo
fx=$S/sys/fs/cgroup/memory/oomlab-$dead-0-12345678
mkdir -p "$fx" $S/sys/fs/cgroup/memory/oomlab-1-0 $S/sys/fs/cgroup/memory/oomlab-$dead-5
echo $live >"$fx/cgroup.procs"
echo $live >$S/sys/fs/cgroup/memory/oomlab-$dead-5/cgroup.procs
if setx "$fx" "oomlab-owner 1 name=oomlab-$dead-0-12345678 pid=$dead start=1 boot=another-boot pidns=$NS" 2>/dev/null; then
	"$OOMLAB" --sysroot $S doctor --clean >"$tmp/clean" 2>&1; rc=$?
	ok=0
	[ -d "$fx" ] && [ -d $S/sys/fs/cgroup/memory/oomlab-1-0 ] && alive $live || ok=1
	[ -d $S/sys/fs/cgroup/memory/oomlab-$dead-5 ] || ok=1
	grep -q "^stale .*oomlab-$dead-0-12345678.*left alone" "$tmp/clean" || ok=1
	[ $rc = 0 ] || ok=1
	sub sysroot $ok "exit $rc, fixture or pid $live touched: $(cat "$tmp/clean")"
else
	echo "SUBTEST SKIP sysroot: $tmp has no trusted xattrs"
fi

# --- nested-v1: no cgroup2 tree in this mount namespace; the workload nests a cgroup
nest='p=$(grep ":memory:" /proc/self/cgroup | cut -d: -f3); d=/sys/fs/cgroup/memory$p
mkdir $d/inner && sh -c "echo \$\$ > $d/inner/cgroup.procs; exec sleep 60" &
sleep 0.3; echo "$d" > '"$tmp"'/nestdir; cat $d/inner/cgroup.procs > '"$tmp"'/nestpid'
unshare -m sh -c "umount -l /sys/fs/cgroup/unified 2>/dev/null; exec '$OOMLAB' run -q --parent $P -- sh -c '$nest; exit 0'" >/dev/null 2>"$tmp/err"; rc=$?
nd=$(cat "$tmp/nestdir" 2>/dev/null); np=$(cat "$tmp/nestpid" 2>/dev/null)
ok=0
[ -n "$nd" ] && [ -n "$np" ] || ok=1
[ -z "$nd" ] || [ ! -d "$nd" ] || ok=1
[ -z "$np" ] || ! alive "$np" || ok=1
[ $rc = 0 ] || ok=1
sub nested-v1-teardown $ok "exit $rc, dir '$nd' or pid '$np' left: $(cat "$tmp/err")"
rm -f "$tmp/nestdir" "$tmp/nestpid"
unshare -m sh -c "umount -l /sys/fs/cgroup/unified 2>/dev/null; exec '$OOMLAB' run -q --parent $P -- sh -c '$nest; exec sleep 60'" >/dev/null 2>&1 &
kp=$!; pids+=($kp)
for i in $(seq 100); do [ -s "$tmp/nestpid" ] && break; sleep 0.05; done
nd=$(cat "$tmp/nestdir" 2>/dev/null); np=$(cat "$tmp/nestpid" 2>/dev/null)
kill -9 $kp; wait $kp 2>/dev/null
"$OOMLAB" doctor --clean --parent $P >"$tmp/clean" 2>&1; rc=$?
ok=0
[ -n "$nd" ] && [ ! -d "$nd" ] || ok=1
[ -n "$np" ] && ! alive "$np" || ok=1
[ $rc = 0 ] || ok=1
grep -q "^removed .*$(basename "${nd:-x}")" "$tmp/clean" || ok=1
sub nested-v1-sigkill-clean $ok "exit $rc, dir '$nd' or pid '$np' left: $(cat "$tmp/clean")"
# --- kill-before-record: the window between mkdir and the owner record
for w in mem v2; do
	[ $w = v2 ] && [ -z "$V2" ] && { echo "SUBTEST SKIP kill-before-record-v2: no cgroup2 tree"; continue; }
	OOMLAB_TEST_STOP_AFTER_MKDIR=$w "$OOMLAB" run -q --parent $P -- sleep 60 >/dev/null 2>&1 &
	kp=$!; pids+=($kp)
	for i in $(seq 200); do [ "$(awk '{print $3}' /proc/$kp/stat 2>/dev/null)" = T ] && break; sleep 0.05; done
	base=$V1; [ $w = v2 ] && base=$V2
	d=$(ls -d $base/$P/oomlab-$kp-* 2>/dev/null | head -1)
	ok=0
	[ -n "$d" ] && [ "$(getx "$d")" = "ERR No data available" ] || ok=1
	"$OOMLAB" doctor --clean --parent $P >"$tmp/clean" 2>&1
	[ -n "$d" ] && [ -d "$d" ] || ok=1
	kill -9 $kp; wait $kp 2>/dev/null
	"$OOMLAB" doctor --clean --parent $P >"$tmp/clean2" 2>&1; rc=$?
	[ $rc = 0 ] || ok=1
	[ -n "$d" ] && [ ! -d "$d" ] || ok=1
	[ -z "$(ls -d $V1/$P/oomlab-$kp-* ${V2:+$V2/$P/oomlab-$kp-*} 2>/dev/null)" ] || ok=1
	sub kill-before-record-$w $ok "dir '$d' (record: $(getx "${d:-/x}")), exit $rc; stopped: $(cat "$tmp/clean"); killed: $(cat "$tmp/clean2")"
done
exit $failed

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One way to name a cgroup, everywhere (lib/cg-target.c): psi, scores, top, why --cgroup and
# watch --cgroup are given every form a user may copy from another tool (a /sys/fs/cgroup path,
# a v1 or unified path, a path from the hierarchy root, a /proc/PID/cgroup line, a unit name, a
# container id or prefix, docker://ID, a pod uid with dashes or underscores, a pid) on v2, v1
# and hybrid fixture trees built here, and must all resolve to the same cgroup (their
# cgroup_target in JSON; watch's stderr line). why must also match the kill recorded in that
# cgroup. Then: paths that leave the cgroup filesystem ('..', a symlink) are refused by every
# command that takes a cgroup, a bad form is a usage error, a near miss gets "did you mean".
# Last, the same forms on the real host (root; test cgroups oomlab-test-names-* at the roots).
set -u
. "$(dirname "$0")/../_lib.sh"
work=$(mktemp -d /tmp/oomlab-names.XXXXXX)
live_cg=""
sleeper=""
cleanup() {
	[ -n "$sleeper" ] && kill "$sleeper" 2>/dev/null && wait "$sleeper" 2>/dev/null
	if [ -n "$live_cg" ]; then
		for d in /sys/fs/cgroup/memory/$live_cg /sys/fs/cgroup/unified/$live_cg /sys/fs/cgroup/$live_cg; do
			[ -d "$d" ] && rmdir "$d" 2>/dev/null
		done
	fi
	rm -rf "$work"
}
trap cleanup EXIT
fails=0
sub_fail() { echo "SUBTEST FAIL $1: $2"; fails=$((fails + 1)); }
sub_pass() { echo "SUBTEST PASS $1"; }

CID=4f2a9c1e7b3d5a6f8e0c2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a
CID2=9b8a7c6d5e4f30211203f4e5d6c7b8a99a8b7c6d5e4f30211203f4e5d6c7b8a9
UIDA=1234abcd-5678-90ef-1234-567890abcdef   # cgroupfs kubelet driver: pod<uid>
UIDB=fedc4321-8765-fe09-4321-fedcba098765   # systemd kubelet driver: ...-pod<uid_>.slice

# mk_tree MODE DIR: a fixture sysroot with the cgroups every form names
mk_tree() {
	python3 - "$1" "$2" "$CID" "$CID2" "$UIDA" "$UIDB" <<'EOF'
import os, sys
mode, root, cid, cid2, uida, uidb = sys.argv[1:]
def w(p, s):
    os.makedirs(os.path.dirname(p), exist_ok=True)
    open(p, "w").write(s)
ctr = "/system.slice/docker-%s.scope" % cid if mode == "v2" else "/docker/" + cid
names = ["/oomlab", "/system.slice", "/system.slice/nginx.service", ctr,
         "/kubepods", "/kubepods/burstable", "/kubepods/burstable/pod" + uida,
         "/kubepods/burstable/pod%s/%s" % (uida, cid2),
         "/kubepods.slice", "/kubepods.slice/kubepods-burstable.slice",
         "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod%s.slice" % uidb.replace("-", "_")]
if mode != "v2":
    names.append("/system.slice/docker.service")
mi = {"v2": "30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n",
      "v1": "30 23 0:26 / /sys/fs/cgroup ro - tmpfs tmpfs ro\n31 30 0:27 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n",
      "hybrid": "30 23 0:26 / /sys/fs/cgroup ro - tmpfs tmpfs ro\n31 30 0:27 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n33 30 0:29 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw,nsdelegate\n"}[mode]
w(root + "/proc/self/mountinfo", mi)
w(root + "/proc/meminfo", "MemTotal:       16384000 kB\nMemFree:         8192000 kB\nMemAvailable:   12288000 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\n")
w(root + "/proc/pressure/memory", "some avg10=1.00 avg60=0.50 avg300=0.10 total=1000\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=10\n")
os.makedirs(root + "/dev", exist_ok=True)
open(root + "/dev/kmsg", "w").close()
memroot = root + ("/sys/fs/cgroup" if mode == "v2" else "/sys/fs/cgroup/memory")
v2root = {"v2": root + "/sys/fs/cgroup", "hybrid": root + "/sys/fs/cgroup/unified", "v1": None}[mode]
procs = {"/system.slice/nginx.service": "4242\n", ctr: "4343\n"}
for n in ["/"] + names:
    d = memroot + (n if n != "/" else "")
    os.makedirs(d, exist_ok=True)
    w(d + "/cgroup.procs", procs.get(n, ""))
    if mode == "v2":
        w(d + "/memory.current", "104857600\n")
        w(d + "/memory.max", "268435456\n" if n == "/system.slice/nginx.service" else "max\n")
        w(d + "/memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n")
        w(d + "/memory.stat", "anon 52428800\nfile 52428800\nshmem 0\n")
    else:
        w(d + "/memory.usage_in_bytes", "104857600\n")
        w(d + "/memory.limit_in_bytes", "268435456\n" if n == "/system.slice/nginx.service" else "9223372036854771712\n")
        w(d + "/memory.max_usage_in_bytes", "104857600\n")
        w(d + "/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n")
        w(d + "/memory.stat", "rss 52428800\ncache 52428800\nshmem 0\ntotal_rss 52428800\ntotal_cache 52428800\ntotal_shmem 0\n")
    if v2root:
        d2 = v2root + (n if n != "/" else "")
        os.makedirs(d2, exist_ok=True)
        w(d2 + "/cgroup.procs", procs.get(n, ""))
        w(d2 + "/memory.pressure", "some avg10=0.00 avg60=0.00 avg300=0.00 total=5\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=1\n")
        if mode == "v2":
            w(d2 + "/cgroup.controllers", "cpu memory pids\n")
for pid, cg in (("4242", "/system.slice/nginx.service"), ("4343", ctr)):
    lines = {"v2": "0::%s\n" % cg, "v1": "4:memory:%s\n1:name=systemd:%s\n" % (cg, cg),
             "hybrid": "4:memory:%s\n1:name=systemd:%s\n0::%s\n" % (cg, cg, cg)}[mode]
    w(root + "/proc/%s/cgroup" % pid, lines)
    w(root + "/proc/%s/status" % pid, "Name:\tnginx\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t%s\nPid:\t%s\nPPid:\t1\nUid:\t0\t0\t0\t0\nVmRSS:\t   10240 kB\nRssAnon:\t    8192 kB\nRssFile:\t    2048 kB\nRssShmem:\t       0 kB\nVmPTE:\t      64 kB\nVmSwap:\t       0 kB\nThreads:\t1\n" % (pid, pid))
    w(root + "/proc/%s/oom_score_adj" % pid, "0\n")
    w(root + "/proc/%s/oom_score" % pid, "667\n")
    w(root + "/proc/%s/stat" % pid, "%s (nginx) S 1 %s %s 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 100 1000000 2560 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n" % (pid, pid, pid))
# a symlink in the tree: following it would leave the cgroup filesystem
os.symlink("/tmp", memroot + "/evil")
if v2root and v2root != memroot:
    os.symlink("/etc", v2root + "/evil2")
# the log why reads: one kill in each cgroup the forms name
log = []
t = 100
for i, cg in enumerate(names + ["/system.slice/gone.service"]):
    pid = 5000 + i
    log.append("[%6d.000000] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=%s,task_memcg=%s,task=eat,pid=%d,uid=0" % (t + i, cg, cg, pid))
    log.append("[%6d.000001] Memory cgroup out of memory: Killed process %d (eat) total-vm:1000kB, anon-rss:900kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:0" % (t + i, pid))
w(root + "/kills.log", "\n".join(log) + "\n")
EOF
}

# resolved CMD-KIND ROOT FORM...: the cgroup name a command resolved FORM to ("ERR rc: msg")
resolved() {
	local kind=$1 root=$2; shift 2
	local out rc
	case $kind in
	psi) out=$("$OOMLAB" --sysroot "$root" psi -i 0 --json "$@" 2>"$work/err") ;;
	scores) if [ "$1" = --pid ]; then out=$("$OOMLAB" --sysroot "$root" scores --json --source proc "$@" 2>"$work/err")
		else out=$("$OOMLAB" --sysroot "$root" scores --json --source proc -- "$@" 2>"$work/err"); fi ;;
	top) out=$("$OOMLAB" --sysroot "$root" top --json "$@" 2>"$work/err") ;;
	why) out=$("$OOMLAB" --sysroot "$root" why --log /kills.log --json --cgroup "$@" 2>"$work/err") ;;
	watch) "$OOMLAB" --sysroot "$root" watch --source kmsg --timeout 20ms --cgroup "$@" >/dev/null 2>"$work/err"
		rc=$?
		[ $rc = 0 ] || { echo "ERR $rc: $(head -1 "$work/err")"; return; }
		sed -n "s/^oomlab watch: --cgroup '.*' ([a-z-]*): cgroup \(.*\) (.*$/\1/p" "$work/err" | head -1
		return ;;
	esac
	rc=$?
	[ $rc = 0 ] || { echo "ERR $rc: $(head -1 "$work/err")"; return; }
	printf '%s' "$out" | python3 -c 'import json,sys
d=json.load(sys.stdin)
t=d["cgroup_target"]
n=t["name"]
if sys.argv[1] == "why":
    # the kill recorded in exactly this cgroup must be among the matches
    if not any(k.get("task_memcg") == n for k in d["kills"]):
        n = "NO-KILL-MATCHED " + n
print(n)' "$kind"
}

check_group() { # mode root expected kinds forms...
	local mode=$1 root=$2 want=$3 kinds=$4; shift 4
	local f k got bad=0
	for f in "$@"; do
		for k in $kinds; do
			if [ "${f#pid:}" != "$f" ]; then
				case $k in
				psi|top) got=$(resolved "$k" "$root" "${f#pid:}") ;;
				scores) got=$(resolved scores "$root" --pid "${f#pid:}") ;;
				*) continue ;;
				esac
			else
				got=$(resolved "$k" "$root" "$f")
			fi
			if [ "$got" != "$want" ]; then
				sub_fail "$mode/$k '$f'" "resolved to '$got', expected '$want'"
				bad=1
			fi
		done
	done
	return $bad
}

ALL="psi scores top why watch"
for mode in v2 v1 hybrid; do
	root=$work/$mode
	mk_tree "$mode" "$root" || { sub_fail "$mode/tree" "cannot build the fixture"; continue; }
	case $mode in
	v2) mnt=(/sys/fs/cgroup); ctr=/system.slice/docker-$CID.scope; ctrline="0::$ctr"; nline="0::/system.slice/nginx.service" ;;
	v1) mnt=(/sys/fs/cgroup/memory); ctr=/docker/$CID; ctrline="4:memory:$ctr"; nline="4:memory:/system.slice/nginx.service" ;;
	hybrid) mnt=(/sys/fs/cgroup/memory /sys/fs/cgroup/unified); ctr=/docker/$CID; ctrline="4:memory:$ctr"; nline="0::/system.slice/nginx.service" ;;
	esac
	forms=()
	for m in "${mnt[@]}"; do forms+=("$m/system.slice/nginx.service"); done
	check_group "$mode" "$root" /system.slice/nginx.service "$ALL" "${forms[@]}" \
		/system.slice/nginx.service system.slice/nginx.service /system.slice//nginx.service/ \
		"$nline" "1:name=systemd:/system.slice/nginx.service" nginx.service pid:4242 &&
		sub_pass "$mode/unit"
	forms=()
	for m in "${mnt[@]}"; do forms+=("$m$ctr"); done
	check_group "$mode" "$root" "$ctr" "$ALL" "${forms[@]}" "$ctr" "$ctrline" "$CID" "${CID:0:12}" \
		"docker://$CID" pid:4343 && sub_pass "$mode/container"
	check_group "$mode" "$root" "/kubepods/burstable/pod$UIDA" "$ALL" "$UIDA" "${UIDA//-/_}" \
		"${UIDA:0:18}" "/kubepods/burstable/pod$UIDA" && sub_pass "$mode/pod-cgroupfs"
	check_group "$mode" "$root" "/kubepods/burstable/pod$UIDA/$CID2" "$ALL" "$CID2" \
		"containerd://$CID2" && sub_pass "$mode/pod-container"
	check_group "$mode" "$root" \
		"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UIDB//-/_}.slice" \
		"$ALL" "$UIDB" "${UIDB//-/_}" && sub_pass "$mode/pod-systemd"
	# the seed tutorial's /sys/fs/cgroup/oomlab means the cgroup /oomlab on every layout
	check_group "$mode" "$root" /oomlab "$ALL" /sys/fs/cgroup/oomlab "${mnt[0]}/oomlab" /oomlab oomlab \
		&& sub_pass "$mode/seed-path"

	# hybrid: both trees found (the v1 memory cgroup and its cgroup2 sibling)
	if [ "$mode" = hybrid ]; then
		j=$("$OOMLAB" --sysroot "$root" psi -i 0 --json nginx.service 2>&1)
		case $j in
		*'"memory_dir":"'"$root"'/sys/fs/cgroup/memory/system.slice/nginx.service"'*'"v2_dir":"'"$root"'/sys/fs/cgroup/unified/system.slice/nginx.service"'*)
			sub_pass hybrid/both-trees ;;
		*) sub_fail hybrid/both-trees "$j" ;;
		esac
	fi

	# a cgroup that is gone: why and watch still match its path (said), others refuse
	got=$(resolved why "$root" /system.slice/gone.service)
	"$OOMLAB" --sysroot "$root" why --log /kills.log --cgroup /sys/fs/cgroup/system.slice/gone.service \
		>"$work/out" 2>"$work/err"
	[ "$got" = /system.slice/gone.service ] && grep -q "does not exist now" "$work/err" &&
		grep -q "OOM kill of pid" "$work/out" && sub_pass "$mode/why-gone" ||
		sub_fail "$mode/why-gone" "$got / $(cat "$work/err" "$work/out")"
	"$OOMLAB" --sysroot "$root" why --log /kills.log --cgroup gone.service >/dev/null 2>"$work/err"
	rc=$?
	[ $rc = 1 ] && sub_pass "$mode/why-gone-name-refused" || sub_fail "$mode/why-gone-name-refused" "exit $rc"
	got=$(resolved watch "$root" /system.slice/gone.service)
	[ "$got" = "/system.slice/gone.service" ] && sub_pass "$mode/watch-gone" || sub_fail "$mode/watch-gone" "$got"

	# refusals: every command that takes a cgroup
	bad=0
	for f in /../../../../tmp/x "${mnt[0]}/../../../etc" "0::/../../etc" /system.slice/./nginx.service \
		/evil /evil/x "${mnt[0]}/evil" "4:memory:/evil" ..; do
		for cmd in "psi -i 0" "scores" "top -n 1" "why --log /kills.log --cgroup" \
			"watch --source kmsg --timeout 20ms --cgroup"; do
			# shellcheck disable=SC2086
			"$OOMLAB" --sysroot "$root" $cmd "$f" >"$work/out" 2>"$work/err" </dev/null
			rc=$?
			if [ $rc != 2 ] || ! grep -q "leaves the cgroup filesystem" "$work/err"; then
				sub_fail "$mode/traversal" "$cmd '$f': exit $rc: $(head -1 "$work/err")"
				bad=1
			fi
			[ -s "$work/out" ] && { sub_fail "$mode/traversal" "$cmd '$f' wrote to stdout"; bad=1; }
		done
	done
	[ $bad = 0 ] && sub_pass "$mode/traversal"

	bad=0
	for cmd in "psi -i 0" "scores" "top -n 1" "why --log /kills.log --cgroup" \
		"watch --source kmsg --timeout 20ms --cgroup"; do
		# shellcheck disable=SC2086
		"$OOMLAB" --sysroot "$root" $cmd '' >/dev/null 2>"$work/err" </dev/null
		rc=$?
		{ [ $rc = 2 ] && grep -q "accepted: " "$work/err"; } || { sub_fail "$mode/empty" "$cmd '': exit $rc: $(cat "$work/err")"; bad=1; }
		# shellcheck disable=SC2086
		"$OOMLAB" --sysroot "$root" $cmd nginx.servce >/dev/null 2>"$work/err" </dev/null
		rc=$?
		{ [ $rc = 1 ] && grep -q "did you mean '/system.slice/nginx.service'" "$work/err" && grep -q "accepted: " "$work/err" &&
			[ "$(wc -l <"$work/err")" = 1 ]; } || { sub_fail "$mode/did-you-mean" "$cmd: exit $rc: $(cat "$work/err")"; bad=1; }
	done
	[ $bad = 0 ] && sub_pass "$mode/refusals"
done

# psi names whose pressure it read: the cgroup's own file, or the host's
j=$("$OOMLAB" --sysroot "$work/hybrid" psi -i 0 --json nginx.service)
case $j in *'"pressure_of":"cgroup"'*) sub_pass psi/pressure-own ;; *) sub_fail psi/pressure-own "$j" ;; esac
j=$("$OOMLAB" --sysroot "$FIXTURES/sysroot-hybrid" psi -i 0 --json 4343)
case $j in *'"pressure_of":"host"'*) sub_pass psi/pressure-host ;; *) sub_fail psi/pressure-host "$j" ;; esac
t=$("$OOMLAB" --sysroot "$FIXTURES/sysroot-hybrid" psi -i 0 4343)
case $t in "memory pressure: the whole host"*) sub_pass psi/pressure-host-text ;; *) sub_fail psi/pressure-host-text "$t" ;; esac

# the real host: a cgroup in every tree this host has, named every way
if [ "$(id -u)" != 0 ]; then
	echo "SUBTEST SKIP live: needs root (creates cgroups oomlab-test-names-*)"
elif [ -d /sys/fs/cgroup/memory ] || [ -e /sys/fs/cgroup/cgroup.controllers ]; then
	live_cg=oomlab-test-names-$$
	mnts=()
	for d in /sys/fs/cgroup/memory /sys/fs/cgroup/unified; do
		[ -d "$d" ] && mkdir "$d/$live_cg" && mnts+=("$d")
	done
	if [ ${#mnts[@]} = 0 ] && [ -e /sys/fs/cgroup/cgroup.controllers ]; then
		mkdir /sys/fs/cgroup/$live_cg && mnts+=(/sys/fs/cgroup)
	fi
	sleep 60 &
	sleeper=$!
	for d in "${mnts[@]}"; do echo "$sleeper" >"$d/$live_cg/cgroup.procs"; done
	printf '[  100.000000] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/%s,task_memcg=/%s,task=eat,pid=999999,uid=0\n[  100.000001] Memory cgroup out of memory: Killed process 999999 (eat) total-vm:1000kB, anon-rss:900kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:0\n' \
		"$live_cg" "$live_cg" >"$work/live.log"
	forms=()
	for d in "${mnts[@]}"; do forms+=("$d/$live_cg"); done
	while IFS= read -r line; do
		case $line in *":/$live_cg") forms+=("$line") ;; esac
	done </proc/$sleeper/cgroup
	forms+=("/$live_cg" "$live_cg" "/sys/fs/cgroup/$live_cg")
	bad=0
	for f in "${forms[@]}" "pid:$sleeper"; do
		for k in psi scores top why watch; do
			if [ "${f#pid:}" != "$f" ]; then
				case $k in
				psi) out=$("$OOMLAB" psi -i 0 --json "${f#pid:}" 2>&1) ;;
				top) out=$("$OOMLAB" top --json "${f#pid:}" 2>&1) ;;
				scores) out=$("$OOMLAB" scores --json --pid "${f#pid:}" 2>&1) ;;
				*) continue ;;
				esac
			else
				case $k in
				psi) out=$("$OOMLAB" psi -i 0 --json "$f" 2>&1) ;;
				top) out=$("$OOMLAB" top --json "$f" 2>&1) ;;
				scores) out=$("$OOMLAB" scores --json -- "$f" 2>&1) ;;
				why) out=$("$OOMLAB" why --log "$work/live.log" --json --cgroup "$f" 2>&1) ;;
				watch) out=$(timeout 20 "$OOMLAB" watch --timeout 10ms --cgroup "$f" 2>&1 >/dev/null) ;;
				esac
			fi
			case $k:$out in
			watch:*"cgroup /$live_cg ("*) ;;
			why:*'"task_memcg":"/'"$live_cg"'"'*'"cgroup_target":{'*'"name":"/'"$live_cg"'"'*) ;;
			psi:*|top:*|scores:*) case $out in *'"cgroup_target":{'*'"name":"/'"$live_cg"'"'*) ;; *) false ;; esac ;;
			*) false ;;
			esac || { sub_fail "live/$k '$f'" "$(printf '%s' "$out" | head -c 400)"; bad=1; }
		done
	done
	[ $bad = 0 ] && sub_pass "live/forms (${mnts[*]})"
	# both trees on a hybrid host
	if [ ${#mnts[@]} = 2 ]; then
		out=$("$OOMLAB" psi -i 0 --json "$live_cg")
		case $out in *'"memory_dir":"/sys/fs/cgroup/memory/'"$live_cg"'"'*'"v2_dir":"/sys/fs/cgroup/unified/'"$live_cg"'"'*)
			sub_pass live/both-trees ;; *) sub_fail live/both-trees "$out" ;; esac
	fi
	out=$("$OOMLAB" why --cgroup /../../../../tmp/x 2>&1); rc=$?
	[ $rc = 2 ] && sub_pass live/why-traversal || sub_fail live/why-traversal "exit $rc: $out"
else
	echo "SUBTEST SKIP live: no cgroup filesystem mounted"
fi
exit $((fails > 0))

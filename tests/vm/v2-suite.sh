#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The pure cgroup v2 suite (issue 3): build the test VM (tests/vm/_build.sh), boot it once
# (tests/vm/_boot.sh: a Debian cloud kernel in qemu, cgroup_no_v1=all, TCG unless a KVM probe
# boot works), and report every guest check as its own SUBTEST line for tests/run.sh:
#   SUBTEST PASS name | SUBTEST FAIL name: reason | SUBTEST SKIP name: reason
# A guest that does not finish (no "VMTEST END": crash, hang, timeout) fails the suite with the
# console's tail; it never passes. Skips (exit 77) when qemu or busybox-static is missing, or
# with OOMLAB_VM=0. Logs: tests/vm/out/run/ (console.log, results.txt, qemu.err).
set -u
# LAYOUT=v2 (default), psi0 (v2 booted with psi=0), v1 (pure v1), hybrid (v1 + controller-less
# cgroup2): one boot each, the results named by layout
LAYOUT=${LAYOUT:-v2}
here=$(cd "$(dirname "$0")" && pwd)
out=${VM_OUT:-$here/out}
logdir=${LOGDIR:-$out/run-$LAYOUT}
pkgs="apt-get install -y qemu-system-x86 busybox-static"

skip() { echo "SKIP: $*"; exit 77; }
[ "${OOMLAB_VM:-1}" = 0 ] && skip "disabled by OOMLAB_VM=0"
command -v "${QEMU:=qemu-system-x86_64}" >/dev/null || skip "$QEMU not found ($pkgs)"
command -v timeout >/dev/null || skip "timeout (coreutils) not found"
if [ -z "${BUSYBOX:-}" ] && ! dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed'; then
	skip "busybox-static not installed ($pkgs)"
fi

t0=$(date +%s%N)
"$here/_build.sh" >"$out.build.log" 2>&1
rc=$?
cat "$out.build.log"
rm -f "$out.build.log"
[ $rc = 77 ] && exit 77
[ $rc = 0 ] || { echo "vm: building the test VM failed (exit $rc)"; exit 1; }
t1=$(date +%s%N)

mkdir -p "$logdir"
case $LAYOUT in
v2) ;;
psi0)
	export VM_PSI=psi=0
	# the PSI checks of the v2 suite need PSI: the psi0 boot runs the rest
	GUEST_ENV="${GUEST_ENV:-VMT_ONLY=^(oomlab-bpf|oomlab-doctor|oomlab-scores-bpf|oomlab-top-bpf|oomlab-psi-off|oomlab-run-max|oomlab-watch|oomlab-why|nested-oom|max-oom|cgroup-kill|oom-score-adj)\$} VMT_LAYOUT=psi0"
	;;
v1 | hybrid)
	# no cgroup_no_v1=all: the guest mounts v1 hierarchies (and, hybrid, a controller-less cgroup2)
	export VM_CGROUP_ARGS=
	GUEST_ENV="${GUEST_ENV:-VMT_ONLY=^(oomlab-bpf|oomlab-doctor|oomlab-scores-bpf|oomlab-top-bpf|oomlab-run-max|oomlab-watch|oomlab-why)\$} VMT_LAYOUT=$LAYOUT"
	;;
*) echo "vm: unknown LAYOUT '$LAYOUT'"; exit 1 ;;
esac
export GUEST_ENV
LOGDIR=$logdir "$here/_boot.sh"
brc=$?
t2=$(date +%s%N)
res=$logdir/results.txt

# one SUBTEST line per RESULT; the log of each guest test that failed follows its results
fails=0 n=0 cur=
declare -A logs=() badtests=()
while IFS= read -r line; do
	case $line in
	"LOG "*)
		cur=${line#LOG }
		cur=${cur%%|*}
		logs[$cur]+="    $cur|${line#*|}"$'\n'
		;;
	"RESULT "*)
		read -r _ name st reason <<<"$line"
		n=$((n + 1))
		case $st in
		PASS) echo "SUBTEST PASS $name" ;;
		SKIP) echo "SUBTEST SKIP $name: ${reason:-no reason given}" ;;
		*)
			echo "SUBTEST FAIL $name: ${reason:-no reason given}"
			fails=$((fails + 1))
			[ -n "$cur" ] && badtests[$cur]=1
			;;
		esac
		;;
	esac
done < <(cat "$res" 2>/dev/null)

# doctor on the real kernel against the fixture golden of the same layout
gold=$here/../cli/expected/doctor-$([ "$LAYOUT" = psi0 ] && echo psi-off || echo "$LAYOUT").json
dj=$(sed -n 's/^LOG oomlab-doctor| DOCTOR-JSON //p' "$res" 2>/dev/null)
if [ -n "$dj" ]; then
	n=$((n + 1))
	printf '%s\n' "$dj" >"$logdir/doctor.json"
	if cmp=$(python3 "$here/_doctor-compare.py" "$gold" "$logdir/doctor.json" 2>&1); then
		echo "SUBTEST PASS $LAYOUT/doctor-vs-fixture"
	else
		echo "SUBTEST FAIL $LAYOUT/doctor-vs-fixture: the kernel and $(basename "$gold") differ"
		fails=$((fails + 1))
	fi
	printf '%s\n' "$cmp" | sed 's/^/    doctor-vs-fixture| /'
fi

for t in "${!badtests[@]}"; do
	echo "vm: output of guest test '$t':"
	printf '%s' "${logs[$t]:-}"
done
echo "vm: build $(((t1 - t0) / 1000000)) ms, boot + suite $(((t2 - t1) / 1000000)) ms, $n results, $fails failed"
if [ $brc != 0 ]; then
	echo "SUBTEST FAIL vm-boot: the guest did not finish (see the console tail above)"
	exit 1
fi
[ $n -gt 0 ] || { echo "SUBTEST FAIL vm-results: no RESULT line came back"; exit 1; }
[ $fails = 0 ]

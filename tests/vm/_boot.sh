#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Boot the v2 test VM built by _build.sh once and collect what the guest sends back.
# The kernel log and the tests' output go to the first serial port ($LOGDIR/console.log), the
# results to the second ($LOGDIR/results.txt; protocol in _init.sh). qemu always runs under
# `timeout`. Exit 0 when the guest sent "VMTEST END" (the RESULT lines are judged by the caller),
# 2 when it did not (boot failure, crash, timeout): then qemu's stderr and the console's tail
# are printed.
# Knobs (environment):
#   ACCEL=auto|tcg|kvm  auto (default): TCG unless /dev/kvm is usable AND a short probe boot
#                       under KVM comes back (result cached in $VM_OUT/kvm-probe). /dev/kvm alone
#                       proves nothing: on nested hosts KVM guests die with "KVM internal error"
#                       and qemu hangs paused.
#   KVM_PROBE_TIMEOUT=6  seconds for the probe boot (a working KVM boot takes about 1 s)
#   VM_TIMEOUT=110      wall-clock limit for the suite boot, seconds
#   VM_MEM=512 VM_SMP=1 guest RAM (MiB) and vCPUs
#   GUEST_ENV="VMT_ONLY=max VMT_TMO=30"  extra KEY=value words for the guest's /init
#   QEMU=qemu-system-x86_64 (binary)  VM_OUT=tests/vm/out  LOGDIR=$VM_OUT/run
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
OUT=${VM_OUT:-$here/out}
LOGDIR=${LOGDIR:-$OUT/run}
ACCEL=${ACCEL:-auto}
KERNEL=$OUT/kernel/vmlinuz
INITRD=$OUT/initramfs.cpio.gz
[ -s "$KERNEL" ] && [ -s "$INITRD" ] || { echo "vm-boot: run _build.sh first ($KERNEL, $INITRD)" >&2; exit 2; }
mkdir -p "$LOGDIR"
# VM_PSI=psi=0: the PSI-off layout (RHEL/CentOS default); VM_CGROUP_ARGS="" lets v1 mount (v1, hybrid)
APPEND="console=ttyS0 panic=-1 oops=panic quiet ${VM_PSI:-psi=1} ${VM_CGROUP_ARGS-cgroup_no_v1=all} ${GUEST_ENV:-}"

# qemu ACCEL TIMEOUT CONSOLE RESULTS ERR [extra append words]: one boot, always under timeout
qemu() {
	local acc=(-accel tcg -cpu max)
	[ "$1" = kvm ] && acc=(-accel kvm -cpu host)
	rm -f "$3" "$4" "$5"
	timeout -k 5 "$2" "${QEMU:-qemu-system-x86_64}" -M pc "${acc[@]}" -m "${VM_MEM:-512}" -smp "${VM_SMP:-1}" \
		-display none -nodefaults -no-user-config -no-reboot \
		-kernel "$KERNEL" -initrd "$INITRD" -append "$APPEND ${6:-}" \
		-serial "file:$3" -serial "file:$4" </dev/null >"$5" 2>&1
}

kvm_usable() {
	[ -r /dev/kvm ] && [ -w /dev/kvm ] || { echo "no usable /dev/kvm"; return 1; }
	local key cache=$OUT/kvm-probe
	key="$(uname -r) $(readlink -f "$KERNEL") $("${QEMU:-qemu-system-x86_64}" --version | head -n 1)"
	if [ -f "$cache" ] && [ "$(tail -n +2 "$cache")" = "$key" ]; then
		echo "KVM probe (cached): $(head -n 1 "$cache")"
		[ "$(head -n 1 "$cache")" = ok ]
		return
	fi
	local d=$LOGDIR/kvm-probe t0=$SECONDS st=fail
	mkdir -p "$d"
	qemu kvm "${KVM_PROBE_TIMEOUT:-6}" "$d/console.log" "$d/results.txt" "$d/qemu.err" VMT_PROBE=1
	grep -q '^VMTEST PROBE OK' "$d/results.txt" 2>/dev/null && st=ok
	printf '%s\n%s\n' "$st" "$key" >"$cache"
	echo "KVM probe boot: $st after $((SECONDS - t0)) s$(grep -m1 -o 'KVM internal error.*' "$d/qemu.err" | sed 's/^/ (/;s/$/)/')"
	[ $st = ok ]
}

case $ACCEL in
auto)
	if kvm_usable; then ACCEL=kvm; else ACCEL=tcg; fi
	;;
tcg | kvm) ;;
*) echo "vm-boot: ACCEL must be auto, tcg or kvm" >&2; exit 2 ;;
esac

CON=$LOGDIR/console.log RES=$LOGDIR/results.txt ERR=$LOGDIR/qemu.err
t0=$(date +%s%N)
qemu "$ACCEL" "${VM_TIMEOUT:-110}" "$CON" "$RES" "$ERR"
qrc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
# the guest's tty layer may still turn \n into \r\n (ONLCR): normalise
[ -f "$RES" ] && sed -i 's/\r$//' "$RES"
echo "vm-boot: accel=$ACCEL kernel=$(basename "$(readlink -f "$OUT/kernel")") qemu_rc=$qrc wall_ms=$ms logs=$LOGDIR"
if grep -q '^VMTEST END' "$RES" 2>/dev/null; then
	exit 0
fi
[ "$qrc" = 124 ] || [ "$qrc" = 137 ] && echo "vm-boot: TIMEOUT: no complete result after ${VM_TIMEOUT:-110} s"
echo "vm-boot: the guest did not finish (no 'VMTEST END' on the results port); qemu stderr:"
sed 's/^/    /' "$ERR" 2>/dev/null
echo "vm-boot: last results:"
tail -n 5 "$RES" 2>/dev/null | sed 's/^/    /'
echo "vm-boot: console tail:"
tail -n 30 "$CON" 2>/dev/null | sed 's/^/    /'
exit 2

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fetch the kernel the pure cgroup v2 test VM boots (tests/vm): the vmlinuz and config of the
# Debian package linux-image-cloud-amd64 depends on, with `apt-get download` (as any user) and
# dpkg-deb -x (never installed on the host), into the cache tests/vm/_build.sh reads. Run by
# scripts/setup.sh; `make check` never downloads anything (the VM tests skip, saying so, when the
# kernel is not cached). Cached per version: a second run downloads nothing.
# Knobs: VM_OUT=dir (default tests/vm/out), VM_CACHE=dir (default $VM_OUT/cache),
#        KERNEL_PKG=linux-image-6.1.0-56-cloud-amd64 (pin a version).
# Exit 0 cached, 77 (after "SKIP: reason") when it cannot be had here (no apt, offline without
# root for `apt-get update`), 1 on a real failure.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
OUT=${VM_OUT:-$top/tests/vm/out}
CACHE=${VM_CACHE:-$OUT/cache}
META=linux-image-cloud-amd64
skip() { echo "SKIP: $*"; exit 77; }
log() { echo "vm-kernel: $*"; }
command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null ||
	skip "apt-get/dpkg-deb not found: cannot fetch the Debian kernel for the test VM"
mkdir -p "$CACHE"

resolve() { apt-cache depends "$META" 2>/dev/null | awk '/Depends: linux-image-/ { print $2; exit }'; }
apt_update() {
	[ "$(id -u)" = 0 ] || skip "the package lists do not know $1 and only root can run 'apt-get update'"
	log "apt-get update (package lists do not know $1)"
	apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
}
KPKG=${KERNEL_PKG:-$(resolve)}
if [ -z "$KPKG" ]; then
	# offline or no lists: a cached kernel will do
	KPKG=$(ls -1 "$CACHE" 2>/dev/null | grep '^linux-image-' | sort -V | tail -n 1 || true)
fi
if [ -z "$KPKG" ]; then
	apt_update "$META"
	KPKG=$(resolve)
	[ -n "$KPKG" ] || { echo "vm-kernel: cannot resolve $META to a kernel package" >&2; exit 1; }
fi
KVER=${KPKG#linux-image-}
KDIR=$CACHE/$KPKG
if [ ! -s "$KDIR/vmlinuz" ] || [ ! -s "$KDIR/config" ]; then
	tmp=$(mktemp -d "$CACHE/dl.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	if ! (cd "$tmp" && apt-get download "$KPKG" >/dev/null 2>&1); then
		# stale lists name a version the archive no longer has: refresh, resolve again
		apt_update "$KPKG"
		if [ -z "${KERNEL_PKG:-}" ]; then
			KPKG=$(resolve)
			KVER=${KPKG#linux-image-}
			KDIR=$CACHE/$KPKG
		fi
		(cd "$tmp" && apt-get download "$KPKG" >/dev/null)
	fi
	deb=$(ls "$tmp"/*.deb)
	log "downloaded $(basename "$deb") ($(du -h "$deb" | cut -f1))"
	mkdir -p "$tmp/x"
	dpkg-deb -x "$deb" "$tmp/x"
	mkdir -p "$KDIR"
	cp "$tmp/x/boot/config-$KVER" "$KDIR/config"
	cp "$tmp/x/boot/vmlinuz-$KVER" "$KDIR/vmlinuz.new"
	mv "$KDIR/vmlinuz.new" "$KDIR/vmlinuz"
	rm -rf "$tmp"
	trap - EXIT
fi
for opt in CONFIG_MEMCG=y CONFIG_PSI=y CONFIG_CGROUPS=y; do
	grep -qx "$opt" "$KDIR/config" || { echo "vm-kernel: $KPKG lacks $opt" >&2; exit 1; }
done
log "kernel $KPKG cached: $KDIR/vmlinuz"

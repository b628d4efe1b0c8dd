#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Build what the v2 test VM boots, under $VM_OUT (default tests/vm/out, gitignored):
#   kernel/vmlinuz   the vmlinuz of linux-image-cloud-amd64, fetched with `apt-get download` and
#                    unpacked with dpkg-deb (never installed on the host), cached per version
#   bin/             static guest helpers from tests/vm/helpers/*.c
#   initramfs.cpio.gz  busybox-static + helpers + static oomlab (make vm-static) + /init
#                    (tests/vm/_init.sh) + the guest tests (tests/vm/guest/*.sh at /tests)
# Exit 0 built, 77 (after "SKIP: reason") when a prerequisite is missing and cannot be had
# without root, anything else is a failure.
# Knobs: VM_OUT=dir, VM_CACHE=dir (kernel cache, default $VM_OUT/cache),
#        KERNEL_PKG=linux-image-6.1.0-56-cloud-amd64 (pin; default: what the metapackage
#        linux-image-cloud-amd64 depends on), BUSYBOX=path (a static busybox),
#        OOMLAB_STATIC=path (a static oomlab instead of `make vm-static`),
#        VM_GUEST_EXTRA=dir (extra guest tests).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
OUT=${VM_OUT:-$here/out}
CACHE=${VM_CACHE:-$OUT/cache}
META=linux-image-cloud-amd64
mkdir -p "$OUT" "$CACHE"

skip() { echo "SKIP: $*"; exit 77; }
log() { echo "vm-build: $*"; }

# ---- busybox-static ----
BUSYBOX=${BUSYBOX:-/bin/busybox}
if ! dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' &&
	[ "$BUSYBOX" = /bin/busybox ]; then
	skip "busybox-static is not installed (apt-get install -y busybox-static)"
fi
[ -x "$BUSYBOX" ] || skip "no busybox at '$BUSYBOX'"

# ---- the kernel: resolve the package, download once, keep only vmlinuz ----
resolve() { apt-cache depends "$META" 2>/dev/null | awk '/Depends: linux-image-/ { print $2; exit }'; }
apt_update() {
	[ "$(id -u)" = 0 ] || skip "the package lists do not know $1 and only root can run 'apt-get update'"
	log "apt-get update (package lists do not know $1)"
	apt-get update -qq >/dev/null
}
KPKG=${KERNEL_PKG:-$(resolve)}
if [ -z "$KPKG" ]; then
	# offline or no lists: a cached kernel will do
	KPKG=$(ls -1 "$CACHE" 2>/dev/null | grep '^linux-image-' | sort -V | tail -n 1 || true)
fi
if [ -z "$KPKG" ]; then
	apt_update "$META"
	KPKG=$(resolve)
	[ -n "$KPKG" ] || { echo "vm-build: cannot resolve $META to a kernel package" >&2; exit 1; }
fi
KVER=${KPKG#linux-image-}
KDIR=$CACHE/$KPKG
if [ ! -s "$KDIR/vmlinuz" ]; then
	tmp=$(mktemp -d "$OUT/dl.XXXXXX")
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
	cp "$tmp/x/boot/vmlinuz-$KVER" "$KDIR/vmlinuz.new"
	cp "$tmp/x/boot/config-$KVER" "$KDIR/config"
	mv "$KDIR/vmlinuz.new" "$KDIR/vmlinuz"
	rm -rf "$tmp"
	trap - EXIT
fi
for opt in CONFIG_MEMCG=y CONFIG_PSI=y CONFIG_CGROUPS=y; do
	grep -qx "$opt" "$KDIR/config" || { echo "vm-build: $KPKG lacks $opt" >&2; exit 1; }
done
ln -sfn "$KDIR" "$OUT/kernel"
log "kernel $KPKG: $KDIR/vmlinuz"

# ---- static helpers ----
mkdir -p "$OUT/bin"
for src in "$here"/helpers/*.c; do
	bin=$OUT/bin/$(basename "$src" .c)
	if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ] || [ "$here/helpers/helper.h" -nt "$bin" ]; then
		${CC:-cc} -std=gnu11 -D_GNU_SOURCE -O2 -static -Wall -Wextra -Werror -o "$bin" "$src"
	fi
done

# ---- static oomlab ----
if [ -z "${OOMLAB_STATIC:-}" ]; then
	${MAKE:-make} -C "$top" --no-print-directory vm-static >/dev/null
	OOMLAB_STATIC=$top/build/static/oomlab
fi
[ -x "$OOMLAB_STATIC" ] || { echo "vm-build: no static oomlab at '$OOMLAB_STATIC'" >&2; exit 1; }

# ---- the initramfs ----
R=$OUT/rootfs
rm -rf "$R"
mkdir -p "$R"/{bin,sbin,dev,proc,sys,tmp,tests}
cp "$BUSYBOX" "$R/bin/busybox"
for a in $("$BUSYBOX" --list); do [ -e "$R/bin/$a" ] || ln -s busybox "$R/bin/$a"; done
cp "$OUT"/bin/* "$R/bin/"
cp "$OOMLAB_STATIC" "$R/bin/oomlab"
install -m 755 "$here/_init.sh" "$R/init"
cp "$here"/guest/*.sh "$R/tests/"
# VM_GUEST_EXTRA=dir: more guest tests (the harness self-test adds deliberately broken ones)
[ -z "${VM_GUEST_EXTRA:-}" ] || cp "$VM_GUEST_EXTRA"/*.sh "$R/tests/"
mknod -m 600 "$R/dev/console" c 5 1 2>/dev/null || true
(cd "$R" && find . | sort | "$BUSYBOX" cpio -o -H newc -R 0:0 2>/dev/null) | gzip -1 >"$OUT/initramfs.cpio.gz.new"
mv "$OUT/initramfs.cpio.gz.new" "$OUT/initramfs.cpio.gz"
log "initramfs $OUT/initramfs.cpio.gz ($(du -h "$OUT/initramfs.cpio.gz" | cut -f1)), $(ls "$R/tests" | grep -vc '^_') guest tests"

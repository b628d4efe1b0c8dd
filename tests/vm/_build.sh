#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Build what the v2 test VM boots, under $VM_OUT (default tests/vm/out, gitignored):
#   kernel/vmlinuz   the vmlinuz of linux-image-cloud-amd64 from the cache scripts/vm-kernel.sh
#                    fills (`apt-get download` + dpkg-deb; run by scripts/setup.sh, never by
#                    `make check`); not cached: SKIP
#   bin/             static guest helpers from tests/vm/helpers/*.c
#   initramfs.cpio.gz  busybox-static + helpers + static oomlab (make vm-static) + /init
#                    (tests/vm/_init.sh) + the guest tests (tests/vm/guest/*.sh at /tests)
# Exit 0 built, 77 (after "SKIP: reason") when a prerequisite is missing and cannot be had
# without root, anything else is a failure.
# Knobs: VM_OUT=dir, VM_CACHE=dir (kernel cache, default $VM_OUT/cache),
#        KERNEL_PKG=linux-image-6.1.0-56-cloud-amd64 (pin; default: the newest cached),
#        BUSYBOX=path (a static busybox),
#        OOMLAB_STATIC=path (a static oomlab instead of `make vm-static`),
#        VM_GUEST_EXTRA=dir (extra guest tests).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
OUT=${VM_OUT:-$here/out}
CACHE=${VM_CACHE:-$OUT/cache}
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

# ---- the kernel: fetched by scripts/vm-kernel.sh (scripts/setup.sh runs it), never here:
# `make check` downloads nothing. KERNEL_PKG pins one; else the newest cached.
if [ -n "${KERNEL_PKG:-}" ]; then
	KPKG=$KERNEL_PKG
else
	KPKG=$(ls -1 "$CACHE" 2>/dev/null | grep '^linux-image-' | sort -V | tail -n 1 || true)
fi
KDIR=$CACHE/$KPKG
if [ -z "$KPKG" ] || [ ! -s "$KDIR/vmlinuz" ] || [ ! -s "$KDIR/config" ]; then
	skip "the test VM's kernel is not cached in $CACHE: run scripts/setup.sh (or scripts/vm-kernel.sh) first"
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

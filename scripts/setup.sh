#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Set up a fresh Debian/Ubuntu machine for oomlab: install the packages (scripts/deps.sh), fetch
# the test VM's kernel (scripts/vm-kernel.sh: `make check` downloads nothing), build, and, as
# root, `make install` (PREFIX, default /usr/local: `oomlab` on PATH, the man pages in `man`), so
# the README's examples work as written. Run from anywhere; builds in the repository. Without
# root it builds only and says how to install; ./oomlab in the checkout works either way.
# OOMLAB_VM=0 skips the kernel.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/deps.sh"
if [ "${OOMLAB_VM:-1}" != 0 ]; then
	rc=0
	"$top/scripts/vm-kernel.sh" || rc=$?
	# 77: cannot be had here (no apt, no root for apt-get update): the VM tests will skip
	[ $rc = 0 ] || [ $rc = 77 ] || exit $rc
fi
make -C "$top" -j"$(nproc)" --no-print-directory
if [ "$(id -u)" = 0 ]; then
	make -C "$top" --no-print-directory install ${PREFIX:+PREFIX="$PREFIX"} >/dev/null
	echo "installed $(PATH=${PREFIX:-/usr/local}/bin:$PATH command -v oomlab) (make install; 'make uninstall' removes it)"
else
	echo "built $top/oomlab; not installed (not root): run 'sudo make install', or use ./oomlab"
fi

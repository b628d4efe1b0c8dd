#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Set up a fresh Debian/Ubuntu machine for oomlab: install the packages (scripts/deps.sh), build,
# and, as root, `make install` (PREFIX, default /usr/local: `oomlab` on PATH, the man pages in
# `man`), so the README's examples work as written. Run from anywhere; builds in the repository.
# Without root it builds only and says how to install; ./oomlab in the checkout works either way.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/deps.sh"
make -C "$top" -j"$(nproc)" --no-print-directory
if [ "$(id -u)" = 0 ]; then
	make -C "$top" --no-print-directory install ${PREFIX:+PREFIX="$PREFIX"} >/dev/null
	echo "installed $(PATH=${PREFIX:-/usr/local}/bin:$PATH command -v oomlab) (make install; 'make uninstall' removes it)"
else
	echo "built $top/oomlab; not installed (not root): run 'sudo make install', or use ./oomlab"
fi

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Set up a fresh Debian/Ubuntu machine for oomlab: install the packages (scripts/deps.sh), fetch
# the test VM's kernel (scripts/vm-kernel.sh: `make check` downloads nothing) and build. Run from
# anywhere; builds in the repository. OOMLAB_VM=0 skips the kernel.
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

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Set up a fresh Debian/Ubuntu machine for oomlab: install the packages (scripts/deps.sh) and
# build. Run from anywhere; builds in the repository.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/deps.sh"
make -C "$top" -j"$(nproc)" --no-print-directory

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# oomlab psi on a pure cgroup v1 fixture: no per-cgroup PSI (said once, with what still works
# and how to get it); the system-wide PSI still works.
. "$(dirname "$0")/_golden.sh"
S=(--sysroot "$FIXTURES/sysroot-v1")
golden psi-v1-system "$OOMLAB" "${S[@]}" psi -i 0
golden psi-v1-cgroup "$OOMLAB" "${S[@]}" psi -i 0 /docker/4f2a9c1e7b3d5a6f8e0c2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a
golden psi-v1-pid-json "$OOMLAB" "${S[@]}" psi -i 0 --json 4242
golden psi-v1-container "$OOMLAB" "${S[@]}" psi -i 0 4f2a9c1e7b3d
golden_end

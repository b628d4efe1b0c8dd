#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# PSI disabled (psi=0: reads fail with EOPNOTSUPP, reproduced by the <file>.eopnotsupp fixture
# convention): a clear line about what is missing, what still works and how to enable it.
. "$(dirname "$0")/_golden.sh"
S=(--sysroot "$FIXTURES/sysroot-psi-off")
golden psi-off-system "$OOMLAB" "${S[@]}" psi -i 0
golden psi-off-cgroup-json "$OOMLAB" "${S[@]}" psi -i 0 --json /system.slice/docker-4f2a9c1e7b3d5a6f8e0c2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a.scope
golden psi-off-top "$OOMLAB" "${S[@]}" top -n 1
golden psi-off-top-json "$OOMLAB" "${S[@]}" top --json
golden_end

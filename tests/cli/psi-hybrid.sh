#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# oomlab psi on a hybrid fixture: limit from the v1 memory tree, PSI from the cgroup2 directory
# of the same name; a pid whose v1 and v2 paths differ; cgroups present in one tree only.
. "$(dirname "$0")/_golden.sh"
S=(--sysroot "$FIXTURES/sysroot-hybrid")
golden psi-hybrid-x "$OOMLAB" "${S[@]}" psi -i 0 /x
golden psi-hybrid-inner-json "$OOMLAB" "${S[@]}" psi -i 0 --json /x/inner
golden psi-hybrid-onlyv1 "$OOMLAB" "${S[@]}" psi -i 0 /onlyv1
golden psi-hybrid-onlyv2 "$OOMLAB" "${S[@]}" psi -i 0 /onlyv2
golden psi-hybrid-pid "$OOMLAB" "${S[@]}" psi -i 0 4242
golden psi-hybrid-pid-split-json "$OOMLAB" "${S[@]}" psi -i 0 --json 4343
golden_end

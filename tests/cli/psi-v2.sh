#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# oomlab psi on a pure cgroup v2 fixture: system, cgroup path, pid, container id, pod uid,
# ambiguity, errors, thresholds. --interval 0: one read (fixture totals do not move).
. "$(dirname "$0")/_golden.sh"
S=(--sysroot "$FIXTURES/sysroot-v2")
golden psi-v2-system "$OOMLAB" "${S[@]}" psi -i 0
golden psi-v2-system-json "$OOMLAB" "${S[@]}" psi -i 0 --json
golden psi-v2-path "$OOMLAB" "${S[@]}" psi -i 0 /system.slice/docker-4f2a9c1e7b3d5a6f8e0c2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a.scope/
golden psi-v2-pid-json "$OOMLAB" "${S[@]}" psi -i 0 --json 4242
golden psi-v2-container "$OOMLAB" "${S[@]}" psi -i 0 4f2a9c1e7b3d5
golden psi-v2-ambiguous "$OOMLAB" "${S[@]}" psi -i 0 4f2a9c1e7b3d
golden psi-v2-cri-json "$OOMLAB" "${S[@]}" psi -i 0 --json 9e8d7c6b5a4f3e2d
golden psi-v2-pod "$OOMLAB" "${S[@]}" psi -i 0 1234abcd-5678-90ef
golden psi-v2-thresholds "$OOMLAB" "${S[@]}" psi -i 0 --thresholds strained_some=10,sick_full=50,critical_full=60,sick_some=30 4242
golden psi-v2-no-cgroup "$OOMLAB" "${S[@]}" psi -i 0 /nope
golden psi-v2-no-pid "$OOMLAB" "${S[@]}" psi -i 0 99999
golden psi-v2-short-id "$OOMLAB" "${S[@]}" psi -i 0 abc
golden psi-v2-no-id "$OOMLAB" "${S[@]}" psi -i 0 ffffffffffffffff
golden psi-v2-dotdot "$OOMLAB" "${S[@]}" psi -i 0 /system.slice/../etc
golden psi-v2-bad-thresholds "$OOMLAB" "${S[@]}" psi --thresholds sick_some=1,strained_some=2
golden psi-v2-bad-trigger "$OOMLAB" "${S[@]}" psi --wait 'some 3s/2s' /user.slice
golden psi-v2-wait-sysroot "$OOMLAB" "${S[@]}" psi --wait 'some 100ms/2s' /user.slice
golden psi-v2-timeout-alone "$OOMLAB" "${S[@]}" psi --timeout 1s /user.slice
golden_end

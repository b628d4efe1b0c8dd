#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# oomlab top on the hybrid fixture: the first frame (no share yet: avg10 stands in), JSON snapshot,
# sort keys. Shares over an interval are exercised on the live kernel (tests/integration).
. "$(dirname "$0")/_golden.sh"
S=(--sysroot "$FIXTURES/sysroot-hybrid")
golden top-hybrid "$OOMLAB" "${S[@]}" top -n 1
golden top-hybrid-json "$OOMLAB" "${S[@]}" top --json
golden top-hybrid-usage "$OOMLAB" "${S[@]}" top -n 1 --sort usage
golden top-hybrid-limit "$OOMLAB" "${S[@]}" top -n 1 --sort limit
golden top-hybrid-kills "$OOMLAB" "${S[@]}" top -n 1 --sort kills
golden_end

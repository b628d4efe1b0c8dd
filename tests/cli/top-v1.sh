#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# oomlab top on the v1 fixture: the first frame (no share yet: avg10 stands in), JSON snapshot,
# sort keys. Shares over an interval are exercised on the live kernel (tests/integration).
. "$(dirname "$0")/_golden.sh"
S=(--sysroot "$FIXTURES/sysroot-v1")
golden top-v1 "$OOMLAB" "${S[@]}" top -n 1
golden top-v1-json "$OOMLAB" "${S[@]}" top --json
golden top-v1-usage "$OOMLAB" "${S[@]}" top -n 1 --sort usage
golden top-v1-limit "$OOMLAB" "${S[@]}" top -n 1 --sort limit
golden top-v1-kills "$OOMLAB" "${S[@]}" top -n 1 --sort kills
golden_end

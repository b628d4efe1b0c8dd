#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# oomlab top on the v2 fixture: the first frame (no share yet: avg10 stands in), JSON snapshot,
# sort keys. Shares over an interval are exercised on the live kernel (tests/integration).
. "$(dirname "$0")/_golden.sh"
S=(--sysroot "$FIXTURES/sysroot-v2")
golden top-v2 "$OOMLAB" "${S[@]}" top -n 1
golden top-v2-json "$OOMLAB" "${S[@]}" top --json
golden top-v2-usage "$OOMLAB" "${S[@]}" top -n 1 --sort usage
golden top-v2-limit "$OOMLAB" "${S[@]}" top -n 1 --sort limit
golden top-v2-kills "$OOMLAB" "${S[@]}" top -n 1 --sort kills
golden top-v2-bad-sort "$OOMLAB" "${S[@]}" top --sort memory
golden top-v2-json-interval "$OOMLAB" "${S[@]}" top --json -i 20ms
golden top-v2-two-frames "$OOMLAB" "${S[@]}" top -n 2 -i 20ms
golden_end

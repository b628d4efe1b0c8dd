#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Replays tests/fuzz/corpus/event through the decoder and the event renderers (JSON, terminal text) plus deterministic mutations, under ASan/UBSan.
# The libFuzzer build: see tests/fuzz/fuzz_event.c.
set -u
. "$(dirname "$0")/_sanreplay.sh"
san_replay fuzz_event event

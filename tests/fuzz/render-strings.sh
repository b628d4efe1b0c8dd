# SPDX-License-Identifier: MIT
# Replays tests/fuzz/corpus/render through the JSON writer and term_safe (tests/fuzz/fuzz_render.c)
# plus deterministic mutations, under ASan/UBSan.
set -u
. "$(dirname "$0")/_sanreplay.sh"
san_replay fuzz_render render

# SPDX-License-Identifier: MIT
# Replays tests/fuzz/corpus/victimsrc through the lib/victim.c parsers plus deterministic
# mutations, under ASan/UBSan. The libFuzzer build: see tests/fuzz/fuzz_victimsrc.c.
set -u
. "$(dirname "$0")/_sanreplay.sh"
san_replay fuzz_victimsrc victimsrc

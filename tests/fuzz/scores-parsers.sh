# SPDX-License-Identifier: MIT
# Replays tests/fuzz/corpus/proc through the lib/proc.c parsers plus deterministic mutations,
# under ASan/UBSan. The libFuzzer build of the same target: see tests/fuzz/fuzz_proc.c.
set -u
. "$(dirname "$0")/_sanreplay.sh"
san_replay fuzz_proc proc

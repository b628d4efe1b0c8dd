# SPDX-License-Identifier: MIT
# Replays tests/fuzz/corpus/serve through the parsers behind oomlab serve (OCI annotations,
# Accept header, journald datagrams, cgroup naming) plus deterministic mutations, under
# ASan/UBSan. The libFuzzer build: see tests/fuzz/fuzz_serve.c.
set -u
. "$(dirname "$0")/_sanreplay.sh"
san_replay fuzz_serve serve

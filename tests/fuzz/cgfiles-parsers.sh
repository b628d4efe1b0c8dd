#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Replays tests/fuzz/corpus/cgfiles through the cgroup/host file and value parsers (mountinfo, memory.stat, PSI, sizes, durations, thresholds, /proc cgroup lines, names, owner records) plus deterministic mutations, under ASan/UBSan.
# The libFuzzer build: see tests/fuzz/fuzz_cgfiles.c.
set -u
. "$(dirname "$0")/_sanreplay.sh"
san_replay fuzz_cgfiles cgfiles

# SPDX-License-Identifier: MIT
# Replays tests/fuzz/corpus/victimsrc through the lib/victimsrc.c parsers plus deterministic mutations of
# each input (FUZZ_ROUNDS, default 2000), built with ASan/UBSan when the compiler has them.
# The libFuzzer build of the same target: see the header of tests/fuzz/fuzz_victimsrc.c.
set -u
command -v cc >/dev/null || { echo "SKIP: no C compiler"; exit 77; }
lib=$BUILD/liboomlab.a
[ -f "$lib" ] || { echo "SKIP: $lib not built"; exit 77; }
out=$(mktemp -d /tmp/oomlab-fuzz.XXXXXX)
trap 'rm -rf "$out"' EXIT
san="-fsanitize=address,undefined -fno-sanitize-recover=all"
# the library objects must be rebuilt with the sanitizer to be checked: compile the sources
# the BPF backend compiles to its BPF=0 stub here: no libbpf needed
srcs="$TOP/lib/victimsrc.c $TOP/lib/victimsrc_tracefs.c $TOP/lib/victimsrc_bpf.c $TOP/lib/util.c $TOP/lib/host.c $TOP/lib/cgroup.c $TOP/lib/memstat.c $TOP/lib/psi.c $TOP/lib/json.c"
if ! cc -std=gnu11 -D_GNU_SOURCE -DREPLAY $san -g -O1 -I"$TOP/lib" -o "$out/fuzz_victimsrc" \
	"$TESTS/fuzz/fuzz_victimsrc.c" $srcs 2>"$out/cc.log"; then
	echo "no sanitizer support, building without"; san=""
	cc -std=gnu11 -D_GNU_SOURCE -DREPLAY -g -O1 -I"$TOP/lib" -o "$out/fuzz_victimsrc" \
		"$TESTS/fuzz/fuzz_victimsrc.c" $srcs || exit 1
fi
"$out/fuzz_victimsrc" "$TESTS"/fuzz/corpus/victimsrc/*

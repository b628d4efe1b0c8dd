# SPDX-License-Identifier: MIT
# Replays tests/fuzz/corpus/proc through the lib/proc.c parsers plus deterministic mutations of
# each input (FUZZ_ROUNDS, default 2000), built with ASan/UBSan when the compiler has them.
# The libFuzzer build of the same target: see the header of tests/fuzz/fuzz_proc.c.
set -u
command -v cc >/dev/null || { echo "SKIP: no C compiler"; exit 77; }
lib=$BUILD/liboomlab.a
[ -f "$lib" ] || { echo "SKIP: $lib not built"; exit 77; }
out=$(mktemp -d /tmp/oomlab-fuzz.XXXXXX)
trap 'rm -rf "$out"' EXIT
san="-fsanitize=address,undefined -fno-sanitize-recover=all"
# the library objects must be rebuilt with the sanitizer to be checked: compile the sources
srcs="$TOP/lib/proc.c $TOP/lib/util.c $TOP/lib/host.c"
if ! cc -std=gnu11 -D_GNU_SOURCE -DREPLAY $san -g -O1 -I"$TOP/lib" -o "$out/fuzz_proc" \
	"$TESTS/fuzz/fuzz_proc.c" $srcs 2>"$out/cc.log"; then
	echo "no sanitizer support, building without"; san=""
	cc -std=gnu11 -D_GNU_SOURCE -DREPLAY -g -O1 -I"$TOP/lib" -o "$out/fuzz_proc" \
		"$TESTS/fuzz/fuzz_proc.c" $srcs || exit 1
fi
"$out/fuzz_proc" "$TESTS"/fuzz/corpus/proc/*

# SPDX-License-Identifier: MIT
# sourced: san_replay TARGET CORPUS -- build tests/fuzz/TARGET.c with the one replay harness
# (tests/fuzz/replay_main.c)
# against every lib/*.c (the BPF backend compiles to its BPF=0 stub: no libbpf needed), with
# ASan/UBSan when the compiler has them, and replay tests/fuzz/corpus/CORPUS/* plus
# FUZZ_ROUNDS (default 2000) deterministic mutations of each input.
san_replay() {
	local target=$1 corpus=$2 out san="-fsanitize=address,undefined -fno-sanitize-recover=all"
	command -v cc >/dev/null || { echo "SKIP: no C compiler"; exit 77; }
	out=$(mktemp -d /tmp/oomlab-fuzz.XXXXXX)
	# expanded now: $out is local, gone when the EXIT trap runs
	trap "rm -rf '$out'" EXIT
	local cc=(cc -std=gnu11 -D_GNU_SOURCE -pthread -g -O1 -I"$TOP/lib" -o "$out/$target"
		"$TESTS/fuzz/$target.c" "$TESTS/fuzz/replay_main.c" "$TOP"/lib/*.c)
	if ! "${cc[@]}" $san 2>"$out/cc.log"; then
		echo "no sanitizer support, building without"
		"${cc[@]}" || exit 1
	fi
	FUZZ_ROUNDS=${FUZZ_ROUNDS:-2000} "$out/$target" "$TESTS"/fuzz/corpus/"$corpus"/*
}

// SPDX-License-Identifier: MIT
/*
 * Fuzz target for the /proc parsers of lib/proc.c (status, stat, cgroup, one integer, CapEff).
 * With clang: clang -fsanitize=fuzzer,address -Ilib tests/fuzz/fuzz_proc.c build/liboomlab.a
 * Without a fuzzing engine, tests/fuzz/replay_main.c replays the files given on the command line and
 * then N deterministic mutations of each (byte flips, truncations, insertions of the bytes the
 * parsers care about), so the corpus runs as an ordinary test under ASan/UBSan.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), cg[64];
	struct proc_status st;
	struct proc_stat ps;
	uint64_t cap;
	int v;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (proc_status_parse(buf, &st) == 0 && strlen(st.comm) >= sizeof(st.comm))
		abort();
	proc_stat_parse(buf, &ps);
	if (proc_cgroup_parse(buf, true, cg, sizeof(cg)) == 0 && strlen(cg) >= sizeof(cg))
		abort();
	proc_cgroup_parse(buf, false, cg, sizeof(cg));
	proc_int_parse(buf, &v);
	proc_status_capeff(buf, &cap);
	free(buf);
	return 0;
}

/* the replay harness's mutations (tests/fuzz/replay_main.c) use these bytes */
const char *fuzz_interesting = ":\n\t )(\\0123456789-kB";

// SPDX-License-Identifier: MIT
/*
 * Fuzz target for the victim sources' parsers (lib/victim.c): trace_pipe mark_victim lines,
 * the event format file, /proc/PID/cgroup (the summary line is fuzz_oomreport's).
 * With clang: clang -fsanitize=fuzzer,address -Ilib tests/fuzz/fuzz_victimsrc.c build/liboomlab.a
 * Without a fuzzing engine, tests/fuzz/replay_main.c replays the files given on the command line and
 * then N deterministic mutations of each, so the corpus runs as an ordinary test under ASan/UBSan.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc.h"
#include "victim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), cg[64];
	struct oom_event ev;
	bool v1;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	/* non-terminated span: the parsers must not read past size */
	if (mark_victim_parse_line((const char *)data, size, &ev) == 0 &&
	    (strnlen(ev.comm, sizeof(ev.comm)) >= sizeof(ev.comm) || ev.pid <= 0))
		abort();
	mark_victim_format_shape(buf);
	if (proc_cgroup_memory_path(buf, cg, sizeof(cg), &v1) == 0 &&
	    (strlen(cg) >= sizeof(cg) || cg[0] != '/'))
		abort();
	free(buf);
	return 0;
}

/* the replay harness's mutations (tests/fuzz/replay_main.c) use these bytes */
const char *fuzz_interesting = ":=,\n\t ./0123456789-kBpid";

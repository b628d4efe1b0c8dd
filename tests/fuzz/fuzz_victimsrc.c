// SPDX-License-Identifier: MIT
/*
 * Fuzz target for the victim sources' parsers (lib/victimsrc.c): trace_pipe mark_victim lines,
 * the event format file, the kernel log's oom-kill summary, /proc/PID/cgroup.
 * With clang: clang -fsanitize=fuzzer,address -Ilib tests/fuzz/fuzz_victimsrc.c build/liboomlab.a
 * Without a fuzzing engine (-DREPLAY) main() replays the files given on the command line and
 * then N deterministic mutations of each, so the corpus runs as an ordinary test under ASan/UBSan.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "victimsrc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), cg[64];
	struct oom_event ev;
	struct oom_summary s;
	bool v1;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	/* non-terminated span: the parsers must not read past size */
	if (mark_victim_parse_line((const char *)data, size, &ev) == 0 &&
	    (strnlen(ev.comm, sizeof(ev.comm)) >= sizeof(ev.comm) || ev.pid <= 0))
		abort();
	if (oom_summary_parse((const char *)data, size, &s) == 0 &&
	    (strnlen(s.oom_memcg, sizeof(s.oom_memcg)) >= sizeof(s.oom_memcg) ||
	     strnlen(s.task_memcg, sizeof(s.task_memcg)) >= sizeof(s.task_memcg) || s.pid <= 0))
		abort();
	mark_victim_format_shape(buf);
	if (proc_cgroup_memory_path(buf, cg, sizeof(cg), &v1) == 0 &&
	    (strlen(cg) >= sizeof(cg) || cg[0] != '/'))
		abort();
	free(buf);
	return 0;
}

#ifdef REPLAY
static uint32_t rnd(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

int main(int argc, char **argv)
{
	static const char interesting[] = ":=,\n\t ./0123456789-kBpid";
	long rounds = getenv("FUZZ_ROUNDS") ? strtol(getenv("FUZZ_ROUNDS"), NULL, 10) : 2000;
	uint32_t seed = 42;

	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		uint8_t data[8192], m[8192];
		size_t n;
		if (!f) {
			perror(argv[i]);
			return 1;
		}
		n = fread(data, 1, sizeof(data), f);
		fclose(f);
		LLVMFuzzerTestOneInput(data, n);
		for (long r = 0; r < rounds; r++) {
			size_t len = n;
			memcpy(m, data, n);
			for (int k = 0, edits = 1 + (int)(rnd(&seed) % 8); k < edits && len; k++) {
				size_t at = rnd(&seed) % len;
				switch (rnd(&seed) % 4) {
				case 0: m[at] = (uint8_t)rnd(&seed); break;
				case 1: m[at] = (uint8_t)interesting[rnd(&seed) % (sizeof(interesting) - 1)]; break;
				case 2: len = at; break;
				default:
					if (len < sizeof(m) - 1) {
						memmove(m + at + 1, m + at, len - at);
						m[at] = (uint8_t)interesting[rnd(&seed) % (sizeof(interesting) - 1)];
						len++;
					}
				}
			}
			LLVMFuzzerTestOneInput(m, len);
		}
	}
	printf("replayed %d inputs, %ld mutations each\n", argc - 1, rounds);
	return 0;
}
#endif

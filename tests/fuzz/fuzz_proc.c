// SPDX-License-Identifier: MIT
/*
 * Fuzz target for the /proc parsers of lib/proc.c (status, stat, cgroup, one integer, CapEff).
 * With clang: clang -fsanitize=fuzzer,address -Ilib tests/fuzz/fuzz_proc.c build/liboomlab.a
 * Without a fuzzing engine (-DREPLAY) main() replays the files given on the command line and
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

#ifdef REPLAY
static uint32_t rnd(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

int main(int argc, char **argv)
{
	static const char interesting[] = ":\n\t )(\\0123456789-kB";
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

/* SPDX-License-Identifier: MIT */
/*
 * The replay driver of the fuzz targets that have no fuzzing engine (-DREPLAY): each file on
 * the command line is fed as it is, then FUZZ_ROUNDS (default 2000) deterministic mutations of
 * it (byte flips, "interesting" characters of the target's grammar, cuts, insertions).
 * Included by the target, which passes its own interesting characters.
 */
#ifndef OOMLAB_REPLAY_MUTATE_H
#define OOMLAB_REPLAY_MUTATE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t replay_rnd(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static int replay_mutate_main(int argc, char **argv, const char *interesting)
{
	size_t ni = strlen(interesting);
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
			for (int k = 0, edits = 1 + (int)(replay_rnd(&seed) % 8); k < edits && len; k++) {
				size_t at = replay_rnd(&seed) % len;
				switch (replay_rnd(&seed) % 4) {
				case 0:
					m[at] = (uint8_t)replay_rnd(&seed);
					break;
				case 1:
					m[at] = (uint8_t)interesting[replay_rnd(&seed) % ni];
					break;
				case 2:
					len = at;
					break;
				default:
					if (len < sizeof(m) - 1) {
						memmove(m + at + 1, m + at, len - at);
						m[at] = (uint8_t)interesting[replay_rnd(&seed) % ni];
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

// SPDX-License-Identifier: MIT
/*
 * The one replay harness of the fuzz targets, for builds without libFuzzer: runs
 * LLVMFuzzerTestOneInput once per file named on the command line (directories: every file in
 * them), then FUZZ_ROUNDS deterministic mutations of the first 8 KiB of each (byte flips, the
 * target's "interesting" bytes, cuts, insertions; default 0: the corpora as they are).
 * `make check` replays the corpora with it (tests/fuzz/kmsg-corpora.sh) and, under ASan/UBSan
 * with 2,000 mutations each, the tests/fuzz/ scripts that source _sanreplay.sh; `make fuzz` links the same targets with
 * libFuzzer instead. A target names its grammar's bytes in fuzz_interesting (optional).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern const char *fuzz_interesting __attribute__((weak));

static long rounds;
static long mutations;

static uint32_t rnd(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static void mutate(const uint8_t *data, size_t n, uint32_t *seed)
{
	const char *in = &fuzz_interesting && fuzz_interesting ? fuzz_interesting :
								 ":=,\n\t ()[]/\\0123456789-kB";
	size_t ni = strlen(in);
	uint8_t m[8192];

	if (n > sizeof(m) - 1)
		n = sizeof(m) - 1;
	for (long r = 0; r < rounds; r++) {
		size_t len = n;
		memcpy(m, data, n);
		for (int k = 0, edits = 1 + (int)(rnd(seed) % 8); k < edits && len; k++) {
			size_t at = rnd(seed) % len;
			switch (rnd(seed) % 4) {
			case 0:
				m[at] = (uint8_t)rnd(seed);
				break;
			case 1:
				m[at] = (uint8_t)in[rnd(seed) % ni];
				break;
			case 2:
				len = at;
				break;
			default:
				if (len < sizeof(m) - 1) {
					memmove(m + at + 1, m + at, len - at);
					m[at] = (uint8_t)in[rnd(seed) % ni];
					len++;
				}
			}
		}
		LLVMFuzzerTestOneInput(m, len);
		mutations++;
	}
}

static int run_file(const char *path, uint32_t *seed)
{
	char *buf = NULL;
	ssize_t n = read_file_alloc(path, &buf);

	if (n < 0) {
		fprintf(stderr, "cannot read '%s'\n", path);
		return 1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)buf, (size_t)n);
	mutate((const uint8_t *)buf, (size_t)n, seed);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int files = 0, bad = 0;
	uint32_t seed = 42;
	const char *r = getenv("FUZZ_ROUNDS");

	rounds = r ? strtol(r, NULL, 10) : 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			DIR *d = opendir(argv[i]);
			struct dirent *e;
			char p[4096];
			while (d && (e = readdir(d))) {
				if (e->d_name[0] == '.')
					continue;
				snprintf(p, sizeof(p), "%s/%s", argv[i], e->d_name);
				bad += run_file(p, &seed);
				files++;
			}
			if (d)
				closedir(d);
		} else {
			bad += run_file(argv[i], &seed);
			files++;
		}
	}
	printf("replayed %d inputs, %ld mutations\n", files, mutations);
	return bad ? 1 : 0;
}

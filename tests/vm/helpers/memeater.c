// SPDX-License-Identifier: MIT
/* memeater: allocate and touch anonymous memory in chunks until killed or until a total.
 * usage: memeater [-l MIB] [-c KIB] [-H SECONDS] [-t SECONDS]
 *   -l  stop after MIB mebibytes (default 0: never stop, eat until killed)
 *   -c  chunk size in KiB (default 1024)
 *   -H  hold the memory this long after reaching -l, then exit 0
 *   -t  alarm(): a run that neither finishes nor gets OOM-killed dies of SIGALRM (exit 142),
 *       which tells it apart from the OOM killer's SIGKILL (137) and leaves no watcher behind
 * Prints "eat: start pid=N", progress every 4 MiB and "eat: reached N MB" (line-buffered). */
#include <getopt.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "helper.h"
#include "../../../lib/banned.h"

int main(int argc, char **argv)
{
	uint64_t limit_mib = 0, chunk_kib = 1024, hold = 0, tmo = 0, total = 0, next = 0, t0;
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	int c;

	while ((c = getopt(argc, argv, "l:c:H:t:")) != -1) {
		switch (c) {
		case 'l':
			limit_mib = helper_arg_u64("memeater", "-l", optarg);
			break;
		case 'c':
			chunk_kib = helper_arg_u64("memeater", "-c", optarg);
			break;
		case 'H':
			hold = helper_arg_u64("memeater", "-H", optarg);
			break;
		case 't':
			tmo = helper_arg_u64("memeater", "-t", optarg);
			break;
		default:
			fprintf(stderr,
				"usage: memeater [-l MIB] [-c KIB] [-H SECONDS] [-t SECONDS]\n");
			return 2;
		}
	}
	if (chunk_kib == 0 || chunk_kib > (1u << 20)) {
		fprintf(stderr, "memeater: chunk must be 1..1048576 KiB\n");
		return 2;
	}
	if (tmo)
		alarm((unsigned int)tmo);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("eat: start pid=%d limit=%lluMB chunk=%lluKB\n", (int)getpid(),
	       (unsigned long long)limit_mib, (unsigned long long)chunk_kib);
	t0 = helper_now_us();
	for (;;) {
		size_t chunk = (size_t)chunk_kib << 10;
		char *p;

		if (limit_mib && total >= limit_mib << 20)
			break;
		p = mmap(NULL, chunk, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			perror("memeater: mmap");
			return 2;
		}
		for (size_t off = 0; off < chunk; off += pg)
			p[off] = (char)(off | 1);
		total += chunk;
		if (total >= next) {
			printf("eat: %llu MB t=%llums\n", (unsigned long long)(total >> 20),
			       (unsigned long long)((helper_now_us() - t0) / 1000));
			next += 4u << 20;
		}
	}
	printf("eat: reached %llu MB t=%llums, holding %llus\n", (unsigned long long)(total >> 20),
	       (unsigned long long)((helper_now_us() - t0) / 1000), (unsigned long long)hold);
	if (hold)
		sleep((unsigned int)hold);
	return 0;
}

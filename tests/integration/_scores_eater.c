// SPDX-License-Identifier: MIT
/*
 * Test helper for the scores integration tests (not part of oomlab):
 *   _scores_eater INITIAL_MIB [MORE_MIB [anon|memfd]]
 * Allocates and touches INITIAL_MIB of anonymous memory, prints "ready PID", then waits for a
 * line on stdin; on it, allocates MORE_MIB more (anonymous, or written into an unmapped memfd:
 * shmem charged to the cgroup but counted in nobody's rss), prints "grew", and waits for EOF.
 *   _scores_eater leaderless MIB
 * The main thread starts a second thread and exits (pthread_exit): the process lives on in that
 * thread, which allocates and touches MIB, prints "ready PID" and waits for EOF on stdin. Its
 * leader has no mm any more: /proc/PID/status shows no memory, the kernel's OOM killer still
 * counts the thread's (find_lock_task_mm()).
 *   _scores_eater shared MIB
 * Maps MIB of shared anonymous memory (shmem, counted in RssShmem / MM_SHMEMPAGES), touches it,
 * prints "ready PID" and waits for EOF on stdin.
 *   _scores_eater kmsg
 * Opens /dev/kmsg at its end, prints "ready PID", waits for a line on stdin, then prints the pid
 * of every "Killed process N" record logged meanwhile, in the kernel's order, and "end".
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#define MIB (1024UL * 1024UL)

static void touch(size_t mib)
{
	char *p;
	if (!mib)
		return;
	p = mmap(NULL, mib * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	memset(p, 0x5a, mib * MIB);
}

static int kmsg_kills(void)
{
	char line[64], rec[8192];
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		perror("/dev/kmsg");
		return 1;
	}
	lseek(fd, 0, SEEK_END);
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	for (;;) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue; /* records overwritten: go on with the next ones */
		if (n <= 0)
			break;
		rec[n] = '\0';
		char *k = strstr(rec, "Killed process ");
		if (k && strchr(rec, ';') && strchr(rec, ';') < k)
			printf("%ld\n", strtol(k + strlen("Killed process "), NULL, 10));
	}
	printf("end\n");
	fflush(stdout);
	return 0;
}

static void *leaderless_thread(void *arg)
{
	char line[64];

	touch((size_t)arg);
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin))
		;
	exit(0);
}

int main(int argc, char **argv)
{
	size_t initial, more = 0;
	int memfd = 0;
	char line[64];

	if (argc < 2)
		return 2;
	if (strcmp(argv[1], "kmsg") == 0)
		return kmsg_kills();
	if (strcmp(argv[1], "shared") == 0 && argc > 2) {
		size_t mib = strtoul(argv[2], NULL, 10);
		char *p = mmap(NULL, mib * MIB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			       -1, 0);
		if (p == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		memset(p, 0x5a, mib * MIB);
		printf("ready %d\n", (int)getpid());
		fflush(stdout);
		while (fgets(line, sizeof(line), stdin))
			;
		return 0;
	}
	if (strcmp(argv[1], "leaderless") == 0 && argc > 2) {
		pthread_t th;
		if (pthread_create(&th, NULL, leaderless_thread,
				   (void *)strtoul(argv[2], NULL, 10)) != 0)
			return 1;
		pthread_exit(NULL);
	}
	initial = strtoul(argv[1], NULL, 10);
	if (argc > 2)
		more = strtoul(argv[2], NULL, 10);
	if (argc > 3)
		memfd = strcmp(argv[3], "memfd") == 0;
	touch(initial);
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	if (memfd) {
		static char buf[1 << 20];
		int fd = memfd_create("scores-push", MFD_CLOEXEC);
		if (fd < 0) {
			perror("memfd_create");
			return 1;
		}
		memset(buf, 0x5a, sizeof(buf));
		for (size_t i = 0; i < more; i++)
			if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf)) {
				perror("write");
				return 1;
			}
	} else {
		touch(more);
	}
	printf("grew\n");
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin))
		;
	return 0;
}

// SPDX-License-Identifier: MIT
/* psiwait: arm a PSI trigger on a pressure file and wait for POLLPRI events.
 * usage: psiwait FILE "some|full STALL_US WINDOW_US" TIMEOUT_S [MAX_EVENTS]
 * Prints "psi: armed" once the trigger is registered (callers wait for that line before
 * starting the workload), one "psi: EVENT n t=MS" per event, "psi: done, N event(s)".
 * Exit 0 if at least one event fired, 1 if none before the timeout or POLLERR, 2 on error. */
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "helper.h"
#include "../../../lib/banned.h"

int main(int argc, char **argv)
{
	uint64_t tmo_s, max_events = 3, events = 0, t0;
	int fd;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: psiwait FILE TRIGGER TIMEOUT_S [MAX_EVENTS]\n");
		return 2;
	}
	tmo_s = helper_arg_u64("psiwait", "TIMEOUT_S", argv[3]);
	if (argc > 4)
		max_events = helper_arg_u64("psiwait", "MAX_EVENTS", argv[4]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = open(argv[1], O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		printf("psi: cannot open '%s': %s\n", argv[1], strerror(errno));
		return 2;
	}
	/* the kernel wants the trigger with its NUL terminator in one write */
	if (write(fd, argv[2], strlen(argv[2]) + 1) < 0) {
		printf("psi: cannot write trigger '%s' to '%s': %s\n", argv[2], argv[1],
		       strerror(errno));
		return 2;
	}
	printf("psi: armed '%s' on %s\n", argv[2], argv[1]);
	t0 = helper_now_us();
	while (events < max_events) {
		uint64_t el = helper_now_us() - t0;
		struct pollfd pfd = {.fd = fd, .events = POLLPRI};
		int n;

		if (el >= tmo_s * 1000000u)
			break;
		n = poll(&pfd, 1, (int)((tmo_s * 1000000u - el) / 1000u) + 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			printf("psi: poll: %s\n", strerror(errno));
			return 2;
		}
		if (n == 0)
			break;
		if (pfd.revents & POLLERR) {
			printf("psi: POLLERR (cgroup removed) t=%llums\n",
			       (unsigned long long)((helper_now_us() - t0) / 1000));
			break;
		}
		if (pfd.revents & POLLPRI) {
			events++;
			printf("psi: EVENT %llu t=%llums\n", (unsigned long long)events,
			       (unsigned long long)((helper_now_us() - t0) / 1000));
		}
	}
	printf("psi: done, %llu event(s)\n", (unsigned long long)events);
	close(fd);
	return events > 0 ? 0 : 1;
}

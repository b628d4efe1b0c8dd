/* SPDX-License-Identifier: MIT */
/* Shared bits of the static guest helpers (tests/vm/helpers): checked numbers, a monotonic clock.
 * The helpers run inside the v2 test VM's busybox initramfs; they link nothing but libc. */
#ifndef OOMLAB_VM_HELPER_H
#define OOMLAB_VM_HELPER_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* A whole decimal number, no sign, no junk: returns 0 or -EINVAL / -ERANGE. */
static inline int helper_parse_u64(const char *s, uint64_t *ret)
{
	char *end;
	unsigned long long v;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* Parse argument `s` of option `opt` or exit 2 with a one-line error. */
static inline uint64_t helper_arg_u64(const char *prog, const char *opt, const char *s)
{
	uint64_t v;

	if (helper_parse_u64(s, &v) < 0) {
		fprintf(stderr, "%s: invalid number '%s' for %s\n", prog, s, opt);
		exit(2);
	}
	return v;
}

static inline uint64_t helper_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Every kernel path oomlab touches goes through a host context, so a fixture tree can stand in
 * for the live system (--sysroot, and OOMLAB_SYSROOT for tests). The root is a plain prefix:
 * "/proc/meminfo" under sysroot "tests/fixtures/v2" is "tests/fixtures/v2/proc/meminfo".
 */
#ifndef OOMLAB_HOST_H
#define OOMLAB_HOST_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

struct host {
	char root[PATH_MAX]; /* "" for the live system */
};

/* sysroot NULL or "" or "/" -> live system. -ENAMETOOLONG, -ENOENT if it is not a directory. */
int host_init(struct host *h, const char *sysroot);
bool host_is_live(const struct host *h);
/* root + path (path absolute) into buf. */
int host_path(const struct host *h, const char *path, char *buf, size_t sz);

#endif

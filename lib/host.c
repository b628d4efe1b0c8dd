// SPDX-License-Identifier: MIT
#include "host.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"
#include "banned.h"

int host_init(struct host *h, const char *sysroot)
{
	struct stat st;
	size_t n;

	h->root[0] = '\0';
	if (!sysroot || !*sysroot || strcmp(sysroot, "/") == 0)
		return 0;
	n = strlen(sysroot);
	while (n > 1 && sysroot[n - 1] == '/')
		n--;
	if (n >= sizeof(h->root))
		return -ENAMETOOLONG;
	if (stat(sysroot, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	memcpy(h->root, sysroot, n);
	h->root[n] = '\0';
	return 0;
}

bool host_is_live(const struct host *h)
{
	return h->root[0] == '\0';
}

int host_path(const struct host *h, const char *path, char *buf, size_t sz)
{
	if (path[0] != '/')
		return -EINVAL;
	return xsnprintf(buf, sz, "%s%s", h->root, path);
}

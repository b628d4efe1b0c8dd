// SPDX-License-Identifier: MIT
#include "cg-name.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "banned.h"

static void copy_n(char *dst, size_t sz, const char *s, size_t len)
{
	if (len >= sz)
		len = sz - 1;
	memcpy(dst, s, len);
	dst[len] = '\0';
}

static bool is_hex_id(const char *s, size_t len)
{
	if (len < 12)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static bool ends_with(const char *s, size_t len, const char *suf)
{
	size_t n = strlen(suf);
	return len >= n && memcmp(s + len - n, suf, n) == 0;
}

/* "<prefix><hexid>.scope" or "<prefix><hexid>" -> id */
static bool take_id(const char *c, size_t len, const char *prefix, char *id, size_t sz)
{
	size_t pl = strlen(prefix);

	if (len <= pl || memcmp(c, prefix, pl) != 0)
		return false;
	c += pl;
	len -= pl;
	if (ends_with(c, len, ".scope"))
		len -= 6;
	if (!is_hex_id(c, len))
		return false;
	copy_n(id, sz, c, len);
	return true;
}

int cgname_parse(const char *path, struct cgname *ret)
{
	static const struct {
		const char *prefix, *runtime;
	} scopes[] = {
		{ "docker-", "docker" }, { "cri-containerd-", "containerd" }, { "crio-", "cri-o" },
		{ "libpod-", "podman" }, { "containerd-", "containerd" },
	};
	struct cgname n;
	const char *p = path, *prev = NULL;
	size_t prevlen = 0;
	bool kube = false, found = false;

	memset(&n, 0, sizeof(n));
	memset(ret, 0, sizeof(*ret));
	if (!path)
		return 0;
	while (*p) {
		const char *c, *e;
		size_t len;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		c = p;
		e = strchr(c, '/');
		len = e ? (size_t)(e - c) : strlen(c);
		p = c + len;

		if ((len == 8 && memcmp(c, "kubepods", 8) == 0) ||
		    (len > 8 && memcmp(c, "kubepods.", 9) == 0) ||
		    (len > 9 && memcmp(c, "kubepods-", 9) == 0)) {
			kube = true;
			if (!n.qos[0])
				copy_n(n.qos, sizeof(n.qos), "guaranteed", 10);
			if (len > 9 && memcmp(c, "kubepods-", 9) == 0) {
				/* kubepods-burstable.slice, kubepods-burstable-pod<uid>.slice, kubepods-pod<uid>.slice */
				const char *q = c + 9;
				size_t ql = len - 9;
				if (ends_with(q, ql, ".slice"))
					ql -= 6;
				if (ql >= 9 && memcmp(q, "burstable", 9) == 0) {
					copy_n(n.qos, sizeof(n.qos), "burstable", 9);
					q += 9, ql -= 9;
				} else if (ql >= 10 && memcmp(q, "besteffort", 10) == 0) {
					copy_n(n.qos, sizeof(n.qos), "besteffort", 10);
					q += 10, ql -= 10;
				}
				if (ql > 4 && memcmp(q, "-pod", 4) == 0)
					q += 4, ql -= 4;
				else if (ql > 3 && memcmp(q, "pod", 3) == 0)
					q += 3, ql -= 3;
				else
					ql = 0;
				if (ql) {
					copy_n(n.pod, sizeof(n.pod), q, ql);
					for (char *x = n.pod; *x; x++)
						if (*x == '_')
							*x = '-';
				}
			}
			continue;
		}
		if (kube && (len == 9 && memcmp(c, "burstable", 9) == 0)) {
			copy_n(n.qos, sizeof(n.qos), c, len);
			continue;
		}
		if (kube && (len == 10 && memcmp(c, "besteffort", 10) == 0)) {
			copy_n(n.qos, sizeof(n.qos), c, len);
			continue;
		}
		if (kube && len > 3 && memcmp(c, "pod", 3) == 0) {
			copy_n(n.pod, sizeof(n.pod), c + 3, len - 3);
			continue;
		}
		for (size_t i = 0; i < ELEMENTSOF(scopes); i++) {
			if (take_id(c, len, scopes[i].prefix, n.container, sizeof(n.container))) {
				copy_n(n.runtime, sizeof(n.runtime), scopes[i].runtime,
				       strlen(scopes[i].runtime));
				found = true;
			}
		}
		/* cgroupfs driver: /docker/<id>, /libpod_parent/libpod-<id>, /kubepods/…/pod<uid>/<id> */
		if (!found && is_hex_id(c, len) && len >= 32) {
			if (prev && prevlen == 6 && memcmp(prev, "docker", 6) == 0)
				copy_n(n.runtime, sizeof(n.runtime), "docker", 6);
			else if (prev && prevlen == 4 && memcmp(prev, "lxc.", 4) == 0)
				copy_n(n.runtime, sizeof(n.runtime), "lxc", 3);
			copy_n(n.container, sizeof(n.container), c, len);
			found = kube || n.runtime[0];
		}
		if (!found && (ends_with(c, len, ".service") || ends_with(c, len, ".scope")))
			copy_n(n.unit, sizeof(n.unit), c, len);
		prev = c;
		prevlen = len;
	}
	if (kube && !n.runtime[0] && n.container[0])
		copy_n(n.runtime, sizeof(n.runtime), "kubepods", 8);
	if (found || kube)
		n.unit[0] = '\0';
	else if (n.unit[0])
		copy_n(n.runtime, sizeof(n.runtime), "systemd", 7);
	if (!kube)
		n.qos[0] = '\0';
	*ret = n;
	return (found || kube || n.unit[0]) ? 1 : 0;
}

const char *cgname_format(const struct cgname *n, char *buf, size_t sz)
{
	char id[16];

	copy_n(id, sizeof(id), n->container, 12);
	buf[0] = '\0';
	if (n->qos[0]) {
		xsnprintf(buf, sz, "kubepods %s%s%s%s%s", n->qos, n->pod[0] ? " pod " : "", n->pod,
			  id[0] ? " container " : "", id);
	} else if (n->container[0]) {
		xsnprintf(buf, sz, "%s %s", n->runtime[0] ? n->runtime : "container", id);
	} else if (n->unit[0]) {
		xsnprintf(buf, sz, "systemd %s", n->unit);
	}
	return buf;
}

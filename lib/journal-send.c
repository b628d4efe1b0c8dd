// SPDX-License-Identifier: MIT
/* journald native protocol writer: see journal-send.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "journal-send.h"
#include "util.h"
#include "banned.h"

/* an entry of ~30 short fields is ~1.5 KiB; the socket takes up to its wmem (~200 KiB) */
#define JOURNAL_ENTRY_MAX (64 * 1024)

void journal_entry_init(struct journal_entry *e)
{
	memset(e, 0, sizeof(*e));
}

void journal_entry_free(struct journal_entry *e)
{
	free(e->buf);
	journal_entry_init(e);
}

bool journal_key_valid(const char *key)
{
	size_t n = strlen(key);

	if (n == 0 || n > 64 || key[0] == '_' || (key[0] >= '0' && key[0] <= '9'))
		return false;
	for (const char *c = key; *c; c++)
		if (!((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_'))
			return false;
	return true;
}

static int reserve(struct journal_entry *e, size_t more)
{
	size_t need = e->len + more;
	char *nb;

	if (need > JOURNAL_ENTRY_MAX)
		return -EMSGSIZE;
	if (need <= e->cap)
		return 0;
	nb = realloc(e->buf, need < 2048 ? 2048 : need * 2);
	if (!nb)
		return -ENOMEM;
	e->buf = nb;
	e->cap = need < 2048 ? 2048 : need * 2;
	return 0;
}

void journal_entry_add(struct journal_entry *e, const char *key, const char *value, size_t vlen)
{
	size_t kl = strlen(key);
	bool binary = memchr(value, '\n', vlen) != NULL;
	int r;

	if (e->err)
		return;
	if (!journal_key_valid(key)) {
		e->err = -EINVAL;
		return;
	}
	r = reserve(e, kl + vlen + 10);
	if (r < 0) {
		e->err = r;
		return;
	}
	memcpy(e->buf + e->len, key, kl);
	e->len += kl;
	if (binary) {
		uint64_t l = vlen;
		e->buf[e->len++] = '\n';
		for (int i = 0; i < 8; i++)
			e->buf[e->len++] = (char)((l >> (8 * i)) & 0xff); /* little endian */
	} else {
		e->buf[e->len++] = '=';
	}
	memcpy(e->buf + e->len, value, vlen);
	e->len += vlen;
	e->buf[e->len++] = '\n';
}

void journal_entry_addf(struct journal_entry *e, const char *key, const char *fmt, ...)
{
	char v[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	journal_entry_add(e, key, v, (size_t)n < sizeof(v) ? (size_t)n : sizeof(v) - 1);
}

int journal_socket_open(void)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	return fd < 0 ? -errno : fd;
}

int journal_send(int fd, const char *path, const struct journal_entry *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (e->err)
		return e->err;
	if (!path)
		path = JOURNAL_SOCKET;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (sendto(fd, e->buf, e->len, MSG_NOSIGNAL, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

int journal_entry_parse(const char *buf, size_t len, journal_field_fn fn, void *userdata)
{
	size_t i = 0;
	int n = 0;

	while (i < len) {
		const char *k = buf + i, *nl = memchr(k, '\n', len - i), *eq;
		size_t kl;

		if (!nl)
			return -EINVAL;
		eq = memchr(k, '=', (size_t)(nl - k));
		if (eq) {
			fn(k, (size_t)(eq - k), eq + 1, (size_t)(nl - eq - 1), userdata);
			i = (size_t)(nl - buf) + 1;
		} else {
			uint64_t vl = 0;
			kl = (size_t)(nl - k);
			i = (size_t)(nl - buf) + 1;
			if (len - i < 8)
				return -EINVAL;
			for (int b = 0; b < 8; b++)
				vl |= (uint64_t)(unsigned char)buf[i + b] << (8 * b);
			i += 8;
			if (vl > len - i || len - i - vl < 1 || buf[i + vl] != '\n')
				return -EINVAL;
			fn(k, kl, buf + i, (size_t)vl, userdata);
			i += vl + 1;
		}
		n++;
	}
	return n;
}

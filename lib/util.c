// SPDX-License-Identifier: MIT
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "banned.h"

void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

int parse_u64_n(const char *s, size_t len, uint64_t *ret)
{
	uint64_t v = 0;

	if (!s || len == 0)
		return -EINVAL;
	if (len > 20)
		/* leading zeros are fine, but 21+ digit numbers overflow anyway unless zero-padded */
		while (len > 1 && *s == '0') {
			s++;
			len--;
		}
	for (size_t i = 0; i < len; i++) {
		unsigned d;
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*ret = v;
	return 0;
}

int parse_u64(const char *s, uint64_t *ret)
{
	if (!s)
		return -EINVAL;
	return parse_u64_n(s, strlen(s), ret);
}

int parse_i64(const char *s, int64_t *ret)
{
	uint64_t u;
	bool neg = false;
	int r;

	if (!s)
		return -EINVAL;
	if (*s == '-' || *s == '+') {
		neg = *s == '-';
		s++;
	}
	r = parse_u64(s, &u);
	if (r < 0)
		return r;
	if (neg) {
		if (u > (uint64_t)INT64_MAX + 1)
			return -ERANGE;
		*ret = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
	} else {
		if (u > INT64_MAX)
			return -ERANGE;
		*ret = (int64_t)u;
	}
	return 0;
}

int parse_int(const char *s, int *ret)
{
	int64_t v;
	int r = parse_i64(s, &v);

	if (r < 0)
		return r;
	if (v < INT_MIN || v > INT_MAX)
		return -ERANGE;
	*ret = (int)v;
	return 0;
}

/*
 * Parse "<int>[.<frac>]" then a suffix; multiply exactly. Returns the suffix start in *end.
 * The integer and fraction are kept as integers (no floating point): value = int*mul +
 * frac*mul/10^digits, rounded down.
 */
static int parse_scaled(const char *s, const char **ret_suffix, uint64_t *ret_int,
			uint64_t *ret_frac, uint64_t *ret_frac_div)
{
	const char *p = s;
	uint64_t ip = 0, fp = 0, fdiv = 1;
	size_t n = 0;
	int r;

	while (p[n] >= '0' && p[n] <= '9')
		n++;
	if (n == 0)
		return -EINVAL;
	r = parse_u64_n(p, n, &ip);
	if (r < 0)
		return r;
	p += n;
	if (*p == '.') {
		p++;
		n = 0;
		while (p[n] >= '0' && p[n] <= '9') {
			/* more than 18 fractional digits cannot matter for bytes or µs */
			if (n < 18) {
				fp = fp * 10 + (uint64_t)(p[n] - '0');
				fdiv *= 10;
			}
			n++;
		}
		if (n == 0)
			return -EINVAL;
		p += n;
	}
	*ret_suffix = p;
	*ret_int = ip;
	*ret_frac = fp;
	*ret_frac_div = fdiv;
	return 0;
}

static int scale(uint64_t ip, uint64_t fp, uint64_t fdiv, uint64_t mul, uint64_t *ret)
{
	uint64_t v, f;

	if (ip != 0 && mul > UINT64_MAX / ip)
		return -ERANGE;
	v = ip * mul;
	/* fp < fdiv <= 1e18; fp*mul may overflow for large mul: split mul */
	if (fp) {
		unsigned __int128 t = (unsigned __int128)fp * mul / fdiv;
		f = (uint64_t)t;
		if (v > UINT64_MAX - f)
			return -ERANGE;
		v += f;
	}
	*ret = v;
	return 0;
}

int parse_size(const char *s, uint64_t *ret)
{
	const char *suf;
	uint64_t ip, fp, fdiv, mul, v;
	int r;

	if (!s || !*s)
		return -EINVAL;
	if (strcmp(s, "max") == 0 || strcmp(s, "unlimited") == 0) {
		*ret = SIZE_UNLIMITED;
		return 0;
	}
	r = parse_scaled(s, &suf, &ip, &fp, &fdiv);
	if (r < 0)
		return r;
	switch (*suf) {
	case '\0':
		mul = 1;
		break;
	case 'b':
	case 'B':
		mul = 1;
		break;
	case 'k':
	case 'K':
		mul = 1ULL << 10;
		break;
	case 'm':
	case 'M':
		mul = 1ULL << 20;
		break;
	case 'g':
	case 'G':
		mul = 1ULL << 30;
		break;
	case 't':
	case 'T':
		mul = 1ULL << 40;
		break;
	default:
		return -EINVAL;
	}
	if (*suf && *suf != 'b' && *suf != 'B') {
		suf++;
		if (*suf == 'i')
			suf++;
		if (*suf == 'B' || *suf == 'b')
			suf++;
	} else if (*suf) {
		suf++;
	}
	if (*suf)
		return -EINVAL;
	if (mul == 1 && fp)
		return -EINVAL; /* "1.5" bytes */
	r = scale(ip, fp, fdiv, mul, &v);
	if (r < 0)
		return r;
	if (v > SIZE_LIMIT_MAX)
		return -ERANGE;
	*ret = v;
	return 0;
}

int parse_duration_us(const char *s, uint64_t *ret)
{
	const char *suf;
	uint64_t ip, fp, fdiv, mul, v;
	int r;

	if (!s || !*s)
		return -EINVAL;
	r = parse_scaled(s, &suf, &ip, &fp, &fdiv);
	if (r < 0)
		return r;
	if (*suf == '\0' || strcmp(suf, "s") == 0 || strcmp(suf, "sec") == 0)
		mul = 1000000;
	else if (strcmp(suf, "ms") == 0)
		mul = 1000;
	else if (strcmp(suf, "us") == 0 || strcmp(suf, "µs") == 0)
		mul = 1;
	else if (strcmp(suf, "m") == 0 || strcmp(suf, "min") == 0)
		mul = 60ULL * 1000000;
	else if (strcmp(suf, "h") == 0)
		mul = 3600ULL * 1000000;
	else
		return -EINVAL;
	r = scale(ip, fp, fdiv, mul, &v);
	if (r < 0)
		return r;
	if (v > DURATION_MAX_US)
		return -ERANGE;
	*ret = v;
	return 0;
}

int parse_rate(const char *s, uint64_t *ret)
{
	char buf[64];
	const char *slash;
	uint64_t bytes, per_us = 1000000;
	int r;

	if (!s)
		return -EINVAL;
	slash = strchr(s, '/');
	if (!slash || (size_t)(slash - s) >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	r = parse_size(buf, &bytes);
	if (r < 0)
		return r;
	if (bytes == SIZE_UNLIMITED)
		return -EINVAL;
	if (strcmp(slash + 1, "s") != 0) {
		r = parse_duration_us(slash + 1, &per_us);
		if (r < 0)
			return r;
	}
	if (per_us == 0)
		return -EINVAL;
	{
		unsigned __int128 v = (unsigned __int128)bytes * 1000000 / per_us;
		if (v > UINT64_MAX)
			return -ERANGE;
		*ret = (uint64_t)v;
	}
	return 0;
}

const char *format_bytes(uint64_t b, char *buf, size_t sz)
{
	static const char *units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	unsigned u = 0;
	uint64_t whole = b, rem = 0;

	if (b == SIZE_UNLIMITED) {
		snprintf(buf, sz, "max");
		return buf;
	}
	while (whole >= 1024 && u < ELEMENTSOF(units) - 1) {
		rem = whole % 1024;
		whole /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, sz, "%" PRIu64 " B", b);
	else
		snprintf(buf, sz, "%" PRIu64 ".%" PRIu64 " %s", whole, rem * 10 / 1024, units[u]);
	return buf;
}

ssize_t read_file(const char *path, char *buf, size_t sz)
{
	_cleanup_close_ int fd = -1;
	size_t len = 0;

	if (sz == 0)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n;
		if (len == sz - 1) {
			char c;
			n = read(fd, &c, 1);
			if (n == 0)
				break;
			return n < 0 ? -errno : -EFBIG;
		}
		n = read(fd, buf + len, sz - 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return (ssize_t)len;
}

ssize_t read_file_alloc(const char *path, char **ret_buf)
{
	_cleanup_close_ int fd = -1;
	char *buf = NULL;
	size_t len = 0, cap = 4096;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n;
		if (cap - len < 2) {
			char *nb;
			if (cap > (SIZE_MAX / 2))
				goto efbig;
			nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n < 0) {
			int e = errno;
			if (e == EINTR)
				continue;
			free(buf);
			return -e;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*ret_buf = buf;
	return (ssize_t)len;
efbig:
	free(buf);
	return -EFBIG;
}

int write_file(const char *path, const char *s)
{
	_cleanup_close_ int fd = -1;
	size_t len = strlen(s);
	ssize_t n;

	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	n = write(fd, s, len);
	if (n < 0)
		return -errno;
	if ((size_t)n != len)
		return -EIO;
	return 0;
}

uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

uint64_t realtime_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

int xsnprintf(char *buf, size_t sz, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sz, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n >= sz)
		return -ENAMETOOLONG;
	return n;
}

int path_join(char *buf, size_t sz, const char *a, const char *b)
{
	size_t la = strlen(a);
	while (la > 1 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	if (!*b)
		return xsnprintf(buf, sz, "%.*s", (int)la, a);
	return xsnprintf(buf, sz, "%.*s/%s", (int)la, a, b);
}

char *strip_trailing(char *s)
{
	size_t n = strlen(s);
	while (n > 0 &&
	       (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

bool startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

size_t utf8_seq(const unsigned char *s, size_t avail, uint32_t *ret_cp)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t cp;

	if (c < 0x80) {
		*ret_cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (n > avail)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*ret_cp = cp;
	return n;
}

const char *term_escape(const char *str, size_t len, char *buf, size_t sz, bool backslash)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t o = 0;

	if (sz < 4) {
		if (sz)
			buf[0] = '\0';
		return buf;
	}
	for (size_t i = 0; i < len && s[i];) {
		char tmp[16];
		size_t n, tl;
		uint32_t cp = 0;

		n = utf8_seq(s + i, len - i, &cp);
		if (n == 0 || cp < 0x20 || cp == 0x7f || (backslash && cp == '\\')) {
			tl = (size_t)snprintf(tmp, sizeof(tmp), "\\x%02x", s[i]);
			n = 1;
		} else if ((cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
			   (cp >= 0x2066 && cp <= 0x2069)) {
			tl = (size_t)snprintf(tmp, sizeof(tmp), "\\u{%04x}", (unsigned)cp);
		} else {
			memcpy(tmp, s + i, n);
			tl = n;
		}
		if (o + tl + 1 > sz || (o + tl + 4 > sz && i + n < len && s[i + n])) {
			/* no room for this and "..." */
			while (o + 4 > sz)
				o--;
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(buf + o, tmp, tl);
		o += tl;
		i += n;
	}
	buf[o] = '\0';
	return buf;
}

const char *term_safe_n(const char *s, size_t len, char *buf, size_t sz)
{
	return term_escape(s, len, buf, sz, false);
}

const char *term_safe(const char *s, char *buf, size_t sz)
{
	return term_safe_n(s ? s : "", s ? strlen(s) : 0, buf, sz);
}

// SPDX-License-Identifier: MIT
/*
 * /dev/kmsg records and text-log lines (see kmsg.h). The prefix stripper is written as a
 * handful of byte-level matchers: no regex, no allocation, no sscanf, one pass per prefix,
 * because `oomlab why --log` runs it on every line of logs that can be gigabytes long.
 */
#include "kmsg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "banned.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* digits at p (at most maxd) -> value; returns the count of digits, 0 if none or overflow */
static size_t take_u64(const char *p, const char *end, size_t maxd, uint64_t *ret)
{
	size_t n = 0;
	uint64_t v = 0;

	while (p + n < end && is_digit(p[n]) && n < maxd) {
		if (v > (UINT64_MAX - 9) / 10)
			return 0;
		v = v * 10 + (uint64_t)(p[n] - '0');
		n++;
	}
	if (n == 0 || (p + n < end && is_digit(p[n])))
		return 0;
	*ret = v;
	return n;
}

/*
 * "PRI,SEQ,TS,FLAGS[,more];" at p. Returns the prefix length (through ';') or 0.
 * The kernel has printed exactly this shape since 3.5 (devkmsg_read()).
 */
static size_t parse_raw_prefix(const char *p, const char *end, uint64_t *pri, uint64_t *seq,
			       uint64_t *ts, char *flag)
{
	const char *q = p;
	size_t n;

	n = take_u64(q, end, 4, pri);
	if (!n || q + n >= end || q[n] != ',')
		return 0;
	q += n + 1;
	n = take_u64(q, end, 20, seq);
	if (!n || q + n >= end || q[n] != ',')
		return 0;
	q += n + 1;
	n = take_u64(q, end, 20, ts);
	if (!n || q + n >= end || q[n] != ',')
		return 0;
	q += n + 1;
	if (q >= end)
		return 0;
	*flag = *q;
	/* flags, then optional further comma-separated fields (caller id on some kernels) */
	for (size_t i = 0; q + i < end && i < 64; i++) {
		if (q[i] == ';')
			return (size_t)(q + i + 1 - p);
		if (q[i] == ' ' || q[i] == '\n')
			return 0;
	}
	return 0;
}

int kmsg_parse_record(const char *buf, size_t len, struct kmsg_record *ret)
{
	uint64_t pri, seq, ts;
	char flag = '-';
	size_t n = parse_raw_prefix(buf, buf + len, &pri, &seq, &ts, &flag);
	const char *text, *nl;

	if (!n)
		return -EINVAL;
	text = buf + n;
	nl = memchr(text, '\n', len - n);
	ret->level = (int)(pri & 7);
	ret->facility = (int)(pri >> 3);
	ret->seq = seq;
	ret->ts_us = ts;
	ret->cont = flag == 'c';
	ret->text = text;
	ret->len = nl ? (size_t)(nl - text) : len - n;
	return 0;
}

size_t kmsg_unescape(const char *s, size_t len, char *out, size_t outsz)
{
	size_t o = 0;

	if (outsz == 0)
		return 0;
	for (size_t i = 0; i < len && o + 1 < outsz; i++) {
		if (s[i] == '\\' && i + 3 < len && s[i + 1] == 'x' && hexval(s[i + 2]) >= 0 &&
		    hexval(s[i + 3]) >= 0) {
			out[o++] = (char)(hexval(s[i + 2]) * 16 + hexval(s[i + 3]));
			i += 3;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return o;
}

/* "[ 4521.883412]" -> µs. Fractions of any length (dmesg --time-format or consoles cut them). */
static bool bracket_ts(const char *p, const char *e, uint64_t *ret)
{
	uint64_t sec = 0, frac = 0, scale = 1000000;
	size_t n;

	while (p < e && *p == ' ')
		p++;
	n = take_u64(p, e, 12, &sec);
	if (!n)
		return false;
	p += n;
	if (p >= e || *p != '.')
		return false;
	p++;
	for (n = 0; p < e && is_digit(*p); p++, n++) {
		if (n < 6) {
			scale /= 10;
			frac += (uint64_t)(*p - '0') * scale;
		}
	}
	if (n == 0 || p != e)
		return false;
	*ret = sec * 1000000 + frac;
	return true;
}

static bool caller_id(const char *p, const char *e)
{
	while (p < e && *p == ' ')
		p++;
	if (e - p < 2 || (*p != 'T' && *p != 'C'))
		return false;
	for (p++; p < e; p++)
		if (!is_digit(*p))
			return false;
	return true;
}

/* "[...]" prefixes; returns length consumed (with one following blank) or 0. */
static size_t strip_bracket(const char *p, const char *end, struct log_line *ret)
{
	const char *close;
	size_t inner;
	bool colon = false, ok = true;

	if (p >= end || *p != '[')
		return 0;
	close = memchr(p, ']', (size_t)(end - p) < 48 ? (size_t)(end - p) : 48);
	if (!close)
		return 0;
	inner = (size_t)(close - p - 1);
	if (inner == 0)
		return 0;
	if (bracket_ts(p + 1, close, &ret->ts_us)) {
		ret->have_ts = true;
	} else if (inner >= 2 && caller_id(p + 1, close)) {
		/* caller id "[T1234]", "[    C0]" (CONFIG_PRINTK_CALLER, printed as %6s) */
	} else {
		/* dmesg -T "[Mon Nov 25 10:00:00 2026]" or an ISO date in brackets */
		for (const char *q = p + 1; q < close; q++) {
			if (is_alpha(*q))
				continue;
			if (*q == ':')
				colon = true;
			else if (!is_digit(*q) && *q != ' ' && *q != '-' && *q != '+' && *q != ','
				 && *q != '.')
				ok = false;
		}
		if (!ok || !colon || inner < 8)
			return 0;
	}
	close++;
	if (close < end && *close == ' ')
		close++;
	return (size_t)(close - p);
}

static size_t strip_pri(const char *p, const char *end, struct log_line *ret)
{
	uint64_t v;
	size_t n;

	if (p >= end || *p != '<')
		return 0;
	n = take_u64(p + 1, end, 4, &v);
	if (!n || p + 1 + n >= end || p[1 + n] != '>')
		return 0;
	ret->level = (int)(v & 7);
	return n + 2;
}

static size_t strip_raw(const char *p, const char *end, struct log_line *ret)
{
	uint64_t pri, seq, ts;
	char flag;
	size_t n = parse_raw_prefix(p, end, &pri, &seq, &ts, &flag);

	if (!n)
		return 0;
	ret->level = (int)(pri & 7);
	ret->seq = seq;
	ret->ts_us = ts;
	ret->have_seq = ret->have_ts = true;
	ret->raw_record = true;
	return n;
}

/* "HH:MM:SS" then optional ".frac" or ",frac"; returns length or 0 */
static size_t take_clock(const char *p, const char *end)
{
	const char *q = p;

	if (end - p < 8 || !is_digit(p[0]) || !is_digit(p[1]) || p[2] != ':' || !is_digit(p[3]) ||
	    !is_digit(p[4]) || p[5] != ':' || !is_digit(p[6]) || !is_digit(p[7]))
		return 0;
	q += 8;
	if (q < end && (*q == '.' || *q == ',')) {
		q++;
		while (q < end && is_digit(*q))
			q++;
	}
	return (size_t)(q - p);
}

/* "2026-11-25T10:00:00[.frac][Z|+0000|+00:00]" -> length or 0 */
static size_t take_iso(const char *p, const char *end)
{
	const char *q = p;
	size_t n;

	if (end - p < 19)
		return 0;
	for (int i = 0; i < 10; i++)
		if ((i == 4 || i == 7) ? p[i] != '-' : !is_digit(p[i]))
			return 0;
	if (p[10] != 'T' && p[10] != ' ')
		return 0;
	q += 11;
	n = take_clock(q, end);
	if (!n)
		return 0;
	q += n;
	if (q < end && *q == 'Z') {
		q++;
	} else if (q < end && (*q == '+' || *q == '-')) {
		q++;
		while (q < end && (is_digit(*q) || *q == ':'))
			q++;
	}
	return (size_t)(q - p);
}

/* one token up to a blank; returns its length */
static size_t token(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && *q != ' ')
		q++;
	return (size_t)(q - p);
}

/*
 * After a syslog/journal time stamp: "host kernel: " (kernel) or "host prog[pid]: " (foreign).
 * strict: the "host tag:" pair must be there (syslog dates); otherwise it is optional
 * (dmesg --time-format=iso prints the text right after the stamp).
 */
static size_t strip_host_tag(const char *p, const char *end, bool strict, struct log_line *ret)
{
	const char *q = p;
	size_t h, t;

	h = token(q, end);
	if (h == 0 || q + h >= end)
		return strict ? (ret->foreign = true, (size_t)(end - p)) : 0;
	t = token(q + h + 1, end);
	if (t == 7 && memcmp(q + h + 1, "kernel:", 7) == 0) {
		q += h + 1 + t;
		if (q < end && *q == ' ')
			q++;
		return (size_t)(q - p);
	}
	if (strict) {
		ret->foreign = true;
		return (size_t)(end - p);
	}
	return 0;
}

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* "Nov 25 10:00:00[.123456] host kernel: " and ISO forms */
static size_t strip_syslog(const char *p, const char *end, struct log_line *ret)
{
	const char *q = p;
	size_t n;
	bool month = false;

	if (end - p >= 4 && is_alpha(p[0]) && p[3] == ' ') {
		for (size_t i = 0; i < ELEMENTSOF(months); i++)
			if (memcmp(p, months[i], 3) == 0)
				month = true;
		if (!month)
			return 0;
		q += 4;
		if (q < end && *q == ' ')
			q++;
		if (q < end && is_digit(*q))
			q++;
		if (q < end && is_digit(*q))
			q++;
		if (q >= end || *q != ' ')
			return 0;
		q++;
		n = take_clock(q, end);
		if (!n || q + n >= end || q[n] != ' ')
			return 0;
		q += n + 1;
		/* "Nov 25 10:00:00 2026 host kernel:"? not a format we know; fall through */
		return (size_t)(q - p) + strip_host_tag(q, end, true, ret);
	}
	n = take_iso(p, end);
	if (!n || p + n >= end || p[n] != ' ')
		return 0;
	q += n + 1;
	/* dmesg --time-format=iso writes a comma before the fraction and no host/tag;
	 * journalctl -o short-iso[-precise] and rsyslog write "host tag: " */
	return (size_t)(q - p) + strip_host_tag(q, end, !memchr(p, ',', n), ret);
}

/* dmesg -x: "kern  :err   : " */
static size_t strip_dmesg_x(const char *p, const char *end, struct log_line *ret)
{
	static const char *const levels[] = { "emerg", "alert", "crit", "err",
					      "warn", "notice", "info", "debug" };
	const char *q = p, *w;
	size_t n;

	while (q < end && is_alpha(*q))
		q++;
	n = (size_t)(q - p);
	if (n < 3 || n > 8)
		return 0;
	if (!(n == 4 && memcmp(p, "kern", 4) == 0) && !(n == 4 && memcmp(p, "user", 4) == 0) &&
	    !(n == 6 && memcmp(p, "daemon", 6) == 0) && !(n == 6 && memcmp(p, "syslog", 6) == 0))
		return 0;
	while (q < end && *q == ' ')
		q++;
	if (q >= end || *q != ':')
		return 0;
	w = ++q;
	while (q < end && is_alpha(*q))
		q++;
	n = (size_t)(q - w);
	for (size_t i = 0; i < ELEMENTSOF(levels); i++) {
		if (strlen(levels[i]) == n && memcmp(w, levels[i], n) == 0) {
			while (q < end && *q == ' ')
				q++;
			if (q >= end || *q != ':')
				return 0;
			q++;
			if (q < end && *q == ' ')
				q++;
			ret->level = (int)i;
			return (size_t)(q - p);
		}
	}
	return 0;
}

void kmsg_strip_prefix(const char *line, size_t len, struct log_line *ret)
{
	const char *p = line, *end = line + len;

	memset(ret, 0, sizeof(*ret));
	ret->level = -1;
	while (end > p && (end[-1] == '\r' || end[-1] == '\n'))
		end--;
	/* at most a few prefixes stack up: "Nov 25 ... kernel: [ 12.3] [T1] text" */
	for (int round = 0; round < 8 && p < end; round++) {
		size_t n = 0;

		switch (*p) {
		case '[':
			n = strip_bracket(p, end, ret);
			break;
		case '<':
			n = strip_pri(p, end, ret);
			break;
		case ' ':
			/* raw-record dictionary line " SUBSYSTEM=virtio": not kernel text */
			if (round == 0 && end - p > 2 && p[1] >= 'A' && p[1] <= 'Z') {
				const char *q = p + 1;
				while (q < end && ((*q >= 'A' && *q <= 'Z') || *q == '_' || is_digit(*q)))
					q++;
				if (q < end && *q == '=')
					ret->dict = true;
			}
			break;
		default:
			if (is_digit(*p)) {
				n = strip_raw(p, end, ret);
				if (!n)
					n = strip_syslog(p, end, ret);
			} else if (is_alpha(*p)) {
				n = strip_syslog(p, end, ret);
				if (!n)
					n = strip_dmesg_x(p, end, ret);
			}
			break;
		}
		if (!n)
			break;
		p += n;
		ret->had_prefix = true;
		if (ret->foreign || ret->raw_record)
			break; /* a raw record's text is the kernel's own, never a prefix */
	}
	ret->text = p;
	ret->len = (size_t)(end - p);
}

int kmsg_for_each_line(const char *buf, size_t len, kmsg_line_fn fn, void *userdata)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		int r = fn(p, n, userdata);

		if (r)
			return r;
		p += n + 1;
	}
	return 0;
}

int kmsg_open(const char *path, bool follow)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return -errno;
	if (follow && lseek(fd, 0, SEEK_END) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

ssize_t kmsg_read_record(int fd, char *buf, size_t sz)
{
	for (;;) {
		ssize_t n = read(fd, buf, sz - 1);

		if (n >= 0) {
			buf[n] = '\0';
			return n;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN)
			return 0;
		return -errno;
	}
}

/* Pipes and other streams: 1 MiB reads, a line that spans two reads is carried over. */
#define LOG_CHUNK (1u << 20)
#define LOG_LINE_MAX (64u << 10)

static int read_stream(int fd, kmsg_line_fn fn, void *userdata, bool chunks)
{
	_cleanup_free_ char *buf = malloc(LOG_CHUNK + LOG_LINE_MAX);
	size_t have = 0;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n = read(fd, buf + have, LOG_CHUNK + LOG_LINE_MAX - have);
		const char *p, *last;
		int r;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return have ? fn(buf, have, userdata) : 0;
		have += (size_t)n;
		p = buf;
		last = memrchr(buf, '\n', have);
		if (!last) {
			if (have < LOG_CHUNK + LOG_LINE_MAX)
				continue;
			/* an absurdly long line: hand over what we have, cut */
			r = fn(buf, have, userdata);
			if (r)
				return r;
			have = 0;
			continue;
		}
		r = chunks ? fn(p, (size_t)(last + 1 - p), userdata) :
			     kmsg_for_each_line(p, (size_t)(last - p), fn, userdata);
		if (r)
			return r;
		have -= (size_t)(last + 1 - buf);
		memmove(buf, last + 1, have);
	}
}

static int read_log(const char *path, kmsg_line_fn fn, void *userdata, bool chunks)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	void *map;
	int r;

	if (strcmp(path, "-") == 0)
		return read_stream(STDIN_FILENO, fn, userdata, chunks);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_size == 0)
		return read_stream(fd, fn, userdata, chunks);
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		return read_stream(fd, fn, userdata, chunks);
	(void)madvise(map, (size_t)st.st_size, MADV_SEQUENTIAL);
	r = chunks ? fn(map, (size_t)st.st_size, userdata) :
		     kmsg_for_each_line(map, (size_t)st.st_size, fn, userdata);
	munmap(map, (size_t)st.st_size);
	return r;
}

int kmsg_read_log(const char *path, kmsg_line_fn fn, void *userdata)
{
	return read_log(path, fn, userdata, false);
}

int kmsg_read_log_chunks(const char *path, kmsg_line_fn fn, void *userdata)
{
	return read_log(path, fn, userdata, true);
}

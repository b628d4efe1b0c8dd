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
#include <sys/stat.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

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

static void copy_tag(struct log_line *l, const char *s, size_t n)
{
	if (n >= sizeof(l->tag))
		n = sizeof(l->tag) - 1;
	memcpy(l->tag, s, n);
	l->tag[n] = '\0';
}

/* ---- wall-clock dates ---- */

/*
 * Month abbreviations as strftime("%b") writes them in the locales syslog files are most
 * often written in (en, de, fr, es, it, pt, nl, pl, sv, ru): a log from a host with a
 * German locale says "Dez", a French one "déc.". Compared lowercased, without a final '.'.
 */
static const struct {
	const char *name;
	int mon;
} month_names[] = {
	{ "jan", 1 },
	{ "feb", 2 },
	{ "mar", 3 },
	{ "apr", 4 },
	{ "may", 5 },
	{ "jun", 6 },
	{ "jul", 7 },
	{ "aug", 8 },
	{ "sep", 9 },
	{ "oct", 10 },
	{ "nov", 11 },
	{ "dec", 12 },
	/* de */
	{ "m\xc3\xa4r", 3 },
	{ "mrz", 3 },
	{ "mai", 5 },
	{ "okt", 10 },
	{ "dez", 12 },
	/* fr */
	{ "janv", 1 },
	{ "f\xc3\xa9vr", 2 },
	{ "f\xc3\xa9v", 2 },
	{ "mars", 3 },
	{ "avr", 4 },
	{ "avril", 4 },
	{ "juin", 6 },
	{ "juil", 7 },
	{ "ao\xc3\xbbt", 8 },
	{ "sept", 9 },
	{ "d\xc3\xa9"
	  "c",
	  12 },
	/* es, it, pt */
	{ "ene", 1 },
	{ "abr", 4 },
	{ "ago", 8 },
	{ "dic", 12 },
	{ "gen", 1 },
	{ "mag", 5 },
	{ "giu", 6 },
	{ "lug", 7 },
	{ "set", 9 },
	{ "ott", 10 },
	{ "fev", 2 },
	{ "out", 10 },
	/* nl, sv, pl */
	{ "mrt", 3 },
	{ "mei", 5 },
	{ "maj", 5 },
	{ "juni", 6 },
	{ "juli", 7 },
	{ "sty", 1 },
	{ "lut", 2 },
	{ "kwi", 4 },
	{ "cze", 6 },
	{ "lip", 7 },
	{ "sie", 8 },
	{ "wrz", 9 },
	{ "pa\xc5\xba", 10 },
	{ "lis", 11 },
	{ "gru", 12 },
	/* ru */
	{ "\xd1\x8f\xd0\xbd\xd0\xb2", 1 },
	{ "\xd1\x84\xd0\xb5\xd0\xb2", 2 },
	{ "\xd0\xbc\xd0\xb0\xd1\x80", 3 },
	{ "\xd0\xb0\xd0\xbf\xd1\x80", 4 },
	{ "\xd0\xbc\xd0\xb0\xd1\x8f", 5 },
	{ "\xd0\xb8\xd1\x8e\xd0\xbd", 6 },
	{ "\xd0\xb8\xd1\x8e\xd0\xbb", 7 },
	{ "\xd0\xb0\xd0\xb2\xd0\xb3", 8 },
	{ "\xd1\x81\xd0\xb5\xd0\xbd", 9 },
	{ "\xd0\xbe\xd0\xba\xd1\x82", 10 },
	{ "\xd0\xbd\xd0\xbe\xd1\x8f", 11 },
	{ "\xd0\xb4\xd0\xb5\xd0\xba", 12 },
};

static bool is_word_byte(char c)
{
	return is_alpha(c) || (unsigned char)c >= 0x80;
}

/* a month name at p (letters or UTF-8 bytes, optional '.'); returns its length, 0 if none */
static size_t take_month(const char *p, const char *end, int *mon)
{
	char low[16];
	size_t n = 0, len;

	while (p + n < end && is_word_byte(p[n]) && n < sizeof(low) - 1) {
		char c = p[n];
		low[n] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
		n++;
	}
	/* the longest name is 6 bytes (Cyrillic): most words of a line stop here */
	if (n < 3 || n > 6 || (p + n < end && is_word_byte(p[n])))
		return 0;
	low[n] = '\0';
	len = n;
	if (p + n < end && p[n] == '.')
		len++;
	for (size_t i = 0; i < ELEMENTSOF(month_names); i++)
		if (low[0] == month_names[i].name[0] && strcmp(low, month_names[i].name) == 0) {
			*mon = month_names[i].mon;
			return len;
		}
	return 0;
}

static const char *const wdays[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };

static bool take_2d(const char *p, const char *end, int *ret)
{
	if (end - p < 2 || !is_digit(p[0]) || !is_digit(p[1]))
		return false;
	*ret = (p[0] - '0') * 10 + (p[1] - '0');
	return true;
}

/* "HH:MM:SS" then optional ".frac" or ",frac"; returns length or 0 */
static size_t take_clock_w(const char *p, const char *end, struct log_wall *w)
{
	const char *q = p;
	int h, m, s;

	if (end - p < 8 || !take_2d(p, end, &h) || p[2] != ':' || !take_2d(p + 3, end, &m) ||
	    p[5] != ':' || !take_2d(p + 6, end, &s) || h > 23 || m > 59 || s > 60)
		return 0;
	q += 8;
	if (w) {
		w->hour = h;
		w->min = m;
		w->sec = s;
		w->usec = 0;
	}
	if (q < end && (*q == '.' || *q == ',') && q + 1 < end && is_digit(q[1])) {
		uint32_t scale = 1000000, us = 0;
		q++;
		while (q < end && is_digit(*q)) {
			if (scale > 1) {
				scale /= 10;
				us += (uint32_t)(*q - '0') * scale;
			}
			q++;
		}
		if (w)
			w->usec = us;
	}
	return (size_t)(q - p);
}

/* "Z", "+0000", "+00:00", "-05:30" -> length, offset in minutes */
static size_t take_tz(const char *p, const char *end, struct log_wall *w)
{
	int hh, mm;
	const char *q = p;

	if (q < end && *q == 'Z') {
		w->have_tz = true;
		w->tz_min = 0;
		return 1;
	}
	if (q >= end || (*q != '+' && *q != '-') || !take_2d(q + 1, end, &hh))
		return 0;
	q += 3;
	if (q < end && *q == ':')
		q++;
	if (!take_2d(q, end, &mm))
		return 0;
	q += 2;
	w->have_tz = true;
	w->tz_min = (p[0] == '-' ? -1 : 1) * (hh * 60 + mm);
	return (size_t)(q - p);
}

/* "2026-11-25T10:00:00[.frac][Z|+0000|+00:00]" (also with ' ' for 'T') -> length or 0 */
static size_t take_iso_w(const char *p, const char *end, struct log_wall *w)
{
	struct log_wall t = { 0 };
	const char *q = p;
	size_t n;

	if (end - p < 19)
		return 0;
	for (int i = 0; i < 10; i++)
		if ((i == 4 || i == 7) ? p[i] != '-' : !is_digit(p[i]))
			return 0;
	if (p[10] != 'T' && p[10] != ' ')
		return 0;
	t.year = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
	t.mon = (p[5] - '0') * 10 + (p[6] - '0');
	t.mday = (p[8] - '0') * 10 + (p[9] - '0');
	if (t.mon < 1 || t.mon > 12 || t.mday < 1 || t.mday > 31)
		return 0;
	q += 11;
	n = take_clock_w(q, end, &t);
	if (!n)
		return 0;
	q += n;
	q += take_tz(q, end, &t);
	t.have = t.have_year = true;
	if (w)
		*w = t;
	return (size_t)(q - p);
}

/*
 * "Nov 25 10:00:00[.frac]", "Nov  5 10:00:00", "nov. 25 10:00:00", optionally with a year
 * after the time ("Nov 25 10:00:00 2026", some syslog daemons) -> length or 0.
 */
static size_t take_bsd_date(const char *p, const char *end, struct log_wall *w)
{
	struct log_wall t = { 0 };
	const char *q = p;
	size_t n;
	uint64_t day;

	n = take_month(q, end, &t.mon);
	if (!n)
		return 0;
	q += n;
	if (q >= end || *q != ' ')
		return 0;
	while (q < end && *q == ' ')
		q++;
	n = take_u64(q, end, 2, &day);
	if (!n || day < 1 || day > 31)
		return 0;
	t.mday = (int)day;
	q += n;
	if (q >= end || *q != ' ')
		return 0;
	q++;
	n = take_clock_w(q, end, &t);
	if (!n)
		return 0;
	q += n;
	if (end - q >= 5 && q[0] == ' ' && is_digit(q[1]) && is_digit(q[2]) && is_digit(q[3]) &&
	    is_digit(q[4]) && (end - q == 5 || q[5] == ' ')) {
		t.year =
			(q[1] - '0') * 1000 + (q[2] - '0') * 100 + (q[3] - '0') * 10 + (q[4] - '0');
		t.have_year = true;
		q += 5;
	}
	t.have = true;
	if (w)
		*w = t;
	return (size_t)(q - p);
}

/* ctime: "Wed Nov 25 10:00:00 2026" (dmesg -T, --time-format=ctime), or without weekday */
static size_t take_ctime(const char *p, const char *end, struct log_wall *w)
{
	const char *q = p;

	for (size_t i = 0; i < ELEMENTSOF(wdays); i++)
		if (end - p >= 4 && memcmp(p, wdays[i], 3) == 0 && p[3] == ' ') {
			q += 4;
			break;
		}
	return q == p ? 0 : (size_t)(q - p) + take_bsd_date(q, end, w);
}

/* journalctl -o short-full / verbose: "Wed 2026-11-25 10:00:00.123456 UTC" */
static size_t take_full_date(const char *p, const char *end, struct log_wall *w)
{
	const char *q = p;
	size_t n;

	for (size_t i = 0; i < ELEMENTSOF(wdays); i++)
		if (end - p >= 4 && memcmp(p, wdays[i], 3) == 0 && p[3] == ' ') {
			q += 4;
			break;
		}
	if (q == p)
		return 0;
	n = take_iso_w(q, end, w);
	if (!n)
		return 0;
	q += n;
	if (end - q >= 4 && memcmp(q, " UTC", 4) == 0) {
		w->have_tz = true;
		w->tz_min = 0;
		q += 4;
	} else if (q < end && *q == ' ') {
		/* a zone abbreviation ("CET"): taken as local time */
		const char *z = q + 1;
		while (z < end && *z >= 'A' && *z <= 'Z')
			z++;
		if (z - q >= 3 && z - q <= 6)
			q = z;
	}
	return (size_t)(q - p);
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil) */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int kmsg_wall_to_us(const struct log_wall *w, int default_year, long tz_local_min, int64_t *ret)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int64_t t;
	int year;

	if (!w->have)
		return -ENODATA;
	if (w->epoch) {
		*ret = w->epoch_us;
		return 0;
	}
	year = w->have_year ? w->year : default_year;
	if (year < 1970 || year > 9999 || w->mon < 1 || w->mon > 12 || w->mday < 1 ||
	    w->mday > mdays[w->mon - 1] + (w->mon == 2 && leap(year)))
		return -ERANGE;
	t = days_from_civil(year, w->mon, w->mday) * 86400 + w->hour * 3600 + w->min * 60 + w->sec;
	t -= (int64_t)(w->have_tz ? w->tz_min : tz_local_min) * 60;
	*ret = t * 1000000 + (int64_t)w->usec;
	return 0;
}

size_t kmsg_parse_date(const char *s, size_t len, struct log_wall *ret)
{
	size_t n;

	memset(ret, 0, sizeof(*ret));
	n = take_full_date(s, s + len, ret);
	if (!n)
		n = take_iso_w(s, s + len, ret);
	if (!n)
		n = take_ctime(s, s + len, ret);
	if (!n)
		n = take_bsd_date(s, s + len, ret);
	return n;
}

/* ---- prefixes ---- */

/* "[...]" prefixes; returns length consumed (with one following blank) or 0. */
static size_t strip_bracket(const char *p, const char *end, struct log_line *ret)
{
	const char *close, *in;
	size_t inner;
	bool colon = false, ok = true;
	uint64_t ts;

	if (p >= end || *p != '[')
		return 0;
	close = memchr(p, ']', (size_t)(end - p) < 64 ? (size_t)(end - p) : 64);
	if (!close)
		return 0;
	in = p + 1;
	if (close <= in)
		return 0;
	inner = (size_t)(close - in);
	if (bracket_ts(in, close, &ts)) {
		ret->ts_us = ts;
		ret->have_ts = true;
	} else if (inner >= 2 && caller_id(in, close)) {
		/* caller id "[T1234]", "[    C0]" (CONFIG_PRINTK_CALLER, printed as %6s) */
	} else {
		const char *lt = memchr(in, '<', inner);
		const char *q = in;

		while (q < close && *q == ' ')
			q++;
		/* dmesg -d "[  123.456 <    0.000123>]": the time, then the delta */
		if (lt && lt > q && close[-1] == '>' && bracket_ts(in, lt - 1, &ts) &&
		    lt[-1] == ' ') {
			ret->ts_us = ts;
			ret->have_ts = true;
			goto done;
		}
		/* delta forms: "[<    0.000123>]" (--time-format=delta), "[  +0.000123]" (-H, reltime) */
		if ((q < close && *q == '<' && close[-1] == '>') || (q < close && *q == '+')) {
			const char *d = q + 1;
			while (d < close && *d == ' ')
				d++;
			if (bracket_ts(d, *q == '<' ? close - 1 : close, &ts))
				goto done;
		}
		/* dates: dmesg -T/ctime "[Mon Nov 25 10:00:00 2026]", ISO, reltime "[Nov25 10:00]" */
		if (take_ctime(q, close, &ret->wall) || take_iso_w(q, close, &ret->wall))
			goto done;
		for (q = in; q < close; q++) {
			if (is_alpha(*q))
				continue;
			if (*q == ':')
				colon = true;
			else if (!is_digit(*q) && *q != ' ' && *q != '-' && *q != '+' &&
				 *q != ',' && *q != '.')
				ok = false;
		}
		if (!ok || !colon || inner < 8)
			return 0;
		{
			/* reltime "[Nov25 10:00]": month, day, hours and minutes; no year */
			struct log_wall w = { 0 };
			size_t n = take_month(in, close, &w.mon);
			uint64_t day;
			size_t dn = n ? take_u64(in + n, close, 2, &day) : 0;
			const char *t = in + n + dn;
			int hh, mm;
			if (n && dn && day >= 1 && day <= 31 && t + 6 == close && t[0] == ' ' &&
			    take_2d(t + 1, close, &hh) && t[3] == ':' &&
			    take_2d(t + 4, close, &mm)) {
				w.mday = (int)day;
				w.hour = hh;
				w.min = mm;
				w.have = true;
				ret->wall = w;
			}
		}
	}
done:
	close++;
	if (close < end && (*close == ' ' || *close == '\t'))
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
	if (!n || p + 1 + n >= end || p[1 + n] != '>' || v > 191)
		return 0;
	ret->level = (int)(v & 7);
	if (v >> 3)
		ret->facility = (int)(v >> 3);
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
	/* a record userspace wrote to /dev/kmsg has its own facility (1 = user, 3 = daemon) */
	if (pri >> 3) {
		ret->facility = (int)(pri >> 3);
		ret->foreign = true;
		copy_tag(ret, "facility", 8);
	}
	return n;
}

/* one token up to a blank; returns its length */
static size_t token(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && *q != ' ')
		q++;
	return (size_t)(q - p);
}

/* "name[123]:" -> true (a syslog tag with a pid: a program, never the kernel) */
static bool tag_with_pid(const char *t, size_t n)
{
	const char *lb;

	if (n < 5 || t[n - 1] != ':' || t[n - 2] != ']')
		return false;
	lb = memrchr(t, '[', n);
	if (!lb || lb == t || lb + 1 >= t + n - 2)
		return false;
	for (const char *q = lb + 1; q < t + n - 2; q++)
		if (!is_digit(*q))
			return false;
	return true;
}

static bool is_kernel_tag(const char *t, size_t n)
{
	return (n == 7 && memcmp(t, "kernel:", 7) == 0) ||
	       (n >= 10 && memcmp(t, "kernel[", 7) == 0 && tag_with_pid(t, n));
}

/*
 * After a syslog/journal time stamp: "host kernel: " (kernel), "kernel: " (RFC 3164 without
 * host), or "host prog[pid]: " / "host prog: " (foreign). A netconsole receiver's
 * "10.0.0.5:6666 " sits there instead (the kernel's text and its "[ ts]" follow).
 * strict: the "host tag:" pair must be there (syslog dates); otherwise it is optional
 * (dmesg --time-format=iso prints the text right after the stamp).
 */
static size_t strip_host_tag(const char *p, const char *end, bool strict, struct log_line *ret)
{
	const char *q = p;
	size_t h, t;

	h = token(q, end);
	if (h == 0)
		return 0;
	if (is_kernel_tag(q, h)) {
		q += h;
		if (q < end && *q == ' ')
			q++;
		ret->kernel_tag = true;
		return (size_t)(q - p);
	}
	if (q + h >= end)
		goto nohost;
	t = token(q + h + 1, end);
	if (is_kernel_tag(q + h + 1, t)) {
		q += h + 1 + t;
		if (q < end && *q == ' ')
			q++;
		ret->kernel_tag = true;
		return (size_t)(q - p);
	}
	/* "host prog[pid]:" or, with a syslog date, "host prog:" */
	if (t > 1 && q[h + t] == ':' && (strict || tag_with_pid(q + h + 1, t))) {
		const char *lb = memchr(q + h + 1, '[', t);
		ret->foreign = true;
		copy_tag(ret, q + h + 1, lb ? (size_t)(lb - q - h - 1) : t - 1);
		q += h + 1 + t;
		return (size_t)(q - p) + (q < end);
	}
	if (h > 1 && tag_with_pid(q, h)) {
		ret->foreign = true;
		copy_tag(ret, q, (size_t)((const char *)memchr(q, '[', h) - q));
		q += h;
		return (size_t)(q - p) + (q < end);
	}
nohost:
	/* netconsole receivers: "192.168.1.5:6666 " or "[fe80::1]:6666 " after the date */
	if (h >= 5 && memchr(q, ':', h)) {
		bool addr = true;
		for (size_t i = 0; i < h; i++)
			if (!is_digit(q[i]) && q[i] != '.' && q[i] != ':' && q[i] != '[' &&
			    q[i] != ']' && !(q[i] >= 'a' && q[i] <= 'f') &&
			    !(q[i] >= 'A' && q[i] <= 'F'))
				addr = false;
		if (addr && is_digit(q[h - 1]))
			return h + (q + h < end ? 1 : 0);
	}
	return 0;
}

/* "Nov 25 10:00:00[.123456] host kernel: " and ISO forms */
static size_t strip_syslog(const char *p, const char *end, struct log_line *ret)
{
	struct log_wall w = { 0 };
	const char *q = p;
	size_t n;

	n = take_bsd_date(p, end, &w);
	if (!n)
		n = take_full_date(p, end, &w);
	if (n) {
		if (p + n >= end || p[n] != ' ')
			return 0;
		ret->wall = w;
		q += n + 1;
		return (size_t)(q - p) + strip_host_tag(q, end, true, ret);
	}
	n = take_iso_w(p, end, &w);
	if (!n || p + n >= end || p[n] != ' ')
		return 0;
	ret->wall = w;
	q += n + 1;
	/* dmesg --time-format=iso writes a comma before the fraction and no host/tag;
	 * journalctl -o short-iso[-precise] and rsyslog write "host tag: " */
	return (size_t)(q - p) + strip_host_tag(q, end, !memchr(p, ',', n), ret);
}

/* journalctl -o short-unix: "1732528800.123456 host kernel: " */
static size_t strip_unix(const char *p, const char *end, struct log_line *ret)
{
	uint64_t sec, frac = 0;
	size_t n = take_u64(p, end, 12, &sec), f;
	const char *q = p + n;

	if (n < 9 || q >= end || *q != '.')
		return 0;
	q++;
	f = take_u64(q, end, 9, &frac);
	if (!f || q + f >= end || q[f] != ' ')
		return 0;
	for (size_t i = f; i < 6; i++)
		frac *= 10;
	for (size_t i = 6; i < f; i++)
		frac /= 10;
	q += f + 1;
	n = strip_host_tag(q, end, true, ret);
	if (!n && !ret->foreign)
		return 0;
	ret->wall.have = ret->wall.epoch = true;
	ret->wall.epoch_us = (int64_t)(sec * 1000000 + frac);
	return (size_t)(q - p) + n;
}

/* RFC 5424 after "<PRI>": "1 2026-11-25T10:00:00.1+00:00 host kernel - - - " */
static size_t strip_rfc5424(const char *p, const char *end, struct log_line *ret)
{
	const char *q = p, *app;
	size_t n, a;

	if (end - p < 4 || p[0] != '1' || p[1] != ' ')
		return 0;
	q += 2;
	n = take_iso_w(q, end, &ret->wall);
	if (!n && !(q < end && *q == '-'))
		return 0;
	q += n ? n : 1;
	if (q >= end || *q != ' ')
		return 0;
	q++;
	q += token(q, end); /* HOSTNAME */
	if (q >= end)
		return 0;
	app = ++q;
	a = token(q, end);
	q += a;
	for (int i = 0; i < 2 && q < end; i++) /* PROCID MSGID */
		q += 1 + token(q + 1, end);
	if (q < end)
		q++;
	/* STRUCTURED-DATA: "-" or "[id k="v"]..." */
	if (q < end && *q == '-') {
		q++;
	} else {
		while (q < end && *q == '[') {
			const char *c = memchr(q, ']', (size_t)(end - q));
			if (!c)
				return 0;
			q = c + 1;
		}
	}
	if (q < end && *q == ' ')
		q++;
	if (a == 6 && memcmp(app, "kernel", 6) == 0) {
		ret->kernel_tag = true;
	} else {
		ret->foreign = true;
		copy_tag(ret, app, a);
	}
	return (size_t)(q - p);
}

/* dmesg -x: "kern  :err   : " */
static size_t strip_dmesg_x(const char *p, const char *end, struct log_line *ret)
{
	static const char *const levels[] = { "emerg", "alert",	 "crit", "err",
					      "warn",  "notice", "info", "debug" };
	const char *q = p, *w;
	size_t n;
	bool kern;

	while (q < end && is_alpha(*q))
		q++;
	n = (size_t)(q - p);
	if (n < 3 || n > 8)
		return 0;
	kern = n == 4 && memcmp(p, "kern", 4) == 0;
	if (!kern && !(n == 4 && memcmp(p, "user", 4) == 0) &&
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
			if (!kern) {
				/* dmesg -x shows userspace's /dev/kmsg writes with their facility */
				ret->foreign = true;
				copy_tag(ret, p, (size_t)(w - 1 - p));
			}
			return (size_t)(q - p);
		}
	}
	return 0;
}

/*
 * Decoration a paste adds in front of the log's own prefix: e-mail quoting ("> ", "> > ",
 * ">>"), indentation and tabs, Markdown/JIRA code fences glued to the text ("```[ 1.0] …",
 * "{code}…", "{noformat}"), table pipes, a JSON-seq record separator, line numbers
 * ("12: ", "12 | ", cat -n's "    12\t"). Returns the length to skip.
 */
static size_t strip_decoration(const char *p, const char *end)
{
	const char *q = p;

	for (int round = 0; round < 16 && q < end; round++) {
		const char *s = q;

		while (q < end && (*q == ' ' || *q == '\t' || *q == '>' || *q == '|' ||
				   *q == '\x1e' || *q == '\f' || *q == '\v'))
			q++;
		if (end - q >= 3 && memcmp(q, "```", 3) == 0) {
			q += 3;
			continue;
		}
		if (q < end && *q == '{') {
			static const char *const fences[] = { "{code}", "{noformat}", "{quote}" };
			bool hit = false;
			for (size_t i = 0; i < ELEMENTSOF(fences); i++) {
				size_t n = strlen(fences[i]);
				if ((size_t)(end - q) >= n && memcmp(q, fences[i], n) == 0) {
					q += n;
					hit = true;
				}
			}
			/* "{code:bash}", "{code:title=dmesg}" */
			if (!hit && end - q >= 6 && memcmp(q, "{code:", 6) == 0) {
				const char *c = memchr(
					q, '}', (size_t)(end - q) < 64 ? (size_t)(end - q) : 64);
				if (c) {
					q = c + 1;
					hit = true;
				}
			}
			if (hit)
				continue;
		}
		/* a line number: digits, then ':', '|', ')' or a tab / two blanks */
		if (q < end && is_digit(*q)) {
			const char *d = q;
			while (d < end && is_digit(*d) && d - q < 7)
				d++;
			if (d < end &&
			    (*d == '\t' ||
			     ((*d == ':' || *d == '|' || *d == ')') && d + 1 < end &&
			      (d[1] == ' ' || d[1] == '\t' || d[1] == '[')) ||
			     (d + 1 < end && d[0] == ' ' && d[1] == ' ' && round == 0 && s == p))) {
				/* not a raw record "6,123,…;" nor a date "2026-…", nor "12:00:00" */
				q = d + 1;
				continue;
			}
		}
		if (q == s)
			break;
	}
	return (size_t)(q - p);
}

/*
 * "host: " in front of a line (pdsh, clush, ansible), only where a time stamp or a
 * priority follows: a kernel line itself may start with "word: " ("oom_reaper: ").
 */
static size_t strip_pdsh(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && (is_alpha(*q) || is_digit(*q) || *q == '-' || *q == '.' || *q == '_'))
		q++;
	if (q == p || q - p > 64 || end - q < 3 || q[0] != ':' || q[1] != ' ')
		return 0;
	q += 2;
	while (q < end && *q == ' ')
		q++;
	if (q < end && (*q == '[' || *q == '<' || is_digit(*q) || take_month(q, end, &(int){ 0 })))
		return (size_t)(q - p);
	return 0;
}

/* ---- anchors: the kernel's own OOM vocabulary, wherever it stands ---- */

enum {
	A_START,   /* the message starts at the anchor */
	A_HEADER,  /* "<comm> invoked oom-killer:": starts at the comm before it */
	A_CPU,	   /* "CPU: N ... PID: ": needs a digit after it */
	A_TASKHDR, /* "[  pid  ]" */
	A_TASKIN,  /* "Task in " ... " killed as a result of limit of " */
	A_MESSAGE, /* OOM report lines that also count as mentions (kill, summary, ...) */
};

static const struct {
	const char *s;
	unsigned char len, kind;
	bool mention;
} anchors[] = {
#define A(str, kind, m)                                                                            \
	{                                                                                          \
		str, sizeof(str) - 1, kind, m                                                      \
	}
	A("Memory cgroup out of memory", A_START, true),
	A("Out of memory", A_START, true),
	A("Out of Memory: ", A_START, true),
	A("Killed process ", A_START, true),
	A("Kill process ", A_START, true),
	A("kill process ", A_START, true),
	A("oom-kill:", A_START, true),
	A(" invoked oom-killer: ", A_HEADER, true),
	A("oom-killer: gfp_mask=", A_START, true),
	A("memory: usage ", A_START, false),
	A("Task in ", A_TASKIN, false),
	A("Tasks state", A_START, false),
	A("Memory cgroup stats for ", A_START, false),
	A("Tasks in ", A_START, false),
	A("oom_reaper: ", A_START, false),
	A("CPU: ", A_CPU, false),
	A("pid ", A_TASKHDR, false),
#undef A
};

/* "[  pid  ]" around the "pid " at q: returns the '[' or NULL */
static const char *task_header_at(const char *text, const char *q, const char *end)
{
	const char *b = q, *c = q + 3;

	while (b > text && b[-1] == ' ')
		b--;
	if (b == text || b[-1] != '[')
		return NULL;
	while (c < end && *c == ' ')
		c++;
	return (c < end && *c == ']') ? b - 1 : NULL;
}

/* a task-table row "[  3916]     0  3916 …" starting at q */
static bool task_row_at(const char *q, const char *end)
{
	const char *d;

	if (q >= end || *q != '[')
		return false;
	d = q + 1;
	while (d < end && *d == ' ')
		d++;
	if (d >= end || !is_digit(*d))
		return false;
	while (d < end && is_digit(*d))
		d++;
	while (d < end && *d == ' ')
		d++;
	return end - d >= 3 && d[0] == ']' && d[1] == ' ' && (d[2] == ' ' || is_digit(d[2]));
}

/* the invoker's comm before " invoked oom-killer: " at h: at most 15 bytes (TASK_COMM_LEN) */
static const char *header_start(const char *text, const char *h)
{
	const char *s = text;

	for (const char *q = text; q + 1 < h; q++)
		if ((q[0] == ':' || q[0] == ']' || q[0] == '"' || q[0] == '\t') && q[1] == ' ')
			s = q + 2;
	while (s < h && (*s == ' ' || *s == '\t'))
		s++;
	if (h - s > 15) {
		const char *t = h - 15;
		while (t < h && t[-1] != ' ')
			t++;
		s = t < h ? t : h - 15;
	}
	return s;
}

/*
 * The first occurrence of every anchor in t[0..len), in one pass: a byte that can start an
 * anchor (most bytes of a line cannot) is compared with the anchors that start with it.
 * memmem once per anchor was 17 passes over every line of a report (docs/OOM-REPORT.md,
 * "Speed").
 */
#define NANCHORS ELEMENTSOF(anchors)
_Static_assert(ELEMENTSOF(anchors) < 32, "anchor masks are 32 bits");
static uint32_t anchor_first[256];
static uint32_t mention_mask;
/* the byte pairs an anchor (or a '[', a '\\') starts with: one bit each, 8 KiB */
static uint8_t anchor_pair[65536 / 8];

/* the same pairs as a list, for the vector filter */
static char pair0[NANCHORS], pair1[NANCHORS];
static unsigned npairs;

static void set_pair(unsigned a, unsigned b)
{
	unsigned k = a << 8 | b;

	anchor_pair[k >> 3] |= (uint8_t)(1u << (k & 7));
}

static bool pair_at(const unsigned char *u)
{
	unsigned k = (unsigned)u[0] << 8 | u[1];

	return anchor_pair[k >> 3] & (1u << (k & 7));
}

#define BYTE_BRACKET (1u << 30) /* '[': a task-table row or its header */
#define BYTE_ESCAPE (1u << 31)	/* '\\': an escape ("\\x20") can hide an anchor */

__attribute__((constructor)) static void anchor_table(void)
{
	for (size_t i = 0; i < NANCHORS; i++) {
		anchor_first[(unsigned char)anchors[i].s[0]] |= 1u << i;
		if (anchors[i].mention)
			mention_mask |= 1u << i;
	}
	anchor_first['['] |= BYTE_BRACKET;
	anchor_first['\\'] |= BYTE_ESCAPE;
	for (size_t i = 0; i < NANCHORS; i++) {
		if (!pair_at((const unsigned char *)anchors[i].s)) {
			pair0[npairs] = anchors[i].s[0];
			pair1[npairs++] = anchors[i].s[1];
		}
		set_pair((unsigned char)anchors[i].s[0], (unsigned char)anchors[i].s[1]);
	}
	for (unsigned b = 0; b < 256; b++) {
		set_pair('[', b);
		set_pair('\\', b);
	}
}

/* q[i]: the first occurrence of anchors[i] or NULL; only anchors in want are looked for */
static uint32_t anchor_hits(const char *t, size_t len, uint32_t want, const char **q)
{
	const unsigned char *u = (const unsigned char *)t;
	uint32_t found = 0;

	/* every anchor is at least 4 bytes: none starts at the last byte */
	for (size_t i = 0; i + 1 < len && found != want; i++) {
		uint32_t m;

		if (!pair_at(u + i))
			continue;
		m = anchor_first[u[i]] & want & ~found;
		while (m) {
			unsigned a = (unsigned)__builtin_ctz(m);
			m &= m - 1;
			if (anchors[a].len <= len - i && t[i + 1] == anchors[a].s[1] &&
			    memcmp(t + i, anchors[a].s, anchors[a].len) == 0) {
				q[a] = t + i;
				found |= 1u << a;
			}
		}
	}
	return found;
}

/* at s[i], whose byte pair is in the table: an anchor, a row or its header, an escape? */
static bool hold_at(const char *s, size_t len, size_t i)
{
	uint32_t m = anchor_first[(unsigned char)s[i]];

	if (m & BYTE_ESCAPE)
		return true;
	if (m & BYTE_BRACKET) {
		/* a row, or a column header ("[  pid  ]", also "[pid]") */
		const char *c = memchr(s + i, ']', len - i < 32 ? len - i : 32);
		if (task_row_at(s + i, s + len))
			return true;
		for (const char *q = s + i + 1; c && q + 3 <= c; q++)
			if (q[0] == 'p' && q[1] == 'i' && q[2] == 'd')
				return true;
	}
	for (m &= ~(BYTE_BRACKET | BYTE_ESCAPE); m; m &= m - 1) {
		unsigned a = (unsigned)__builtin_ctz(m);
		if (anchors[a].len <= len - i && s[i + 1] == anchors[a].s[1] &&
		    memcmp(s + i, anchors[a].s, anchors[a].len) == 0)
			return true;
	}
	return false;
}

static bool may_hold_scalar(const char *s, size_t len)
{
	/* an anchor, a row, an escape: at least 2 bytes */
	for (size_t i = 0; i + 1 < len; i++)
		if (pair_at((const unsigned char *)s + i) && hold_at(s, len, i))
			return true;
	return false;
}

#if defined(__x86_64__)
/*
 * The byte pairs 32 (a short line: 16) positions at a time: most lines of a report have no
 * candidate but the '[' of their time stamp. The last block overlaps the one before it.
 */
__attribute__((target("avx2"))) static bool may_hold_16(const char *s, size_t len)
{
	for (size_t i = 0;; i += 16) {
		__m128i a, b, m;
		unsigned bits;

		if (i + 17 > len)
			i = len - 17;
		a = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		b = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 1));
		m = _mm_or_si128(_mm_cmpeq_epi8(a, _mm_set1_epi8('[')),
				 _mm_cmpeq_epi8(a, _mm_set1_epi8('\\')));
		for (unsigned k = 0; k < npairs; k++)
			m = _mm_or_si128(m,
					 _mm_and_si128(_mm_cmpeq_epi8(a, _mm_set1_epi8(pair0[k])),
						       _mm_cmpeq_epi8(b, _mm_set1_epi8(pair1[k]))));
		for (bits = (unsigned)_mm_movemask_epi8(m); bits; bits &= bits - 1)
			if (hold_at(s, len, i + (unsigned)__builtin_ctz(bits)))
				return true;
		if (i + 17 == len)
			return false;
	}
}

__attribute__((target("avx2"))) static bool may_hold_avx2(const char *s, size_t len)
{
	if (len < 17)
		return may_hold_scalar(s, len);
	if (len < 33)
		return may_hold_16(s, len);
	for (size_t i = 0;; i += 32) {
		__m256i a, b, m;
		unsigned bits;

		if (i + 33 > len)
			i = len - 33;
		a = _mm256_loadu_si256((const __m256i *)(const void *)(s + i));
		b = _mm256_loadu_si256((const __m256i *)(const void *)(s + i + 1));
		m = _mm256_or_si256(_mm256_cmpeq_epi8(a, _mm256_set1_epi8('[')),
				    _mm256_cmpeq_epi8(a, _mm256_set1_epi8('\\')));
		for (unsigned k = 0; k < npairs; k++)
			m = _mm256_or_si256(
				m,
				_mm256_and_si256(_mm256_cmpeq_epi8(a, _mm256_set1_epi8(pair0[k])),
						 _mm256_cmpeq_epi8(b, _mm256_set1_epi8(pair1[k]))));
		for (bits = (unsigned)_mm256_movemask_epi8(m); bits; bits &= bits - 1)
			if (hold_at(s, len, i + (unsigned)__builtin_ctz(bits)))
				return true;
		if (i + 33 == len)
			return false;
	}
}
#endif

static bool (*may_hold_impl)(const char *, size_t) = may_hold_scalar;

__attribute__((constructor)) static void pick_may_hold(void)
{
#if defined(__x86_64__)
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx2"))
		may_hold_impl = may_hold_avx2;
#endif
}

bool kmsg_may_hold_oom(const char *s, size_t len)
{
	return may_hold_impl(s, len);
}

bool kmsg_mentions_oom(const char *s, size_t len)
{
	const char *q[NANCHORS];

	return anchor_hits(s, len, mention_mask, q) != 0;
}

/*
 * Where the kernel's OOM text begins in t[0..len): the leftmost anchor, or a task-table
 * row. Returns the offset or -1.
 */
static ssize_t locate(const char *t, size_t len, bool *mention)
{
	const char *end = t + len, *best = NULL, *q[NANCHORS];
	uint32_t hits = anchor_hits(t, len, (1u << NANCHORS) - 1, q);

	*mention = false;
	for (size_t i = 0; hits; i++) {
		const char *start;

		if (!(hits & (1u << i)))
			continue;
		hits &= ~(1u << i);
		start = q[i];
		switch (anchors[i].kind) {
		case A_HEADER:
			start = header_start(t, q[i]);
			break;
		case A_CPU:
			if (q[i] + 5 >= end || !is_digit(q[i][5]) ||
			    !memmem(q[i], (size_t)(end - q[i]), " PID: ", 6))
				start = NULL;
			break;
		case A_TASKHDR:
			start = task_header_at(t, q[i], end);
			break;
		case A_TASKIN:
			if (!memmem(q[i], (size_t)(end - q[i]), " killed as a result of limit of ",
				    32))
				start = NULL;
			break;
		default:
			break;
		}
		if (!start)
			continue;
		if (anchors[i].mention)
			*mention = true;
		if (!best || start < best)
			best = start;
	}
	if (best)
		return best - t;
	for (const char *r = memchr(t, '[', len); r; r = memchr(r + 1, '[', (size_t)(end - r - 1)))
		if (task_row_at(r, end))
			return r - t;
	return -1;
}

/* what the skipped text before an anchor says: a "[ ts]", a "<level>", a program's tag */
static void mine(const char *p, const char *end, struct log_line *ret)
{
	const char *q;

	if (end - p >= 3 && *p == '<' && !ret->had_prefix)
		strip_pri(p, end, ret);
	for (q = p; q < end; q++) {
		const char *c;
		uint64_t ts;
		if (*q != '[')
			continue;
		c = memchr(q, ']', (size_t)(end - q));
		if (!c)
			break;
		if (!ret->have_ts && bracket_ts(q + 1, c, &ts)) {
			ret->ts_us = ts;
			ret->have_ts = true;
		}
	}
	/* the last token before the text: "prog[pid]:" is a program's syslog tag */
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	for (q = end; q > p && q[-1] != ' ' && q[-1] != '\t' && q[-1] != '"';)
		q--;
	if (tag_with_pid(q, (size_t)(end - q)) && !is_kernel_tag(q, (size_t)(end - q))) {
		ret->foreign = true;
		copy_tag(ret, q, (size_t)((const char *)memrchr(q, '[', (size_t)(end - q)) - q));
	}
}

/* locate() of the text at p, kept: the prefix loop and the end of kmsg_strip_prefix ask twice */
struct located {
	const char *p;
	ssize_t at;
	bool mention;
};

static ssize_t locate_at(struct located *m, const char *p, const char *end, bool *mention)
{
	if (m->p != p) {
		m->p = p;
		m->at = locate(p, (size_t)(end - p), &m->mention);
	}
	*mention = m->mention;
	return m->at;
}

static bool starts_anchor(struct located *m, const char *p, const char *end)
{
	bool mention;

	return p < end && locate_at(m, p, end, &mention) == 0;
}

void kmsg_strip_prefix(const char *line, size_t len, struct log_line *ret)
{
	const char *p = line, *end = line + len;
	struct located loc = { 0 };
	ssize_t at;

	memset(ret, 0, sizeof(*ret));
	ret->level = -1;
	while (end > p && (end[-1] == '\r' || end[-1] == '\n'))
		end--;
	/* raw-record dictionary line " SUBSYSTEM=virtio": not kernel text */
	if (end - p > 2 && p[0] == ' ' && p[1] >= 'A' && p[1] <= 'Z') {
		const char *q = p + 1;
		while (q < end && ((*q >= 'A' && *q <= 'Z') || *q == '_' || is_digit(*q)))
			q++;
		if (q < end && *q == '=') {
			ret->dict = true;
			ret->text = p;
			ret->len = (size_t)(end - p);
			return;
		}
	}
	p += strip_decoration(p, end);
	/*
	 * A string literal of another program's source or data ("\t\t\"Killed process …\","):
	 * the kernel's text is between the quotes. No kernel OOM line starts with a quote.
	 */
	if (end - p >= 2 && *p == '"') {
		const char *q = end;
		while (q > p + 1 && (q[-1] == ',' || q[-1] == ' ' || q[-1] == '\t' ||
				     q[-1] == ';' || q[-1] == '+' || q[-1] == ')'))
			q--;
		if (q > p + 1 && q[-1] == '"' && (q < 2 + p || q[-2] != '\\')) {
			p++;
			end = q - 1;
			p += strip_decoration(p, end);
		}
	}
	/* at most a few prefixes stack up: "host: Nov 25 ... kernel: [ 12.3] [T1] text" */
	for (int round = 0; round < 8 && p < end; round++) {
		size_t n = 0;

		switch (*p) {
		case '[':
			n = task_row_at(p, end) ? 0 : strip_bracket(p, end, ret);
			break;
		case '<':
			n = strip_pri(p, end, ret);
			if (n) {
				size_t m = strip_rfc5424(p + n, end, ret);
				n += m;
			}
			break;
		default:
			if (is_digit(*p)) {
				n = strip_raw(p, end, ret);
				if (!n)
					n = strip_syslog(p, end, ret);
				if (!n)
					n = strip_unix(p, end, ret);
			} else if (is_word_byte(*p)) {
				n = strip_syslog(p, end, ret);
				if (!n)
					n = strip_dmesg_x(p, end, ret);
				if (!n && round == 0)
					n = strip_pdsh(p, end);
				if (!n && round > 0 && ret->had_prefix && !ret->kernel_tag &&
				    !starts_anchor(&loc, p, end)) {
					/* "[ 12.3] host kernel: " (journalctl -o short-monotonic) */
					n = strip_host_tag(p, end, false, ret);
				}
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
	if (ret->raw_record || ret->foreign) {
		bool m;
		ret->mention = locate_at(&loc, p, end, &m) >= 0 && m;
		ret->anchored = !ret->foreign && starts_anchor(&loc, p, end);
		ret->text = p;
		ret->len = (size_t)(end - p);
		return;
	}
	at = locate_at(&loc, p, end, &ret->mention);
	if (at > 0) {
		mine(p, p + at, ret);
		p += at;
		if (!ret->foreign)
			ret->had_prefix = true;
	}
	ret->anchored = at >= 0 && !ret->foreign;
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

int kmsg_read_all(int fd, kmsg_record_fn fn, void *userdata, uint64_t *overwritten)
{
	char buf[KMSG_RECORD_MAX];

	for (;;) {
		struct kmsg_record rec;
		ssize_t n = kmsg_read_record(fd, buf, sizeof(buf));
		int r;

		if (n == -EPIPE) {
			/* overwritten while we read: the next read resumes at the oldest record */
			if (overwritten)
				(*overwritten)++;
			continue;
		}
		if (n <= 0)
			return (int)n;
		if (kmsg_parse_record(buf, (size_t)n, &rec) < 0)
			continue;
		r = fn(&rec, userdata);
		if (r)
			return r;
	}
}

/* ---- JSON values (journalctl -o json, Kubernetes and docker JSON) ---- */

static void put_utf8(char *out, size_t outsz, size_t *o, uint32_t c)
{
	char b[4];
	size_t n;

	if (c < 0x80) {
		b[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		b[0] = (char)(0xc0 | (c >> 6));
		b[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		b[0] = (char)(0xe0 | (c >> 12));
		b[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		b[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | (c >> 18));
		b[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		b[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	if (*o + n < outsz) {
		memcpy(out + *o, b, n);
		*o += n;
	}
}

static uint32_t hex4(const char *p)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++) {
		int h = hexval(p[i]);
		if (h < 0)
			return UINT32_MAX;
		v = v * 16 + (uint32_t)h;
	}
	return v;
}

int kmsg_json_value(const char *s, size_t len, const char *key, char *out, size_t outsz,
		    size_t *ret_len)
{
	const char *end = s + len, *p = s;
	size_t kl = strlen(key), o = 0;

	if (outsz == 0)
		return -EINVAL;
	for (;;) {
		const char *q = memmem(p, (size_t)(end - p), key, kl);
		if (!q)
			return -ENOENT;
		p = q + kl;
		/* "KEY" then blanks and ':' (a key, not a value that happens to be the same) */
		if (q == s || q[-1] != '"' || p >= end || *p != '"')
			continue;
		p++;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p >= end || *p != ':')
			continue;
		p++;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		break;
	}
	if (p >= end)
		return -ENOENT;
	if (*p == '"') {
		for (p++; p < end && *p != '"'; p++) {
			if (*p != '\\') {
				if (o + 1 < outsz)
					out[o++] = *p;
				continue;
			}
			if (++p >= end)
				break;
			switch (*p) {
			case 'n':
				put_utf8(out, outsz, &o, '\n');
				break;
			case 't':
				put_utf8(out, outsz, &o, '\t');
				break;
			case 'r':
				put_utf8(out, outsz, &o, '\r');
				break;
			case 'b':
				put_utf8(out, outsz, &o, '\b');
				break;
			case 'f':
				put_utf8(out, outsz, &o, '\f');
				break;
			case 'u': {
				uint32_t c = end - p > 4 ? hex4(p + 1) : UINT32_MAX;
				if (c == UINT32_MAX)
					break;
				p += 4;
				if (c >= 0xd800 && c < 0xdc00 && end - p > 6 && p[1] == '\\' &&
				    p[2] == 'u') {
					uint32_t lo = hex4(p + 3);
					if (lo >= 0xdc00 && lo < 0xe000) {
						c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
						p += 6;
					}
				}
				/* \u0000: the kernel's text never has one; keep it out of C strings */
				put_utf8(out, outsz, &o, c ? c : ' ');
				break;
			}
			default:
				put_utf8(out, outsz, &o, (unsigned char)*p);
				break;
			}
		}
	} else if (*p == '[') {
		/* journalctl writes a MESSAGE that is not valid UTF-8 as an array of bytes */
		for (p++; p < end && *p != ']';) {
			uint64_t v;
			size_t n;
			while (p < end && (*p == ' ' || *p == ',' || *p == '\t' || *p == '\n'))
				p++;
			n = take_u64(p, end, 3, &v);
			if (!n)
				break;
			p += n;
			if (v > 255)
				return -EINVAL;
			if (o + 1 < outsz)
				out[o++] = v ? (char)v : ' ';
		}
	} else {
		/* a number, true/false/null: the token */
		while (p < end && *p != ',' && *p != '}' && *p != ' ' && *p != '\n' &&
		       o + 1 < outsz)
			out[o++] = *p++;
	}
	out[o] = '\0';
	*ret_len = o;
	return 0;
}

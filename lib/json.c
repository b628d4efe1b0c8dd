// SPDX-License-Identifier: MIT
#include "json.h"

#include <inttypes.h>
#include <string.h>

#include "banned.h"

void json_init(struct json *j, FILE *out, bool pretty)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	j->pretty = pretty;
	j->first[0] = true;
}

static void indent(struct json *j)
{
	if (!j->pretty)
		return;
	fputc('\n', j->out);
	for (int i = 0; i < j->depth; i++)
		fputs("  ", j->out);
}

/* Called before every value or key. */
static void sep(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (!j->first[j->depth])
		fputc(',', j->out);
	j->first[j->depth] = false;
	if (j->depth > 0)
		indent(j);
}

static void open_(struct json *j, char c)
{
	sep(j);
	fputc(c, j->out);
	if (j->depth < JSON_MAX_DEPTH - 1)
		j->depth++;
	j->first[j->depth] = true;
}

static void close_(struct json *j, char c)
{
	bool empty = j->first[j->depth];
	if (j->depth > 0)
		j->depth--;
	if (!empty)
		indent(j);
	fputc(c, j->out);
}

void json_obj_open(struct json *j)
{
	open_(j, '{');
}
void json_obj_close(struct json *j)
{
	close_(j, '}');
}
void json_arr_open(struct json *j)
{
	open_(j, '[');
}
void json_arr_close(struct json *j)
{
	close_(j, ']');
}

/* Length of a valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t cp;

	if (c < 0x80)
		return 1;
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
	return n;
}

size_t json_escape(const char *str, size_t len, char *buf, size_t sz)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t o = 0;
#define PUT(str_, n_)                                                                              \
	do {                                                                                       \
		size_t n__ = (n_);                                                                 \
		if (o + n__ < sz)                                                                  \
			memcpy(buf + o, (str_), n__);                                              \
		o += n__;                                                                          \
	} while (0)

	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		char tmp[8];
		size_t n;

		switch (c) {
		case '"':
			PUT("\\\"", 2);
			i++;
			continue;
		case '\\':
			PUT("\\\\", 2);
			i++;
			continue;
		case '\n':
			PUT("\\n", 2);
			i++;
			continue;
		case '\t':
			PUT("\\t", 2);
			i++;
			continue;
		case '\r':
			PUT("\\r", 2);
			i++;
			continue;
		default:
			break;
		}
		if (c < 0x20 || c == 0x7f) {
			snprintf(tmp, sizeof(tmp), "\\u%04x", c);
			PUT(tmp, 6);
			i++;
			continue;
		}
		n = utf8_len(s + i, len - i);
		if (n == 0) {
			PUT("\xef\xbf\xbd", 3); /* U+FFFD */
			i++;
			continue;
		}
		PUT(s + i, n);
		i += n;
	}
	if (sz)
		buf[o < sz ? o : sz - 1] = '\0';
	return o;
#undef PUT
}

/* printable ASCII without '"' and '\\': written as it is (keys, most names) */
static bool json_plain(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			return false;
	}
	return true;
}

void json_str_n(struct json *j, const char *s, size_t len)
{
	char small[512];
	size_t n;

	sep(j);
	fputc('"', j->out);
	if (json_plain(s, len)) {
		fwrite(s, 1, len, j->out);
		fputc('"', j->out);
		return;
	}
	n = json_escape(s, len, small, sizeof(small));
	if (n < sizeof(small)) {
		fwrite(small, 1, n, j->out);
	} else {
		/* long string: escape in pieces on UTF-8-safe boundaries (a piece never splits a
		 * valid sequence because we cut only before a non-continuation byte) */
		size_t i = 0;
		while (i < len) {
			size_t take = len - i > 100 ? 100 : len - i;
			while (i + take < len && take > 1 &&
			       ((unsigned char)s[i + take] & 0xc0) == 0x80)
				take--;
			n = json_escape(s + i, take, small, sizeof(small));
			fwrite(small, 1, n, j->out);
			i += take;
		}
	}
	fputc('"', j->out);
}

void json_str(struct json *j, const char *s)
{
	if (!s) {
		json_null(j);
		return;
	}
	json_str_n(j, s, strlen(s));
}

void json_key(struct json *j, const char *key)
{
	json_str(j, key);
	fputc(':', j->out);
	if (j->pretty)
		fputc(' ', j->out);
	j->after_key = true;
}

/* decimal digits of v, without printf's format parsing (a table of 5,000 rows has 100,000) */
static void put_u64(FILE *out, uint64_t v, bool neg)
{
	char buf[24];
	size_t i = sizeof(buf);

	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (neg)
		buf[--i] = '-';
	fwrite(buf + i, 1, sizeof(buf) - i, out);
}

void json_u64(struct json *j, uint64_t v)
{
	sep(j);
	put_u64(j->out, v, false);
}

void json_i64(struct json *j, int64_t v)
{
	sep(j);
	/* the magnitude as unsigned: -INT64_MIN does not fit an int64_t */
	put_u64(j->out, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0);
}

void json_bool(struct json *j, bool v)
{
	sep(j);
	fputs(v ? "true" : "false", j->out);
}

void json_null(struct json *j)
{
	sep(j);
	fputs("null", j->out);
}

void json_centi(struct json *j, uint64_t c)
{
	sep(j);
	fprintf(j->out, "%" PRIu64 ".%02" PRIu64, c / 100, c % 100);
}

void json_end(struct json *j)
{
	fputc('\n', j->out);
	j->first[0] = true;
	j->depth = 0;
	j->after_key = false;
}

void json_kv_str(struct json *j, const char *k, const char *v)
{
	json_key(j, k);
	json_str(j, v);
}
void json_kv_u64(struct json *j, const char *k, uint64_t v)
{
	json_key(j, k);
	json_u64(j, v);
}
void json_kv_i64(struct json *j, const char *k, int64_t v)
{
	json_key(j, k);
	json_i64(j, v);
}
void json_kv_bool(struct json *j, const char *k, bool v)
{
	json_key(j, k);
	json_bool(j, v);
}
void json_kv_null(struct json *j, const char *k)
{
	json_key(j, k);
	json_null(j);
}
void json_kv_centi(struct json *j, const char *k, uint64_t c)
{
	json_key(j, k);
	json_centi(j, c);
}
void json_kv_u64_opt(struct json *j, const char *k, bool has, uint64_t v)
{
	json_key(j, k);
	if (has)
		json_u64(j, v);
	else
		json_null(j);
}
void json_kv_i64_opt(struct json *j, const char *k, bool has, int64_t v)
{
	json_key(j, k);
	if (has)
		json_i64(j, v);
	else
		json_null(j);
}

// SPDX-License-Identifier: MIT
#include "json.h"

#include <inttypes.h>
#include <string.h>

#include "util.h"
#include "banned.h"

/* the writer whose document is open, for json_fail_open (one per process is enough) */
static struct json *open_doc;

void json_init(struct json *j, FILE *out, bool pretty)
{
	if (open_doc == j)
		open_doc = NULL;
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
	if (j->done)
		return;
	sep(j);
	fputc(c, j->out);
	if (j->depth < JSON_MAX_DEPTH - 1)
		j->depth++;
	j->first[j->depth] = true;
	j->kind[j->depth] = c;
	if (j->out == stdout)
		open_doc = j;
}

static void close_(struct json *j, char c)
{
	if (j->done)
		return;
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
	uint32_t cp;
	return utf8_seq(s, avail, &cp);
}

/* The escape of one character (or of one invalid byte) at s into tmp (>= 8 bytes) */
static size_t escape_one(const unsigned char *s, size_t avail, char *tmp, size_t *ret_in)
{
	unsigned char c = s[0];
	size_t n;

	*ret_in = 1;
	switch (c) {
	case '"':
		memcpy(tmp, "\\\"", 2);
		return 2;
	case '\\':
		memcpy(tmp, "\\\\", 2);
		return 2;
	case '\n':
		memcpy(tmp, "\\n", 2);
		return 2;
	case '\t':
		memcpy(tmp, "\\t", 2);
		return 2;
	case '\r':
		memcpy(tmp, "\\r", 2);
		return 2;
	default:
		break;
	}
	if (c < 0x20 || c == 0x7f) {
		snprintf(tmp, 8, "\\u%04x", c);
		return 6;
	}
	n = utf8_len(s, avail);
	if (n == 0) {
		memcpy(tmp, "\xef\xbf\xbd", 3); /* U+FFFD */
		return 3;
	}
	memcpy(tmp, s, n);
	*ret_in = n;
	return n;
}

/*
 * Streams the string: runs of printable ASCII in one fwrite, every other character escaped on
 * its own (no intermediate buffer whose size an escaped string could exceed).
 */
void json_str_n(struct json *j, const char *str, size_t len)
{
	if (j->done)
		return;
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	sep(j);
	fputc('"', j->out);
	while (i < len) {
		size_t run = 0, in, n;
		char tmp[8];

		while (i + run < len && s[i + run] >= 0x20 && s[i + run] < 0x7f &&
		       s[i + run] != '"' && s[i + run] != '\\')
			run++;
		if (run) {
			fwrite(s + i, 1, run, j->out);
			i += run;
			continue;
		}
		n = escape_one(s + i, len - i, tmp, &in);
		fwrite(tmp, 1, n, j->out);
		i += in;
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
	if (j->done)
		return;
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
	if (j->done)
		return;
	sep(j);
	put_u64(j->out, v, false);
}

void json_i64(struct json *j, int64_t v)
{
	if (j->done)
		return;
	sep(j);
	/* the magnitude as unsigned: -INT64_MIN does not fit an int64_t */
	put_u64(j->out, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0);
}

void json_bool(struct json *j, bool v)
{
	if (j->done)
		return;
	sep(j);
	fputs(v ? "true" : "false", j->out);
}

void json_null(struct json *j)
{
	if (j->done)
		return;
	sep(j);
	fputs("null", j->out);
}

void json_centi(struct json *j, uint64_t c)
{
	if (j->done)
		return;
	sep(j);
	/* put_u64 and two digits: printf's format parsing was 6 % of top --json at 10,000 rows */
	put_u64(j->out, c / 100, false);
	fputc('.', j->out);
	fputc((char)('0' + c % 100 / 10), j->out);
	fputc((char)('0' + c % 10), j->out);
}

void json_end(struct json *j)
{
	if (open_doc == j)
		open_doc = NULL;
	if (j->done)
		return;
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

bool json_fail_open(FILE *out, const char *msg)
{
	struct json *j = open_doc;

	if (!j || j->out != out || j->done || (j->depth == 0 && !j->after_key))
		return false;
	if (j->after_key)
		json_null(j); /* the value of the key being written */
	if (j->depth > 0 && j->kind[j->depth] == '[') {
		json_obj_open(j);
		json_kv_str(j, "error", msg);
		json_obj_close(j);
	} else if (j->depth > 0) {
		json_kv_str(j, "error", msg);
	}
	while (j->depth > 0)
		close_(j, j->kind[j->depth] == '[' ? ']' : '}');
	json_end(j);
	j->done = true;
	return true;
}

// SPDX-License-Identifier: MIT
/* The text-or-JSON output layer (see out.h). */
#include "out.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "util.h"
#include "banned.h"

/* the text formats are the callers' literals, passed on like printf's */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

/* whether a call of kind t writes in this mode; in JSON, after its key */
static bool on(struct out *o, enum print_type t, const char *key)
{
	if (!(t & (o->j ? PRINT_JSON : PRINT_TEXT)))
		return false;
	if (o->j && key)
		json_key(o->j, key);
	return true;
}

struct out out_start(struct json *j, FILE *f, bool json)
{
	if (!json)
		return OUT_TEXT(f);
	json_init(j, f, false);
	return OUT_JSON(j);
}

void out_end(struct out *o)
{
	if (o->j)
		json_end(o->j);
}

static const char *unknown(const struct out *o)
{
	return o->unknown ? o->unknown : "?";
}

void print_text(struct out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->j)
		return;
	va_start(ap, fmt);
	vfprintf(o->f, fmt, ap);
	va_end(ap);
}

void print_str(struct out *o, enum print_type t, const char *key, const char *fmt, const char *v)
{
	/* a comm is up to 64 bytes, a cgroup path PATH_MAX: 4 bytes out per byte in */
	char buf[4 * 4096 + 8];

	if (!on(o, t, key))
		return;
	if (o->j)
		json_str(o->j, v);
	else
		fprintf(o->f, fmt,
			v ? term_escape(v, strlen(v), buf, sizeof(buf), true) : unknown(o));
}

void print_bool(struct out *o, enum print_type t, const char *key, const char *fmt, bool v)
{
	if (!on(o, t, key))
		return;
	if (o->j)
		json_bool(o->j, v);
	else
		fprintf(o->f, fmt, v ? "yes" : "no");
}

/* JSON: a number (kind 'u', 'i', 'c' hundredths) or null ('n'); text: fmt with txt */
static void num(struct out *o, enum print_type t, const char *key, const char *fmt, char kind,
		uint64_t v, const char *txt)
{
	if (!on(o, t, key))
		return;
	if (!o->j)
		fprintf(o->f, fmt, txt);
	else if (kind == 'n')
		json_null(o->j);
	else if (kind == 'i')
		json_i64(o->j, (int64_t)v);
	else if (kind == 'c')
		json_centi(o->j, v);
	else
		json_u64(o->j, v);
}

void print_null(struct out *o, enum print_type t, const char *key, const char *fmt,
		const char *what)
{
	num(o, t, key, fmt, 'n', 0, what);
}

void print_u64_as(struct out *o, enum print_type t, const char *key, const char *fmt, bool has,
		  uint64_t v, const char *txt)
{
	num(o, t, key, fmt, has ? 'u' : 'n', v, txt);
}

void print_u64_opt(struct out *o, enum print_type t, const char *key, const char *fmt, bool has,
		   uint64_t v)
{
	char b[24] = "";

	if (!o->j)
		snprintf(b, sizeof(b), "%" PRIu64, v);
	num(o, t, key, fmt, has ? 'u' : 'n', v, has ? b : unknown(o));
}

void print_i64_opt(struct out *o, enum print_type t, const char *key, const char *fmt, bool has,
		   int64_t v)
{
	char b[24] = "";

	if (!o->j)
		snprintf(b, sizeof(b), "%" PRId64, v);
	num(o, t, key, fmt, has ? 'i' : 'n', (uint64_t)v, has ? b : unknown(o));
}

void print_centi(struct out *o, enum print_type t, const char *key, const char *fmt, bool has,
		 uint64_t c)
{
	char b[32] = "";

	if (!o->j && has)
		snprintf(b, sizeof(b), "%" PRIu64 ".%02u", c / 100, (unsigned)(c % 100));
	num(o, t, key, fmt, has ? 'c' : 'n', c, has ? b : unknown(o));
}

void print_bytes(struct out *o, enum print_type t, const char *key, const char *fmt, uint64_t v)
{
	char b[32] = "unlimited";

	if (!o->j && v != SIZE_UNLIMITED)
		format_bytes(v, b, sizeof(b));
	num(o, t, key, fmt, v == SIZE_UNLIMITED ? 'n' : 'u', v, b);
}

static const char *out_kb(uint64_t kb, char *buf, size_t sz)
{
	/* unlimited in kB: SIZE_UNLIMITED / 1024, or the kernel's PAGE_COUNTER_MAX in the log
	 * (9007199254740988kB on 64-bit) */
	if (kb >= (UINT64_MAX >> 10) || kb >= 9007199254740988ull)
		return "unlimited";
	return format_bytes(kb * 1024, buf, sz);
}

void print_kb(struct out *o, enum print_type t, const char *key, const char *fmt, bool has,
	      uint64_t kb)
{
	char b[32];

	num(o, t, key, fmt, has ? 'u' : 'n', kb,
	    !has ? unknown(o) :
	    o->j ? "" :
		   out_kb(kb, b, sizeof(b)));
}

void open_json_object(struct out *o, const char *key)
{
	if (on(o, PRINT_JSON, key))
		json_obj_open(o->j);
}

void close_json_object(struct out *o)
{
	if (o->j)
		json_obj_close(o->j);
}

void open_json_array(struct out *o, const char *key)
{
	if (on(o, PRINT_JSON, key))
		json_arr_open(o->j);
}

void close_json_array(struct out *o)
{
	if (o->j)
		json_arr_close(o->j);
}

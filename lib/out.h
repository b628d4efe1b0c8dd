/* SPDX-License-Identifier: MIT */
/*
 * One output layer for text and JSON (after iproute2's json_print.h): a renderer makes one
 * print_* call per datum with its JSON key, its text format and its value; the call writes the
 * JSON member in JSON mode and the formatted text otherwise, so the two forms cannot disagree on
 * a value or on whether it is known. PRINT_TEXT / PRINT_JSON limit a call to one form (prose
 * that has no JSON member; a member the text does not show). A NULL string, an absent value
 * (has false) and SIZE_UNLIMITED bytes are JSON null; text shows "?" for unknown and
 * "unlimited" for no limit. Text strings go through the one terminal-safe routine (term_safe in
 * util.h, backslashes escaped too); JSON strings through the JSON writer's escaping. Writes to
 * the caller's stream only.
 */
#ifndef OOMLAB_OUT_H
#define OOMLAB_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"

enum print_type { PRINT_TEXT = 1, PRINT_JSON = 2, PRINT_ANY = 3 };

struct out {
	FILE *f;
	struct json *j;	     /* set: JSON mode (j->out is the stream); NULL: text to f */
	const char *unknown; /* the text of an unknown value: "?" (NULL), "" for CSV */
};
#define OUT_TEXT(file) ((struct out){ .f = (file) })
#define OUT_JSON(jw) ((struct out){ .f = (jw)->out, .j = (jw) })

/* text to f, or JSON into *j (initialised here, one compact document) */
struct out out_start(struct json *j, FILE *f, bool json);
/* the end of the document: JSON's newline */
void out_end(struct out *o);

static inline bool out_json(const struct out *o)
{
	return o->j != NULL;
}

/* text only: printf to the stream (nothing in JSON mode); strings passed here are not escaped */
void print_text(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* fmt has one %s: the string (escaped), or "?" for NULL (JSON null) */
void print_str(struct out *o, enum print_type t, const char *key, const char *fmt, const char *v);
/* numbers: fmt has one %s, the decimal digits, or "?" when has is false (JSON null) */
void print_u64_opt(struct out *o, enum print_type t, const char *key, const char *fmt, bool has,
		   uint64_t v);
void print_i64_opt(struct out *o, enum print_type t, const char *key, const char *fmt, bool has,
		   int64_t v);
/* a number with a text of its own (txt: "64M", "-"; computed by the caller in either case) */
void print_u64_as(struct out *o, enum print_type t, const char *key, const char *fmt, bool has,
		  uint64_t v, const char *txt);
/* hundredths: JSON 12.34, text fmt (%s) with "12.34"; has false: null and "?" */
void print_centi(struct out *o, enum print_type t, const char *key, const char *fmt, bool has,
		 uint64_t centi);
#define print_u64(o, t, key, fmt, v) print_u64_opt(o, t, key, fmt, true, v)
#define print_i64(o, t, key, fmt, v) print_i64_opt(o, t, key, fmt, true, v)
/* fmt has one %s: "yes" or "no" */
void print_bool(struct out *o, enum print_type t, const char *key, const char *fmt, bool v);
/* bytes: JSON the integer (SIZE_UNLIMITED: null), text fmt (%s) with "64.0 MiB"/"unlimited" */
void print_bytes(struct out *o, enum print_type t, const char *key, const char *fmt, uint64_t v);
/* kB as the kernel logs them: JSON the integer or null (has false), text fmt (%s) with
 * "64.0 MiB", "unlimited" (the kernel's PAGE_COUNTER_MAX) or "?" */
void print_kb(struct out *o, enum print_type t, const char *key, const char *fmt, bool has,
	      uint64_t kb);
/* JSON null, text fmt (%s) with what null means here ("unlimited", "none", ...) */
void print_null(struct out *o, enum print_type t, const char *key, const char *fmt,
		const char *text);

/* JSON only: an object or an array (key NULL inside an array or at the top level) */
void open_json_object(struct out *o, const char *key);
void close_json_object(struct out *o);
void open_json_array(struct out *o, const char *key);
void close_json_array(struct out *o);

#endif

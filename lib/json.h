/* SPDX-License-Identifier: MIT */
/*
 * A small streaming JSON writer (after iproute2's json_writer). Writes to a FILE* the caller
 * owns; commas and nesting are tracked here. Strings are escaped and made valid UTF-8 (invalid
 * bytes become U+FFFD), numbers are integers printed without locale.
 */
#ifndef OOMLAB_JSON_H
#define OOMLAB_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json {
	FILE *out;
	bool pretty;
	int depth;
	bool first[JSON_MAX_DEPTH];
	char kind[JSON_MAX_DEPTH]; /* '{' or '[' per open level */
	bool after_key;
	bool done; /* closed by json_fail_open(): further writes are dropped */
};

void json_init(struct json *j, FILE *out, bool pretty);
void json_obj_open(struct json *j);
void json_obj_close(struct json *j);
void json_arr_open(struct json *j);
void json_arr_close(struct json *j);
void json_key(struct json *j, const char *key);
void json_str(struct json *j, const char *s); /* NULL -> null */
void json_str_n(struct json *j, const char *s, size_t len);
void json_u64(struct json *j, uint64_t v);
void json_i64(struct json *j, int64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* hundredths as a decimal number: 1234 -> 12.34 (PSI percentages) */
void json_centi(struct json *j, uint64_t centi);
/* end of a top-level value: newline */
void json_end(struct json *j);

/* key + value shorthands */
void json_kv_str(struct json *j, const char *k, const char *v);
void json_kv_u64(struct json *j, const char *k, uint64_t v);
void json_kv_i64(struct json *j, const char *k, int64_t v);
void json_kv_bool(struct json *j, const char *k, bool v);
void json_kv_null(struct json *j, const char *k);
void json_kv_centi(struct json *j, const char *k, uint64_t centi);
/* value or null */
void json_kv_u64_opt(struct json *j, const char *k, bool has, uint64_t v);
void json_kv_i64_opt(struct json *j, const char *k, bool has, int64_t v);

/*
 * One JSON document per error: when a writer on out has a document open (a command failed half
 * way), put {"error": msg} into it (as a member, or an element), close every level and end the
 * line; the writer then drops whatever else its command writes. Returns false when no document
 * is open on out (the caller then writes its own error object).
 */
bool json_fail_open(FILE *out, const char *msg);

#endif

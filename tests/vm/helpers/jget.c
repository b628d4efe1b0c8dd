// SPDX-License-Identifier: MIT
/* jget: print one field of the LAST top-level JSON object on stdin (the guest has no jq).
 * usage: jget KEY[.KEY|.N...] < json      (N: a 0-based array index, e.g. kills.0.pid)
 * Strings print unquoted with the common escapes undone (\uXXXX of non-ASCII prints '?');
 * numbers, true/false/null, objects and arrays print as their raw JSON text.
 * Exit 0 found, 1 key absent (or a path step is not an object), 2 no object / malformed input.
 * Earlier lines that are not JSON (e.g. progress text) are skipped: the scan starts at every
 * top-level '{' and keeps the last one that parses. */
#include <string.h>
#include <unistd.h>

#include "helper.h"
#include "../../../lib/banned.h"

#define MAX_INPUT (4u << 20) /* a run report is a few KiB; refuse to grow without bound */

static const char *ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* End of the string starting at p (p at the opening quote), or NULL. */
static const char *skip_string(const char *p, const char *e)
{
	for (p++; p < e; p++) {
		if (*p == '\\')
			p++;
		else if (*p == '"')
			return p + 1;
	}
	return NULL;
}

/* End of the value starting at p, or NULL if malformed. */
static const char *skip_value(const char *p, const char *e)
{
	int depth = 0;

	p = ws(p, e);
	if (p >= e)
		return NULL;
	if (*p == '"')
		return skip_string(p, e);
	if (*p != '{' && *p != '[') {
		const char *s = p;

		while (p < e && !strchr(",}] \t\r\n", *p))
			p++;
		return p > s ? p : NULL;
	}
	for (; p < e; p++) {
		if (*p == '"') {
			p = skip_string(p, e);
			if (!p)
				return NULL;
			p--;
		} else if (*p == '{' || *p == '[') {
			depth++;
		} else if (*p == '}' || *p == ']') {
			if (--depth == 0)
				return p + 1;
		}
	}
	return NULL;
}

static void print_value(const char *p, const char *end)
{
	if (*p != '"') {
		fwrite(p, 1, (size_t)(end - p), stdout);
		putchar('\n');
		return;
	}
	for (p++, end--; p < end; p++) {
		if (*p != '\\') {
			putchar(*p);
			continue;
		}
		p++;
		switch (*p) {
		case 'n':
			putchar('\n');
			break;
		case 't':
			putchar('\t');
			break;
		case 'r':
			putchar('\r');
			break;
		case 'b':
			putchar('\b');
			break;
		case 'f':
			putchar('\f');
			break;
		case 'u':
			if (end - p > 4 && strncmp(p + 1, "00", 2) == 0 && p[3] < '8') {
				char hex[3] = {p[3], p[4], 0};
				putchar((int)strtol(hex, NULL, 16));
			} else {
				putchar('?');
			}
			p += 4;
			break;
		default:
			putchar(*p);
			break;
		}
	}
	putchar('\n');
}

/* Find member `key` (length klen) in the object at p; sets val and vend. 0 found, 1 absent, 2
 * malformed. */
static int member(const char *p, const char *e, const char *key, size_t klen, const char **val,
		  const char **vend)
{
	p = ws(p, e);
	if (p >= e || *p != '{')
		return 1;
	p = ws(p + 1, e);
	if (p < e && *p == '}')
		return 1;
	for (;;) {
		const char *ks, *ke, *v, *ve;

		p = ws(p, e);
		if (p >= e || *p != '"')
			return 2;
		ks = p + 1;
		ke = skip_string(p, e);
		if (!ke)
			return 2;
		p = ws(ke, e);
		if (p >= e || *p != ':')
			return 2;
		v = ws(p + 1, e);
		ve = skip_value(v, e);
		if (!ve)
			return 2;
		if ((size_t)(ke - 1 - ks) == klen && memcmp(ks, key, klen) == 0) {
			*val = v;
			*vend = ve;
			return 0;
		}
		p = ws(ve, e);
		if (p < e && *p == ',') {
			p++;
			continue;
		}
		return p < e && *p == '}' ? 1 : 2;
	}
}

/* Element idx of the array at p; 0 found, 1 absent (or not an array), 2 malformed. */
static int element(const char *p, const char *e, uint64_t idx, const char **val, const char **vend)
{
	p = ws(p, e);
	if (p >= e || *p != '[')
		return 1;
	p = ws(p + 1, e);
	if (p < e && *p == ']')
		return 1;
	for (uint64_t i = 0;; i++) {
		const char *v = ws(p, e), *ve = skip_value(v, e);

		if (!ve)
			return 2;
		if (i == idx) {
			*val = v;
			*vend = ve;
			return 0;
		}
		p = ws(ve, e);
		if (p < e && *p == ',') {
			p++;
			continue;
		}
		return p < e && *p == ']' ? 1 : 2;
	}
}

int main(int argc, char **argv)
{
	static char buf[MAX_INPUT];
	const char *e, *obj = NULL, *oend = NULL, *path;
	size_t len = 0;
	ssize_t n;

	if (argc != 2 || !argv[1][0]) {
		fprintf(stderr, "usage: jget KEY[.KEY...] < json\n");
		return 2;
	}
	while (len < sizeof(buf) && (n = read(0, buf + len, sizeof(buf) - len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("jget: read");
			return 2;
		}
		len += (size_t)n;
	}
	e = buf + len;
	/* the last top-level object that parses as a whole */
	for (const char *p = buf; p < e; p++) {
		if (*p != '{')
			continue;
		const char *q = skip_value(p, e);
		if (q) {
			obj = p;
			oend = q;
			p = q - 1;
		}
	}
	if (!obj) {
		fprintf(stderr, "jget: no JSON object on stdin\n");
		return 2;
	}
	for (path = argv[1];;) {
		const char *dot = strchr(path, '.');
		size_t klen = dot ? (size_t)(dot - path) : strlen(path);
		const char *v, *ve;
		char comp[32];
		uint64_t idx;
		int r;

		/* a numeric step indexes an array, any other step names an object member */
		if (klen < sizeof(comp) && *ws(obj, oend) == '[') {
			memcpy(comp, path, klen);
			comp[klen] = '\0';
			if (helper_parse_u64(comp, &idx) < 0)
				return 1;
			r = element(obj, oend, idx, &v, &ve);
		} else {
			r = member(obj, oend, path, klen, &v, &ve);
		}

		if (r)
			return r;
		if (!dot) {
			print_value(v, ve);
			return 0;
		}
		obj = v;
		oend = ve;
		path = dot + 1;
	}
}

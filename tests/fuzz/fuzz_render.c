// SPDX-License-Identifier: MIT
/*
 * Fuzz target for the renderers of untrusted strings (comms, cgroup names): the JSON writer
 * (lib/json.c), the terminal-safe routine (term_safe_n in lib/util.c) and the output layer
 * (print_str in lib/out.c) in both modes. Checks that the JSON is one string with only escaped
 * control bytes, and that the terminal text holds no control byte and fits its buffer. Built
 * and replayed like the other targets (see fuzz_proc.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "out.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* the string (up to its first NUL) as a member of an object, through the output layer */
static void render_layer(const uint8_t *data, size_t size, bool as_json)
{
	char *s = strndup((const char *)data, size), *out = NULL;
	size_t len = 0, n;
	FILE *m = open_memstream(&out, &len);
	struct json j;
	struct out o = OUT_TEXT(m);

	if (!s || !m)
		abort();
	if (as_json) {
		json_init(&j, m, false);
		o = OUT_JSON(&j);
	}
	open_json_object(&o, NULL);
	print_str(&o, PRINT_ANY, "s", "[%s]", s);
	close_json_object(&o);
	fclose(m);
	n = strlen(as_json ? "{\"s\":\"" : "[");
	if (len < n + (as_json ? 2 : 1) || memcmp(out, as_json ? "{\"s\":\"" : "[", n) != 0 ||
	    strcmp(out + len - (as_json ? 2 : 1), as_json ? "\"}" : "]") != 0)
		abort();
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)out[i];
		if (c < 0x20 || c == 0x7f ||
		    (as_json && c == '"' && i > n && i + 2 < len && out[i - 1] != '\\'))
			abort();
	}
	free(out);
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out = NULL, term[256], big[4096];
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);
	struct json j;

	if (!m)
		return 0;
	json_init(&j, m, false);
	json_str_n(&j, (const char *)data, size);
	fclose(m);
	if (len < 2 || out[0] != '"' || out[len - 1] != '"')
		abort();
	for (size_t i = 1; i + 1 < len; i++) {
		unsigned char c = (unsigned char)out[i];
		if (c < 0x20 || c == 0x7f)
			abort();
		if (c == '"' && out[i - 1] != '\\')
			abort();
	}
	free(out);
	for (size_t sz = 4; sz <= sizeof(term); sz *= 4) {
		term_safe_n((const char *)data, size, term, sz);
		if (strlen(term) >= sz)
			abort();
		for (const char *p = term; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				abort();
	}
	term_safe_n((const char *)data, size, big, sizeof(big));
	render_layer(data, size, false);
	render_layer(data, size, true);
	return 0;
}

/* the replay harness's mutations (tests/fuzz/replay_main.c) use these bytes */
const char *fuzz_interesting = "\x1b\r\n\"\\\x7f\xc2\x9b\xe2\x80\xae\xff/";

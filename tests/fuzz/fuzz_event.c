// SPDX-License-Identifier: MIT
/*
 * Fuzz target that renders events: the input is a log, assembled by the one decoder
 * (lib/oom-report.c) into kills, each rendered by the output layer (oom_event_print, lib/out.c)
 * as JSON and as watch's text line, and its comm and cgroups by the terminal-safe routine.
 * Checks that every JSON document is
 * well-formed (balanced objects and arrays outside strings, no raw control byte in a string,
 * every string closed) and that the terminal text has no control byte (the line: one line). Built with libFuzzer
 * (`make fuzz`) or replayed by tests/fuzz/replay_main.c (tests/fuzz/event-render.sh).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "out.h"
#include "oom-event.h"
#include "oom-report.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* the replay harness's mutations use these bytes */
const char *fuzz_interesting = "\n\\x1b\"[]:,=()/ 0123456789kBoom-kill:Killed process ";

static void check_json(const char *s, size_t len)
{
	int depth = 0;
	bool in_str = false;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (in_str) {
			if (c < 0x20)
				abort();
			if (c == '\\') {
				if (++i >= len)
					abort();
				if (!strchr("\"\\/bfnrtu", s[i]))
					abort();
			} else if (c == '"') {
				in_str = false;
			}
			continue;
		}
		if (c == '"')
			in_str = true;
		else if (c == '{' || c == '[')
			depth++;
		else if (c == '}' || c == ']') {
			if (--depth < 0)
				abort();
		} else if (c < 0x20 && c != '\n')
			abort();
	}
	if (in_str || depth != 0)
		abort();
}

static void check_term(const char *s)
{
	char out[256];

	term_safe_n(s, strlen(s), out, sizeof(out));
	for (const char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
			abort();
}

static void on_kill(const struct oom_event *ev, void *userdata)
{
	char *out = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);
	struct json j;
	struct out o;

	(void)userdata;
	if (!m)
		return;
	json_init(&j, m, false);
	oom_event_to_json(ev, &j);
	fclose(m);
	if (!out || len < 2 || out[0] != '{')
		abort();
	check_json(out, len);
	free(out);
	out = NULL;
	if (!(m = open_memstream(&out, &len)))
		return;
	o = OUT_TEXT(m);
	oom_event_print(&o, NULL, ev);
	fclose(m);
	if (!out || len < 2 || out[len - 1] != '\n')
		abort();
	for (size_t i = 0; i + 1 < len; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			abort();
	free(out);
	check_term(ev->comm);
	check_term(ev->oom_memcg);
	check_term(ev->task_memcg);
	check_term(ev->invoker_comm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oomreport_ops ops = { .on_kill = on_kill };
	struct oomreport *r;

	if (size == 0 ||
	    oomreport_new(data[0] & 1 ? OOM_SOURCE_KMSG : OOM_SOURCE_LOG, &ops, &r) < 0)
		return 0;
	if (data[0] & 1) {
		/* /dev/kmsg texts, one per line, escaped as the kernel does */
		const char *p = (const char *)data + 1, *end = (const char *)data + size;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
			oomreport_feed_text(r, p, n, true, 1000, true);
			p += n + 1;
		}
	} else {
		/* whole lines, as the callers give them */
		char *buf = malloc(size);
		if (buf) {
			memcpy(buf, data + 1, size - 1);
			buf[size - 1] = '\n';
			oomreport_feed_log(r, buf, size);
			free(buf);
		}
	}
	oomreport_flush(r);
	oomreport_free(r);
	return 0;
}

// SPDX-License-Identifier: MIT
/* The output layer (lib/out.c): the same calls as text and as JSON. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/oom-event.h"
#include "../../lib/out.h"
#include "../../lib/util.h"
#include "testutil.h"

/* a hostile string: ESC, newline, a backslash, invalid UTF-8, a C1 control, a bidi override */
static const char hostile[] = "a\x1b[2J\nkill\\x0a\xff\xc2\x9b\xe2\x80\xae";

/* the same datum list, rendered in one mode; returns the malloc'ed output */
static char *render(bool as_json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json j;
	struct out o = OUT_TEXT(f);

	ck_assert_ptr_nonnull(f);
	if (as_json) {
		json_init(&j, f, false);
		o = OUT_JSON(&j);
	}
	open_json_object(&o, NULL);
	print_str(&o, PRINT_ANY, "name", "name %s", hostile);
	print_str(&o, PRINT_ANY, "none", "; none %s", NULL);
	print_u64(&o, PRINT_ANY, "n", "; n %s", 42);
	print_i64(&o, PRINT_ANY, "neg", "; neg %s", -7);
	print_i64_opt(&o, PRINT_ANY, "adj", "; adj %s", false, 0);
	print_u64_opt(&o, PRINT_ANY, "kills", "; kills %s", true, 3);
	print_bytes(&o, PRINT_ANY, "limit", "; limit %s", SIZE_UNLIMITED);
	print_bytes(&o, PRINT_ANY, "usage", "; usage %s", 64 << 20);
	print_kb(&o, PRINT_ANY, "max_kb", "; max %s", true, 9007199254740988ull);
	print_kb(&o, PRINT_ANY, "rss_kb", "; rss %s", false, 0);
	print_bool(&o, PRINT_ANY, "group", "; group %s", true);
	print_text(&o, "; text only");
	print_u64(&o, PRINT_JSON, "json_only", NULL, 1);
	open_json_array(&o, "list");
	for (int i = 0; i < 2; i++) {
		open_json_object(&o, NULL);
		print_i64(&o, PRINT_ANY, "pid", " pid %s", i + 1);
		close_json_object(&o);
	}
	close_json_array(&o);
	close_json_object(&o);
	print_text(&o, "\n");
	if (as_json)
		json_end(&j);
	fclose(f);
	return buf;
}

START_TEST(test_text_and_json)
{
	char *t = render(false), *js = render(true);

	ck_assert_str_eq(t, "name a\\x1b[2J\\x0akill\\x5cx0a\\xff\\u{009b}\\u{202e}; none ?; n 42; "
			    "neg -7; adj ?; kills 3; limit unlimited; usage 64.0 MiB; max "
			    "unlimited; rss ?; group yes; text only pid 1 pid 2\n");
	ck_assert_str_eq(js,
			 "{\"name\":\"a\\u001b[2J\\nkill\\\\x0a\xef\xbf\xbd\xc2\x9b\xe2\x80\xae\","
			 "\"none\":null,\"n\":42,\"neg\":-7,\"adj\":null,\"kills\":3,"
			 "\"limit\":null,\"usage\":67108864,\"max_kb\":9007199254740988,"
			 "\"rss_kb\":null,\"group\":true,\"json_only\":1,"
			 "\"list\":[{\"pid\":1},{\"pid\":2}]}\n");
	/* no control byte reaches the terminal */
	for (const char *p = t; *p; p++)
		ck_assert(((unsigned char)*p >= 0x20 && *p != 0x7f) || *p == '\n');
	free(t);
	free(js);
}
END_TEST

/* a kill: the line and the record come from the same calls */
START_TEST(test_kill)
{
	struct oom_event ev = { .have = OOM_HAVE_PID | OOM_HAVE_ANON_RSS | OOM_HAVE_FILE_RSS |
					OOM_HAVE_MEMCG_LIMIT | OOM_HAVE_MEMCG_USAGE,
				.pid = 700,
				.scope = OOM_SCOPE_MEMCG,
				.anon_rss_kb = 65536,
				.file_rss_kb = 12,
				.memcg_usage_kb = 65536,
				.memcg_limit_kb = 65536,
				.source = OOM_SOURCE_LOG };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct out o = OUT_TEXT(f);
	struct json j;

	strcpy(ev.comm, "a\nb");
	strcpy(ev.oom_memcg, "/x");
	oom_event_print(&o, NULL, &ev);
	fflush(f);
	ck_assert_str_eq(buf, "kill pid 700 (a\\x0ab): limit of /x (64.0 MiB of 64.0 MiB); anon "
			      "64.0 MiB file 12.0 KiB shmem ?\n");
	fclose(f);
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	json_init(&j, f, false);
	o = OUT_JSON(&j);
	oom_event_print(&o, NULL, &ev);
	fclose(f);
	ck_assert(strncmp(buf, "{\"pid\":700,\"comm\":\"a\\nb\",\"scope\":\"memcg\",", 40) == 0);
	ck_assert_ptr_nonnull(strstr(buf, "\"anon_rss_kb\":65536,\"file_rss_kb\":12,"
					  "\"shmem_rss_kb\":null,"));
	ck_assert_ptr_nonnull(strstr(buf, "\"time\":null}"));
	free(buf);
}
END_TEST

static Suite *out_suite(void)
{
	Suite *s = suite_create("out");
	TCase *tc = tcase_create("out");
	tcase_add_test(tc, test_text_and_json);
	tcase_add_test(tc, test_kill);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(out_suite)

// SPDX-License-Identifier: MIT
/* lib/prom-text.c: the Prometheus text and OpenMetrics writer, content negotiation. */
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"
#include "prom-text.h"

static char *render(enum prom_format fmt, void (*fn)(struct prom *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	struct prom p;

	prom_init(&p, m, fmt);
	fn(&p);
	prom_finish(&p);
	fclose(m);
	return buf;
}

static void one_counter(struct prom *p)
{
	struct prom_label l[] = { { "cgroup", "/a\"b\\c\nd" },
				  { "pod", "" },
				  { "unit", NULL },
				  { "constraint", "memcg" } };
	struct prom_label el[] = { { "kill_id", "7" }, { "pid", "1234" } };
	struct prom_exemplar ex = { el, 2, 1, 1700000000123456ULL };

	prom_family(p, "oomlab_oom_kills", PROM_COUNTER, "Kills \"by\" cgroup.\nSecond line");
	prom_sample_u64(p, l, 4, 3, &ex);
	prom_family(p, "oomlab_build", PROM_INFO, "version");
	prom_sample_u64(p, NULL, 0, 1, NULL);
	prom_family(p, "oomlab_x_seconds", PROM_GAUGE, "s");
	prom_sample_us(p, NULL, 0, 1500001);
}

START_TEST(test_prom_text)
{
	char *t = render(PROM_TEXT, one_counter);

	ck_assert_str_eq(
		t, "# HELP oomlab_oom_kills_total Kills \"by\" cgroup.\\nSecond line\n"
		   "# TYPE oomlab_oom_kills_total counter\n"
		   "oomlab_oom_kills_total{cgroup=\"/a\\\"b\\\\c\\nd\",constraint=\"memcg\"} 3\n"
		   "# HELP oomlab_build_info version\n"
		   "# TYPE oomlab_build_info gauge\n"
		   "oomlab_build_info 1\n"
		   "# HELP oomlab_x_seconds s\n# TYPE oomlab_x_seconds gauge\n"
		   "oomlab_x_seconds 1.500001\n");
	free(t);
}
END_TEST

START_TEST(test_prom_openmetrics)
{
	char *t = render(PROM_OPENMETRICS, one_counter);

	ck_assert_str_eq(
		t, "# HELP oomlab_oom_kills Kills \\\"by\\\" cgroup.\\nSecond line\n"
		   "# TYPE oomlab_oom_kills counter\n"
		   "oomlab_oom_kills_total{cgroup=\"/a\\\"b\\\\c\\nd\",constraint=\"memcg\"} 3 "
		   "# {kill_id=\"7\",pid=\"1234\"} 1 1700000000.123456\n"
		   "# HELP oomlab_build version\n"
		   "# TYPE oomlab_build info\n"
		   "oomlab_build_info 1\n"
		   "# HELP oomlab_x_seconds s\n# TYPE oomlab_x_seconds gauge\n"
		   "oomlab_x_seconds 1.500001\n# EOF\n");
	free(t);
}
END_TEST

START_TEST(test_prom_negotiate)
{
	ck_assert_int_eq(prom_negotiate(NULL), PROM_TEXT);
	ck_assert_int_eq(prom_negotiate("*/*"), PROM_TEXT);
	ck_assert_int_eq(prom_negotiate("text/plain;version=0.0.4"), PROM_TEXT);
	/* what Prometheus 2.42 sends */
	ck_assert_int_eq(
		prom_negotiate(
			"application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"),
		PROM_OPENMETRICS);
	ck_assert_int_eq(prom_negotiate("text/plain, Application/OpenMetrics-Text; q=0.3"),
			 PROM_OPENMETRICS);
	ck_assert_int_eq(prom_negotiate("application/openmetrics-text; q=0"), PROM_TEXT);
	ck_assert_int_eq(prom_negotiate("application/openmetrics-text;q=0.0"), PROM_TEXT);
	ck_assert_int_eq(prom_negotiate("application/openmetrics-textual"), PROM_OPENMETRICS);
	ck_assert(prom_name_valid("oomlab_a:b", false));
	ck_assert(!prom_name_valid("a:b", true));
	ck_assert(!prom_name_valid("1a", false));
	ck_assert(!prom_name_valid("", true));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("promtext");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_prom_text);
	tcase_add_test(tc, test_prom_openmetrics);
	tcase_add_test(tc, test_prom_negotiate);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(suite)

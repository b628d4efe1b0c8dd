// SPDX-License-Identifier: MIT
/* lib/verdict.c: the shared verdict: levels, shares, thresholds. */
#include <errno.h>

#include "testutil.h"
#include "util.h"
#include "verdict.h"

#define MiB (1024ULL * 1024)

static struct verdict_in calm(void)
{
	struct verdict_in in = { .has_psi = true,
				 .has_full = true,
				 .usage = 10 * MiB,
				 .limit = 100 * MiB,
				 .high = SIZE_UNLIMITED,
				 .has_unreclaimable = true,
				 .unreclaimable = 5 * MiB };
	return in;
}

START_TEST(test_verdict_levels)
{
	const struct verdict_thresholds *t = &verdict_default_thresholds;
	struct verdict_in in = calm();
	char why[160];

	ck_assert_int_eq(verdict_eval(&in, t), V_HEALTHY);
	in.some_share = 499;
	ck_assert_int_eq(verdict_eval(&in, t), V_HEALTHY);
	in.some_share = 500;
	ck_assert_int_eq(verdict_eval(&in, t), V_STRAINED);
	in.some_share = 2000;
	ck_assert_int_eq(verdict_explain(&in, t, why, sizeof(why)), V_SICK);
	ck_assert_str_eq(why, "some stall 20.00 % >= 20.00 %");
	in.some_share = 9900; /* some alone never makes it critical: full does */
	ck_assert_int_eq(verdict_eval(&in, t), V_SICK);
	in = calm();
	in.full_share = 999;
	ck_assert_int_eq(verdict_eval(&in, t), V_HEALTHY);
	in.full_share = 1000;
	ck_assert_int_eq(verdict_eval(&in, t), V_SICK);
	in.full_share = 5000;
	ck_assert_int_eq(verdict_explain(&in, t, why, sizeof(why)), V_CRITICAL);
	ck_assert_str_eq(why, "full stall 50.00 % >= 50.00 %");
	/* an OOM kill in the interval is critical whatever the stall */
	in = calm();
	in.oom_kills = 2;
	ck_assert_int_eq(verdict_explain(&in, t, why, sizeof(why)), V_CRITICAL);
	ck_assert_str_eq(why, "2 OOM kills in the interval");
	/* unreclaimable (anon + shmem) against the binding limit: 80 / 90 / 95 % */
	in = calm();
	in.usage = 100 * MiB; /* a full page cache is not a problem by itself */
	ck_assert_int_eq(verdict_eval(&in, t), V_HEALTHY);
	in.unreclaimable = 80 * MiB;
	ck_assert_int_eq(verdict_explain(&in, t, why, sizeof(why)), V_STRAINED);
	ck_assert_str_eq(why, "anon+shmem 80.00 % of the limit >= 80.00 %");
	in.unreclaimable = 90 * MiB;
	ck_assert_int_eq(verdict_eval(&in, t), V_SICK);
	in.unreclaimable = 95 * MiB;
	ck_assert_int_eq(verdict_eval(&in, t), V_CRITICAL);
	in.has_unreclaimable = false; /* not read: the rule does not apply */
	ck_assert_int_eq(verdict_eval(&in, t), V_HEALTHY);
	in = calm();
	in.limit = SIZE_UNLIMITED;
	in.unreclaimable = 1000 * MiB;
	ck_assert_int_eq(verdict_eval(&in, t), V_HEALTHY);
	/* memory.high */
	in = calm();
	in.high = 5 * MiB;
	ck_assert_int_eq(verdict_explain(&in, t, why, sizeof(why)), V_STRAINED);
	ck_assert_str_eq(why, "usage above memory.high");
	in = calm();
	in.high_events = 1;
	ck_assert_int_eq(verdict_explain(&in, t, why, sizeof(why)), V_STRAINED);
	ck_assert_str_eq(why, "1 memory.high event in the interval");
	/* no PSI: stall numbers are ignored, memory and kills still count */
	in = calm();
	in.has_psi = false;
	in.some_share = 9000;
	in.full_share = 9000;
	ck_assert_int_eq(verdict_eval(&in, t), V_HEALTHY);
	in.unreclaimable = 91 * MiB;
	ck_assert_int_eq(verdict_eval(&in, t), V_SICK);
	/* no full line: full is not used */
	in = calm();
	in.has_full = false;
	in.full_share = 9000;
	ck_assert_int_eq(verdict_eval(&in, t), V_HEALTHY);
	ck_assert_str_eq(verdict_to_string(V_SICK), "sick");
	ck_assert_str_eq(verdict_to_string(V_CRITICAL), "critical");
	/* same numbering as src/run-report.h's enum run_verdict */
	ck_assert_int_eq(V_HEALTHY, 0);
	ck_assert_int_eq(V_CRITICAL, 3);
}
END_TEST

START_TEST(test_share_of)
{
	ck_assert_uint_eq(verdict_share_of(50, 100), 5000);
	ck_assert_uint_eq(verdict_share_of(1, SIZE_UNLIMITED), UINT32_MAX);
	ck_assert_uint_eq(verdict_share_of(0, 0), 0);
	ck_assert_uint_eq(verdict_share_of(UINT64_MAX - 1, 1), 1000000);
	ck_assert_uint_eq(verdict_share_of(3ULL << 60, 4ULL << 60), 7500); /* no overflow */
}
END_TEST

START_TEST(test_thresholds_parse)
{
	struct verdict_thresholds t = verdict_default_thresholds;

	ck_assert_int_eq(verdict_thresholds_parse("sick_some=25,critical_full=60.5%", &t), 0);
	ck_assert_uint_eq(t.sick_some, 2500);
	ck_assert_uint_eq(t.critical_full, 6050);
	ck_assert_uint_eq(t.strained_some, 500);
	ck_assert_int_eq(verdict_thresholds_parse("strained_unreclaimable=85", &t), 0);
	ck_assert_uint_eq(t.strained_unreclaimable, 8500);
	t = verdict_default_thresholds;
	ck_assert_int_eq(verdict_thresholds_parse("", &t), -EINVAL);
	ck_assert_int_eq(verdict_thresholds_parse("bogus=1", &t), -EINVAL);
	ck_assert_int_eq(verdict_thresholds_parse("sick_some", &t), -EINVAL);
	ck_assert_int_eq(verdict_thresholds_parse("sick_some=101", &t), -EINVAL);
	ck_assert_int_eq(verdict_thresholds_parse("sick_some=1.234", &t), -EINVAL);
	ck_assert_int_eq(verdict_thresholds_parse("sick_some=-1", &t), -EINVAL);
	ck_assert_int_eq(verdict_thresholds_parse("sick_some=3", &t), -EINVAL); /* < strained */
	ck_assert_int_eq(verdict_thresholds_parse("sick_unreclaimable=99", &t), -EINVAL);
	ck_assert_int_eq(verdict_thresholds_parse("sick_some=30,sick_full=", &t), -EINVAL);
	/* unchanged on error */
	ck_assert_uint_eq(t.sick_some, 2000);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("verdict");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_verdict_levels);
	tcase_add_test(tc, test_share_of);
	tcase_add_test(tc, test_thresholds_parse);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(suite)

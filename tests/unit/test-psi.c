// SPDX-License-Identifier: MIT
/* lib/psi.c: PSI: the pressure files (fixed point, no floats) and trigger specs. */
#include <errno.h>

#include "testutil.h"
#include "psi.h"

START_TEST(test_psi_ok)
{
	struct psi p;
	const char *t = "some avg10=12.34 avg60=0.50 avg300=100.00 total=123456789\n"
			"full avg10=0.00 avg60=0.00 avg300=0.00 total=42\n";
	ck_assert_int_eq(psi_parse(t, &p), 0);
	ck_assert_uint_eq(p.some.avg10, 1234);
	ck_assert_uint_eq(p.some.avg60, 50);
	ck_assert_uint_eq(p.some.avg300, 10000);
	ck_assert_uint_eq(p.some.total_us, 123456789);
	ck_assert(p.full.present);
	ck_assert_uint_eq(p.full.total_us, 42);
	/* cpu before 5.13: no full line */
	ck_assert_int_eq(psi_parse("some avg10=1.00 avg60=0.00 avg300=0.00 total=1\n", &p), 0);
	ck_assert(!p.full.present);
}
END_TEST

START_TEST(test_psi_bad)
{
	struct psi p;
	ck_assert_int_eq(psi_parse("", &p), -EINVAL);
	ck_assert_int_eq(psi_parse("some avg10=1.00 avg60=0.00 avg300=0.00\n", &p), -EINVAL);
	ck_assert_int_eq(psi_parse("some avg10=1.001 avg60=0.00 avg300=0.00 total=1\n", &p),
			 -EINVAL);
	ck_assert_int_eq(psi_parse("some avg10=-1.00 avg60=0.00 avg300=0.00 total=1\n", &p),
			 -EINVAL);
	ck_assert_int_eq(psi_parse("some avg10=101.00 avg60=0.00 avg300=0.00 total=1\n", &p),
			 -EINVAL);
	ck_assert_int_eq(
		psi_parse("some avg10=1.00 avg60=0.00 avg300=0.00 total=99999999999999999999\n",
			  &p),
		-EINVAL);
	ck_assert_int_eq(psi_parse("full avg10=1.00 avg60=0.00 avg300=0.00 total=1\n", &p),
			 -EINVAL);
	ck_assert_int_eq(psi_parse("bogus\n", &p), -EINVAL);
	ck_assert_int_eq(psi_parse("some avg10=1.00 avg60=0.00 avg3", &p), -EINVAL); /* truncated */
}
END_TEST

START_TEST(test_psi_share_trigger)
{
	bool full;
	uint64_t s, w;
	ck_assert_uint_eq(psi_share(100, 600, 1000), 5000);
	ck_assert_uint_eq(psi_share(100, 5000, 1000), 10000);
	ck_assert_uint_eq(psi_share(600, 100, 1000), 0);
	ck_assert_uint_eq(psi_share(0, 1, 0), 0);
	ck_assert_int_eq(psi_trigger_parse("some 150ms/2s", &full, &s, &w), 0);
	ck_assert(!full);
	ck_assert_uint_eq(s, 150000);
	ck_assert_uint_eq(w, 2000000);
	ck_assert_int_eq(psi_trigger_parse("full 100000 1000000", &full, &s, &w), 0);
	ck_assert(full);
	ck_assert_uint_eq(w, 1000000);
	ck_assert_int_eq(psi_trigger_parse("some 3s/2s", &full, &s, &w), -EINVAL);
	ck_assert_int_eq(psi_trigger_parse("both 1s/2s", &full, &s, &w), -EINVAL);
	ck_assert_int_eq(psi_trigger_parse("some 1s", &full, &s, &w), -EINVAL);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("psi");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_psi_ok);
	tcase_add_test(tc, test_psi_bad);
	tcase_add_test(tc, test_psi_share_trigger);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(suite)

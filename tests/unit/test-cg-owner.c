// SPDX-License-Identifier: MIT
/* lib/cg-owner.c: ownership of oomlab's cgroups: owned names, the owner record, judging a record. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "cg-owner.h"
#include "util.h"

static struct cg_owner rec(const char *name, pid_t pid, uint64_t start, const char *boot,
			   uint64_t ns)
{
	struct cg_owner o = { .pid = pid, .start = start, .pidns = ns };
	xsnprintf(o.name, sizeof(o.name), "%s", name);
	xsnprintf(o.boot, sizeof(o.boot), "%s", boot);
	return o;
}

START_TEST(test_owned_names)
{
	pid_t pid = 0;
	char buf[64];

	ck_assert_int_eq(cg_owned_name_parse("oomlab-812-0-3f9c01aa", &pid), 0);
	ck_assert_int_eq(pid, 812);
	ck_assert_int_eq(cg_owned_name_parse("oomlab-1-7-00000000", &pid), 0);
	/* the legacy form, leading zeros, upper case, wrong lengths, zero pid: never ours */
	ck_assert_int_eq(cg_owned_name_parse("oomlab-812-0", NULL), -EINVAL);
	ck_assert_int_eq(cg_owned_name_parse("oomlab-01-7-3f9c01aa", NULL), -EINVAL);
	ck_assert_int_eq(cg_owned_name_parse("oomlab-1-07-3f9c01aa", NULL), -EINVAL);
	ck_assert_int_eq(cg_owned_name_parse("oomlab-0-0-3f9c01aa", NULL), -EINVAL);
	ck_assert_int_eq(cg_owned_name_parse("oomlab-1-0-3F9C01AA", NULL), -EINVAL);
	ck_assert_int_eq(cg_owned_name_parse("oomlab-1-0-3f9c01a", NULL), -EINVAL);
	ck_assert_int_eq(cg_owned_name_parse("oomlab-1-0-3f9c01aab", NULL), -EINVAL);
	ck_assert_int_eq(cg_owned_name_parse("oomlab--0-3f9c01aa", NULL), -EINVAL);
	ck_assert_int_eq(cg_owned_name_parse("oomlab-2147483648-0-3f9c01aa", NULL), -EINVAL);
	ck_assert_int_eq(cg_owned_name_parse("xoomlab-1-0-3f9c01aa", NULL), -EINVAL);
	/* fresh names parse, and two in a row differ (the random part) */
	ck_assert_int_ge(cg_owned_name_new(3, buf, sizeof(buf)), 0);
	ck_assert_int_eq(cg_owned_name_parse(buf, &pid), 0);
	ck_assert_int_eq(pid, getpid());
	{
		char b2[64];
		int same = 0;
		for (int i = 0; i < 4; i++) {
			cg_owned_name_new(3, b2, sizeof(b2));
			same += strcmp(buf, b2) == 0;
		}
		ck_assert_int_lt(same, 4);
	}
}
END_TEST

START_TEST(test_owner_record)
{
	struct cg_owner o = rec("oomlab-5-0-abcdef01", 5, 1234, "f7a8d88e-f09a-4339",
				4026531836ULL),
			p;
	char buf[256];

	ck_assert_int_ge(cg_owner_format(&o, buf, sizeof(buf)), 0);
	ck_assert_int_eq(cg_owner_parse(buf, strlen(buf), &p), 0);
	ck_assert_str_eq(p.name, o.name);
	ck_assert_int_eq(p.pid, 5);
	ck_assert_uint_eq(p.start, 1234);
	ck_assert_str_eq(p.boot, o.boot);
	ck_assert_uint_eq(p.pidns, 4026531836ULL);
	ck_assert_int_eq(cg_owner_parse("", 0, &p), -EINVAL);
	ck_assert_int_eq(
		cg_owner_parse("oomlab-owner 2 name=a pid=1 start=1 boot=x pidns=1", 51, &p),
		-EINVAL);
	{
		const char *bad[] = {
			"oomlab-owner 1 name=a pid=0 start=1 boot=x pidns=1",
			"oomlab-owner 1 name=a pid=1 start=1 boot=x",
			"oomlab-owner 1 name=a pid=1 start=1 boot=x pidns=1 extra=1",
			"oomlab-owner 1 name=a/b pid=1 start=1 boot=x pidns=1",
			"oomlab-owner 1 pid=1 name=a start=1 boot=x pidns=1",
			"oomlab-owner 1 name=a pid=1x start=1 boot=x pidns=1",
		};
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			ck_assert_msg(cg_owner_parse(bad[i], strlen(bad[i]), &p) == -EINVAL, "%s",
				      bad[i]);
	}
	/* the real self */
	ck_assert_int_eq(cg_owner_self(&p), 0);
	ck_assert_int_eq(p.pid, getpid());
	ck_assert(p.boot[0] && p.pidns > 0 && p.start > 0);
}
END_TEST

START_TEST(test_owner_judge)
{
	struct cg_owner self = rec("", 100, 5000, "B", 7);
	struct cg_owner r;
	char why[256];

	r = rec("oomlab-9-0-00000001", 9, 300, "B", 7);
	/* a record for another directory is not proof */
	ck_assert_int_eq(
		cg_owner_judge(&r, "oomlab-9-0-00000002", false, &self, 0, why, sizeof(why)),
		CG_OWNER_UNPROVEN);
	/* held lock: alive, in any namespace */
	ck_assert_int_eq(cg_owner_judge(&r, r.name, true, &self, 0, why, sizeof(why)),
			 CG_OWNER_ALIVE);
	/* same namespace: the same start time is alive (a renamed binary too: no comm involved) */
	ck_assert_int_eq(cg_owner_judge(&r, r.name, false, &self, 300, why, sizeof(why)),
			 CG_OWNER_ALIVE);
	ck_assert_int_eq(cg_owner_judge(&r, r.name, false, &self, 0, why, sizeof(why)),
			 CG_OWNER_GONE);
	/* a reused pid (start differs) is not the owner */
	ck_assert_int_eq(cg_owner_judge(&r, r.name, false, &self, 301, why, sizeof(why)),
			 CG_OWNER_GONE);
	ck_assert_ptr_nonnull(strstr(why, "another process"));
	/* our own pid with another start time: a stale record, not us */
	r = rec("oomlab-100-0-00000001", 100, 42, "B", 7);
	ck_assert_int_eq(cg_owner_judge(&r, r.name, false, &self, 5000, why, sizeof(why)),
			 CG_OWNER_GONE);
	r.start = 5000;
	ck_assert_int_eq(cg_owner_judge(&r, r.name, false, &self, 5000, why, sizeof(why)),
			 CG_OWNER_ALIVE);
	/* another pid namespace: pid 1 there says nothing about our pid 1; only the lock counts */
	r = rec("oomlab-1-0-00000001", 1, 300, "B", 8);
	ck_assert_int_eq(cg_owner_judge(&r, r.name, true, &self, 300, why, sizeof(why)),
			 CG_OWNER_ALIVE);
	ck_assert_int_eq(cg_owner_judge(&r, r.name, false, &self, 300, why, sizeof(why)),
			 CG_OWNER_GONE);
	/* another boot */
	r = rec("oomlab-9-0-00000001", 9, 300, "A", 7);
	ck_assert_int_eq(cg_owner_judge(&r, r.name, false, &self, 300, why, sizeof(why)),
			 CG_OWNER_GONE);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("cgowner");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_owned_names);
	tcase_add_test(tc, test_owner_record);
	tcase_add_test(tc, test_owner_judge);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(suite)

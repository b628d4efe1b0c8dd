// SPDX-License-Identifier: MIT
/* lib/cg-target.c: resolving a command line's cgroup target. */
#include <errno.h>
#include <string.h>

#include "testutil.h"
#include "cg-target.h"
#include "util.h"

/* resolution against the v2 fixture (the one resolver, lib/cg-target.h): path, pid, id prefix,
 * ambiguity */
START_TEST(test_resolve_v2)
{
	char root[PATH_MAX], hint[1024];
	struct host h;
	struct cg_layout l;
	struct cg_target t;

	xsnprintf(root, sizeof(root), "%s/sysroot-v2", fixture_dir());
	ck_assert_int_eq(host_init(&h, root), 0);
	ck_assert_int_eq(cg_layout_detect(&h, &l), 0);
	ck_assert_int_eq(cg_target_resolve(&h, &l, "/user.slice//", 0, &t, NULL, 0), 0);
	ck_assert_str_eq(t.name, "/user.slice");
	ck_assert(t.mem_is_v2 && t.exists);
	ck_assert_int_eq(cg_target_resolve(&h, &l, "/user.slice/..", 0, &t, NULL, 0), -EXDEV);
	ck_assert_int_eq(cg_target_resolve(&h, &l, "/nope", 0, &t, NULL, 0), -ENOENT);
	ck_assert_int_eq(cg_target_resolve(&h, &l, "4343", CGT_DIGITS_ARE_PID, &t, NULL, 0), 0);
	ck_assert_str_eq(t.name, "/user.slice");
	ck_assert_int_eq(t.pid, 4343);
	ck_assert_int_eq(cg_target_resolve(&h, &l, "99999", CGT_DIGITS_ARE_PID, &t, NULL, 0),
			 -ESRCH);
	ck_assert_int_eq(cg_target_resolve(&h, &l, "4f2a9c1e7b3d", 0, &t, hint, sizeof(hint)),
			 -ENOTUNIQ);
	ck_assert_ptr_nonnull(strstr(hint, "docker-4f2a9c1e7b3d0000"));
	ck_assert_int_eq(cg_target_resolve(&h, &l, "4f2a9c1e7b3d5", 0, &t, NULL, 0), 0);
	ck_assert_int_eq(t.form, CGT_FORM_CONTAINER);
	ck_assert_int_eq(cg_target_resolve(&h, &l, "abc", 0, &t, NULL, 0), -ENOENT);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("cgtarget");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_resolve_v2);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(suite)

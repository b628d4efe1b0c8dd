// SPDX-License-Identifier: MIT
/* lib/cgroup.c: the cgroup API: mountinfo layouts, names and parents, limits that mean none. */
#include <errno.h>

#include "testutil.h"
#include "cgroup.h"
#include "util.h"

START_TEST(test_mountinfo)
{
	struct cg_layout l;
	const char *hybrid =
		"31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
		"35 31 0:32 / /sys/fs/cgroup/memory rw,relatime shared:9 - cgroup cgroup rw,memory\n"
		"36 31 0:33 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
		"41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
	ck_assert_int_eq(cg_layout_parse_mountinfo(hybrid, "/root", &l), 0);
	ck_assert_str_eq(l.v1_memory, "/root/sys/fs/cgroup/memory");
	ck_assert_str_eq(l.v2, "/root/sys/fs/cgroup/unified");
	ck_assert_int_eq(
		cg_layout_parse_mountinfo(
			"29 1 0:26 / /sys/fs/cgroup\\040x rw - cgroup2 cgroup2 rw,nsdelegate\n", "",
			&l),
		0);
	ck_assert_str_eq(l.v2, "/sys/fs/cgroup x");
	ck_assert_str_eq(l.v1_memory, "");
	/* a v1 hierarchy named "memory_foo" is not the memory controller */
	ck_assert_int_eq(cg_layout_parse_mountinfo(
				 "35 31 0:32 / /x rw - cgroup cgroup rw,name=memoryx\n", "", &l),
			 0);
	ck_assert_str_eq(l.v1_memory, "");
	/* garbage lines are skipped */
	ck_assert_int_eq(cg_layout_parse_mountinfo("- - -\n\n  \nx", "", &l), 0);
}
END_TEST

START_TEST(test_names)
{
	pid_t pid;
	ck_assert_int_eq(cg_name_valid("oomlab-12-0"), 0);
	ck_assert_int_eq(cg_name_valid("my.box_1"), 0);
	ck_assert_int_eq(cg_name_valid(".."), -EINVAL);
	ck_assert_int_eq(cg_name_valid("."), -EINVAL);
	ck_assert_int_eq(cg_name_valid("a/b"), -EINVAL);
	ck_assert_int_eq(cg_name_valid(""), -EINVAL);
	ck_assert_int_eq(cg_name_valid("a b"), -EINVAL);
	ck_assert_int_eq(cg_name_valid("memory.max"), -EINVAL);
	ck_assert_int_eq(cg_name_valid("cgroup.procs"), -EINVAL);
	ck_assert_int_eq(cg_parent_valid("/a/b/"), 0);
	ck_assert_int_eq(cg_parent_valid(""), 0);
	ck_assert_int_eq(cg_parent_valid("/a/../b"), -EINVAL);
	ck_assert_int_eq(cg_parent_valid("/.."), -EINVAL);
	ck_assert_int_eq(cg_parse_owned_name("oomlab-812-0", &pid), 0);
	ck_assert_int_eq(pid, 812);
	ck_assert_int_eq(cg_parse_owned_name("oomlab-test-812", &pid), -EINVAL);
	ck_assert_int_eq(cg_parse_owned_name("oomlab-812", &pid), -EINVAL);
	ck_assert_int_eq(cg_parse_owned_name("oomlab-0-1", &pid), -EINVAL);
	ck_assert_int_eq(cg_parse_owned_name("process_api", &pid), -EINVAL);
	ck_assert_uint_eq(cg_v1_normalize_limit(9223372036854771712ULL), SIZE_UNLIMITED);
	ck_assert_uint_eq(cg_v1_normalize_limit(67108864), 67108864);
	/* the one "no limit": 64 KiB-page v1 (PAGE_COUNTER_MAX pages of 64 KiB), the BPF
	 * record's page_counter max in kB, v2's "max" (SIZE_UNLIMITED); a real 4 EiB limit is none */
	ck_assert_uint_eq(cg_v1_normalize_limit(9223372036854710272ULL), SIZE_UNLIMITED);
	ck_assert(cg_limit_kb_is_none(9007199254740988ULL));
	ck_assert(cg_limit_kb_is_none(
		9007199254740928ULL)); /* 64 KiB pages: watch took it for a limit */
	ck_assert(cg_limit_is_none(SIZE_UNLIMITED));
	ck_assert(!cg_limit_is_none(1ULL << 40));
	ck_assert(!cg_limit_kb_is_none(64 * 1024));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("cgroup");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_mountinfo);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(suite)

// SPDX-License-Identifier: MIT
/* lib/memory-stat.c: memory.events, memory.oom_control, memory.stat (v1, v2) and /proc/meminfo. */
#include <errno.h>
#include <string.h>

#include "testutil.h"
#include "memory-stat.h"

START_TEST(test_events)
{
	struct memcg_events e;
	ck_assert_int_eq(
		memcg_events_parse("low 0\nhigh 17\nmax 3\noom 2\noom_kill 1\noom_group_kill 0\n",
				   &e),
		0);
	ck_assert_uint_eq(e.high, 17);
	ck_assert_uint_eq(e.oom_kill, 1);
	ck_assert(e.has_oom_group_kill);
	ck_assert_int_eq(memcg_events_parse("low 0\nhigh 17\nmax 3\noom 2\noom_kill 1\n", &e), 0);
	ck_assert(!e.has_oom_group_kill);
	ck_assert_int_eq(memcg_events_parse("low 0\nhigh 17\nmax 3\noom 2\n", &e), -EINVAL);
	ck_assert_int_eq(memcg_events_parse("low 0\nhigh x\nmax 3\noom 2\noom_kill 1\n", &e),
			 -EINVAL);
	ck_assert_int_eq(
		memcg_events_parse("low 0\nhigh 1\nhigh 2\nmax 3\noom 2\noom_kill 1\n", &e),
		-EINVAL);
	/* "oom" must not match the "oom_kill" line and vice versa */
	ck_assert_int_eq(memcg_events_parse("oom_kill 5\nlow 0\nhigh 0\nmax 0\noom 9\n", &e), 0);
	ck_assert_uint_eq(e.oom, 9);
	ck_assert_uint_eq(e.oom_kill, 5);
}
END_TEST

START_TEST(test_oom_control)
{
	struct memcg_oom_control o;
	ck_assert_int_eq(
		memcg_oom_control_parse("oom_kill_disable 0\nunder_oom 1\noom_kill 4\n", &o), 0);
	ck_assert(o.under_oom);
	ck_assert(o.has_oom_kill);
	ck_assert_uint_eq(o.oom_kill, 4);
	ck_assert_int_eq(memcg_oom_control_parse("oom_kill_disable 0\nunder_oom 0\n", &o), 0);
	ck_assert(!o.has_oom_kill);
	ck_assert_int_eq(memcg_oom_control_parse("oom_kill_disable 2\nunder_oom 0\n", &o), -EINVAL);
	ck_assert_int_eq(memcg_oom_control_parse("under_oom 0\n", &o), -EINVAL);
}
END_TEST

START_TEST(test_stat)
{
	struct memcg_stat s;
	ck_assert_int_eq(memcg_stat_parse("anon 100\nfile 200\nkernel 7\nshmem 50\nfile_mapped 1\n",
					  true, &s),
			 0);
	ck_assert_uint_eq(s.anon, 100);
	ck_assert_uint_eq(s.file, 200);
	ck_assert_uint_eq(s.shmem, 50);
	ck_assert(s.has_kernel);
	/* v1: hierarchical totals win over the cgroup's own */
	ck_assert_int_eq(
		memcg_stat_parse(
			"cache 1\nrss 2\nshmem 3\ntotal_cache 10\ntotal_rss 20\ntotal_shmem 30\n",
			false, &s),
		0);
	ck_assert_uint_eq(s.anon, 20);
	ck_assert_uint_eq(s.file, 10);
	ck_assert_uint_eq(s.shmem, 30);
	ck_assert_int_eq(memcg_stat_parse("cache 1\nrss 2\n", false, &s), 0);
	ck_assert_uint_eq(s.anon, 2);
	/* v1 keys in a v2 parse are malformed */
	ck_assert_int_eq(memcg_stat_parse("cache 1\nrss 2\n", true, &s), -EINVAL);
	ck_assert_int_eq(memcg_stat_parse("anon 1\nfile 18446744073709551616\n", true, &s),
			 -EINVAL);
	ck_assert_int_eq(memcg_stat_parse("anon 1\nfile", true, &s), -EINVAL);
}
END_TEST

START_TEST(test_meminfo)
{
	struct meminfo m;
	const char *t = "MemTotal:       24589012 kB\nMemFree:        23000000 kB\n"
			"MemAvailable:   23500000 kB\nBuffers: 1 kB\nSwapTotal:             0 kB\n"
			"SwapFree:              0 kB\n";
	ck_assert_int_eq(meminfo_parse(t, &m), 0);
	ck_assert_uint_eq(m.total, 24589012ULL * 1024);
	ck_assert(m.has_available);
	ck_assert_uint_eq(m.available, 23500000ULL * 1024);
	/* 2.6.32: no MemAvailable */
	ck_assert_int_eq(meminfo_parse("MemTotal: 10 kB\nMemFree: 5 kB\n", &m), 0);
	ck_assert(!m.has_available);
	ck_assert_int_eq(meminfo_parse("MemTotal: 10 MB\nMemFree: 5 kB\n", &m), -EINVAL);
	ck_assert_int_eq(meminfo_parse("MemFree: 5 kB\n", &m), -EINVAL);
	ck_assert_int_eq(meminfo_parse("MemTotal: 99999999999999999999 kB\nMemFree: 5 kB\n", &m),
			 -EINVAL);
	ck_assert_int_eq(meminfo_parse("MemTotal: 18014398509481984 kB\nMemFree: 5 kB\n", &m),
			 -ERANGE);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("memstat");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_events);
	tcase_add_test(tc, test_oom_control);
	tcase_add_test(tc, test_stat);
	tcase_add_test(tc, test_meminfo);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(suite)

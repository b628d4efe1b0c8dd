// SPDX-License-Identifier: MIT
/* PSI, memory.stat (v1, v2), memory.events, memory.oom_control, /proc/meminfo, mountinfo. */
#include <errno.h>
#include <string.h>

#include "testutil.h"
#include "cgroup.h"
#include "memstat.h"
#include "psi.h"
#include "util.h"

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

static Suite *parsers_suite(void)
{
	Suite *s = suite_create("parsers");
	TCase *tc = tcase_create("all");
	tcase_add_test(tc, test_psi_ok);
	tcase_add_test(tc, test_psi_bad);
	tcase_add_test(tc, test_psi_share_trigger);
	tcase_add_test(tc, test_events);
	tcase_add_test(tc, test_oom_control);
	tcase_add_test(tc, test_stat);
	tcase_add_test(tc, test_meminfo);
	tcase_add_test(tc, test_mountinfo);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(parsers_suite)

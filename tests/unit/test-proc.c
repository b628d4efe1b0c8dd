// SPDX-License-Identifier: MIT
/* lib/proc.c: /proc parsers: status, stat, cgroup; oom_score_adj writes within bounds. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "testutil.h"
#include "proc.h"

static const char *status_6x =
	"Name:\tpython3\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t2124\nNgid:\t0\nPid:\t2124\n"
	"VmPeak:\t   75164 kB\nVmSize:\t   75164 kB\nVmHWM:\t   71812 kB\nVmRSS:\t   71812 kB\n"
	"RssAnon:\t   65152 kB\nRssFile:\t    6660 kB\nRssShmem:\t       0 kB\nVmData:\t   65900 kB\n"
	"VmPTE:\t     188 kB\nVmSwap:\t       8 kB\nThreads:\t1\nKthread:\t0\n"
	"CapEff:\t000001fffeffffff\n";

START_TEST(test_status_6x)
{
	struct proc_status st;
	uint64_t cap;
	ck_assert_int_eq(proc_status_parse(status_6x, &st), 0);
	ck_assert_str_eq(st.comm, "python3");
	ck_assert_int_eq(st.tgid, 2124);
	ck_assert(st.has_mm && st.has_rss_split && st.has_kthread && !st.kthread);
	ck_assert_uint_eq(st.rss_anon_kb, 65152);
	ck_assert_uint_eq(st.rss_file_kb, 6660);
	ck_assert_uint_eq(st.rss_shmem_kb, 0);
	ck_assert_uint_eq(st.vmrss_kb, 71812);
	ck_assert_uint_eq(st.pte_kb, 188);
	ck_assert_uint_eq(st.swap_kb, 8);
	ck_assert_int_eq(proc_status_capeff(status_6x, &cap), 0);
	ck_assert_uint_eq(cap, 0x1fffeffffffULL);
	ck_assert_uint_eq((cap >> PROC_CAP_SYS_RESOURCE) & 1, 0);
}
END_TEST

START_TEST(test_status_kthread_old_escaped)
{
	struct proc_status st;
	/* kernel thread: no Vm lines */
	ck_assert_int_eq(proc_status_parse("Name:\tkthreadd\nPid:\t2\nKthread:\t1\n", &st), 0);
	ck_assert(!st.has_mm && st.kthread);
	/* before 4.5: only VmRSS */
	ck_assert_int_eq(proc_status_parse("Name:\told\nVmRSS:\t 1000 kB\nVmPTE:\t 8 kB\n", &st),
			 0);
	ck_assert(st.has_mm && !st.has_rss_split && !st.has_kthread);
	ck_assert_uint_eq(st.rss_anon_kb + st.rss_file_kb + st.rss_shmem_kb, 1000);
	/* comm is chosen by the process: the kernel escapes \n and \\ */
	ck_assert_int_eq(proc_status_parse("Name:\ta\\nb\\\\c d)\nVmRSS:\t1 kB\n", &st), 0);
	ck_assert_str_eq(st.comm, "a\nb\\c d)");
	/* malformed */
	ck_assert_int_eq(proc_status_parse("Pid:\t2\n", &st), -EINVAL);
	ck_assert_int_eq(proc_status_parse("Name:\tx\nVmRSS:\t12x kB\n", &st), -EINVAL);
	ck_assert_int_eq(proc_status_parse("Name:\tx\nVmSwap:\t kB\n", &st), -EINVAL);
	ck_assert_int_eq(proc_status_parse("Name:\tx\nVmPTE:\t99999999999999999999999 kB\n", &st),
			 -EINVAL);
}
END_TEST

START_TEST(test_int_stat_cgroup)
{
	struct proc_stat ps;
	char cg[256];
	int v;
	ck_assert_int_eq(proc_int_parse("-1000\n", &v), 0);
	ck_assert_int_eq(v, -1000);
	ck_assert_int_eq(proc_int_parse("666\n", &v), 0);
	ck_assert_int_eq(v, 666);
	ck_assert_int_eq(proc_int_parse("", &v), -EINVAL);
	ck_assert_int_eq(proc_int_parse("12 3\n", &v), -EINVAL);

	/* a hostile comm with ") S 1" inside: fields count from the LAST ')' */
	ck_assert_int_eq(
		proc_stat_parse("42 (x) S 1 2 3) R 1 42 42 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 "
				"1 0 777 0 0\n",
				&ps),
		0);
	ck_assert_int_eq(ps.state, 'R');
	ck_assert_uint_eq(ps.flags, 2129984);
	ck_assert(ps.flags & PROC_PF_KTHREAD);
	ck_assert_uint_eq(ps.starttime, 777);
	ck_assert_int_eq(proc_stat_parse("42 (x) S 1 2\n", &ps), -EINVAL);
	ck_assert_int_eq(proc_stat_parse("no paren", &ps), -EINVAL);

	const char *hybrid = "9:name=systemd:/\n5:cpu,memory:/a/b\n0::/u\n";
	ck_assert_int_eq(proc_cgroup_parse(hybrid, true, cg, sizeof(cg)), 0);
	ck_assert_str_eq(cg, "/a/b");
	ck_assert_int_eq(proc_cgroup_parse(hybrid, false, cg, sizeof(cg)), 0);
	ck_assert_str_eq(cg, "/u");
	ck_assert_int_eq(proc_cgroup_parse("4:memoryx:/a\n", true, cg, sizeof(cg)), -ENOENT);
	ck_assert_int_eq(proc_cgroup_parse("4:memory:/abcdef\n", true, cg, 4), -ENAMETOOLONG);
	ck_assert_int_eq(proc_cgroup_parse("4:memory:\n", true, cg, sizeof(cg)), -EINVAL);
}
END_TEST

START_TEST(test_proc_cgroup_parse)
{
	char b[256];
	const char *hybrid = "12:pids:/a\n4:memory:/process_api/x\n1:name=systemd:/\n0::/u/v\n";

	ck_assert_int_eq(proc_cgroup_parse(hybrid, false, b, sizeof(b)), 0);
	ck_assert_str_eq(b, "/u/v");
	ck_assert_int_eq(proc_cgroup_parse(hybrid, true, b, sizeof(b)), 0);
	ck_assert_str_eq(b, "/process_api/x");
	ck_assert_int_eq(proc_cgroup_parse("3:cpu,memory:/m\n", true, b, sizeof(b)), 0);
	ck_assert_str_eq(b, "/m");
	ck_assert_int_eq(proc_cgroup_parse("3:cpu,memoryx:/m\n", true, b, sizeof(b)), -ENOENT);
	ck_assert_int_eq(proc_cgroup_parse("4:memory:/x\n", false, b, sizeof(b)), -ENOENT);
	ck_assert_int_eq(proc_cgroup_parse("0::/abc", false, b, 4), -ENAMETOOLONG);
	ck_assert_int_eq(proc_cgroup_parse("0::relative\n", false, b, sizeof(b)), -EINVAL);
	ck_assert_int_eq(proc_cgroup_parse("", false, b, sizeof(b)), -ENOENT);
}
END_TEST

START_TEST(test_proc_cgroup_memory_path)
{
	char buf[256];
	bool v1;

	ck_assert_int_eq(proc_cgroup_memory_path("9:name=systemd:/\n4:memory:/a/b\n0::/x\n", buf,
						 sizeof(buf), &v1),
			 0);
	ck_assert_str_eq(buf, "/a/b");
	ck_assert(v1);
	ck_assert_int_eq(proc_cgroup_memory_path("0::/user.slice/u.scope\n", buf, sizeof(buf), &v1),
			 0);
	ck_assert_str_eq(buf, "/user.slice/u.scope");
	ck_assert(!v1);
	/* co-mounted controllers */
	ck_assert_int_eq(proc_cgroup_memory_path("3:cpu,memory:/c\n", buf, sizeof(buf), &v1), 0);
	ck_assert_str_eq(buf, "/c");
	ck_assert_int_eq(proc_cgroup_memory_path("3:memoryx:/c\n", buf, sizeof(buf), &v1), -ENOENT);
	ck_assert_int_eq(proc_cgroup_memory_path("", buf, sizeof(buf), &v1), -ENOENT);
}
END_TEST

/* protect --relative: membership and write through one /proc/PID directory */
static void put(const char *dir, const char *name, const char *text)
{
	char p[4096];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void adj_is(const char *dir, const char *want)
{
	char p[4096], buf[32] = "";
	FILE *f;

	snprintf(p, sizeof(p), "%s/oom_score_adj", dir);
	f = fopen(p, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
	fclose(f);
	ck_assert_str_eq(buf, want);
}

START_TEST(test_adj_within)
{
	char root[] = "/tmp/oomlab-unit-adj-XXXXXX", d[4096];
	struct host h;

	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(d, sizeof(d), "%s/proc", root);
	ck_assert_int_eq(mkdir(d, 0755), 0);
	snprintf(d, sizeof(d), "%s/proc/77", root);
	ck_assert_int_eq(mkdir(d, 0755), 0);
	put(d, "cgroup", "12:pids:/p\n4:memory:/a/b\n0::/x\n");
	put(d, "oom_score_adj", "0");
	ck_assert_int_eq(host_init(&h, root), 0);

	ck_assert_int_eq(proc_set_oom_score_adj_within(&h, 77, 500, true, "/a"), 0);
	adj_is(d, "500");
	ck_assert_int_eq(proc_set_oom_score_adj_within(&h, 77, 600, true, "/a/b"), 0);
	adj_is(d, "600");
	/* outside: another cgroup, a name that only starts like it, the root, v2's path */
	ck_assert_int_eq(proc_set_oom_score_adj_within(&h, 77, 1, true, "/c"), -ESRCH);
	ck_assert_int_eq(proc_set_oom_score_adj_within(&h, 77, 1, true, "/a/bc"), -ESRCH);
	ck_assert_int_eq(proc_set_oom_score_adj_within(&h, 77, 1, true, "/"), -EINVAL);
	ck_assert_int_eq(proc_set_oom_score_adj_within(&h, 77, 1, false, "/a"), -ESRCH);
	ck_assert_int_eq(proc_set_oom_score_adj_within(&h, 77, 1, false, "/x"), 0);
	adj_is(d, "1");
	ck_assert_int_eq(proc_set_oom_score_adj_within(&h, 77, 1001, true, "/a"), -EINVAL);
	ck_assert_int_eq(proc_set_oom_score_adj_within(&h, 78, 1, true, "/a"), -ENOENT);
	adj_is(d, "1");

	snprintf(d, sizeof(d), "rm -rf '%s'", root);
	ck_assert_int_eq(system(d), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("proc");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_status_6x);
	tcase_add_test(tc, test_status_kthread_old_escaped);
	tcase_add_test(tc, test_int_stat_cgroup);
	tcase_add_test(tc, test_proc_cgroup_parse);
	tcase_add_test(tc, test_proc_cgroup_memory_path);
	tcase_add_test(tc, test_adj_within);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(suite)

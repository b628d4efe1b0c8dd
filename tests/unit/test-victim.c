// SPDX-License-Identifier: MIT
/* lib/victim.c: the pure parts of the victim sources: trace_pipe lines, format shapes, cgroup paths, the
 * OOMing-memcg inference, after-the-fact reads, the source kinds. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "util.h"
#include "victim-internal.h"
#include "victim.h"

static int parse(const char *line, struct oom_event *ev)
{
	return mark_victim_parse_line(line, strlen(line), ev);
}

START_TEST(test_line_pid_only)
{
	struct oom_event ev;

	ck_assert_int_eq(
		parse("         python3-2124    [001] d..1.  4521.881234: mark_victim: pid=2124\n",
		      &ev),
		0);
	ck_assert_int_eq(ev.pid, 2124);
	ck_assert_uint_eq(ev.kernel_time_us, 4521881234ULL);
	ck_assert(ev.have & OOM_HAVE_PID);
	ck_assert(!(ev.have & OOM_HAVE_ANON_RSS));
	ck_assert_str_eq(ev.comm, "");
	/* older trace output without the flags column, ns clocks */
	ck_assert_int_eq(parse("  a b-1 [000] 12.123456789: mark_victim: pid=7", &ev), 0);
	ck_assert_int_eq(ev.pid, 7);
	ck_assert_uint_eq(ev.kernel_time_us, 12123456ULL);
}
END_TEST

START_TEST(test_line_full)
{
	struct oom_event ev;

	ck_assert_int_eq(
		parse("    oomlab-eater-14746   [000] .....   768.538489: mark_victim: pid=14746 "
		      "comm=oomlab-eater total-vm=68268kB anon-rss=65280kB file-rss:960kB "
		      "shmem-rss:0kB uid=0 pgtables=172kB oom_score_adj=-17",
		      &ev),
		0);
	ck_assert_int_eq(ev.pid, 14746);
	ck_assert_str_eq(ev.comm, "oomlab-eater");
	ck_assert_uint_eq(ev.total_vm_kb, 68268);
	ck_assert_uint_eq(ev.anon_rss_kb, 65280);
	ck_assert_uint_eq(ev.file_rss_kb, 960);
	ck_assert_uint_eq(ev.shmem_rss_kb, 0);
	ck_assert_uint_eq(ev.pgtables_kb, 172);
	ck_assert_int_eq(ev.oom_score_adj, -17);
	ck_assert_uint_eq(ev.kernel_time_us, 768538489ULL);
	ck_assert(ev.have & OOM_HAVE_ANON_RSS);
	ck_assert(ev.have & OOM_HAVE_ADJ);
}
END_TEST

START_TEST(test_line_hostile)
{
	struct oom_event ev;

	/* the victim names itself after the fields that follow it */
	ck_assert_int_eq(parse("x-1 [000] ..... 1.000001: mark_victim: pid=9 comm=a total-vm=1kB "
			       "total-vm=68268kB anon-rss=5kB file-rss:6kB shmem-rss:7kB uid=1000 "
			       "pgtables=8kB oom_score_adj=1000",
			       &ev),
			 0);
	ck_assert_str_eq(ev.comm, "a total-vm=1kB");
	ck_assert_uint_eq(ev.total_vm_kb, 68268);
	ck_assert_uint_eq(ev.uid, 1000);
	/* a current task named like the tag cannot fool the parser: its comm is too short */
	ck_assert_int_eq(parse("mark_victim: pi-5 [000] ..... 2.5: mark_victim: pid=6", &ev), 0);
	ck_assert_int_eq(ev.pid, 6);
	ck_assert_uint_eq(ev.kernel_time_us, 2500000ULL);
	/* not ours, malformed */
	ck_assert_int_eq(parse("x-1 [000] ..... 1.0: wake_reaper: pid=9", &ev), -ENOMSG);
	ck_assert_int_eq(parse("x-1 [000] ..... 1.0: mark_victim: pid=", &ev), -EINVAL);
	ck_assert_int_eq(parse("x-1 [000] ..... 1.0: mark_victim: pid=0", &ev), -EINVAL);
	ck_assert_int_eq(parse("x-1 [000] ..... abc: mark_victim: pid=3", &ev), -EINVAL);
	ck_assert_int_eq(parse("x-1 [000] ..... 1.0: mark_victim: pid=3 comm=x total-vm=1kB", &ev),
			 -EINVAL);
	ck_assert_int_eq(parse("x-1 [000] ..... 1.0: mark_victim: pid=3 comm=x total-vm=1kB "
			       "anon-rss=5kB file-rss:6kB shmem-rss:7kB uid=1 pgtables=8kB "
			       "oom_score_adj=1001",
			       &ev),
			 -EINVAL);
}
END_TEST

static char *slurp(const char *name)
{
	static char buf[8192];
	char p[4096];

	snprintf(p, sizeof(p), "%s/tracefs/%s", fixture_dir(), name);
	ck_assert_int_gt(read_file(p, buf, sizeof(buf)), 0);
	return buf;
}

START_TEST(test_format_shape)
{
	ck_assert_int_eq(mark_victim_format_shape(slurp("mark_victim-6.18.format")),
			 MARK_VICTIM_FULL);
	ck_assert_int_eq(mark_victim_format_shape(slurp("mark_victim-6.1.format")),
			 MARK_VICTIM_PID_ONLY);
	ck_assert_int_eq(mark_victim_format_shape("field:int common_pid;\toffset:4;"), -EINVAL);
	ck_assert_int_eq(mark_victim_format_shape(""), -EINVAL);
}
END_TEST

START_TEST(test_cgroup_path)
{
	const char *names[] = { "b", "a", "oomlab-test-1" };
	char buf[64];

	ck_assert_int_eq(cgroup_path_from_names(names, 3, 0, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/oomlab-test-1/a/b");
	ck_assert_int_eq(cgroup_path_from_names(names, 3, 1, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/oomlab-test-1/a");
	ck_assert_int_eq(cgroup_path_from_names(names, 3, 3, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/");
	ck_assert_int_eq(cgroup_path_from_names(names, 0, 0, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/");
	ck_assert_int_eq(cgroup_path_from_names(names, 3, 0, buf, 18), -ENAMETOOLONG);
	ck_assert_int_eq(cgroup_path_from_names(names, 3, 0, buf, 19), 0);
}
END_TEST

START_TEST(test_infer)
{
	const uint64_t M = 1 << 20, none = 0x7ffffffffffff000ULL;
	/* victim in /a/b (no limit), /a limited to 64M and full, / above it */
	struct memcg_level lv[] = {
		{ .usage_bytes = 63 * M, .limit_bytes = none },
		{ .usage_bytes = 64 * M - 4096, .limit_bytes = 64 * M },
		{ .usage_bytes = 100 * M, .limit_bytes = 1024 * M },
	};
	ck_assert_int_eq(memcg_infer_oom_level(lv, 3, 2 * M), 1);
	/* the victim's own memcg, when it is the full one */
	lv[0].limit_bytes = 63 * M + 8192;
	ck_assert_int_eq(memcg_infer_oom_level(lv, 3, 2 * M), 0);
	/* limited but far from full everywhere: looks global */
	lv[0].limit_bytes = none;
	lv[1].usage_bytes = 10 * M;
	ck_assert_int_eq(memcg_infer_oom_level(lv, 3, 2 * M), -ENOENT);
	ck_assert_int_eq(memcg_infer_oom_level(lv, 0, 2 * M), -ENOENT);
}
END_TEST

START_TEST(test_after_the_fact)
{
	struct host h;
	struct oom_event ev = { .have = OOM_HAVE_PID, .pid = 4242 };
	char root[4096];

	snprintf(root, sizeof(root), "%s/victim", fixture_dir());
	ck_assert_int_eq(host_init(&h, root), 0);
	victim_fill_after_the_fact(&h, &ev);
	ck_assert(ev.after_the_fact);
	ck_assert_str_eq(ev.comm, "python3");
	ck_assert_int_eq(ev.tgid, 4242);
	ck_assert_uint_eq(ev.uid, 1000);
	ck_assert_uint_eq(ev.total_vm_kb, 75164);
	ck_assert_uint_eq(ev.anon_rss_kb, 65152);
	ck_assert_uint_eq(ev.pgtables_kb, 188);
	ck_assert_str_eq(ev.task_memcg, "/a/b");
	ck_assert_str_eq(ev.oom_memcg, "/a");
	ck_assert(ev.inferred_oom_memcg);
	ck_assert_uint_eq(ev.memcg_limit_kb, 65536);
	ck_assert_uint_eq(ev.memcg_usage_kb, 65532);
	ck_assert(ev.have & OOM_HAVE_TASK_MEMCG_ID);

	/* exited already: no mm, cgroup reads "/" -> unknown, not "/" */
	memset(&ev, 0, sizeof(ev));
	ev.have = OOM_HAVE_PID;
	ev.pid = 4343;
	victim_fill_after_the_fact(&h, &ev);
	ck_assert_str_eq(ev.task_memcg, "");
	ck_assert(!(ev.have & OOM_HAVE_ANON_RSS));
	ck_assert_str_eq(ev.comm, "python3");

	/* gone entirely */
	memset(&ev, 0, sizeof(ev));
	ev.have = OOM_HAVE_PID;
	ev.pid = 1;
	victim_fill_after_the_fact(&h, &ev);
	ck_assert(!ev.after_the_fact);
}
END_TEST

START_TEST(test_kinds)
{
	enum victim_source_kind k;

	ck_assert_int_eq(victim_source_kind_from_string("tracefs", &k), 0);
	ck_assert_int_eq(k, VICTIM_SOURCE_TRACEFS);
	ck_assert_int_eq(victim_source_kind_from_string("perf", &k), -EINVAL);
	ck_assert_str_eq(victim_source_kind_to_string(VICTIM_SOURCE_BPF), "bpf");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("victimsrc");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_line_pid_only);
	tcase_add_test(tc, test_line_full);
	tcase_add_test(tc, test_line_hostile);
	tcase_add_test(tc, test_format_shape);
	tcase_add_test(tc, test_cgroup_path);
	tcase_add_test(tc, test_infer);
	tcase_add_test(tc, test_after_the_fact);
	tcase_add_test(tc, test_kinds);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(suite)

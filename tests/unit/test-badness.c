// SPDX-License-Identifier: MIT
/* lib/badness.c: the kernel's badness and victim math: points, selection, oom_score, totalpages, the
 * relative protection plan, candidates from /proc and from BPF task records. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "testutil.h"
#include "badness.h"
#include "util.h"

static const char *status_6x =
	"Name:\tpython3\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t2124\nNgid:\t0\nPid:\t2124\n"
	"VmPeak:\t   75164 kB\nVmSize:\t   75164 kB\nVmHWM:\t   71812 kB\nVmRSS:\t   71812 kB\n"
	"RssAnon:\t   65152 kB\nRssFile:\t    6660 kB\nRssShmem:\t       0 kB\nVmData:\t   65900 kB\n"
	"VmPTE:\t     188 kB\nVmSwap:\t       8 kB\nThreads:\t1\nKthread:\t0\n"
	"CapEff:\t000001fffeffffff\n";

START_TEST(test_badness_points)
{
	/* 200 MiB rss, 440 KiB page tables, adj 0, memcg 512 MiB: pages only */
	ck_assert_int_eq(oom_badness_points(204800, 0, 440, 0, 131072, 4), 51200 + 110);
	/* adj is multiplied by totalpages/1000 AFTER integer division: 131071/1000 = 131 */
	ck_assert_int_eq(oom_badness_points(0, 0, 0, 1000, 131071, 4), 131000);
	ck_assert_int_eq(oom_badness_points(0, 0, 0, 1, 999, 4), 0);
	/* negative results are possible (and kept: the kernel returns them since 5.9) */
	ck_assert_int_eq(oom_badness_points(4096, 0, 0, -999, 131072, 4), 1024 - 999 * 131);
	/* swap counts like rss */
	ck_assert_int_eq(oom_badness_points(4096, 4096, 4, 0, 131072, 4), 2049);
}
END_TEST

static struct oom_cand cand(pid_t pid, int64_t badness, enum oom_unkillable u)
{
	struct oom_cand c = { .pid = pid, .badness = badness, .unkillable = u };
	return c;
}

START_TEST(test_select)
{
	struct oom_cand c[5];
	size_t v, r;
	bool tie;

	c[0] = cand(10, 500, OOM_KILLABLE);
	c[1] = cand(11, 900, OOM_KILLABLE);
	c[2] = cand(12, 99999, OOM_UNKILLABLE_ADJ_MIN);
	c[3] = cand(13, 700, OOM_KILLABLE);
	ck_assert_int_eq(oom_select(c, 4, &v, &r, &tie), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_uint_eq(r, 3);
	ck_assert(!tie);
	/* equal points: the LATER task in iteration order wins ("points < chosen" -> next) */
	c[3].badness = 900;
	ck_assert_int_eq(oom_select(c, 4, &v, &r, &tie), 0);
	ck_assert_uint_eq(v, 3);
	ck_assert(tie);
	/* negative badness is still killable (LONG_MIN is the only "skip") */
	c[0] = cand(10, -5000, OOM_KILLABLE);
	c[1] = cand(11, -100, OOM_KILLABLE);
	ck_assert_int_eq(oom_select(c, 2, &v, &r, &tie), 0);
	ck_assert_uint_eq(v, 1);
	/* nothing killable */
	c[0] = cand(1, 10, OOM_UNKILLABLE_INIT);
	c[1] = cand(2, 10, OOM_UNKILLABLE_KTHREAD);
	ck_assert_int_eq(oom_select(c, 2, &v, &r, &tie), -ENOENT);
	ck_assert_int_eq(oom_select(c, 0, &v, &r, &tie), -ENOENT);
}
END_TEST

START_TEST(test_oom_score)
{
	/* 24 GiB, no swap: a tiny process with adj 0 reads 666 (the "* 2 / 3" of 5.9+) */
	ck_assert_int_eq(oom_score_from_badness(500, true, 6291456), 666);
	ck_assert_int_eq(oom_score_from_badness(0, false, 6291456), 0);
	/* all of RAM plus adj 1000: 2000 */
	ck_assert_int_eq(oom_score_from_badness(2 * 6291456, true, 6291456), 2000);
	/* negative badness truncates toward zero, like the kernel's long division */
	ck_assert_int_eq(oom_score_from_badness(-6291, true, 6291456), 666);
	ck_assert_int_eq(oom_score_from_badness(-6292, true, 6291456), 666);
	ck_assert_int_eq(oom_score_from_badness(-6291456 * 999LL / 1000, true, 6291456), 1);
	ck_assert_int_eq(oom_score_from_badness(-6291456, true, 6291456), 0);
}
END_TEST

START_TEST(test_memcg_totalpages)
{
	struct memcg_max_input in = {
		.max = 512ULL << 20, .memsw_max = SIZE_UNLIMITED, .swappiness = 60, .total_swap = 0
	};
	uint64_t t;
	/* v1, no swap on the host */
	ck_assert_int_eq(memcg_totalpages(&in, 4096, &t), 0);
	ck_assert_uint_eq(t, 131072);
	/* v1 with 1 GiB of swap, memsw unlimited: + min(memsw - max, total swap) */
	in.total_swap = 1ULL << 30;
	ck_assert_int_eq(memcg_totalpages(&in, 4096, &t), 0);
	ck_assert_uint_eq(t, 131072 + 262144);
	/* v1 memsw 768 MiB: + 256 MiB */
	in.memsw_max = 768ULL << 20;
	ck_assert_int_eq(memcg_totalpages(&in, 4096, &t), 0);
	ck_assert_uint_eq(t, 131072 + 65536);
	/* swappiness 0: no swap in the total */
	in.swappiness = 0;
	ck_assert_int_eq(memcg_totalpages(&in, 4096, &t), 0);
	ck_assert_uint_eq(t, 131072);
	/* v2: + min(swap.max, total swap) */
	in.v2 = true;
	in.swappiness = 60;
	in.swap_max = 128ULL << 20;
	ck_assert_int_eq(memcg_totalpages(&in, 4096, &t), 0);
	ck_assert_uint_eq(t, 131072 + 32768);
	in.swap_max = SIZE_UNLIMITED;
	ck_assert_int_eq(memcg_totalpages(&in, 4096, &t), 0);
	ck_assert_uint_eq(t, 131072 + 262144);
	/* a limit below one page: the kernel uses 1 ("?: 1") */
	in.max = 100;
	in.swap_max = 0;
	ck_assert_int_eq(memcg_totalpages(&in, 4096, &t), 0);
	ck_assert_uint_eq(t, 1);
	in.max = SIZE_UNLIMITED;
	ck_assert_int_eq(memcg_totalpages(&in, 4096, &t), -ERANGE);
}
END_TEST

/* The --relative plan gives the same ordering as the direct adj, as long as nobody is capped. */
START_TEST(test_relative_plan)
{
	uint32_t seed = 12345;
	for (int round = 0; round < 2000; round++) {
		struct oom_cand a[6], b[6];
		int new_adj[6];
		size_t n = 2 + round % 5, capped, va, vb, r;
		bool tie;
		uint64_t total = 131072;
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245 + 12345;
			a[i] = cand((pid_t)(100 + i), 0, OOM_KILLABLE);
			a[i].rss_kb = 4 * (1024 + (seed >> 8) % 60000);
			a[i].adj = (int)((seed >> 4) % 200);
		}
		size_t t = (size_t)round % n;
		int want = a[t].adj - 1 - (round % 700); /* lower by 1..700, others <= 199 + 700 */
		if (want < -999)
			want = -999;
		memcpy(b, a, sizeof(a));
		b[t].adj = want;
		ck_assert_int_eq(oom_relative_plan(a, n, t, want, new_adj, &capped), 0);
		ck_assert_uint_eq(capped, 0);
		for (size_t i = 0; i < n; i++) {
			a[i].adj = new_adj[i];
			oom_cand_score(&a[i], total, 4);
			oom_cand_score(&b[i], total, 4);
		}
		ck_assert_int_eq(new_adj[t], a[t].adj);
		ck_assert_int_eq(oom_select(a, n, &va, &r, &tie), 0);
		ck_assert_int_eq(oom_select(b, n, &vb, &r, &tie), 0);
		ck_assert_uint_eq(va, vb);
		/* every pairwise difference is the same */
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; j < n; j++)
				ck_assert_int_eq(a[i].badness - a[j].badness,
						 b[i].badness - b[j].badness);
	}
}
END_TEST

START_TEST(test_relative_plan_limits)
{
	struct oom_cand c[3] = { cand(1, 0, OOM_KILLABLE), cand(2, 0, OOM_KILLABLE),
				 cand(3, 0, OOM_UNKILLABLE_ADJ_MIN) };
	int new_adj[3];
	size_t capped;
	c[1].adj = 600;
	c[2].adj = -1000;
	ck_assert_int_eq(oom_relative_plan(c, 3, 0, -800, new_adj, &capped), 0);
	ck_assert_int_eq(new_adj[0], 0);     /* the protected one is not written */
	ck_assert_int_eq(new_adj[1], 1000);  /* 600 + 800 capped */
	ck_assert_int_eq(new_adj[2], -1000); /* unkillable ones are left alone */
	ck_assert_uint_eq(capped, 1);
	/* nothing to lower */
	ck_assert_int_eq(oom_relative_plan(c, 3, 0, 0, new_adj, &capped), -EINVAL);
	ck_assert_int_eq(oom_relative_plan(c, 3, 0, 10, new_adj, &capped), -EINVAL);
	ck_assert_int_eq(oom_relative_plan(c, 3, 5, -10, new_adj, &capped), -EINVAL);
}
END_TEST

START_TEST(test_cand_from_proc)
{
	struct proc_oom_info info = { .oom_score_adj = 0, .oom_score = 0, .has_oom_score = true };
	struct oom_cand c;
	ck_assert_int_eq(proc_status_parse(status_6x, &info.st), 0);
	oom_cand_from_proc(&c, 1, &info);
	ck_assert_int_eq(c.unkillable, OOM_UNKILLABLE_INIT);
	/* pid 1 of a container: the kernel gives it an oom_score, so it is killable */
	info.oom_score = 700;
	oom_cand_from_proc(&c, 1, &info);
	ck_assert_int_eq(c.unkillable, OOM_KILLABLE);
	ck_assert_uint_eq(c.rss_kb, 71812);
	ck_assert_uint_eq(c.pgtables_kb, 188);
	info.oom_score_adj = -1000;
	oom_cand_from_proc(&c, 5, &info);
	ck_assert_int_eq(c.unkillable, OOM_UNKILLABLE_ADJ_MIN);
	ck_assert_int_eq(proc_status_parse("Name:\tk\nKthread:\t1\n", &info.st), 0);
	oom_cand_from_proc(&c, 5, &info);
	ck_assert_int_eq(c.unkillable, OOM_UNKILLABLE_KTHREAD);
	ck_assert_int_eq(proc_status_parse("Name:\tz\nKthread:\t0\n", &info.st), 0);
	info.oom_score_adj = 0;
	oom_cand_from_proc(&c, 5, &info);
	ck_assert_int_eq(c.unkillable, OOM_UNKILLABLE_NO_MM);
}
END_TEST

START_TEST(test_cand_from_task)
{
	struct oom_task t = { .pid = 42,
			      .comm = "svc",
			      .flags = OT_F_MM,
			      .anon = 1000,
			      .file = 200,
			      .shmem = 24,
			      .swap = 8,
			      .pgtables_bytes = 65536 };
	struct oom_cand c;

	oom_cand_from_task(&c, &t, 4);
	ck_assert_int_eq(c.unkillable, OOM_KILLABLE);
	ck_assert_uint_eq(c.rss_kb, 1224 * 4);
	ck_assert_uint_eq(c.rss_anon_kb, 4000);
	ck_assert_uint_eq(c.rss_file_kb, 800);
	ck_assert_uint_eq(c.rss_shmem_kb, 96);
	ck_assert_uint_eq(c.swap_kb, 32);
	ck_assert_uint_eq(c.pgtables_kb, 64);
	ck_assert(!c.has_oom_score);
	oom_cand_score(&c, 1000000, 4);
	ck_assert_int_eq(c.badness, 1224 + 8 + 16);
	/* the kernel's order of tests: init and kernel threads first, then no mm, adj -1000,
	 * MMF_OOM_SKIP and vfork */
	t.flags = OT_F_MM | OT_F_OOM_SKIP | OT_F_VFORK;
	oom_cand_from_task(&c, &t, 4);
	ck_assert_int_eq(c.unkillable, OOM_UNKILLABLE_OOM_SKIP);
	t.flags = OT_F_MM | OT_F_VFORK;
	oom_cand_from_task(&c, &t, 4);
	ck_assert_int_eq(c.unkillable, OOM_UNKILLABLE_VFORK);
	t.adj = -1000;
	oom_cand_from_task(&c, &t, 4);
	ck_assert_int_eq(c.unkillable, OOM_UNKILLABLE_ADJ_MIN);
	t.flags = OT_F_EXITING;
	oom_cand_from_task(&c, &t, 4);
	ck_assert_int_eq(c.unkillable, OOM_UNKILLABLE_NO_MM);
	t.flags = OT_F_KTHREAD;
	oom_cand_from_task(&c, &t, 4);
	ck_assert_int_eq(c.unkillable, OOM_UNKILLABLE_KTHREAD);
	t.pid = 1;
	t.flags = OT_F_MM;
	t.adj = 0;
	oom_cand_from_task(&c, &t, 4);
	ck_assert_int_eq(c.unkillable, OOM_UNKILLABLE_INIT);
	t.pid = 7;
	t.flags = OT_F_MM | OT_F_OOM_VICTIM | OT_F_OOM_ORIGIN;
	oom_cand_from_task(&c, &t, 4);
	ck_assert(c.oom_victim && c.oom_origin);
	ck_assert_str_eq(oom_unkillable_to_string(OOM_UNKILLABLE_OOM_SKIP),
			 "already reaped (MMF_OOM_SKIP)");
}
END_TEST

/* oom_task_origin(): chosen with LONG_MAX before oom_badness(), even with adj -1000; the last
 * of several wins; init and kernel threads stay exempt */
START_TEST(test_select_origin)
{
	struct oom_cand c[4] = { 0 };
	size_t v, r;
	bool tie;

	for (int i = 0; i < 4; i++) {
		c[i].pid = 10 + i;
		c[i].badness = 1000 * (i + 1);
	}
	c[1].oom_origin = true;
	c[1].unkillable = OOM_UNKILLABLE_ADJ_MIN;
	ck_assert_int_eq(oom_select(c, 4, &v, &r, &tie), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_uint_eq(r, 3); /* the runner-up is the best by points */
	ck_assert(!tie);
	c[2].oom_origin = true;
	ck_assert_int_eq(oom_select(c, 4, &v, &r, &tie), 0);
	ck_assert_uint_eq(v, 2); /* equal LONG_MAX: the later one */
	c[2].unkillable = OOM_UNKILLABLE_KTHREAD;
	c[1].unkillable = OOM_UNKILLABLE_INIT;
	ck_assert_int_eq(oom_select(c, 4, &v, &r, &tie), 0);
	ck_assert_uint_eq(v, 3); /* exempt: back to points */
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("badness");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_badness_points);
	tcase_add_test(tc, test_select);
	tcase_add_test(tc, test_oom_score);
	tcase_add_test(tc, test_memcg_totalpages);
	tcase_add_test(tc, test_relative_plan);
	tcase_add_test(tc, test_relative_plan_limits);
	tcase_add_test(tc, test_cand_from_proc);
	tcase_add_test(tc, test_cand_from_task);
	tcase_add_test(tc, test_select_origin);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(suite)

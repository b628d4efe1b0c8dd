// SPDX-License-Identifier: MIT
/* lib/oomtasks.c: task records (BPF task iterator) merged into processes. */
#include <string.h>

#include "testutil.h"
#include "oomtasks.h"
#include "badness.h"

static struct ot_rec rec(int tgid, int tid, unsigned flags, const char *comm, long long anon,
			 long long file)
{
	struct ot_rec r = { .tgid = tgid, .mm_tid = tid, .flags = flags };
	strncpy(r.comm, comm, sizeof(r.comm));
	r.counters[OT_ANONPAGES] = anon;
	r.counters[OT_FILEPAGES] = file;
	r.start_ns = (unsigned long long)tgid * 1000;
	return r;
}

START_TEST(test_tasks_merge)
{
	struct ot_rec in[6];
	struct oom_task out[6];
	size_t n;

	in[0] = rec(30, 30, OT_F_MM, "c", 5, 1);
	/* a leader that exited: its own record without an mm, then a thread lending its mm */
	in[1] = rec(20, 20, OT_F_EXITING, "leaderless", 0, 0);
	in[2] = rec(20, 23, OT_F_MM | OT_F_MM_FROM_THREAD, "worker", 700, 3);
	in[2].start_ns = 99; /* the lending record carries the leader's fork time */
	in[3] = rec(10, 10, OT_F_MM, "a", 2, 0);
	/* negative per-mm counts (pages freed on another CPU): get_mm_counter() clamps them */
	in[4] = rec(40, 40, OT_F_MM, "neg", -7, 4);
	in[5] = rec(0, 0, 0, "", 0, 0); /* the idle task: no tgid, dropped */
	n = oom_tasks_from_records(in, 6, out);
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(out[0].pid, 10);
	ck_assert_int_eq(out[1].pid, 20);
	ck_assert_str_eq(out[1].comm, "leaderless"); /* the process keeps its leader's name */
	ck_assert_uint_eq(out[1].anon, 700);
	ck_assert(out[1].flags & OT_F_MM);
	ck_assert_uint_eq(out[1].start_ns, 20000);
	ck_assert_int_eq(out[2].pid, 30);
	ck_assert_uint_eq(out[3].anon, 0);
	ck_assert_uint_eq(out[3].file, 4);
	ck_assert_ptr_eq(oom_tasks_find(out, n, 20), &out[1]);
	ck_assert_ptr_null(oom_tasks_find(out, n, 21));
	/* a lending thread seen before its leader's own record: same result */
	in[0] = rec(20, 23, OT_F_MM | OT_F_MM_FROM_THREAD, "worker", 700, 3);
	in[1] = rec(20, 20, OT_F_EXITING, "leaderless", 0, 0);
	n = oom_tasks_from_records(in, 2, out);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(out[0].comm, "leaderless");
	ck_assert_uint_eq(out[0].anon, 700);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("oomtasks");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_tasks_merge);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(suite)

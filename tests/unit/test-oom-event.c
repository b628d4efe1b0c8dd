// SPDX-License-Identifier: MIT
/* lib/oom-event.c: merging a kernel log report into an event of another source. */
#include <errno.h>
#include <string.h>

#include "testutil.h"
#include "oom-event.h"
#include "oom-report.h"

/* the kernel log's report as /dev/kmsg gives it (escaped), assembled, for the side channel */
static void pending_on_kill(const struct oom_event *ev, void *userdata)
{
	*(struct oom_event *)userdata = *ev;
}

static void feed_kmsg(struct oomreport *r, const char *t)
{
	oomreport_feed_text(r, t, strlen(t), true, 1000, true);
}

START_TEST(test_log_merge)
{
	struct oom_event killed = { 0 }, log, ev;
	struct oomreport_ops ops = { .on_kill = pending_on_kill, .userdata = &killed };
	struct oomreport *r;

	ck_assert_int_eq(oomreport_new(OOM_SOURCE_KMSG, &ops, &r), 0);
	feed_kmsg(r, "py invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0");
	feed_kmsg(r, "memory: usage 32768kB, limit 32768kB, failcnt 9");
	feed_kmsg(r, "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,"
		     "oom_memcg=/a\\x2db,task_memcg=/a\\x2db/c,task=py,pid=2124,uid=0");
	/* the tracepoint fired here: the kill line has not come */
	ck_assert_int_eq(oomreport_pending(r, 77, &log), -ENOENT);
	ck_assert_int_eq(oomreport_pending(r, 2124, &log), 0);
	ck_assert_str_eq(log.oom_memcg, "/a-b");
	ck_assert_str_eq(log.task_memcg, "/a-b/c");
	ck_assert(log.have & OOM_HAVE_MEMCG_LIMIT);
	ck_assert_uint_eq(log.memcg_limit_kb, 32768);

	/* a tracefs event: pid and sizes, the cgroup read late and gone (no limit) */
	memset(&ev, 0, sizeof(ev));
	ev.have = OOM_HAVE_PID;
	ev.pid = 2124;
	ev.after_the_fact = true;
	ev.source = OOM_SOURCE_TRACEFS;
	ck_assert_int_eq(oom_event_merge_log(&ev, &log), 0);
	ck_assert(ev.have & OOM_HAVE_MEMCG_LIMIT);
	ck_assert_uint_eq(ev.memcg_limit_kb, 32768);
	ck_assert_str_eq(ev.oom_memcg, "/a-b");
	ck_assert_str_eq(ev.task_memcg, "/a-b/c");
	ck_assert_str_eq(ev.constraint, "CONSTRAINT_MEMCG");
	ck_assert_str_eq(ev.invoker_comm, "py");
	ck_assert_int_eq(ev.scope, OOM_SCOPE_MEMCG);
	ck_assert(ev.kmsg_checked && !ev.inferred_oom_memcg);
	ck_assert_int_eq(ev.source, OOM_SOURCE_TRACEFS);

	/* a BPF event read in the kernel keeps its figures; another pid or victim memcg: refused */
	memset(&ev, 0, sizeof(ev));
	ev.have = OOM_HAVE_PID | OOM_HAVE_MEMCG_LIMIT;
	ev.pid = 2124;
	ev.memcg_limit_kb = 32764;
	memcpy(ev.oom_memcg, "/a-b", 5);
	memcpy(ev.task_memcg, "/a-b/c", 7);
	ck_assert_int_eq(oom_event_merge_log(&ev, &log), 0);
	ck_assert_uint_eq(ev.memcg_limit_kb, 32764);
	memcpy(ev.task_memcg, "/x", 3);
	ev.constraint[0] = '\0';
	ck_assert_int_eq(oom_event_merge_log(&ev, &log), -ESRCH);
	ck_assert_str_eq(ev.constraint, "");
	ev.pid = 1;
	ck_assert_int_eq(oom_event_merge_log(&ev, &log), -ESRCH);

	/* the kill line ends the report: assembled, no longer pending */
	feed_kmsg(r,
		  "Memory cgroup out of memory: Killed process 2124 (py) total-vm:1kB, "
		  "anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0");
	ck_assert_int_eq(oomreport_pending(r, 2124, &log), -ENOENT);
	ck_assert_int_eq(killed.pid, 2124);
	ck_assert_uint_eq(killed.memcg_limit_kb, 32768);

	/* a global OOM's record clears the memcg the source guessed */
	feed_kmsg(
		r,
		"java invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0");
	feed_kmsg(r, "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,"
		     "global_oom,task_memcg=/user.slice,task=java,pid=77,uid=1000");
	ck_assert_int_eq(oomreport_pending(r, 77, &log), 0);
	memset(&ev, 0, sizeof(ev));
	ev.have = OOM_HAVE_PID | OOM_HAVE_MEMCG_LIMIT | OOM_HAVE_MEMCG_USAGE;
	ev.pid = 77;
	ev.after_the_fact = ev.inferred_oom_memcg = true;
	memcpy(ev.oom_memcg, "/user.slice", 12);
	ck_assert_int_eq(oom_event_merge_log(&ev, &log), 0);
	ck_assert_int_eq(ev.scope, OOM_SCOPE_GLOBAL);
	ck_assert_str_eq(ev.oom_memcg, "");
	ck_assert(!(ev.have & (OOM_HAVE_MEMCG_LIMIT | OOM_HAVE_MEMCG_USAGE)));
	ck_assert(!ev.inferred_oom_memcg);
	oomreport_free(r);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("oomevent");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_log_merge);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(suite)

// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "oom-report.h"

static int kill_of(const char *s, struct oom_kill_line *k)
{
	return oomreport_parse_kill(s, strlen(s), k);
}

START_TEST(test_kill_eras)
{
	struct oom_kill_line k;

	/* 6.x, live on this machine */
	ck_assert_int_eq(
		kill_of("Memory cgroup out of memory: Killed process 2124 (python3) total-vm:75164kB, anon-rss:65152kB, file-rss:6660kB, shmem-rss:0kB, UID:0 pgtables:188kB oom_score_adj:0",
			&k),
		0);
	ck_assert_int_eq(k.pid, 2124);
	ck_assert_str_eq(k.comm, "python3");
	ck_assert(k.complete && k.memcg_prefix && !k.global_prefix);
	ck_assert_uint_eq(k.total_vm_kb, 75164);
	ck_assert_uint_eq(k.anon_rss_kb, 65152);
	ck_assert_uint_eq(k.file_rss_kb, 6660);
	ck_assert_uint_eq(k.pgtables_kb, 188);
	ck_assert(k.have & OOM_HAVE_UID && k.have & OOM_HAVE_ADJ && k.have & OOM_HAVE_SHMEM_RSS);
	/* 4.x separate line, no shmem */
	ck_assert_int_eq(
		kill_of("Killed process 9001 (stress) total-vm:134352kB, anon-rss:131056kB, file-rss:100kB",
			&k),
		0);
	ck_assert(k.complete && !(k.have & OOM_HAVE_SHMEM_RSS) && !(k.have & OOM_HAVE_UID));
	/* RHEL 6 */
	ck_assert_int_eq(
		kill_of("Killed process 2603, UID 500, (java) total-vm:1498536kB, anon-rss:721784kB, file-rss:4228kB",
			&k),
		0);
	ck_assert_int_eq(k.pid, 2603);
	ck_assert_uint_eq(k.uid, 500);
	ck_assert_str_eq(k.comm, "java");
	/* 2.6.32 vsz */
	ck_assert_int_eq(
		kill_of("Killed process 3100 (bigproc) vsz:3928164kB, anon-rss:3812340kB, file-rss:120kB",
			&k),
		0);
	ck_assert_uint_eq(k.total_vm_kb, 3928164);
	/* negative adj */
	ck_assert_int_eq(
		kill_of("Out of memory: Killed process 5 (a) total-vm:1kB, anon-rss:1kB, file-rss:1kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:-999",
			&k),
		0);
	ck_assert_int_eq(k.oom_score_adj, -999);
	ck_assert(k.global_prefix);
	/* what pastes do to it: digit-group commas, a flattened wrap "anon- rss:", a unit cut
	 * after its "k", RHEL 6 with the blank after the comma lost */
	ck_assert_int_eq(
		kill_of("Out of memory: Killed process 7899 (python) total-vm:26,184,840kB, anon-rss:153,700,88kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:38964kB oom_score_adj:0",
			&k),
		0);
	ck_assert_uint_eq(k.total_vm_kb, 26184840);
	ck_assert_uint_eq(k.anon_rss_kb, 15370088);
	ck_assert(k.complete);
	ck_assert_int_eq(
		kill_of("Killed process 1917 (php-cgi) vsz:467184kB, anon- rss:101196kB, file-rss:204kB",
			&k),
		0);
	ck_assert_uint_eq(k.anon_rss_kb, 101196);
	ck_assert(k.complete);
	ck_assert_int_eq(
		kill_of("Killed process 2603 (flasherav) total-vm:1498536kB, anon-rss:721784kB, file-rss:4228k",
			&k),
		0);
	ck_assert(k.have & OOM_HAVE_FILE_RSS);
	ck_assert_uint_eq(k.file_rss_kb, 4228);
	ck_assert_int_eq(
		kill_of("Killed process 2603 (flasherav) total-vm:1498536kB, anon-rss:721784kB, file-rss:4228",
			&k),
		0);
	ck_assert(!(k.have & OOM_HAVE_FILE_RSS));
	ck_assert_int_eq(
		kill_of("Killed process 9682, UID 27,(mysqld) total-vm:47388kB, anon-rss:3744kB, file-rss:80kB",
			&k),
		0);
	ck_assert_str_eq(k.comm, "mysqld");
	ck_assert_uint_eq(k.uid, 27);
	ck_assert_uint_eq(k.total_vm_kb, 47388);
	/* not kill lines */
	ck_assert_int_eq(kill_of("oom_reaper: reaped process 5 (a), now anon-rss:0kB", &k),
			 -ENOMSG);
	ck_assert_int_eq(kill_of("Killed process x (a)", &k), -EINVAL);
	ck_assert_int_eq(kill_of("Killed process 0 (a)", &k), -EINVAL);
}
END_TEST

START_TEST(test_kill_hostile)
{
	struct oom_kill_line k;

	ck_assert_int_eq(
		kill_of("Memory cgroup out of memory: Killed process 4061 (x) total-vm:1kB) total-vm:221548kB, anon-rss:65152kB, file-rss:6732kB, shmem-rss:0kB, UID:0 pgtables:196kB oom_score_adj:0",
			&k),
		0);
	ck_assert_int_eq(k.pid, 4061);
	ck_assert_str_eq(k.comm, "x) total-vm:1kB");
	ck_assert_uint_eq(k.total_vm_kb, 221548);
	ck_assert_uint_eq(k.anon_rss_kb, 65152);
	/* a comm that is a whole fake field tail with a ")" */
	ck_assert_int_eq(
		kill_of("Killed process 7 (a) b, c) total-vm:5kB, anon-rss:4kB, file-rss:3kB", &k),
		0);
	ck_assert_str_eq(k.comm, "a) b, c");
	/* cut line: one candidate -> fields up to the cut, comm known */
	ck_assert_int_eq(kill_of("Killed process 8 (p) total-vm:5kB, anon-rss:4kB, file-r", &k), 0);
	ck_assert(!k.complete && k.comm_known);
	ck_assert(k.have & OOM_HAVE_ANON_RSS && !(k.have & OOM_HAVE_FILE_RSS));
	/* cut line with a hostile comm: ambiguous -> pid only */
	ck_assert_int_eq(kill_of("Killed process 9 (x) total-vm:1kB) total-vm:2215", &k), 0);
	ck_assert_int_eq(k.pid, 9);
	ck_assert(!k.comm_known && !(k.have & OOM_HAVE_TOTAL_VM));
	/* cut in the pid: "10" may be the start of "1042", so no kill is made of it (the line is
	 * reported as not decoded); cut right after the pid and its blank: the pid is whole */
	ck_assert_int_eq(kill_of("Killed process 10", &k), -EINVAL);
	ck_assert_int_eq(kill_of("Killed process 10 (", &k), 0);
	ck_assert_int_eq(k.pid, 10);
	ck_assert(!k.comm_known);
}
END_TEST

START_TEST(test_summary)
{
	struct oom_summary_line o;
	const char *s =
		"oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/a,b,task_memcg=/a,b/c,task=x,task=y,pid=12,uid=1000";

	ck_assert_int_eq(oomreport_parse_summary(s, strlen(s), NULL, &o), 0);
	ck_assert_str_eq(o.constraint, "CONSTRAINT_MEMCG");
	ck_assert_str_eq(o.oom_memcg, "/a,b");
	ck_assert_str_eq(o.task_memcg, "/a,b/c");
	ck_assert_str_eq(o.comm, "x,task=y");
	ck_assert_int_eq(o.pid, 12);
	ck_assert(o.have_uid && o.uid == 1000 && !o.global_oom);
	/* the hint resolves a path that holds ",task=" */
	s = "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/p,task_memcg=/p,task=q,task=r,pid=13,uid=0";
	ck_assert_int_eq(oomreport_parse_summary(s, strlen(s), "r", &o), 0);
	ck_assert_str_eq(o.task_memcg, "/p,task=q");
	ck_assert_str_eq(o.comm, "r");
	s = "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0-1,global_oom,task_memcg=/system.slice/x.service,task=mysqld,pid=1500,uid=112";
	ck_assert_int_eq(oomreport_parse_summary(s, strlen(s), NULL, &o), 0);
	ck_assert(o.global_oom);
	ck_assert_str_eq(o.oom_memcg, "");
	ck_assert_str_eq(o.task_memcg, "/system.slice/x.service");
	ck_assert_int_eq(oomreport_parse_summary("oom-kill:constraint=X", 21, NULL, &o), -EINVAL);
	ck_assert_int_eq(oomreport_parse_summary("oom_kill", 8, NULL, &o), -ENOMSG);
}
END_TEST

START_TEST(test_header_and_table)
{
	struct oom_header_line h;
	struct oom_task_cols c;
	struct oom_task_row r;
	const char *s =
		"x invoked oom-killer: y invoked oom-killer: gfp_mask=0x14200ca(GFP_HIGHUSER_MOVABLE), nodemask=(null), order=3, oom_score_adj=-17";

	ck_assert_int_eq(oomreport_parse_header(s, strlen(s), &h), 0);
	ck_assert_str_eq(h.comm, "x");
	ck_assert_int_eq(oomreport_parse_header("no", 2, &h), -ENOMSG);
	s = "python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=3, oom_score_adj=-17";
	ck_assert_int_eq(oomreport_parse_header(s, strlen(s), &h), 0);
	ck_assert_str_eq(h.gfp_mask, "0xcc0(GFP_KERNEL)");
	ck_assert(h.have_order && h.order == 3 && h.have_adj && h.oom_score_adj == -17);

	s = "[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name";
	ck_assert_int_eq(oomreport_parse_task_header(s, strlen(s), &c), 0);
	ck_assert_int_eq(c.n, 10);
	ck_assert_int_eq(c.rss, 3);
	s = "[   3916]     0  3916    55342    17942    16288     1654         0   200704        0          -500 my comm (x)";
	ck_assert_int_eq(oomreport_parse_task_row(s, strlen(s), &c, &r), 0);
	ck_assert_int_eq(r.pid, 3916);
	ck_assert_uint_eq(r.rss_pages, 17942);
	ck_assert_uint_eq(r.pgtables_pages, 49);
	ck_assert_int_eq(r.oom_score_adj, -500);
	s = "[ pid ]   uid  tgid total_vm      rss cpu oom_adj oom_score_adj name";
	ck_assert_int_eq(oomreport_parse_task_header(s, strlen(s), &c), 0);
	s = "[  432]     0   432     2763      213   1     -17         -1000 udevd";
	ck_assert_int_eq(oomreport_parse_task_row(s, strlen(s), &c, &r), 0);
	ck_assert_int_eq(r.oom_score_adj, -1000);
	ck_assert_int_eq(oomreport_parse_task_header("[   3916]     0", 15, &c), -ENOMSG);
	ck_assert_int_eq(oomreport_parse_task_row("[   39", 6, &c, &r), -ENOMSG);
}
END_TEST

/* ---- the assembler ---- */

struct got {
	struct oom_event ev[8];
	int n, reaped;
};

static void on_kill(const struct oom_event *ev, void *userdata)
{
	struct got *g = userdata;
	if (g->n < 8)
		g->ev[g->n] = *ev;
	g->n++;
}

static void on_reap(const struct oom_reap *r, void *userdata)
{
	struct got *g = userdata;
	(void)r;
	g->reaped++;
}

static void feed_all(struct got *g, enum oom_source src, const char *const *lines, bool flush)
{
	struct oomreport_ops ops = { .on_kill = on_kill, .on_reap = on_reap, .userdata = g };
	struct oomreport *r;

	memset(g, 0, sizeof(*g));
	ck_assert_int_eq(oomreport_new(src, &ops, &r), 0);
	for (int i = 0; lines[i]; i++)
		oomreport_feed_line(r, lines[i], strlen(lines[i]));
	if (flush)
		oomreport_flush(r);
	oomreport_free(r);
}

START_TEST(test_assemble_kmsg_immediate)
{
	/* from /dev/kmsg a kill is reported on its kill line, before any flush */
	const char *const lines[] = {
		"4,1,100,-;python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
		"6,2,101,-;memory: usage 65536kB, limit 65536kB, failcnt 229",
		"6,3,102,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/a,task_memcg=/a/b,task=python3,pid=5,uid=0",
		"3,4,103,-;Memory cgroup out of memory: Killed process 5 (python3) total-vm:1kB, anon-rss:2kB, file-rss:3kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0",
		"3,5,200,-;Memory cgroup out of memory: Killed process 6 (python3) total-vm:1kB, anon-rss:2kB, file-rss:3kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0",
		"6,6,300,-;oom_reaper: reaped process 5 (python3), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
		NULL,
	};
	struct got g;

	feed_all(&g, OOM_SOURCE_KMSG, lines, false);
	ck_assert_int_eq(g.n, 2);
	ck_assert_int_eq(g.reaped, 1);
	ck_assert_int_eq(g.ev[0].pid, 5);
	ck_assert_str_eq(g.ev[0].oom_memcg, "/a");
	ck_assert_str_eq(g.ev[0].task_memcg, "/a/b");
	ck_assert_uint_eq(g.ev[0].memcg_limit_kb, 65536);
	ck_assert_uint_eq(g.ev[0].kernel_time_us, 103);
	ck_assert_str_eq(g.ev[0].invoker_comm, "python3");
	ck_assert(g.ev[0].source == OOM_SOURCE_KMSG && g.ev[0].killed);
	/* the rate-limited one: no context, no cgroup borrowed from the previous report */
	ck_assert_int_eq(g.ev[1].pid, 6);
	ck_assert_str_eq(g.ev[1].task_memcg, "");
	ck_assert_str_eq(g.ev[1].invoker_comm, "");
	ck_assert(g.ev[1].scope == OOM_SCOPE_MEMCG);
	ck_assert(!(g.ev[1].have & OOM_HAVE_MEMCG_LIMIT));
}
END_TEST

START_TEST(test_assemble_pastes)
{
	/* a selection glued to the next kill line; a wrapped "Task in" limit path; RHEL 7's
	 * summary naming the selected parent before the child is killed */
	const char *const lines[] = {
		"[50.1] Out of memory: kill process 15595 (apache2) score 76575 or a child      [50.2] Killed process 15596 (apache2) vsz:306300kB, anon-rss:36636kB, file-rss:68kB   ",
		"[60.0] Task in /kubepods/pod9/0249 killed as a result of limit of /kubepo",
		"ds/pod9/0249",
		"[60.1] memory: usage 524288kB, limit 524288kB, failcnt 0",
		"[60.2] oom-kill:,cpuset=x,mems_allowed=0,oom_memcg=/kubepods/pod9,task_memcg=/kubepods/pod9/0249,task=sh,pid=12800,uid=7",
		"[60.3] Memory cgroup out of memory: Kill process 12800 (sh) score 997 or sacrifice child",
		"[60.4] Killed process 12788 (cp) total-vm:600736kB, anon-rss:3296kB, file-rss:276kB, shmem-rss:1012kB",
		NULL,
	};
	struct got g;

	feed_all(&g, OOM_SOURCE_LOG, lines, true);
	ck_assert_int_eq(g.n, 2);
	ck_assert_int_eq(g.ev[0].pid, 15596);
	ck_assert_uint_eq(g.ev[0].kernel_time_us, 50200000);
	ck_assert_uint_eq(g.ev[0].file_rss_kb, 68);
	ck_assert_int_eq(g.ev[1].pid, 12788);
	ck_assert_str_eq(g.ev[1].comm, "cp");
	ck_assert_str_eq(g.ev[1].oom_memcg, "/kubepods/pod9");
	ck_assert_uint_eq(g.ev[1].uid, 7);
	ck_assert_uint_eq(g.ev[1].memcg_limit_kb, 524288);
}
END_TEST

START_TEST(test_task_in_without_path)
{
	/* "Task in" followed at once by " killed as ...": the needle's space is the prefix's own.
	 * Found from the line's start, the path's length was -1: a 511-byte read past the line
	 * (ASan: heap-buffer-overflow in copy_n, found by fuzz_event) into task_memcg. */
	const char *const lines[] = {
		"[60.0] Task in killed as a result of limit of  /docker/3f2a",
		"[60.4] Killed process 12788 (cp) total-vm:600736kB, anon-rss:3296kB, file-rss:276kB, shmem-rss:1012kB",
		NULL,
	};
	struct got g;

	feed_all(&g, OOM_SOURCE_LOG, lines, true);
	ck_assert_int_eq(g.n, 1);
	ck_assert_int_eq(g.ev[0].pid, 12788);
	ck_assert_str_eq(g.ev[0].task_memcg, "");
}
END_TEST

START_TEST(test_assemble_quoted_printable)
{
	/* a mail saved raw: quoted, wrapped, quoted-printable ("=20", "=3D", soft breaks) */
	const char *const lines[] = {
		"> [ 1171.795551] Out of memory: Killed process 1669 (xdg-desktop-por) total-",
		"vm:",
		"> 105068kB, anon-rss:9792kB, file-rss:10972kB, shmem-rss:0kB, UID:1000=20",
		"pgtables:",
		"> 136kB oom_score_adj:200",
		"> [ 1172.339920] systemd invoked oom-killer: gfp_mask=3D0xcc0(GFP_KERNEL), order=3D0, oom_score_adj=3D1=",
		"00",
		NULL,
	};
	struct got g;

	feed_all(&g, OOM_SOURCE_LOG, lines, true);
	ck_assert_int_eq(g.n, 1);
	ck_assert_int_eq(g.ev[0].pid, 1669);
	ck_assert_uint_eq(g.ev[0].total_vm_kb, 105068);
	ck_assert_uint_eq(g.ev[0].uid, 1000);
	ck_assert_uint_eq(g.ev[0].pgtables_kb, 136);
	ck_assert_int_eq(g.ev[0].oom_score_adj, 200);
}
END_TEST

START_TEST(test_assemble_reflowed)
{
	/* console text reflowed into a quoted paragraph: messages run into each other */
	const char *const lines[] = {
		"> > Memory cgroup out of memory: kill process 9139 (memcg_test_1) score 3 or a",
		"> >  child Killed process 9139 (memcg_test_1) vsz:3456kB, anon-rss:448kB,",
		"> >  file-rss:1088kB Memory cgroup out of memory: kill process 9140",
		"> >  (memcg_test_1) score 3 or a child Killed process 9140 (memcg_test_1)",
		"> >  vsz:3456kB, anon-rss:448kB, file-rss:1088kB Unable to handle kernel paging",
		"> > Oops: Kernel access of bad area, sig: 11 [#2]",
		NULL,
	};
	struct got g;

	feed_all(&g, OOM_SOURCE_LOG, lines, true);
	ck_assert_int_eq(g.n, 2);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(g.ev[i].pid, 9139 + i);
		ck_assert_str_eq(g.ev[i].comm, "memcg_test_1");
		ck_assert(g.ev[i].scope == OOM_SCOPE_MEMCG);
		ck_assert_uint_eq(g.ev[i].total_vm_kb, 3456);
		ck_assert_uint_eq(g.ev[i].file_rss_kb, 1088);
	}
}
END_TEST

START_TEST(test_assemble_summary_only_and_selected)
{
	const char *const lines[] = {
		"[ 1.0] a invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
		"[ 1.1] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/s,task_memcg=/s,task=a,pid=77,uid=0",
		"[ 2.0] Out of memory: Kill process 78 (b) score 900 or sacrifice child",
		NULL,
	};
	struct got g;

	feed_all(&g, OOM_SOURCE_LOG, lines, false);
	ck_assert_int_eq(g.n, 0);
	feed_all(&g, OOM_SOURCE_LOG, lines, true);
	ck_assert_int_eq(g.n, 1); /* the summary counts; a selection alone does not */
	ck_assert_int_eq(g.ev[0].pid, 77);
	ck_assert_str_eq(g.ev[0].task_memcg, "/s");
}
END_TEST

START_TEST(test_assemble_bounded)
{
	/* many open reports that never finish: the table stays bounded, old ones are evicted */
	struct oomreport_ops ops = { .on_kill = on_kill, .userdata = NULL };
	struct got g = { 0 };
	struct oomreport *r;
	struct oomreport_stats st;
	char line[256];

	ops.userdata = &g;
	ck_assert_int_eq(oomreport_new(OOM_SOURCE_KMSG, &ops, &r), 0);
	for (int i = 1; i <= 1000; i++) {
		int n = snprintf(line, sizeof(line),
				 "x invoked oom-killer: gfp_mask=0x0, order=0, oom_score_adj=0");
		oomreport_feed_text(r, line, (size_t)n, true, (uint64_t)i, false);
		n = snprintf(
			line, sizeof(line),
			"oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/q,task_memcg=/q,task=x,pid=%d,uid=0",
			i);
		oomreport_feed_text(r, line, (size_t)n, true, (uint64_t)i, false);
	}
	oomreport_get_stats(r, &st);
	ck_assert_uint_eq(st.evicted, 1000 - OOMREPORT_OPEN_MAX);
	ck_assert_int_eq(g.n, 1000 - OOMREPORT_OPEN_MAX);
	oomreport_flush(r);
	ck_assert_int_eq(g.n, 1000);
	oomreport_free(r);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("oomreport");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_kill_eras);
	tcase_add_test(tc, test_kill_hostile);
	tcase_add_test(tc, test_assemble_pastes);
	tcase_add_test(tc, test_task_in_without_path);
	tcase_add_test(tc, test_assemble_reflowed);
	tcase_add_test(tc, test_assemble_quoted_printable);
	tcase_add_test(tc, test_summary);
	tcase_add_test(tc, test_header_and_table);
	tcase_add_test(tc, test_assemble_kmsg_immediate);
	tcase_add_test(tc, test_assemble_summary_only_and_selected);
	tcase_add_test(tc, test_assemble_bounded);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(suite)

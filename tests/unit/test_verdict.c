// SPDX-License-Identifier: MIT
/* lib/verdict (the shared verdict) and the pure parts of lib/cgwalk. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "cgtarget.h"
#include "cgwalk.h"
#include "util.h"
#include "verdict.h"
#include "proc.h"

#define MiB (1024ULL * 1024)

static struct verdict_in calm(void)
{
	struct verdict_in in = { .has_psi = true,
				 .has_full = true,
				 .usage = 10 * MiB,
				 .limit = 100 * MiB,
				 .high = SIZE_UNLIMITED,
				 .has_unreclaimable = true,
				 .unreclaimable = 5 * MiB };
	return in;
}

START_TEST(test_verdict_levels)
{
	const struct verdict_thresholds *t = &verdict_default_thresholds;
	struct verdict_in in = calm();
	char why[160];

	ck_assert_int_eq(verdict_eval(&in, t), V_HEALTHY);
	in.some_share = 499;
	ck_assert_int_eq(verdict_eval(&in, t), V_HEALTHY);
	in.some_share = 500;
	ck_assert_int_eq(verdict_eval(&in, t), V_STRAINED);
	in.some_share = 2000;
	ck_assert_int_eq(verdict_explain(&in, t, why, sizeof(why)), V_SICK);
	ck_assert_str_eq(why, "some stall 20.00 % >= 20.00 %");
	in.some_share = 9900; /* some alone never makes it critical: full does */
	ck_assert_int_eq(verdict_eval(&in, t), V_SICK);
	in = calm();
	in.full_share = 999;
	ck_assert_int_eq(verdict_eval(&in, t), V_HEALTHY);
	in.full_share = 1000;
	ck_assert_int_eq(verdict_eval(&in, t), V_SICK);
	in.full_share = 5000;
	ck_assert_int_eq(verdict_explain(&in, t, why, sizeof(why)), V_CRITICAL);
	ck_assert_str_eq(why, "full stall 50.00 % >= 50.00 %");
	/* an OOM kill in the interval is critical whatever the stall */
	in = calm();
	in.oom_kills = 2;
	ck_assert_int_eq(verdict_explain(&in, t, why, sizeof(why)), V_CRITICAL);
	ck_assert_str_eq(why, "2 OOM kills in the interval");
	/* unreclaimable (anon + shmem) against the binding limit: 80 / 90 / 95 % */
	in = calm();
	in.usage = 100 * MiB; /* a full page cache is not a problem by itself */
	ck_assert_int_eq(verdict_eval(&in, t), V_HEALTHY);
	in.unreclaimable = 80 * MiB;
	ck_assert_int_eq(verdict_explain(&in, t, why, sizeof(why)), V_STRAINED);
	ck_assert_str_eq(why, "anon+shmem 80.00 % of the limit >= 80.00 %");
	in.unreclaimable = 90 * MiB;
	ck_assert_int_eq(verdict_eval(&in, t), V_SICK);
	in.unreclaimable = 95 * MiB;
	ck_assert_int_eq(verdict_eval(&in, t), V_CRITICAL);
	in.has_unreclaimable = false; /* not read: the rule does not apply */
	ck_assert_int_eq(verdict_eval(&in, t), V_HEALTHY);
	in = calm();
	in.limit = SIZE_UNLIMITED;
	in.unreclaimable = 1000 * MiB;
	ck_assert_int_eq(verdict_eval(&in, t), V_HEALTHY);
	/* memory.high */
	in = calm();
	in.high = 5 * MiB;
	ck_assert_int_eq(verdict_explain(&in, t, why, sizeof(why)), V_STRAINED);
	ck_assert_str_eq(why, "usage above memory.high");
	in = calm();
	in.high_events = 1;
	ck_assert_int_eq(verdict_explain(&in, t, why, sizeof(why)), V_STRAINED);
	ck_assert_str_eq(why, "1 memory.high event in the interval");
	/* no PSI: stall numbers are ignored, memory and kills still count */
	in = calm();
	in.has_psi = false;
	in.some_share = 9000;
	in.full_share = 9000;
	ck_assert_int_eq(verdict_eval(&in, t), V_HEALTHY);
	in.unreclaimable = 91 * MiB;
	ck_assert_int_eq(verdict_eval(&in, t), V_SICK);
	/* no full line: full is not used */
	in = calm();
	in.has_full = false;
	in.full_share = 9000;
	ck_assert_int_eq(verdict_eval(&in, t), V_HEALTHY);
	ck_assert_str_eq(verdict_to_string(V_SICK), "sick");
	ck_assert_str_eq(verdict_to_string(V_CRITICAL), "critical");
	/* same numbering as src/runreport.h's enum run_verdict */
	ck_assert_int_eq(V_HEALTHY, 0);
	ck_assert_int_eq(V_CRITICAL, 3);
}
END_TEST

START_TEST(test_share_of)
{
	ck_assert_uint_eq(verdict_share_of(50, 100), 5000);
	ck_assert_uint_eq(verdict_share_of(1, SIZE_UNLIMITED), UINT32_MAX);
	ck_assert_uint_eq(verdict_share_of(0, 0), 0);
	ck_assert_uint_eq(verdict_share_of(UINT64_MAX - 1, 1), 1000000);
	ck_assert_uint_eq(verdict_share_of(3ULL << 60, 4ULL << 60), 7500); /* no overflow */
}
END_TEST

START_TEST(test_thresholds_parse)
{
	struct verdict_thresholds t = verdict_default_thresholds;

	ck_assert_int_eq(verdict_thresholds_parse("sick_some=25,critical_full=60.5%", &t), 0);
	ck_assert_uint_eq(t.sick_some, 2500);
	ck_assert_uint_eq(t.critical_full, 6050);
	ck_assert_uint_eq(t.strained_some, 500);
	ck_assert_int_eq(verdict_thresholds_parse("strained_unreclaimable=85", &t), 0);
	ck_assert_uint_eq(t.strained_unreclaimable, 8500);
	t = verdict_default_thresholds;
	ck_assert_int_eq(verdict_thresholds_parse("", &t), -EINVAL);
	ck_assert_int_eq(verdict_thresholds_parse("bogus=1", &t), -EINVAL);
	ck_assert_int_eq(verdict_thresholds_parse("sick_some", &t), -EINVAL);
	ck_assert_int_eq(verdict_thresholds_parse("sick_some=101", &t), -EINVAL);
	ck_assert_int_eq(verdict_thresholds_parse("sick_some=1.234", &t), -EINVAL);
	ck_assert_int_eq(verdict_thresholds_parse("sick_some=-1", &t), -EINVAL);
	ck_assert_int_eq(verdict_thresholds_parse("sick_some=3", &t), -EINVAL); /* < strained */
	ck_assert_int_eq(verdict_thresholds_parse("sick_unreclaimable=99", &t), -EINVAL);
	ck_assert_int_eq(verdict_thresholds_parse("sick_some=30,sick_full=", &t), -EINVAL);
	/* unchanged on error */
	ck_assert_uint_eq(t.sick_some, 2000);
}
END_TEST

START_TEST(test_proc_cgroup)
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

START_TEST(test_component_id)
{
	const char *id = "4f2a9c1e7b3d5a6f8e0c2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a";
	char comp[200];

	xsnprintf(comp, sizeof(comp), "docker-%s.scope", id);
	ck_assert(cgw_component_matches_id(comp, "4f2a9c1e7b3d"));
	ck_assert(cgw_component_matches_id(comp, id));
	ck_assert(!cgw_component_matches_id(comp, "4f2a9c1e7b3"));  /* too short */
	ck_assert(!cgw_component_matches_id(comp, "f2a9c1e7b3d5")); /* not a prefix */
	xsnprintf(comp, sizeof(comp), "cri-containerd-%s.scope", id);
	ck_assert(cgw_component_matches_id(comp, "4f2a9c1e7b3d5a"));
	xsnprintf(comp, sizeof(comp), "crio-%s.scope", id);
	ck_assert(cgw_component_matches_id(comp, "4f2a9c1e7b3d5a"));
	xsnprintf(comp, sizeof(comp), "libpod-%s.scope", id);
	ck_assert(cgw_component_matches_id(comp, "4f2a9c1e7b3d5a"));
	ck_assert(cgw_component_matches_id(id, "4f2a9c1e7b3d")); /* cgroupfs driver: the bare id */
	ck_assert(cgw_component_matches_id(
		"kubepods-burstable-pod1234abcd_5678_90ef_1234_567890abcdef.slice",
		"1234abcd-5678-90ef-1234-567890abcdef"));
	ck_assert(cgw_component_matches_id("pod1234abcd-5678-90ef-1234-567890abcdef",
					   "1234abcd-5678"));
	ck_assert(!cgw_component_matches_id("kubepods-burstable.slice", "kubepods-burstable"));
	ck_assert(!cgw_component_matches_id("docker-.scope", "123456789012"));
}
END_TEST

START_TEST(test_window_rounding)
{
	ck_assert_uint_eq(psi_window_unprivileged(500000), 2000000);
	ck_assert_uint_eq(psi_window_unprivileged(1000000), 2000000);
	ck_assert_uint_eq(psi_window_unprivileged(2999999), 2000000);
	ck_assert_uint_eq(psi_window_unprivileged(3000000), 4000000);
	ck_assert_uint_eq(psi_window_unprivileged(10000000), 10000000);
	ck_assert_uint_eq(psi_window_unprivileged(60000000), 10000000);
}
END_TEST

START_TEST(test_eopnotsupp_fixture)
{
	char dir[PATH_MAX], p[PATH_MAX], m[PATH_MAX], buf[64];
	struct host live = { .root = "" }, fx;
	FILE *f;

	xsnprintf(dir, sizeof(dir), "/tmp/oomlab-unit-verdict-%d", (int)getpid());
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	ck_assert_int_eq(host_init(&fx, dir), 0);
	xsnprintf(p, sizeof(p), "%s/memory.pressure", dir);
	xsnprintf(m, sizeof(m), "%s/memory.pressure.eopnotsupp", dir);
	f = fopen(p, "w");
	fputs("some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n", f);
	fclose(f);
	ck_assert_int_ge(host_read_file(&fx, p, buf, sizeof(buf)), 1);
	f = fopen(m, "w");
	fclose(f);
	ck_assert_int_eq(host_read_file(&fx, p, buf, sizeof(buf)), -EOPNOTSUPP);
	/* the convention applies to sysroots only, never to the live host */
	ck_assert_int_ge(host_read_file(&live, p, buf, sizeof(buf)), 1);
	unlink(m);
	unlink(p);
	rmdir(dir);
}
END_TEST

/* the hybrid fixture: memory tree and cgroup2 tree merged by name, parents first */
START_TEST(test_walk_hybrid)
{
	char root[PATH_MAX];
	struct host h;
	struct cg_layout l;
	struct cgw_tree t;
	static const struct {
		const char *name;
		bool in_mem, in_v2;
		const char *parent;
	} want[] = {
		{ "/", true, true, NULL },	   { "/onlyv1", true, false, "/" },
		{ "/onlyv2", false, true, "/" },   { "/x", true, true, "/" },
		{ "/x/inner", true, false, "/x" },
	};

	xsnprintf(root, sizeof(root), "%s/sysroot-hybrid", fixture_dir());
	ck_assert_int_eq(host_init(&h, root), 0);
	ck_assert_int_eq(cg_layout_detect(&h, &l), 0);
	ck_assert_int_eq(l.mode, CG_MODE_HYBRID);
	ck_assert_int_eq(cgw_walk(&l, &t), 0);
	ck_assert_uint_eq(t.n, ELEMENTSOF(want));
	for (size_t i = 0; i < t.n; i++) {
		ck_assert_str_eq(t.v[i].name, want[i].name);
		ck_assert_int_eq(t.v[i].in_mem, want[i].in_mem);
		ck_assert_int_eq(t.v[i].in_v2, want[i].in_v2);
		if (want[i].parent)
			ck_assert_str_eq(t.v[t.v[i].parent].name, want[i].parent);
		else
			ck_assert_int_eq(t.v[i].parent, -1);
	}
	/* the binding limit of /x/inner (unlimited itself) is /x's 64 MiB */
	{
		char mem[PATH_MAX];
		xsnprintf(mem, sizeof(mem), "%s/x/inner", l.v1_memory);
		ck_assert_uint_eq(cgw_binding_limit(l.v1_memory, mem, false), 64 * MiB);
	}
	cgw_tree_free(&t);
}
END_TEST

/* resolution against the v2 fixture (the one resolver, lib/cgtarget.h): path, pid, id prefix,
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

static Suite *verdict_suite(void)
{
	Suite *s = suite_create("verdict");
	TCase *tc = tcase_create("all");
	tcase_add_test(tc, test_verdict_levels);
	tcase_add_test(tc, test_share_of);
	tcase_add_test(tc, test_thresholds_parse);
	tcase_add_test(tc, test_proc_cgroup);
	tcase_add_test(tc, test_component_id);
	tcase_add_test(tc, test_window_rounding);
	tcase_add_test(tc, test_eopnotsupp_fixture);
	tcase_add_test(tc, test_walk_hybrid);
	tcase_add_test(tc, test_resolve_v2);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(verdict_suite)

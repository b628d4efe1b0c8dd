// SPDX-License-Identifier: MIT
/* lib/cg-tree.c: the pure parts of the cgroup walk: container ids in path components, PSI windows,
 * EOPNOTSUPP files, hybrid layouts. */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "cg-tree.h"
#include "util.h"

#define MiB (1024ULL * 1024)

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

static Suite *suite(void)
{
	Suite *s = suite_create("cgwalk");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_component_id);
	tcase_add_test(tc, test_window_rounding);
	tcase_add_test(tc, test_eopnotsupp_fixture);
	tcase_add_test(tc, test_walk_hybrid);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(suite)

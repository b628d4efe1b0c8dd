// SPDX-License-Identifier: MIT
/* The pure parts of the BPF cgroup-iterator reader: paths from a pre-order walk, records to
 * samples as the files print them. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "../../lib/cgiter.h"
#include "../../lib/util.h"

static struct cgi_rec rec(unsigned level, const char *name)
{
	struct cgi_rec r;
	memset(&r, 0, sizeof(r));
	r.level = level;
	r.name_len = (unsigned)strlen(name);
	memcpy(r.name, name, r.name_len);
	return r;
}

static void free_paths(char **p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(p[i]);
}

START_TEST(test_paths)
{
	struct cgi_rec in[6];
	char *p[6];

	in[0] = rec(0, "");
	in[1] = rec(1, "a");
	in[2] = rec(2, "b");
	in[3] = rec(3, "c");
	in[4] = rec(1, "d.slice");
	in[5] = rec(2, "x y"); /* any byte but '/' and NUL */
	ck_assert_int_eq(cg_iter_paths(in, 6, p), 0);
	ck_assert_str_eq(p[0], "/");
	ck_assert_str_eq(p[1], "/a");
	ck_assert_str_eq(p[2], "/a/b");
	ck_assert_str_eq(p[3], "/a/b/c");
	ck_assert_str_eq(p[4], "/d.slice");
	ck_assert_str_eq(p[5], "/d.slice/x y");
	free_paths(p, 6);
	/* a walk started below the root: levels are relative to the first record */
	in[0] = rec(3, "start");
	in[1] = rec(4, "k");
	ck_assert_int_eq(cg_iter_paths(in, 2, p), 0);
	ck_assert_str_eq(p[0], "/");
	ck_assert_str_eq(p[1], "/k");
	free_paths(p, 2);
}
END_TEST

START_TEST(test_paths_not_preorder)
{
	struct cgi_rec in[3];
	char *p[3] = { NULL, NULL, NULL };

	in[0] = rec(0, "");
	in[1] = rec(2, "skipped-a-level");
	ck_assert_int_eq(cg_iter_paths(in, 2, p), -EPROTO);
	ck_assert_ptr_null(p[0]);
	in[1] = rec(0, "second-root");
	ck_assert_int_eq(cg_iter_paths(in, 2, p), -EPROTO);
	in[1] = rec(1, "a/b");
	ck_assert_int_eq(cg_iter_paths(in, 2, p), -EPROTO);
	in[1] = rec(1, "");
	ck_assert_int_eq(cg_iter_paths(in, 2, p), -EPROTO);
	in[0] = rec(2, "");
	in[1] = rec(1, "above-the-start");
	ck_assert_int_eq(cg_iter_paths(in, 2, p), -EPROTO);
}
END_TEST

START_TEST(test_sample_v1)
{
	struct cgi_rec m = rec(1, "x"), v2 = rec(1, "x");
	struct cgw_sample s;
	const uint64_t ps = 4096;

	m.flags = CGI_F_MEMCG | CGI_F_HIGH;
	m.usage = 100;
	m.max = (uint64_t)LONG_MAX / ps; /* PAGE_COUNTER_MAX: no limit */
	m.watermark = 150;
	m.failcnt = 7;
	m.high = 5; /* v1 has no memory.high: never shown */
	m.events[CGI_EV_OOM_KILL] = 3;
	m.events[CGI_EV_HIGH] = 9;
	m.ev_present = (1u << CGI_EV_N) - 1;
	v2.flags = CGI_F_PSI;
	v2.psi_total_ns[0] = 5123456; /* µs: the kernel's div_u64 truncates */
	v2.psi_total_ns[1] = 999;
	v2.psi_avg[0][0] = 12 * 2048 + 697; /* LOAD_INT 12, LOAD_FRAC 34: 12.34 */
	v2.psi_avg[0][1] = 2047;	    /* 0.99 */
	v2.psi_avg[1][2] = 100 * 2048;	    /* 100.00 */
	cg_iter_sample(&m, false, &v2, ps, -ENOENT, 42, &s);
	ck_assert(s.ok);
	ck_assert_uint_eq(s.t_us, 42);
	ck_assert_uint_eq(s.usage, 409600);
	ck_assert_uint_eq(s.max, SIZE_UNLIMITED);
	ck_assert(s.has_peak);
	ck_assert_uint_eq(s.peak, 150 * ps);
	ck_assert(!s.has_high);
	ck_assert_uint_eq(s.high, SIZE_UNLIMITED);
	ck_assert(s.has_oom_kill);
	ck_assert_uint_eq(s.oom_kill, 3);
	ck_assert(!s.has_high_events);
	ck_assert(s.has_max_events);
	ck_assert_uint_eq(s.max_events, 7); /* memory.failcnt */
	ck_assert_int_eq(s.psi_err, 0);
	ck_assert_uint_eq(s.psi.some.total_us, 5123);
	ck_assert_uint_eq(s.psi.full.total_us, 0);
	ck_assert_uint_eq(s.psi.some.avg10, 1234);
	ck_assert_uint_eq(s.psi.some.avg60, 99);
	ck_assert_uint_eq(s.psi.full.avg300, 10000);
	/* a limit in pages, as memory.limit_in_bytes prints it */
	m.max = 16384;
	cg_iter_sample(&m, false, NULL, ps, -EOPNOTSUPP, 0, &s);
	ck_assert_uint_eq(s.max, 64 << 20);
	ck_assert_int_eq(s.psi_err, -EOPNOTSUPP); /* no record: what the caller says */
}
END_TEST

START_TEST(test_sample_v2)
{
	struct cgi_rec m = rec(1, "x");
	struct cgw_sample s;
	const uint64_t ps = 4096;

	m.flags = CGI_F_MEMCG | CGI_F_HIGH | CGI_F_PSI | CGI_F_PSI_OFF;
	m.usage = 1;
	m.max = (uint64_t)LONG_MAX / ps;
	m.high = 256;
	m.events[CGI_EV_HIGH] = 11;
	m.events[CGI_EV_MAX] = 4;
	m.ev_present = (1u << CGI_EV_HIGH) | (1u << CGI_EV_MAX); /* no oom_kill (before 4.13) */
	cg_iter_sample(&m, true, &m, ps, -EOPNOTSUPP, 0, &s);
	ck_assert_uint_eq(s.max, SIZE_UNLIMITED); /* "max" */
	ck_assert(s.has_high);
	ck_assert_uint_eq(s.high, 1 << 20);
	ck_assert(s.has_high_events);
	ck_assert_uint_eq(s.high_events, 11);
	ck_assert(!s.has_oom_kill);
	ck_assert_uint_eq(s.max_events, 4);
	/* cgroup.pressure 0 hides memory.pressure: ENOENT as the file reader sees it */
	ck_assert_int_eq(s.psi_err, -ENOENT);
	/* a cgroup without the memory controller (a v2 tree without +memory) */
	m.flags = CGI_F_PSI;
	cg_iter_sample(&m, true, &m, ps, -ENOENT, 0, &s);
	ck_assert(!s.ok);
	ck_assert(!s.has_peak);
	ck_assert_int_eq(s.psi_err, 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("cgiter");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_paths);
	tcase_add_test(tc, test_paths_not_preorder);
	tcase_add_test(tc, test_sample_v1);
	tcase_add_test(tc, test_sample_v2);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(suite)

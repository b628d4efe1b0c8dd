// SPDX-License-Identifier: MIT
/* Ownership records and names, the terminal-safe routine, the JSON writer on long escapes, limits. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "testutil.h"
#include "cgowner.h"
#include "json.h"
#include "util.h"
#include "proc.h"
#include "host.h"

static struct cg_owner rec(const char *name, pid_t pid, uint64_t start, const char *boot,
			   uint64_t ns)
{
	struct cg_owner o = { .pid = pid, .start = start, .pidns = ns };
	xsnprintf(o.name, sizeof(o.name), "%s", name);
	xsnprintf(o.boot, sizeof(o.boot), "%s", boot);
	return o;
}

START_TEST(test_owned_names)
{
	pid_t pid = 0;
	char buf[64];

	ck_assert_int_eq(cg_owned_name_parse("oomlab-812-0-3f9c01aa", &pid), 0);
	ck_assert_int_eq(pid, 812);
	ck_assert_int_eq(cg_owned_name_parse("oomlab-1-7-00000000", &pid), 0);
	/* the legacy form, leading zeros, upper case, wrong lengths, zero pid: never ours */
	ck_assert_int_eq(cg_owned_name_parse("oomlab-812-0", NULL), -EINVAL);
	ck_assert_int_eq(cg_owned_name_parse("oomlab-01-7-3f9c01aa", NULL), -EINVAL);
	ck_assert_int_eq(cg_owned_name_parse("oomlab-1-07-3f9c01aa", NULL), -EINVAL);
	ck_assert_int_eq(cg_owned_name_parse("oomlab-0-0-3f9c01aa", NULL), -EINVAL);
	ck_assert_int_eq(cg_owned_name_parse("oomlab-1-0-3F9C01AA", NULL), -EINVAL);
	ck_assert_int_eq(cg_owned_name_parse("oomlab-1-0-3f9c01a", NULL), -EINVAL);
	ck_assert_int_eq(cg_owned_name_parse("oomlab-1-0-3f9c01aab", NULL), -EINVAL);
	ck_assert_int_eq(cg_owned_name_parse("oomlab--0-3f9c01aa", NULL), -EINVAL);
	ck_assert_int_eq(cg_owned_name_parse("oomlab-2147483648-0-3f9c01aa", NULL), -EINVAL);
	ck_assert_int_eq(cg_owned_name_parse("xoomlab-1-0-3f9c01aa", NULL), -EINVAL);
	/* fresh names parse, and two in a row differ (the random part) */
	ck_assert_int_ge(cg_owned_name_new(3, buf, sizeof(buf)), 0);
	ck_assert_int_eq(cg_owned_name_parse(buf, &pid), 0);
	ck_assert_int_eq(pid, getpid());
	{
		char b2[64];
		int same = 0;
		for (int i = 0; i < 4; i++) {
			cg_owned_name_new(3, b2, sizeof(b2));
			same += strcmp(buf, b2) == 0;
		}
		ck_assert_int_lt(same, 4);
	}
}
END_TEST

START_TEST(test_owner_record)
{
	struct cg_owner o = rec("oomlab-5-0-abcdef01", 5, 1234, "f7a8d88e-f09a-4339",
				4026531836ULL),
			p;
	char buf[256];

	ck_assert_int_ge(cg_owner_format(&o, buf, sizeof(buf)), 0);
	ck_assert_int_eq(cg_owner_parse(buf, strlen(buf), &p), 0);
	ck_assert_str_eq(p.name, o.name);
	ck_assert_int_eq(p.pid, 5);
	ck_assert_uint_eq(p.start, 1234);
	ck_assert_str_eq(p.boot, o.boot);
	ck_assert_uint_eq(p.pidns, 4026531836ULL);
	ck_assert_int_eq(cg_owner_parse("", 0, &p), -EINVAL);
	ck_assert_int_eq(
		cg_owner_parse("oomlab-owner 2 name=a pid=1 start=1 boot=x pidns=1", 51, &p),
		-EINVAL);
	{
		const char *bad[] = {
			"oomlab-owner 1 name=a pid=0 start=1 boot=x pidns=1",
			"oomlab-owner 1 name=a pid=1 start=1 boot=x",
			"oomlab-owner 1 name=a pid=1 start=1 boot=x pidns=1 extra=1",
			"oomlab-owner 1 name=a/b pid=1 start=1 boot=x pidns=1",
			"oomlab-owner 1 pid=1 name=a start=1 boot=x pidns=1",
			"oomlab-owner 1 name=a pid=1x start=1 boot=x pidns=1",
		};
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			ck_assert_msg(cg_owner_parse(bad[i], strlen(bad[i]), &p) == -EINVAL, "%s",
				      bad[i]);
	}
	/* the real self */
	ck_assert_int_eq(cg_owner_self(&p), 0);
	ck_assert_int_eq(p.pid, getpid());
	ck_assert(p.boot[0] && p.pidns > 0 && p.start > 0);
}
END_TEST

START_TEST(test_owner_judge)
{
	struct cg_owner self = rec("", 100, 5000, "B", 7);
	struct cg_owner r;
	char why[256];

	r = rec("oomlab-9-0-00000001", 9, 300, "B", 7);
	/* a record for another directory is not proof */
	ck_assert_int_eq(
		cg_owner_judge(&r, "oomlab-9-0-00000002", false, &self, 0, why, sizeof(why)),
		CG_OWNER_UNPROVEN);
	/* held lock: alive, in any namespace */
	ck_assert_int_eq(cg_owner_judge(&r, r.name, true, &self, 0, why, sizeof(why)),
			 CG_OWNER_ALIVE);
	/* same namespace: the same start time is alive (a renamed binary too: no comm involved) */
	ck_assert_int_eq(cg_owner_judge(&r, r.name, false, &self, 300, why, sizeof(why)),
			 CG_OWNER_ALIVE);
	ck_assert_int_eq(cg_owner_judge(&r, r.name, false, &self, 0, why, sizeof(why)),
			 CG_OWNER_GONE);
	/* a reused pid (start differs) is not the owner */
	ck_assert_int_eq(cg_owner_judge(&r, r.name, false, &self, 301, why, sizeof(why)),
			 CG_OWNER_GONE);
	ck_assert_ptr_nonnull(strstr(why, "another process"));
	/* our own pid with another start time: a stale record, not us */
	r = rec("oomlab-100-0-00000001", 100, 42, "B", 7);
	ck_assert_int_eq(cg_owner_judge(&r, r.name, false, &self, 5000, why, sizeof(why)),
			 CG_OWNER_GONE);
	r.start = 5000;
	ck_assert_int_eq(cg_owner_judge(&r, r.name, false, &self, 5000, why, sizeof(why)),
			 CG_OWNER_ALIVE);
	/* another pid namespace: pid 1 there says nothing about our pid 1; only the lock counts */
	r = rec("oomlab-1-0-00000001", 1, 300, "B", 8);
	ck_assert_int_eq(cg_owner_judge(&r, r.name, true, &self, 300, why, sizeof(why)),
			 CG_OWNER_ALIVE);
	ck_assert_int_eq(cg_owner_judge(&r, r.name, false, &self, 300, why, sizeof(why)),
			 CG_OWNER_GONE);
	/* another boot */
	r = rec("oomlab-9-0-00000001", 9, 300, "A", 7);
	ck_assert_int_eq(cg_owner_judge(&r, r.name, false, &self, 300, why, sizeof(why)),
			 CG_OWNER_GONE);
}
END_TEST

START_TEST(test_term_safe)
{
	char buf[64];

	ck_assert_str_eq(term_safe("/a/b.c-d_e", buf, sizeof(buf)), "/a/b.c-d_e");
	ck_assert_str_eq(term_safe("a\x1b[31mb\rc\n", buf, sizeof(buf)), "a\\x1b[31mb\\x0dc\\x0a");
	ck_assert_str_eq(term_safe("\x7f", buf, sizeof(buf)), "\\x7f");
	/* UTF-8 passes, C1 controls (also encoded) and invalid bytes do not */
	ck_assert_str_eq(term_safe("caf\xc3\xa9", buf, sizeof(buf)), "caf\xc3\xa9");
	ck_assert_str_eq(term_safe("\xc2\x9b"
				   "2J",
				   buf, sizeof(buf)),
			 "\\u{009b}2J");
	ck_assert_str_eq(term_safe("\xff\xfe", buf, sizeof(buf)), "\\xff\\xfe");
	ck_assert_str_eq(term_safe("\xe2\x80\xae"
				   "x",
				   buf, sizeof(buf)),
			 "\\u{202e}x");
	/* backslashes stay (systemd's \x2d in unit names reads as written) */
	ck_assert_str_eq(term_safe("dev-disk-by\\x2duuid", buf, sizeof(buf)),
			 "dev-disk-by\\x2duuid");
	/* does not fit: cut at a character boundary, marked, never overflows */
	{
		char small[12];
		term_safe("\x1b\x1b\x1b\x1b\x1b", small, sizeof(small));
		ck_assert_uint_lt(strlen(small), sizeof(small));
		ck_assert_ptr_nonnull(strstr(small, "..."));
		ck_assert_ptr_null(strchr(small, '\x1b'));
	}
	ck_assert_str_eq(term_safe(NULL, buf, sizeof(buf)), "");
}
END_TEST

/* 120 control bytes escape to 720: the writer streams them (no 512-byte buffer overrun) */
START_TEST(test_json_long_escapes)
{
	char in[121], *out = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);
	struct json j;

	memset(in, 0x01, 120);
	in[120] = '\0';
	json_init(&j, m, false);
	json_obj_open(&j);
	json_kv_str(&j, "cgroup", in);
	json_obj_close(&j);
	json_end(&j);
	fclose(m);
	ck_assert_uint_eq(len, strlen("{\"cgroup\":\"\"}\n") + 120 * 6);
	for (size_t i = 0; i < 120; i++)
		ck_assert_int_eq(memcmp(out + 11 + i * 6, "\\u0001", 6), 0);
	free(out);
}
END_TEST

START_TEST(test_json_fail_open)
{
	/* only documents on stdout take part; checked via the return value on another stream */
	ck_assert(!json_fail_open(stderr, "x"));
}
END_TEST

START_TEST(test_limits)
{
	uint64_t v;

	ck_assert_int_eq(parse_size("9223372036854775808", &v), -ERANGE);
	ck_assert_int_eq(parse_size("4611686018427387904", &v), -ERANGE); /* 2^62 */
	ck_assert_int_eq(parse_size("4611686018427387903", &v), 0);
	ck_assert_int_eq(parse_size("4194304T", &v), -ERANGE);
	ck_assert_int_eq(parse_size("4194303T", &v), 0);
	ck_assert_int_eq(parse_duration_us("18446744073709551615us", &v), -ERANGE);
	ck_assert_int_eq(parse_duration_us("101y", &v), -EINVAL);
	ck_assert_int_eq(parse_duration_us("876000h", &v), 0); /* 100 years */
	ck_assert_int_eq(parse_duration_us("876001h", &v), -ERANGE);
	ck_assert_int_eq(parse_duration_us("9999999999999999s", &v), -ERANGE);
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

static Suite *safety_suite(void)
{
	Suite *s = suite_create("safety");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_owned_names);
	tcase_add_test(tc, test_owner_record);
	tcase_add_test(tc, test_owner_judge);
	tcase_add_test(tc, test_term_safe);
	tcase_add_test(tc, test_json_long_escapes);
	tcase_add_test(tc, test_json_fail_open);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_adj_within);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(safety_suite)

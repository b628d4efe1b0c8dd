// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>

#include "testutil.h"
#include "kmsg.h"

static struct log_line strip(const char *s)
{
	struct log_line l;
	kmsg_strip_prefix(s, strlen(s), &l);
	return l;
}

static bool text_is(const struct log_line *l, const char *want)
{
	return l->len == strlen(want) && memcmp(l->text, want, l->len) == 0;
}

START_TEST(test_record)
{
	const char *r = "6,425,285756607,-;oom-kill:constraint=CONSTRAINT_MEMCG\n SUBSYSTEM=x\n";
	struct kmsg_record rec;

	ck_assert_int_eq(kmsg_parse_record(r, strlen(r), &rec), 0);
	ck_assert_int_eq(rec.level, 6);
	ck_assert_int_eq(rec.facility, 0);
	ck_assert_uint_eq(rec.seq, 425);
	ck_assert_uint_eq(rec.ts_us, 285756607);
	ck_assert(!rec.cont);
	ck_assert_uint_eq(rec.len, strlen("oom-kill:constraint=CONSTRAINT_MEMCG"));
	ck_assert(memcmp(rec.text, "oom-kill:", 9) == 0);
	/* facility 3 (daemon) level 4, continuation flag, extra fields after the flags */
	r = "28,1,2,c,caller=T12;x";
	ck_assert_int_eq(kmsg_parse_record(r, strlen(r), &rec), 0);
	ck_assert_int_eq(rec.level, 4);
	ck_assert_int_eq(rec.facility, 3);
	ck_assert(rec.cont);
	ck_assert_uint_eq(rec.len, 1);
	ck_assert_int_eq(kmsg_parse_record("6,1,2;x", 7, &rec), -EINVAL);
	ck_assert_int_eq(kmsg_parse_record("6,1,2,-", 7, &rec), -EINVAL);
	ck_assert_int_eq(kmsg_parse_record("", 0, &rec), -EINVAL);
	ck_assert_int_eq(kmsg_parse_record("6,1,99999999999999999999999,-;x", 31, &rec), -EINVAL);
}
END_TEST

START_TEST(test_unescape)
{
	char out[16];

	ck_assert_uint_eq(kmsg_unescape("a\\x29b\\x5c", 10, out, sizeof(out)), 4);
	ck_assert_str_eq(out, "a)b\\");
	/* not an escape: copied as is; cut at the end */
	ck_assert_uint_eq(kmsg_unescape("\\xZZ\\x4", 7, out, sizeof(out)), 7);
	ck_assert_str_eq(out, "\\xZZ\\x4");
	ck_assert_uint_eq(kmsg_unescape("abcdef", 6, out, 4), 3);
	ck_assert_str_eq(out, "abc");
}
END_TEST

START_TEST(test_prefixes)
{
	struct log_line l;

	l = strip("[ 4521.883412] Killed process 1");
	ck_assert(text_is(&l, "Killed process 1") && l.have_ts && l.ts_us == 4521883412ull);
	/* a string literal of another program's test data: the text is between the quotes */
	l = strip("\t\t\t\"Task in /mem2 killed as a result of limit of /mem2\",");
	ck_assert(text_is(&l, "Task in /mem2 killed as a result of limit of /mem2"));
	l = strip("  \"[ 1.5] memorymonster invoked oom-killer: gfp_mask=0xd0, order=0\"");
	ck_assert(text_is(&l, "memorymonster invoked oom-killer: gfp_mask=0xd0, order=0") &&
		  l.have_ts);
	l = strip("[4521.88] x");
	ck_assert(text_is(&l, "x") && l.ts_us == 4521880000ull);
	l = strip("[Mon Nov 25 10:00:00 2026] x");
	ck_assert(text_is(&l, "x") && !l.have_ts && l.had_prefix);
	l = strip("[  285.756416] [T3916] x");
	ck_assert(text_is(&l, "x") && l.have_ts);
	l = strip("[    0.000000] [    C0] x");
	ck_assert(text_is(&l, "x")); /* printk pads the caller id to 6 columns */
	l = strip("[  1.000000] [C0] x");
	ck_assert(text_is(&l, "x"));
	l = strip("Nov 25 10:00:00 host kernel: x y");
	ck_assert(text_is(&l, "x y") && !l.foreign);
	l = strip("Nov  5 10:00:00.123456 host kernel: [ 1.5] x");
	ck_assert(text_is(&l, "x") && l.ts_us == 1500000);
	l = strip("Nov 25 10:00:00 host earlyoom[300]: Killed process 1 (x)");
	ck_assert(l.foreign);
	l = strip("2026-11-25T10:00:00+0000 host kernel: x");
	ck_assert(text_is(&l, "x") && !l.foreign);
	l = strip("2026-11-25T10:00:00.123+00:00 host systemd[1]: x");
	ck_assert(l.foreign);
	l = strip("2026-11-25T10:00:00,123456+00:00 virtio_blk virtio1: x");
	ck_assert(text_is(&l, "virtio_blk virtio1: x") && !l.foreign);
	l = strip("3,1234,5678901,-;Killed process 1 (x)");
	ck_assert(text_is(&l, "Killed process 1 (x)") && l.raw_record && l.level == 3 &&
		  l.seq == 1234 && l.ts_us == 5678901);
	l = strip("3,1234,5678901,-;[ 1.0] text that looks like a prefix");
	ck_assert(text_is(&l, "[ 1.0] text that looks like a prefix"));
	l = strip("<4>[  812.003311] x");
	ck_assert(text_is(&l, "x") && l.level == 4);
	l = strip("kern  :err   : [  1.000000] x");
	ck_assert(text_is(&l, "x") && l.level == 3);
	l = strip(" SUBSYSTEM=virtio");
	ck_assert(l.dict);
	l = strip(" dump_stack+0x1/0x2");
	ck_assert(!l.dict && !l.had_prefix);
	/* task table rows are kernel text, not a time stamp */
	l = strip("[   3916]     0  3916    55342 python3");
	ck_assert(text_is(&l, "[   3916]     0  3916    55342 python3") && !l.had_prefix);
	l = strip("[  pid  ]   uid  tgid total_vm");
	ck_assert(!l.had_prefix);
	l = strip("plain text\r");
	ck_assert(text_is(&l, "plain text") && !l.had_prefix);
	l = strip("");
	ck_assert_uint_eq(l.len, 0);
	l = strip("[");
	ck_assert_uint_eq(l.len, 1);
}
END_TEST

static int count_lines(const char *line, size_t len, void *userdata)
{
	(void)line;
	(void)len;
	(*(int *)userdata)++;
	return 0;
}

START_TEST(test_lines)
{
	int n = 0;

	ck_assert_int_eq(kmsg_for_each_line("a\nb\n\nc", 6, count_lines, &n), 0);
	ck_assert_int_eq(n, 4);
	n = 0;
	ck_assert_int_eq(kmsg_for_each_line("a\n", 2, count_lines, &n), 0);
	ck_assert_int_eq(n, 1);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("kmsg");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_record);
	tcase_add_test(tc, test_unescape);
	tcase_add_test(tc, test_prefixes);
	tcase_add_test(tc, test_lines);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(suite)

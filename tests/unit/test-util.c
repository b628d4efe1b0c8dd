// SPDX-License-Identifier: MIT
/* lib/util.c: checked number, size, duration and rate parsers, byte formatting, the terminal-safe
 * routine, limits. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "testutil.h"
#include "util.h"

START_TEST(test_u64)
{
	uint64_t v = 7;
	ck_assert_int_eq(parse_u64("0", &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(parse_u64("18446744073709551615", &v), 0);
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert_int_eq(parse_u64("18446744073709551616", &v), -ERANGE);
	ck_assert_uint_eq(v, UINT64_MAX); /* untouched on failure */
	ck_assert_int_eq(parse_u64("", &v), -EINVAL);
	ck_assert_int_eq(parse_u64("12a", &v), -EINVAL);
	ck_assert_int_eq(parse_u64(" 12", &v), -EINVAL);
	ck_assert_int_eq(parse_u64("-1", &v), -EINVAL);
	ck_assert_int_eq(parse_u64("000000000000000000000000042", &v), 0);
	ck_assert_uint_eq(v, 42);
}
END_TEST

START_TEST(test_i64)
{
	int64_t v;
	int i;
	ck_assert_int_eq(parse_i64("-1000", &v), 0);
	ck_assert_int_eq(v, -1000);
	ck_assert_int_eq(parse_i64("-9223372036854775808", &v), 0);
	ck_assert(v == INT64_MIN);
	ck_assert_int_eq(parse_i64("9223372036854775808", &v), -ERANGE);
	ck_assert_int_eq(parse_int("2147483648", &i), -ERANGE);
	ck_assert_int_eq(parse_int("-", &i), -EINVAL);
	ck_assert_int_eq(parse_int("+5", &i), 0);
	ck_assert_int_eq(i, 5);
}
END_TEST

START_TEST(test_size)
{
	uint64_t v;
	ck_assert_int_eq(parse_size("512M", &v), 0);
	ck_assert_uint_eq(v, 512ULL << 20);
	ck_assert_int_eq(parse_size("512MiB", &v), 0);
	ck_assert_uint_eq(v, 512ULL << 20);
	ck_assert_int_eq(parse_size("512mb", &v), 0);
	ck_assert_uint_eq(v, 512ULL << 20);
	ck_assert_int_eq(parse_size("1.5G", &v), 0);
	ck_assert_uint_eq(v, 3ULL << 29);
	ck_assert_int_eq(parse_size("0.5k", &v), 0);
	ck_assert_uint_eq(v, 512);
	ck_assert_int_eq(parse_size("4096", &v), 0);
	ck_assert_uint_eq(v, 4096);
	ck_assert_int_eq(parse_size("max", &v), 0);
	ck_assert_uint_eq(v, SIZE_UNLIMITED);
	ck_assert_int_eq(parse_size("0", &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(parse_size("-1M", &v), -EINVAL);
	ck_assert_int_eq(parse_size("1.5", &v), -EINVAL);
	ck_assert_int_eq(parse_size("12X", &v), -EINVAL);
	ck_assert_int_eq(parse_size("M", &v), -EINVAL);
	ck_assert_int_eq(parse_size("1.M", &v), -EINVAL);
	ck_assert_int_eq(parse_size("1MiBx", &v), -EINVAL);
	ck_assert_int_eq(parse_size("", &v), -EINVAL);
	ck_assert_int_eq(parse_size("99999999999T", &v), -ERANGE);
	ck_assert_int_eq(parse_size("16777216T", &v), -ERANGE);
}
END_TEST

START_TEST(test_duration)
{
	uint64_t v;
	ck_assert_int_eq(parse_duration_us("250ms", &v), 0);
	ck_assert_uint_eq(v, 250000);
	ck_assert_int_eq(parse_duration_us("2s", &v), 0);
	ck_assert_uint_eq(v, 2000000);
	ck_assert_int_eq(parse_duration_us("1.5", &v), 0);
	ck_assert_uint_eq(v, 1500000);
	ck_assert_int_eq(parse_duration_us("500us", &v), 0);
	ck_assert_uint_eq(v, 500);
	ck_assert_int_eq(parse_duration_us("1m", &v), 0);
	ck_assert_uint_eq(v, 60000000);
	ck_assert_int_eq(parse_duration_us("1d", &v), -EINVAL);
	ck_assert_int_eq(parse_duration_us("ms", &v), -EINVAL);
}
END_TEST

START_TEST(test_rate)
{
	uint64_t v;
	ck_assert_int_eq(parse_rate("50M/s", &v), 0);
	ck_assert_uint_eq(v, 50ULL << 20);
	ck_assert_int_eq(parse_rate("1M/20ms", &v), 0);
	ck_assert_uint_eq(v, 50ULL << 20);
	ck_assert_int_eq(parse_rate("1M", &v), -EINVAL);
	ck_assert_int_eq(parse_rate("1M/0s", &v), -EINVAL);
	ck_assert_int_eq(parse_rate("max/s", &v), -EINVAL);
}
END_TEST

START_TEST(test_format_bytes)
{
	char b[32];
	ck_assert_str_eq(format_bytes(64ULL << 20, b, sizeof(b)), "64.0 MiB");
	ck_assert_str_eq(format_bytes(1536, b, sizeof(b)), "1.5 KiB");
	ck_assert_str_eq(format_bytes(100, b, sizeof(b)), "100 B");
	ck_assert_str_eq(format_bytes(SIZE_UNLIMITED, b, sizeof(b)), "max");
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

static Suite *suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_u64);
	tcase_add_test(tc, test_i64);
	tcase_add_test(tc, test_size);
	tcase_add_test(tc, test_duration);
	tcase_add_test(tc, test_rate);
	tcase_add_test(tc, test_format_bytes);
	tcase_add_test(tc, test_term_safe);
	tcase_add_test(tc, test_limits);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(suite)

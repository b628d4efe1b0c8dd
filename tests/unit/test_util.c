// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "testutil.h"
#include "util.h"
#include "json.h"

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

START_TEST(test_json_escape)
{
	char b[64] = "";
	/* quote, backslash, control, invalid UTF-8 (0xff), valid 2-byte (é) */
	const char in[] = "a\"b\\c\x01"
			  "\xff"
			  "\xc3\xa9";
	FILE *f = fmemopen(b, sizeof(b), "w");
	struct json j;

	json_init(&j, f, false);
	json_str_n(&j, in, sizeof(in) - 1);
	fclose(f);
	ck_assert_str_eq(b, "\"a\\\"b\\\\c\\u0001\xef\xbf\xbd\xc3\xa9\"");
}
END_TEST

START_TEST(test_json_writer)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json j;

	json_init(&j, f, false);
	json_obj_open(&j);
	json_kv_u64(&j, "a", 1);
	json_key(&j, "b");
	json_arr_open(&j);
	json_i64(&j, -2);
	json_null(&j);
	json_centi(&j, 1205);
	json_i64(&j, INT64_MIN);
	json_u64(&j, UINT64_MAX);
	json_i64(&j, 0);
	json_str(&j, "plain ascii");
	json_str(&j, "q\"b\\\x01\x7f");
	json_arr_close(&j);
	json_kv_str(&j, "c", NULL);
	json_key(&j, "d");
	json_obj_open(&j);
	json_obj_close(&j);
	json_obj_close(&j);
	fclose(f);
	ck_assert_str_eq(buf,
			 "{\"a\":1,\"b\":[-2,null,12.05,-9223372036854775808,"
			 "18446744073709551615,0,\"plain ascii\",\"q\\\"b\\\\\\u0001\\u007f\"],"
			 "\"c\":null,\"d\":{}}");
	free(buf);
}
END_TEST

static Suite *util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("parse");
	tcase_add_test(tc, test_u64);
	tcase_add_test(tc, test_i64);
	tcase_add_test(tc, test_size);
	tcase_add_test(tc, test_duration);
	tcase_add_test(tc, test_rate);
	tcase_add_test(tc, test_format_bytes);
	tcase_add_test(tc, test_json_escape);
	tcase_add_test(tc, test_json_writer);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(util_suite)

// SPDX-License-Identifier: MIT
/* lib/json.c: the JSON writer: escapes (long ones too), structure, failing open. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "json.h"

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

static Suite *suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_json_escape);
	tcase_add_test(tc, test_json_writer);
	tcase_add_test(tc, test_json_long_escapes);
	tcase_add_test(tc, test_json_fail_open);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(suite)

// SPDX-License-Identifier: MIT
/* lib/journal-send.c: journal entries (native protocol fields). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "journal-send.h"

struct fields {
	char got[8][128];
	int n;
};

static void on_field(const char *k, size_t kl, const char *v, size_t vl, void *u)
{
	struct fields *f = u;
	if (f->n < 8)
		snprintf(f->got[f->n++], 128, "%.*s=%.*s", (int)kl, k, (int)vl, v);
}

START_TEST(test_journal_entry)
{
	struct journal_entry e;
	struct fields f = { 0 };

	journal_entry_init(&e);
	journal_entry_add(&e, "MESSAGE", "hello", 5);
	journal_entry_add(&e, "OOMLAB_MULTI", "a\nb", 3);
	journal_entry_addf(&e, "OOMLAB_PID", "%d", 42);
	ck_assert_int_eq(e.err, 0);
	ck_assert_int_eq(journal_entry_parse(e.buf, e.len, on_field, &f), 3);
	ck_assert_str_eq(f.got[0], "MESSAGE=hello");
	ck_assert_str_eq(f.got[1], "OOMLAB_MULTI=a\nb");
	ck_assert_str_eq(f.got[2], "OOMLAB_PID=42");
	/* the binary form on the wire: KEY \n le64 length value \n */
	ck_assert(memcmp(e.buf + 14, "OOMLAB_MULTI\n\3\0\0\0\0\0\0\0a\nb\n", 25) == 0);
	ck_assert_int_eq(journal_entry_parse(e.buf, e.len - 1, on_field, &f), -EINVAL);
	journal_entry_add(&e, "_PID", "1", 1); /* trusted fields are journald's */
	ck_assert_int_eq(e.err, -EINVAL);
	ck_assert_int_eq(journal_send(-1, NULL, &e), -EINVAL);
	journal_entry_free(&e);
	ck_assert(!journal_key_valid("lower"));
	ck_assert(!journal_key_valid("9X"));
	ck_assert(journal_key_valid("OOMLAB_K8S_POD"));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("journalsend");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_journal_entry);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(suite)

/* SPDX-License-Identifier: MIT */
/* Shared bits for the Check unit tests: one main() per file via TEST_MAIN(suite_fn). */
#ifndef OOMLAB_TESTUTIL_H
#define OOMLAB_TESTUTIL_H

#include <check.h>
#include <stdlib.h>

#define TEST_MAIN(make_suite)                                                                      \
	int main(void)                                                                             \
	{                                                                                          \
		SRunner *sr = srunner_create(make_suite());                                        \
		int failed;                                                                        \
		srunner_run_all(sr, CK_NORMAL);                                                    \
		failed = srunner_ntests_failed(sr);                                                \
		srunner_free(sr);                                                                  \
		return failed ? EXIT_FAILURE : EXIT_SUCCESS;                                       \
	}

/* Path of a fixture file (FIXTURES env set by tests/run.sh; default relative to the repo). */
static inline const char *fixture_dir(void)
{
	const char *f = getenv("FIXTURES");
	return f ? f : "tests/fixtures";
}

#endif

// SPDX-License-Identifier: MIT
/* Fuzz target: the single-line parsers (kill, summary, header, task table) and cgroup naming. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cg-name.h"
#include "oom-report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct oom_kill_line k;
	struct oom_summary_line o;
	struct oom_header_line h;
	struct oom_task_cols c;
	struct oom_task_row r;
	struct cgname n;
	char buf[256], *z;

	if (oomreport_parse_kill(s, size, &k) == 0 && strlen(k.comm) >= sizeof(k.comm))
		__builtin_trap();
	if (oomreport_parse_summary(s, size, NULL, &o) == 0 && o.pid <= 0)
		__builtin_trap();
	oomreport_parse_summary(s, size, "a", &o);
	oomreport_parse_header(s, size, &h);
	if (oomreport_parse_task_header(s, size, &c) == 0) {
		if (c.n > OOM_TASK_COLS_MAX)
			__builtin_trap();
		oomreport_parse_task_row(s, size, &c, &r);
	}
	c = (struct oom_task_cols){ .n = 10,
				    .rss = 3,
				    .swapents = 8,
				    .pgtables_bytes = 7,
				    .nr_ptes = -1,
				    .oom_score_adj = 9 };
	oomreport_parse_task_row(s, size, &c, &r);
	/* cgname takes a C string */
	z = malloc(size + 1);
	if (!z)
		return 0;
	memcpy(z, data, size);
	z[size] = '\0';
	cgname_parse(z, &n);
	cgname_format(&n, buf, sizeof(buf));
	free(z);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * The index of one mapped window of a text log, made by a worker thread ahead of the one
 * parser (lib/log-form.c, docs/OOM-REPORT.md "Speed"): whether the window holds a NUL, the
 * number of newlines before every 256-byte block, where the report needles are
 * (oomreport_scan_needles) and, for the lines after each line that holds one, the answer of
 * the report-line filter (kmsg_may_hold_oom). The parser asks the index instead of reading
 * the bytes again; what it answers is what the scan or the filter would have answered on the
 * same bytes, and where it cannot answer (a line it did not classify, a window with too many
 * needles) the caller does the work itself.
 */
#ifndef OOMLAB_LOGSCAN_H
#define OOMLAB_LOGSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOGSCAN_LINES_AFTER 256 /* lines classified after a line with a needle */

struct logscan_line {
	uint32_t off, len; /* len, and LS_PASS: the line passes the filter; LS_EQ: it holds a '=' */
};
#define LS_PASS 0x80000000u
#define LS_EQ 0x40000000u
#define LS_LEN 0x3fffffffu

struct logscan {
	const char *base;
	size_t len;
	bool has_nul;
	bool needles_ok; /* false: too many needles kept, the caller scans */
	uint32_t *nlb;	 /* nlb[i]: '\n' in [0, 256 i) */
	size_t nlb_cap;
	uint32_t *needle; /* offsets, ascending */
	size_t nneedle, needle_cap;
	struct logscan_line *line; /* ascending */
	size_t nline, line_cap;
	size_t lcur; /* the parser's place in line[] */
};

/* Index [base, base + len) (len < 4 GiB). 0, or -ENOMEM. The memory is kept for the next. */
int logscan_build(struct logscan *s, const char *base, size_t len);
void logscan_free(struct logscan *s);

static inline bool logscan_covers(const struct logscan *s, const char *p)
{
	return s && p >= s->base && p < s->base + s->len;
}

/*
 * What oomreport's needle scan of [p, end) (both inside the window) gives: *c the first needle
 * (NULL: none), *nls the '\n' before it (or in all of [p, end)). False: ask the scan itself.
 */
bool logscan_next(const struct logscan *s, const char *p, const char *end, const char **c,
		  uint64_t *nls);
/* The filter's answer for the line [line, line + len) of the window: 1, 0, or -1 unknown. */
int logscan_filter(struct logscan *s, const char *line, size_t len);
/*
 * Is the line that starts at line one the filter drops and that holds no '=' (nothing for
 * quoted-printable to decode or to switch on)? Then *len is its length up to its '\n': the
 * parser counts it without reading it.
 */
bool logscan_dropped(struct logscan *s, const char *line, size_t *len);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The OOM report assembler: kernel log lines in, one struct oom_event per kill out.
 *
 * Streaming and bounded: lines are fed one at a time (oomreport_feed) and a kill is reported
 * through the on_kill callback as soon as its kill line arrives (or, for a report whose kill
 * line never came, at oomreport_flush). Open reports live in a fixed table (OOMREPORT_OPEN_MAX)
 * evicted by age and count, so `oomlab watch` can run for weeks.
 *
 * The line parsers (oomreport_parse_*) are pure functions over one line of kernel text,
 * exposed for unit tests and fuzzers. docs/OOM-REPORT.md lists the formats and decisions.
 */
#ifndef OOMLAB_OOMREPORT_H
#define OOMLAB_OOMREPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "oom-event.h"

/* ---- single-line parsers ---- */

/* "<prefix>: Killed process N (comm) total-vm:…kB, anon-rss:…kB, …" (every era) */
struct oom_kill_line {
	pid_t pid;
	char comm[OOM_COMM_MAX];
	bool comm_known;    /* false when a cut line leaves the comm ambiguous */
	bool complete;	    /* the field sequence ran to the end of the line */
	bool memcg_prefix;  /* "Memory cgroup out of memory" */
	bool global_prefix; /* "Out of memory" */
	uint32_t have;	    /* OOM_HAVE_* of the fields below */
	uint64_t total_vm_kb, anon_rss_kb, file_rss_kb, shmem_rss_kb, pgtables_kb;
	uint32_t uid;
	int oom_score_adj;
};
/* 0 if the line is a kill line, -ENOMSG if not, -EINVAL if it is one without a usable pid. */
int oomreport_parse_kill(const char *s, size_t len, struct oom_kill_line *ret);

/* "oom-kill:constraint=…,oom_memcg=…|global_oom,task_memcg=…,task=…,pid=…,uid=…" (5.0+) */
struct oom_summary_line {
	char constraint[32];
	bool global_oom;
	char oom_memcg[OOM_CGROUP_MAX];
	char task_memcg[OOM_CGROUP_MAX];
	char comm[OOM_COMM_MAX];
	pid_t pid;
	uint32_t uid;
	bool have_uid;
};
/*
 * comm_hint: the victim's comm if already known (NULL otherwise): a cgroup path or a comm
 * may both contain ",task=", and the hint picks the split.
 */
int oomreport_parse_summary(const char *s, size_t len, const char *comm_hint,
			    struct oom_summary_line *ret);

/* "<comm> invoked oom-killer: gfp_mask=0x…(…), [nodemask=…, ]order=N, oom_score_adj=N" */
struct oom_header_line {
	char comm[OOM_COMM_MAX];
	char gfp_mask[64];
	int order, oom_score_adj;
	bool have_order, have_adj;
};
int oomreport_parse_header(const char *s, size_t len, struct oom_header_line *ret);

/*
 * Task table: the header row "[  pid  ]   uid  tgid total_vm      rss … name" (every column
 * set since 2.6.32) and one row. The column layout of the header is kept in struct
 * oom_task_cols and used to read the rows.
 */
#define OOM_TASK_COLS_MAX 16
struct oom_task_cols {
	int n; /* numeric columns after "[ pid ]" */
	int rss, swapents, pgtables_bytes, nr_ptes, oom_score_adj, uid; /* column index or -1 */
};
struct oom_task_row {
	pid_t pid;
	uint64_t rss_pages, swapents, pgtables_pages;
	uint64_t pgtables_bytes;
	uint32_t uid;
	int oom_score_adj;
	bool have_adj, have_uid, have_pgtables_bytes;
};
int oomreport_parse_task_header(const char *s, size_t len, struct oom_task_cols *ret);
int oomreport_parse_task_row(const char *s, size_t len, const struct oom_task_cols *cols,
			     struct oom_task_row *ret);

/* ---- the assembler ---- */

#define OOMREPORT_OPEN_MAX 16  /* open (unfinished) reports kept at once */
#define OOMREPORT_TOP_TASKS 16 /* largest task-table rows kept per report */
#define OOMREPORT_OPEN_AGE_US                                                                      \
	(30ull * 1000000) /* kernel time after which an open report is stale */

struct oomreport;

/* The victim's memcg was reaped: oom_reaper line. */
struct oom_reap {
	pid_t pid;
	char comm[OOM_COMM_MAX];
	uint64_t kernel_time_us;
	bool have_ktime;
};

struct oomreport_ops {
	/* a kill, complete as far as the log carried it; ev is only valid during the call */
	void (*on_kill)(const struct oom_event *ev, void *userdata);
	void (*on_reap)(const struct oom_reap *reap, void *userdata); /* may be NULL */
	void *userdata;
};

/*
 * source: OOM_SOURCE_KMSG (records from /dev/kmsg: no console wrapping, \xNN escapes) or
 * OOM_SOURCE_LOG (text lines: prefixes stripped, wrapped kill lines joined).
 */
int oomreport_new(enum oom_source source, const struct oomreport_ops *ops, struct oomreport **ret);
void oomreport_free(struct oomreport *r);

/* A raw text-log line (prefixes are stripped here). */
void oomreport_feed_line(struct oomreport *r, const char *line, size_t len);
/*
 * A buffer of whole text-log lines (a mapped file, or a chunk ending at a line end). Same as
 * oomreport_feed_line on each line, but skips, at memory speed, the stretches no report
 * needs (docs/OOM-REPORT.md, "Speed").
 */
void oomreport_feed_log(struct oomreport *r, const char *buf, size_t len);
/*
 * The buffers fed next with oomreport_feed_log lie (in part) in this mapped window, indexed by
 * a worker (lib/log-scan.h): the skip and the line filter ask the index. NULL: no index.
 */
struct logscan;
void oomreport_set_window(struct oomreport *r, struct logscan *win);
/*
 * The needle scan of the skip: the first byte in [p, end) that starts one of the needles
 * (docs/OOM-REPORT.md, "Speed"), NULL if none; *nls the '\n' before it (or in all of it).
 */
const char *oomreport_scan_needles(const char *p, const char *end, uint64_t *nls);
/*
 * Does one of the (four) needles start at p (8 bytes readable)? With p NULL: their first and
 * last bytes into first[4] and last[4] (for a scan of one's own), and false.
 */
bool oomreport_needle_at(const char *p, char *first, char *last);
/* Kernel text already separated from its prefix (a /dev/kmsg record). */
void oomreport_feed_text(struct oomreport *r, const char *text, size_t len, bool have_ts,
			 uint64_t ts_us, bool escaped);
/*
 * Read year-less syslog dates ("Nov 25 10:00:00") as of year (with ref_us, the file's
 * modification time: a date after it is of the year before) in a zone tz_min minutes east
 * of UTC. Without this call: the current year, UTC.
 */
void oomreport_set_clock(struct oomreport *r, int year, long tz_min, int64_t ref_us);
/*
 * One structured entry (a journal record, a JSON object): its text and what the entry says
 * beside it. kernel false: a program's record that imitates the kernel (counted, not parsed).
 */
struct oomreport_meta {
	bool have_ts, have_wall, kernel;
	uint64_t ts_us;
	int64_t wall_us;
	uint64_t lineno;
	const char *tag; /* for imitations */
};
void oomreport_feed_entry(struct oomreport *r, const char *text, size_t len,
			  const struct oomreport_meta *m);
/* A /dev/kmsg record whose facility is not 0: userspace wrote it. Counted, never parsed. */
void oomreport_note_imitation(struct oomreport *r, const char *text, size_t len, const char *tag);

/*
 * The open report whose summary line named pid and whose kill line has not come yet (the
 * oom:mark_victim tracepoint fires between the two): what it holds so far, as an event.
 * 0, or -ENOENT when no open report names pid.
 */
int oomreport_pending(const struct oomreport *r, pid_t pid, struct oom_event *ret);

/* End of input: reports that have a summary line but no kill line become kills. */
void oomreport_flush(struct oomreport *r);

/* Stats for tests and benchmarks. */
#define OOMREPORT_LINES_KEPT 8
struct oomreport_stats {
	uint64_t lines, kills, evicted;
	uint64_t lines_read; /* input lines, also those skipped at memory speed */
	uint64_t mentions;   /* lines that name a kill, a selection, a summary or a header */
	uint64_t undecoded;  /* such lines (or report headers) that gave no kill */
	uint64_t undecoded_at[OOMREPORT_LINES_KEPT]; /* their input line numbers, the first few */
	uint64_t imitations; /* such lines written by a program, not by the kernel */
	uint64_t imitation_at[OOMREPORT_LINES_KEPT];
	char imitation_tag[32]; /* the first imitation's tag ("facility" for a /dev/kmsg write) */
	/* the span of time stamps the input covers */
	bool have_ts_span, have_wall_span;
	uint64_t first_ts_us, last_ts_us;
	int64_t first_wall_us, last_wall_us;
};
void oomreport_get_stats(const struct oomreport *r, struct oomreport_stats *ret);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Rendering and explaining OOM kills, shared by `oomlab why`, `oomlab watch` and the
 * end-of-run account of `oomlab run`: whatever the source of the struct oom_event (kernel log,
 * BPF ring buffer, tracefs), the same text, the same JSON, the same plain words.
 */
#ifndef OOMLAB_EXPLAIN_H
#define OOMLAB_EXPLAIN_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "../lib/host.h"
#include "../lib/json.h"
#include "../lib/log-form.h"
#include "../lib/oom-report.h"
#include "../lib/oom-event.h"

struct kill_list {
	struct oom_event *v;
	size_t n, cap;
};
void kill_list_free(struct kill_list *l);
/* append a copy of ev (grows the list); -ENOMEM */
int kill_list_add(struct kill_list *l, const struct oom_event *ev);

/*
 * Collect every kill of a log (path, "-" = stdin) or, with path NULL, of the live kernel
 * buffer (/dev/kmsg under h), in log order. Returns 0 or -errno (open/read failure).
 */
int explain_collect(const struct host *h, const char *path, struct kill_list *ret);

/* What to read: a log (path), the journal, or (neither) the live kernel buffer. */
struct collect_opts {
	const char *path;		  /* "-" = stdin */
	bool follow;			  /* accept a FIFO or a character device as path */
	bool journal;			  /* the systemd journal (sd-journal) */
	int boot;			  /* --boot N: 0 this boot, -1 the one before, ...; */
	bool all_boots;			  /* --boot all */
	const char *const *journal_files; /* --journal-file F... (NULL-terminated), or NULL */
	const char *journal_dir;	  /* --journal-dir D, or NULL */
};
/* What was read, for the account of what could not be decoded. */
struct collect_info {
	struct oomreport_stats stats;
	struct logread_info container;
	enum logform_kind form;
	bool live;	      /* the live /dev/kmsg */
	uint64_t overwritten; /* records lost to the ring buffer while reading */
	bool have_boot;
	int64_t boot_us;	  /* wall clock of kernel time 0 (live buffer) */
	uint64_t journal_entries; /* kernel records read from the journal */
};
int explain_collect_ex(const struct host *h, const struct collect_opts *o, struct kill_list *ret,
		       struct collect_info *info);
/*
 * The same, streamed: each kill goes to on_kill (which may change it, e.g. explain_enrich) in
 * log order as soon as it is final, i.e. when PENDING_MAX (256) kills came after it, or at the
 * end: an oom_reaper line after its kill line can set reaped until then. Nothing is kept, so
 * memory does not grow with the kills. A negative return of on_kill is returned at the end
 * (the read goes on). On an error of the read, the kills before it have been handed on.
 */
struct collect_sink {
	int (*on_kill)(struct oom_event *ev, void *userdata);
	void *userdata;
};
int explain_collect_stream(const struct host *h, const struct collect_opts *o,
			   const struct collect_sink *sink, struct collect_info *info);
/* The journal's kernel records into rep (src/journal-read.c). -EPROTONOSUPPORT without libsystemd. */
int explain_journal(struct oomreport *rep, const struct collect_opts *o, struct collect_info *info);

/* pid 0 / cgroup NULL = any. A kill whose cgroup the log did not carry never matches a cgroup. */
bool explain_match(const struct oom_event *ev, pid_t pid, const char *cgroup);

/* Enrichment: the container/pod/unit name from the cgroup path (pure); while the cgroup
 * exists its current limit; and task_memcg from /proc/PID/cgroup when the log did not carry
 * it (a rate-limited report, only right after the kill: pids get reused). */
enum {
	ENRICH_NAME = 1 << 0,
	ENRICH_LIMIT = 1 << 1,
	ENRICH_PROC = 1 << 2,
};
void explain_enrich(struct oom_event *ev, const struct host *h, unsigned flags);

/* The plain-words account of one kill (several lines). */
void explain_kill_text(FILE *out, const struct oom_event *ev);
/* One line per kill (watch). */
void explain_kill_line(FILE *out, const struct oom_event *ev);
/* One compact JSON object and a newline (watch --json). */
void explain_kill_json_line(FILE *out, const struct oom_event *ev);

/* A live cgroup's memory state: limits, usage, peak, OOM counters, PSI. -ENOENT if gone. */
int explain_cgroup_text(FILE *out, const struct host *h, const char *cgroup);
int explain_cgroup_json(struct json *j, const struct host *h, const char *cgroup);

/*
 * The end-of-run account (`oomlab run`): the kills of pid (0 = any) in cgroup (NULL = any)
 * from the live kernel buffer, explained. Text to out when j is NULL, else a "kills" array
 * added to the JSON object the caller has open. Returns the number of kills or -errno.
 */
int explain_account(FILE *out, struct json *j, const struct host *h, pid_t pid, const char *cgroup);

#endif

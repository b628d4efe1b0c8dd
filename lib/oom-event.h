/* SPDX-License-Identifier: MIT */
/*
 * One OOM kill, whatever told us about it: the kernel log (live /dev/kmsg or a saved text log),
 * a memcg counter, the oom:mark_victim tracepoint through BPF or tracefs. Field names follow
 * the JSON shape (docs/ARCHITECTURE.md); a field the source did not carry has its OOM_HAVE_*
 * bit clear and renders as null.
 */
#ifndef OOMLAB_OOMEVENT_H
#define OOMLAB_OOMEVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct json;
struct out;

enum oom_scope {
	OOM_SCOPE_UNKNOWN = 0,
	OOM_SCOPE_MEMCG,
	OOM_SCOPE_GLOBAL,
};

enum oom_source {
	OOM_SOURCE_NONE = 0,
	OOM_SOURCE_KMSG,    /* live /dev/kmsg */
	OOM_SOURCE_LOG,	    /* a text log: dmesg, journalctl -k, kern.log, pasted */
	OOM_SOURCE_MEMCG,   /* memory.events oom_kill / memory.oom_control oom_kill delta */
	OOM_SOURCE_BPF,	    /* oom:mark_victim through a BPF program */
	OOM_SOURCE_TRACEFS, /* oom:mark_victim through a tracefs instance */
};

enum {
	OOM_HAVE_PID = 1u << 0,
	OOM_HAVE_TOTAL_VM = 1u << 1,
	OOM_HAVE_ANON_RSS = 1u << 2,
	OOM_HAVE_FILE_RSS = 1u << 3,
	OOM_HAVE_SHMEM_RSS = 1u << 4,
	OOM_HAVE_UID = 1u << 5,
	OOM_HAVE_PGTABLES = 1u << 6,
	OOM_HAVE_ADJ = 1u << 7,
	OOM_HAVE_MEMCG_USAGE = 1u << 8,
	OOM_HAVE_MEMCG_LIMIT = 1u << 9,
	OOM_HAVE_KTIME = 1u << 10,
	OOM_HAVE_SCORE = 1u << 11, /* "score S" of the old "Kill process" line */
	OOM_HAVE_INVOKER_ADJ = 1u << 12,
	OOM_HAVE_ORDER = 1u << 13,
	/* kernel-side sources (BPF, tracefs) */
	OOM_HAVE_TGID = 1u << 14,
	OOM_HAVE_TASK_MEMCG_ID = 1u << 15,
	OOM_HAVE_OOM_MEMCG_ID = 1u << 16,
	OOM_HAVE_TASK_MEMCG_USAGE = 1u << 17,
	OOM_HAVE_TASK_MEMCG_LIMIT = 1u << 18,
	OOM_HAVE_TOTALPAGES = 1u << 19,
	OOM_HAVE_INVOKER_PID = 1u << 20,
	OOM_HAVE_SEEN_TIME = 1u << 21,
};

/* comm: up to 15 bytes from the kernel, but /dev/kmsg escapes bytes as \xNN (4x). */
#define OOM_COMM_MAX 64
#define OOM_CGROUP_MAX 512

struct oom_event {
	uint32_t have;
	pid_t pid;
	char comm[OOM_COMM_MAX];
	enum oom_scope scope;
	char constraint[32];		 /* "CONSTRAINT_MEMCG", "CONSTRAINT_NONE", ... or "" */
	char oom_memcg[OOM_CGROUP_MAX];	 /* the cgroup that hit its limit ("" unknown) */
	char task_memcg[OOM_CGROUP_MAX]; /* the victim's cgroup ("" unknown) */
	uint64_t total_vm_kb, anon_rss_kb, file_rss_kb, shmem_rss_kb, pgtables_kb;
	uint32_t uid;
	int oom_score_adj;
	uint64_t memcg_usage_kb, memcg_limit_kb;
	char invoker_comm[OOM_COMM_MAX];
	int invoker_adj;
	char gfp_mask[64];
	int order;
	uint64_t score;
	uint64_t kernel_time_us; /* the log's own timestamp (µs since boot) */
	enum oom_source source;
	bool killed;		 /* the kernel killed it: a kill line (or summary line), or the
				 * oom:mark_victim tracepoint (fired after the SIGKILL) */
	bool inferred_oom_memcg; /* oom_memcg guessed (e.g. BPF walk up the hierarchy) */
	/*
	 * Added for the kernel-side sources (lib/victim.h). memcg_usage_kb/memcg_limit_kb above
	 * are the OOMing memcg's (as in the kernel's "memory: usage" line); task_memcg_* are the
	 * victim's own memcg. Memcg ids are cgroup ids (the inode of the cgroup directory).
	 */
	pid_t tgid;
	pid_t invoker_pid;
	uint64_t task_memcg_id, oom_memcg_id;
	uint64_t task_memcg_usage_kb, task_memcg_limit_kb;
	uint64_t totalpages;   /* oom_control->totalpages (fentry only) */
	bool after_the_fact;   /* figures read from /proc and cgroupfs after the event, not
				 * from the kernel at the kill (pid-only tracepoint, tracefs) */
	bool kmsg_checked;     /* constraint/oom_memcg confirmed by the kernel log's summary */
	uint64_t seen_time_us; /* CLOCK_MONOTONIC µs when oomlab emitted it (latency) */

	/* Added by the kernel-log reader (issue 4); null/0 when the source does not carry them. */
	bool reaped;		  /* an oom_reaper line followed */
	bool oom_group;		  /* killed as a member of a memory.oom.group cgroup */
	bool inferred_task_memcg; /* task_memcg read from /proc/PID/cgroup, not from the log */
	uint32_t tasks_listed;	  /* rows of the report's task table (0: no table) */
	uint32_t victim_rank;	  /* 1 = largest rss+swap+page tables in the table, 0 unknown */
	char container[160]; /* "docker 3f2a…", "kubepods burstable pod … container …", "" */
	uint64_t limit_now_kb; /* the cgroup's limit when the event was enriched */

	/* Added for issue 14. */
	int64_t time_us;   /* wall clock, µs since the epoch (OOM_HAVE_TIME) */
	uint64_t log_line; /* input line of the kill line (text logs), 0 unknown */
};

/* have bit of a field added above by the kernel-log reader (OOM_HAVE_INVOKER_PID is in the
 * enum: the BPF source sets it too) */
#define OOM_HAVE_LIMIT_NOW (1u << 25)
#define OOM_HAVE_TIME (1u << 26)

/* "2026-11-25T10:00:00.123456Z"; NULL if it does not fit */
const char *oom_time_rfc3339(int64_t us, char *buf, size_t sz);

const char *oom_scope_to_string(enum oom_scope s);   /* "memcg", "global", NULL */
const char *oom_source_to_string(enum oom_source s); /* "kmsg", "log", ... */

/*
 * The one merge of two records of the same kill: the kernel log's (log: an assembled report,
 * lib/oom-report.h) onto what a kernel-side source or a counter gave (ev). The log adds what ev
 * lacks (constraint, the invoking task, gfp_mask, order) and its word wins on which memcg ran
 * out; its "memory: usage" figures replace figures read after the fact. 0 when merged;
 * -ESRCH when the two are not the same kill (another pid, or another victim memcg than the
 * one the kernel-side source saw itself), and ev is left as it was.
 */
int oom_event_merge_log(struct oom_event *ev, const struct oom_event *log);

/* The one rendering of an event (lib/out.h): JSON, its one shape (an object, the member key
 * or NULL); text, one line. */
void oom_event_print(struct out *o, const char *key, const struct oom_event *ev);
/* the same into a JSON writer */
void oom_event_to_json(const struct oom_event *ev, struct json *j);

#endif

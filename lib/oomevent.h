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
#include <stdint.h>
#include <sys/types.h>

struct json;

enum oom_scope {
	OOM_SCOPE_UNKNOWN = 0,
	OOM_SCOPE_MEMCG,
	OOM_SCOPE_GLOBAL,
};

enum oom_source {
	OOM_SOURCE_NONE = 0,
	OOM_SOURCE_KMSG,    /* live /dev/kmsg */
	OOM_SOURCE_LOG,     /* a text log: dmesg, journalctl -k, kern.log, pasted */
	OOM_SOURCE_MEMCG,   /* memory.events oom_kill / memory.oom_control oom_kill delta */
	OOM_SOURCE_BPF,     /* oom:mark_victim through a BPF program */
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
	OOM_HAVE_SCORE = 1u << 11,	/* "score S" of the old "Kill process" line */
	OOM_HAVE_INVOKER_ADJ = 1u << 12,
	OOM_HAVE_ORDER = 1u << 13,
};

/* comm: up to 15 bytes from the kernel, but /dev/kmsg escapes bytes as \xNN (4x). */
#define OOM_COMM_MAX 64
#define OOM_CGROUP_MAX 512

struct oom_event {
	uint32_t have;
	pid_t pid;
	char comm[OOM_COMM_MAX];
	enum oom_scope scope;
	char constraint[32];		/* "CONSTRAINT_MEMCG", "CONSTRAINT_NONE", ... or "" */
	char oom_memcg[OOM_CGROUP_MAX];	/* the cgroup that hit its limit ("" unknown) */
	char task_memcg[OOM_CGROUP_MAX];	/* the victim's cgroup ("" unknown) */
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
	bool killed;		/* a kill line (or summary line) confirmed the kill */
	bool inferred_oom_memcg; /* oom_memcg guessed (e.g. BPF walk up the hierarchy) */

	/* Added by the kernel-log reader (issue 4); null/0 when the source does not carry them. */
	pid_t invoker_pid;	/* "CPU: 1 UID: 0 PID: 3916 Comm: ..." after the header */
	bool reaped;		/* an oom_reaper line followed */
	bool oom_group;		/* killed as a member of a memory.oom.group cgroup */
	bool inferred_task_memcg; /* task_memcg read from /proc/PID/cgroup, not from the log */
	uint32_t tasks_listed;	/* rows of the report's task table (0: no table) */
	uint32_t victim_rank;	/* 1 = largest rss+swap+page tables in the table, 0 unknown */
	char container[160];	/* "docker 3f2a…", "kubepods burstable pod … container …", "" */
	uint64_t limit_now_kb;	/* the cgroup's limit when the event was enriched */
};

/* have bits of the fields added above (high bits, out of the way of other sources) */
#define OOM_HAVE_INVOKER_PID (1u << 24)
#define OOM_HAVE_LIMIT_NOW (1u << 25)

const char *oom_scope_to_string(enum oom_scope s);	/* "memcg", "global", NULL */
const char *oom_source_to_string(enum oom_source s);	/* "kmsg", "log", ... */

/* The one JSON shape of an event (an object). */
void oom_event_to_json(const struct oom_event *ev, struct json *j);

#endif

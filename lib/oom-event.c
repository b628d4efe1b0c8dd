// SPDX-License-Identifier: MIT
#include "oom-event.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "out.h"
#include "banned.h"

#define MEMCG_BITS (OOM_HAVE_MEMCG_USAGE | OOM_HAVE_MEMCG_LIMIT | OOM_HAVE_OOM_MEMCG_ID)

int oom_event_merge_log(struct oom_event *ev, const struct oom_event *log)
{
	if (!(ev->have & OOM_HAVE_PID) || !(log->have & OOM_HAVE_PID) || ev->pid != log->pid)
		return -ESRCH;
	/* the log only adds to what agrees with what the kernel-side source saw itself */
	if (ev->task_memcg[0] && !ev->after_the_fact && log->task_memcg[0] &&
	    strcmp(ev->task_memcg, log->task_memcg) != 0)
		return -ESRCH;
	if (log->constraint[0])
		memcpy(ev->constraint, log->constraint, sizeof(ev->constraint));
	if (log->scope == OOM_SCOPE_GLOBAL) {
		ev->scope = OOM_SCOPE_GLOBAL;
		ev->oom_memcg[0] = '\0';
		ev->have &= ~(uint32_t)MEMCG_BITS;
		ev->inferred_oom_memcg = false;
	} else if (log->scope == OOM_SCOPE_MEMCG) {
		ev->scope = OOM_SCOPE_MEMCG;
		if (log->oom_memcg[0]) {
			if (strcmp(ev->oom_memcg, log->oom_memcg) != 0) {
				/* the kernel's word wins; our counters belong to another memcg */
				memcpy(ev->oom_memcg, log->oom_memcg, sizeof(ev->oom_memcg));
				ev->have &= ~(uint32_t)MEMCG_BITS;
			}
			ev->inferred_oom_memcg = false;
		}
		/* the kernel's figures at the OOM beat ours read later (the cgroup may be gone) */
		if ((log->have & OOM_HAVE_MEMCG_LIMIT) &&
		    (!(ev->have & OOM_HAVE_MEMCG_LIMIT) || ev->after_the_fact)) {
			ev->memcg_limit_kb = log->memcg_limit_kb;
			ev->memcg_usage_kb = log->memcg_usage_kb;
			ev->have |= log->have & (OOM_HAVE_MEMCG_USAGE | OOM_HAVE_MEMCG_LIMIT);
		}
	}
	if (log->task_memcg[0] && (!ev->task_memcg[0] || ev->after_the_fact))
		memcpy(ev->task_memcg, log->task_memcg, sizeof(ev->task_memcg));
	if (!ev->invoker_comm[0])
		memcpy(ev->invoker_comm, log->invoker_comm, sizeof(ev->invoker_comm));
	if (!ev->gfp_mask[0])
		memcpy(ev->gfp_mask, log->gfp_mask, sizeof(ev->gfp_mask));
	if (!ev->comm[0])
		memcpy(ev->comm, log->comm, sizeof(ev->comm));
	{
		static const uint32_t fill =
			OOM_HAVE_ORDER | OOM_HAVE_INVOKER_ADJ | OOM_HAVE_INVOKER_PID | OOM_HAVE_UID;
		uint32_t add = log->have & fill & ~ev->have;

		if (add & OOM_HAVE_ORDER)
			ev->order = log->order;
		if (add & OOM_HAVE_INVOKER_ADJ)
			ev->invoker_adj = log->invoker_adj;
		if (add & OOM_HAVE_INVOKER_PID)
			ev->invoker_pid = log->invoker_pid;
		if (add & OOM_HAVE_UID)
			ev->uid = log->uid;
		ev->have |= add;
	}
	if (log->constraint[0] || log->scope != OOM_SCOPE_UNKNOWN)
		ev->kmsg_checked = true;
	return 0;
}

const char *oom_scope_to_string(enum oom_scope s)
{
	switch (s) {
	case OOM_SCOPE_MEMCG:
		return "memcg";
	case OOM_SCOPE_GLOBAL:
		return "global";
	default:
		return NULL;
	}
}

const char *oom_source_to_string(enum oom_source s)
{
	switch (s) {
	case OOM_SOURCE_KMSG:
		return "kmsg";
	case OOM_SOURCE_LOG:
		return "log";
	case OOM_SOURCE_MEMCG:
		return "memcg";
	case OOM_SOURCE_BPF:
		return "bpf";
	case OOM_SOURCE_TRACEFS:
		return "tracefs";
	default:
		return NULL;
	}
}

static const char *nz(const char *s)
{
	return s && *s ? s : NULL;
}

const char *oom_time_rfc3339(int64_t us, char *buf, size_t sz)
{
	time_t t = (time_t)(us >= 0 ? us / 1000000 : (us - 999999) / 1000000);
	long frac = (long)(us - (int64_t)t * 1000000);
	struct tm tm;

	if (!gmtime_r(&t, &tm) ||
	    snprintf(buf, sz, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
		     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac) >= (int)sz)
		return NULL;
	return buf;
}

/*
 * One kill: in JSON the whole record (every field, null where the source did not carry it), in
 * text watch's one line. The calls follow the JSON order; a datum the line shows elsewhere is a
 * PRINT_TEXT call where the line has it.
 */
void oom_event_print(struct out *o, const char *key, const struct oom_event *ev)
{
	uint32_t h = ev->have;
	enum print_type rss = (h & OOM_HAVE_ANON_RSS) ? PRINT_ANY : PRINT_JSON;
	char t[40];

	open_json_object(o, key);
	print_i64_opt(o, PRINT_ANY, "pid", "kill pid %s", h & OOM_HAVE_PID, ev->pid);
	print_str(o, PRINT_ANY, "comm", " (%s)", nz(ev->comm));
	if (h & OOM_HAVE_KTIME)
		print_text(o, " at %llu.%06llu", (unsigned long long)(ev->kernel_time_us / 1000000),
			   (unsigned long long)(ev->kernel_time_us % 1000000));
	if (ev->task_memcg[0])
		print_str(o, PRINT_TEXT, NULL,
			  ev->inferred_task_memcg ? " cgroup %s (from /proc)" : " cgroup %s",
			  ev->task_memcg);
	if (ev->scope == OOM_SCOPE_GLOBAL)
		print_text(o, ": host out of memory");
	else if (ev->oom_memcg[0])
		print_str(o, PRINT_TEXT, NULL, ": limit of %s", ev->oom_memcg);
	else if (ev->scope == OOM_SCOPE_MEMCG)
		print_text(o, ": memory cgroup limit");
	if (h & OOM_HAVE_MEMCG_LIMIT) {
		print_kb(o, PRINT_TEXT, NULL, " (%s", h & OOM_HAVE_MEMCG_USAGE, ev->memcg_usage_kb);
		print_kb(o, PRINT_TEXT, NULL, " of %s)", true, ev->memcg_limit_kb);
	}
	print_str(o, PRINT_JSON, "scope", NULL, oom_scope_to_string(ev->scope));
	print_str(o, PRINT_JSON, "constraint", NULL, nz(ev->constraint));
	print_str(o, PRINT_JSON, "oom_memcg", NULL, nz(ev->oom_memcg));
	print_str(o, PRINT_JSON, "task_memcg", NULL, nz(ev->task_memcg));
	print_kb(o, PRINT_JSON, "total_vm_kb", NULL, h & OOM_HAVE_TOTAL_VM, ev->total_vm_kb);
	print_kb(o, rss, "anon_rss_kb", "; anon %s", h & OOM_HAVE_ANON_RSS, ev->anon_rss_kb);
	print_kb(o, rss, "file_rss_kb", " file %s", h & OOM_HAVE_FILE_RSS, ev->file_rss_kb);
	print_kb(o, rss, "shmem_rss_kb", " shmem %s", h & OOM_HAVE_SHMEM_RSS, ev->shmem_rss_kb);
	print_u64_opt(o, PRINT_JSON, "uid", NULL, h & OOM_HAVE_UID, ev->uid);
	print_kb(o, PRINT_JSON, "pgtables_kb", NULL, h & OOM_HAVE_PGTABLES, ev->pgtables_kb);
	print_i64_opt(o, (h & OOM_HAVE_ADJ) ? PRINT_ANY : PRINT_JSON, "oom_score_adj",
		      "; oom_score_adj %s", h & OOM_HAVE_ADJ, ev->oom_score_adj);
	print_kb(o, PRINT_JSON, "memcg_usage_kb", NULL, h & OOM_HAVE_MEMCG_USAGE,
		 ev->memcg_usage_kb);
	print_kb(o, PRINT_JSON, "memcg_limit_kb", NULL, h & OOM_HAVE_MEMCG_LIMIT,
		 ev->memcg_limit_kb);
	print_str(o, PRINT_JSON, "invoker_comm", NULL, nz(ev->invoker_comm));
	print_u64_opt(o, PRINT_JSON, "kernel_time_us", NULL, h & OOM_HAVE_KTIME,
		      ev->kernel_time_us);
	print_str(o, PRINT_JSON, "source", NULL, oom_source_to_string(ev->source));
	/* added with the BPF and tracefs sources: null for the kernel log */
	print_i64_opt(o, PRINT_JSON, "tgid", NULL, h & OOM_HAVE_TGID, ev->tgid);
	print_u64_opt(o, PRINT_JSON, "task_memcg_id", NULL, h & OOM_HAVE_TASK_MEMCG_ID,
		      ev->task_memcg_id);
	print_kb(o, PRINT_JSON, "task_memcg_usage_kb", NULL, h & OOM_HAVE_TASK_MEMCG_USAGE,
		 ev->task_memcg_usage_kb);
	print_kb(o, PRINT_JSON, "task_memcg_limit_kb", NULL, h & OOM_HAVE_TASK_MEMCG_LIMIT,
		 ev->task_memcg_limit_kb);
	print_u64_opt(o, PRINT_JSON, "oom_memcg_id", NULL, h & OOM_HAVE_OOM_MEMCG_ID,
		      ev->oom_memcg_id);
	print_bool(o, PRINT_JSON, "oom_memcg_inferred", NULL, ev->inferred_oom_memcg);
	print_bool(o, PRINT_JSON, "kmsg_checked", NULL, ev->kmsg_checked);
	print_u64_opt(o, PRINT_JSON, "totalpages", NULL, h & OOM_HAVE_TOTALPAGES, ev->totalpages);
	print_i64_opt(o, PRINT_JSON, "invoker_pid", NULL, h & OOM_HAVE_INVOKER_PID,
		      ev->invoker_pid);
	print_bool(o, PRINT_JSON, "after_the_fact", NULL, ev->after_the_fact);
	print_u64_opt(o, PRINT_JSON, "seen_time_us", NULL, h & OOM_HAVE_SEEN_TIME,
		      ev->seen_time_us);
	/* additions (issue 4): context from the kernel log and live enrichment */
	print_bool(o, PRINT_JSON, "killed", NULL, ev->killed);
	print_i64_opt(o, PRINT_JSON, "invoker_oom_score_adj", NULL, h & OOM_HAVE_INVOKER_ADJ,
		      ev->invoker_adj);
	print_str(o, PRINT_JSON, "gfp_mask", NULL, nz(ev->gfp_mask));
	print_i64_opt(o, PRINT_JSON, "order", NULL, h & OOM_HAVE_ORDER, ev->order);
	print_u64_opt(o, PRINT_JSON, "score", NULL, h & OOM_HAVE_SCORE, ev->score);
	print_bool(o, PRINT_JSON, "oom_group", NULL, ev->oom_group);
	if (ev->oom_group)
		print_text(o, "; memory.oom.group");
	print_bool(o, PRINT_JSON, "reaped", NULL, ev->reaped);
	print_u64_opt(o, PRINT_JSON, "tasks_listed", NULL, ev->tasks_listed > 0, ev->tasks_listed);
	print_u64_opt(o, PRINT_JSON, "victim_rank", NULL, ev->victim_rank > 0, ev->victim_rank);
	print_str(o, ev->container[0] ? PRINT_ANY : PRINT_JSON, "container", " [%s]",
		  nz(ev->container));
	print_kb(o, PRINT_JSON, "limit_now_kb", NULL, h & OOM_HAVE_LIMIT_NOW, ev->limit_now_kb);
	if ((h & OOM_HAVE_LIMIT_NOW) && !(h & OOM_HAVE_MEMCG_LIMIT))
		print_kb(o, PRINT_TEXT, NULL, " (limit now %s)", true, ev->limit_now_kb);
	/* additions (issue 14): the wall-clock time of the kill, where the log or the boot time gave one */
	print_str(o, PRINT_JSON, "time", NULL,
		  (h & OOM_HAVE_TIME) ? oom_time_rfc3339(ev->time_us, t, sizeof(t)) : NULL);
	close_json_object(o);
	print_text(o, "\n");
}

void oom_event_to_json(const struct oom_event *ev, struct json *j)
{
	struct out o = OUT_JSON(j);

	oom_event_print(&o, NULL, ev);
}

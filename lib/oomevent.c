// SPDX-License-Identifier: MIT
#include "oomevent.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "json.h"
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

void oom_event_to_json(const struct oom_event *ev, struct json *j)
{
	uint32_t h = ev->have;

	json_obj_open(j);
	json_kv_i64_opt(j, "pid", h & OOM_HAVE_PID, ev->pid);
	json_kv_str(j, "comm", nz(ev->comm));
	json_kv_str(j, "scope", oom_scope_to_string(ev->scope));
	json_kv_str(j, "constraint", nz(ev->constraint));
	json_kv_str(j, "oom_memcg", nz(ev->oom_memcg));
	json_kv_str(j, "task_memcg", nz(ev->task_memcg));
	json_kv_u64_opt(j, "total_vm_kb", h & OOM_HAVE_TOTAL_VM, ev->total_vm_kb);
	json_kv_u64_opt(j, "anon_rss_kb", h & OOM_HAVE_ANON_RSS, ev->anon_rss_kb);
	json_kv_u64_opt(j, "file_rss_kb", h & OOM_HAVE_FILE_RSS, ev->file_rss_kb);
	json_kv_u64_opt(j, "shmem_rss_kb", h & OOM_HAVE_SHMEM_RSS, ev->shmem_rss_kb);
	json_kv_u64_opt(j, "uid", h & OOM_HAVE_UID, ev->uid);
	json_kv_u64_opt(j, "pgtables_kb", h & OOM_HAVE_PGTABLES, ev->pgtables_kb);
	json_kv_i64_opt(j, "oom_score_adj", h & OOM_HAVE_ADJ, ev->oom_score_adj);
	json_kv_u64_opt(j, "memcg_usage_kb", h & OOM_HAVE_MEMCG_USAGE, ev->memcg_usage_kb);
	json_kv_u64_opt(j, "memcg_limit_kb", h & OOM_HAVE_MEMCG_LIMIT, ev->memcg_limit_kb);
	json_kv_str(j, "invoker_comm", nz(ev->invoker_comm));
	json_kv_u64_opt(j, "kernel_time_us", h & OOM_HAVE_KTIME, ev->kernel_time_us);
	json_kv_str(j, "source", oom_source_to_string(ev->source));
	/* added with the BPF and tracefs sources: null for the kernel log */
	json_kv_i64_opt(j, "tgid", h & OOM_HAVE_TGID, ev->tgid);
	json_kv_u64_opt(j, "task_memcg_id", h & OOM_HAVE_TASK_MEMCG_ID, ev->task_memcg_id);
	json_kv_u64_opt(j, "task_memcg_usage_kb", h & OOM_HAVE_TASK_MEMCG_USAGE,
			ev->task_memcg_usage_kb);
	json_kv_u64_opt(j, "task_memcg_limit_kb", h & OOM_HAVE_TASK_MEMCG_LIMIT,
			ev->task_memcg_limit_kb);
	json_kv_u64_opt(j, "oom_memcg_id", h & OOM_HAVE_OOM_MEMCG_ID, ev->oom_memcg_id);
	json_kv_bool(j, "oom_memcg_inferred", ev->inferred_oom_memcg);
	json_kv_bool(j, "kmsg_checked", ev->kmsg_checked);
	json_kv_u64_opt(j, "totalpages", h & OOM_HAVE_TOTALPAGES, ev->totalpages);
	json_kv_i64_opt(j, "invoker_pid", h & OOM_HAVE_INVOKER_PID, ev->invoker_pid);
	json_kv_bool(j, "after_the_fact", ev->after_the_fact);
	json_kv_u64_opt(j, "seen_time_us", h & OOM_HAVE_SEEN_TIME, ev->seen_time_us);
	/* additions (issue 4): context from the kernel log and live enrichment */
	json_kv_bool(j, "killed", ev->killed);
	json_kv_i64_opt(j, "invoker_oom_score_adj", h & OOM_HAVE_INVOKER_ADJ, ev->invoker_adj);
	json_kv_str(j, "gfp_mask", nz(ev->gfp_mask));
	json_kv_i64_opt(j, "order", h & OOM_HAVE_ORDER, ev->order);
	json_kv_u64_opt(j, "score", h & OOM_HAVE_SCORE, ev->score);
	json_kv_bool(j, "oom_group", ev->oom_group);
	json_kv_bool(j, "reaped", ev->reaped);
	json_kv_u64_opt(j, "tasks_listed", ev->tasks_listed > 0, ev->tasks_listed);
	json_kv_u64_opt(j, "victim_rank", ev->victim_rank > 0, ev->victim_rank);
	json_kv_str(j, "container", nz(ev->container));
	json_kv_u64_opt(j, "limit_now_kb", h & OOM_HAVE_LIMIT_NOW, ev->limit_now_kb);
	/* additions (issue 14): the wall-clock time of the kill, where the log or the boot time gave one */
	{
		char t[40];
		json_kv_str(j, "time",
			    (h & OOM_HAVE_TIME) && oom_time_rfc3339(ev->time_us, t, sizeof(t)) ?
				    t :
				    NULL);
	}
	json_obj_close(j);
}

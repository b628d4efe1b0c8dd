/* SPDX-License-Identifier: MIT */
/*
 * The OOM killer's choice, computed as the kernel computes it (mm/oom_kill.c, 6.x):
 *
 *   oom_badness(p, totalpages):
 *     LONG_MIN if p is init or a kernel thread (oom_unkillable_task), has no mm, has
 *     oom_score_adj == -1000, MMF_OOM_SKIP (already reaped) or is in vfork;
 *     else points = get_mm_rss(mm) + get_mm_counter(mm, MM_SWAPENTS)
 *                   + mm_pgtables_bytes(mm) / PAGE_SIZE          (pages)
 *          adj   *= totalpages / 1000                             (integer division first)
 *          return points + adj
 *
 *   select_bad_process(): chosen_points = LONG_MIN; every task in iteration order
 *     (for_each_process for a global OOM, mem_cgroup_scan_tasks over the memcg subtree for a
 *     memcg OOM) with points == LONG_MIN or points < chosen_points is skipped, so on EQUAL
 *     points the LATER task replaces the earlier one.
 *
 *   totalpages: memcg OOM: mem_cgroup_get_max() = memory.max (+ swap it may use, bounded by
 *     total swap, if its swappiness is not 0); global OOM: totalram_pages() + total_swap_pages.
 *
 *   /proc/PID/oom_score (fs/proc/base.c, 5.9+): (1000 + badness * 1000 / (RAM+swap pages)) * 2/3,
 *     0 when badness is LONG_MIN. Always global scale, whatever cgroup the task is in.
 *
 * Pure functions over plain data: unit-testable with fixture numbers.
 */
#ifndef OOMLAB_BADNESS_H
#define OOMLAB_BADNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "oomtasks.h"
#include "proc.h"

#define OOM_SCORE_ADJ_MIN (-1000)
#define OOM_SCORE_ADJ_MAX 1000

enum oom_unkillable {
	OOM_KILLABLE = 0,
	OOM_UNKILLABLE_ADJ_MIN,	 /* oom_score_adj = -1000 */
	OOM_UNKILLABLE_KTHREAD,	 /* PF_KTHREAD */
	OOM_UNKILLABLE_INIT,	 /* the global init (pid 1 of the initial namespace) */
	OOM_UNKILLABLE_NO_MM,	 /* no memory map: exiting or zombie */
	OOM_UNKILLABLE_OOM_SKIP, /* MMF_OOM_SKIP: already reaped by the oom_reaper (BPF source) */
	OOM_UNKILLABLE_VFORK,	 /* in_vfork(): borrows its parent's mm (BPF source) */
};
const char *oom_unkillable_to_string(enum oom_unkillable u); /* "", "adj -1000", ... */

/* One candidate, in the kernel's iteration order once sorted. */
struct oom_cand {
	pid_t pid;
	char comm[PROC_COMM_MAX];
	uint64_t rss_kb, swap_kb, pgtables_kb;
	uint64_t rss_anon_kb, rss_file_kb, rss_shmem_kb; /* rss_kb's parts (anon only before 4.5) */
	int adj;
	int oom_score; /* /proc/PID/oom_score as read (has_oom_score) */
	bool has_oom_score;
	enum oom_unkillable unkillable;
	int64_t badness;	    /* pages, valid when unkillable == OOM_KILLABLE */
	int64_t oom_score_computed; /* what /proc/PID/oom_score should read (global scale) */
	/* iteration order keys: memcg pre-order index, start time (ticks), pid */
	unsigned group;
	uint64_t starttime;
	/* seen by the BPF source only */
	bool oom_victim; /* already an OOM victim, still exiting (signal->oom_mm) */
	bool oom_origin; /* oom_task_origin(): swapoff/ksm, chosen before anything else */
};

/* points for one task: exact kernel arithmetic (64-bit long). page_kb is PAGE_SIZE / 1024. */
int64_t oom_badness_points(uint64_t rss_kb, uint64_t swap_kb, uint64_t pgtables_kb, int adj,
			   uint64_t totalpages, unsigned page_kb);
/* The per-point weight of oom_score_adj in pages: totalpages / 1000. */
static inline uint64_t oom_adj_unit_pages(uint64_t totalpages)
{
	return totalpages / 1000;
}

/* Fill c->badness from its fields (LONG_MIN-equivalent: c->unkillable != OOM_KILLABLE). */
void oom_cand_score(struct oom_cand *c, uint64_t totalpages, unsigned page_kb);

/* Build a candidate from /proc data (classifies init, kernel threads, no mm, adj -1000). */
void oom_cand_from_proc(struct oom_cand *c, pid_t pid, const struct proc_oom_info *info);
/*
 * Build a candidate from a BPF task-iterator entry (oomtasks.h): the counters oom_badness()
 * reads, in pages; also classifies MMF_OOM_SKIP and in_vfork(), which /proc does not show.
 * oom_score is left unset (has_oom_score false): the iterator does not produce it.
 * starttime gets the fork time in ns (only its order matters).
 */
void oom_cand_from_task(struct oom_cand *c, const struct oom_task *t, unsigned page_kb);

/*
 * The kernel's selection over c[0..n) in array order (sort with oom_cand_sort first).
 * ret_victim: index of the chosen task; ret_runner: the next best killable task (SIZE_MAX if
 * none); ret_tie: the runner-up has the same points (the choice rests on iteration order).
 * -ENOENT when nothing is killable ("Out of memory and no killable processes").
 */
int oom_select(const struct oom_cand *c, size_t n, size_t *ret_victim, size_t *ret_runner,
	       bool *ret_tie);

/*
 * oom_task_origin(): a task running swapoff or a KSM unmerge (signal->oom_flag_origin, seen by
 * the BPF source only) is chosen with LONG_MAX points before oom_badness() is asked, whatever
 * its oom_score_adj; only init and kernel threads are exempt. Among several, the last wins.
 * oom_select() models it; its badness stays the real one, and no margin is defined.
 */
static inline bool oom_cand_is_origin(const struct oom_cand *c)
{
	return c->oom_origin && c->unkillable != OOM_UNKILLABLE_KTHREAD &&
	       c->unkillable != OOM_UNKILLABLE_INIT;
}

/* Sort into iteration order: group, then start time, then pid. */
void oom_cand_sort(struct oom_cand *c, size_t n);
/* Sort for display: killable first by badness descending, then unkillable by pid. */
void oom_cand_sort_rank(struct oom_cand *c, size_t n);

/* /proc/PID/oom_score from a badness at global scale (fs/proc/base.c proc_oom_score, 5.9+). */
int64_t oom_score_from_badness(int64_t badness, bool killable, uint64_t global_totalpages);

/*
 * Since 6.2 the rss counters are per-CPU (percpu_counter); oom_badness() reads them with
 * percpu_counter_read_positive(), which may lag by up to batch x nr_cpus pages per counter
 * (batch = max(32, 2 x nr_cpus)), while /proc may sum them exactly. Two tasks whose badness
 * differs by less than this bound are too close to call from userspace.
 */
uint64_t oom_counter_error_pages(unsigned nr_cpus);

/* Inputs of mem_cgroup_get_max(), in bytes (SIZE_UNLIMITED = none). */
struct memcg_max_input {
	bool v2;	     /* cgroup2 memory controller (else v1) */
	uint64_t max;	     /* memory.max / memory.limit_in_bytes */
	uint64_t swap_max;   /* v2 memory.swap.max; unused on v1 */
	uint64_t memsw_max;  /* v1 memory.memsw.limit_in_bytes (SIZE_UNLIMITED if absent) */
	unsigned swappiness; /* v1 memory.swappiness; v2 /proc/sys/vm/swappiness */
	uint64_t total_swap; /* bytes of swap on the host (SwapTotal) */
};
/* mem_cgroup_get_max() in pages. -ERANGE when max is unlimited (no memcg OOM there). */
int memcg_totalpages(const struct memcg_max_input *in, unsigned page_size, uint64_t *ret);

/*
 * The --relative plan: the ordering that setting c[target].adj to want_adj would give, reached
 * by RAISING every other killable candidate by (c[target].adj - want_adj) instead (the term
 * adj * (totalpages/1000) is linear, so all pairwise differences are the same). new_adj[i]
 * gets each candidate's new value (target and unkillable ones unchanged). ret_capped: how many
 * hit the +1000 ceiling (their shortfall makes the plan weaker than the real thing).
 * -EINVAL if want_adj >= c[target].adj (nothing to lower).
 */
int oom_relative_plan(const struct oom_cand *c, size_t n, size_t target, int want_adj, int *new_adj,
		      size_t *ret_capped);

#endif

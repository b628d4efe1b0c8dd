// SPDX-License-Identifier: MIT
/* The kernel's OOM victim selection as pure functions. See badness.h for the kernel code. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "badness.h"
#include "util.h"
#include "banned.h"

const char *oom_unkillable_to_string(enum oom_unkillable u)
{
	switch (u) {
	case OOM_KILLABLE:
		return "";
	case OOM_UNKILLABLE_ADJ_MIN:
		return "oom_score_adj -1000";
	case OOM_UNKILLABLE_KTHREAD:
		return "kernel thread";
	case OOM_UNKILLABLE_INIT:
		return "init";
	case OOM_UNKILLABLE_NO_MM:
		return "no memory map";
	case OOM_UNKILLABLE_OOM_SKIP:
		return "already reaped (MMF_OOM_SKIP)";
	case OOM_UNKILLABLE_VFORK:
		return "in vfork";
	}
	return "?";
}

int64_t oom_badness_points(uint64_t rss_kb, uint64_t swap_kb, uint64_t pgtables_kb, int adj,
			   uint64_t totalpages, unsigned page_kb)
{
	/* the kernel's counters are in pages; /proc prints them << (PAGE_SHIFT - 10) */
	int64_t points = (int64_t)(rss_kb / page_kb) + (int64_t)(swap_kb / page_kb) +
			 (int64_t)(pgtables_kb / page_kb);
	/* "adj *= totalpages / 1000": the division truncates first */
	int64_t a = (int64_t)adj * (int64_t)(totalpages / 1000);
	return points + a;
}

uint64_t oom_counter_error_pages(unsigned nr_cpus)
{
	uint64_t batch = 2ULL * nr_cpus > 32 ? 2ULL * nr_cpus : 32;
	/* anon + file + shmem + swapents for each of the two tasks compared */
	return 2 * 4 * batch * nr_cpus;
}

void oom_cand_score(struct oom_cand *c, uint64_t totalpages, unsigned page_kb)
{
	if (c->unkillable != OOM_KILLABLE) {
		c->badness = INT64_MIN;
		c->oom_score_computed = 0;
		return;
	}
	c->badness = oom_badness_points(c->rss_kb, c->swap_kb, c->pgtables_kb, c->adj, totalpages,
					page_kb);
}

void oom_cand_from_proc(struct oom_cand *c, pid_t pid, const struct proc_oom_info *info)
{
	memset(c, 0, sizeof(*c));
	c->pid = pid;
	memcpy(c->comm, info->st.comm, sizeof(c->comm));
	c->rss_kb = info->st.rss_anon_kb + info->st.rss_file_kb + info->st.rss_shmem_kb;
	c->rss_anon_kb = info->st.rss_anon_kb;
	c->rss_file_kb = info->st.rss_file_kb;
	c->rss_shmem_kb = info->st.rss_shmem_kb;
	c->swap_kb = info->st.swap_kb;
	c->pgtables_kb = info->st.pte_kb;
	c->adj = info->oom_score_adj;
	c->oom_score = info->oom_score;
	c->has_oom_score = info->has_oom_score;
	if (info->st.kthread)
		c->unkillable = OOM_UNKILLABLE_KTHREAD;
	else if (pid == 1 && !(info->has_oom_score && info->oom_score > 0))
		/* is_global_init(): pid 1 of the initial namespace. Inside a container pid 1 is
		 * an ordinary task with a non-zero oom_score: the kernel's own figure decides. */
		c->unkillable = OOM_UNKILLABLE_INIT;
	else if (!info->st.has_mm)
		c->unkillable = OOM_UNKILLABLE_NO_MM; /* kernel thread before 6.x, or exiting */
	else if (info->oom_score_adj == OOM_SCORE_ADJ_MIN)
		c->unkillable = OOM_UNKILLABLE_ADJ_MIN;
}

int oom_select(const struct oom_cand *c, size_t n, size_t *ret_victim, size_t *ret_runner,
	       bool *ret_tie)
{
	size_t chosen = SIZE_MAX, runner = SIZE_MAX;
	int64_t chosen_points = INT64_MIN;

	for (size_t i = 0; i < n; i++) {
		bool origin = oom_cand_is_origin(&c[i]);
		int64_t points = origin ? INT64_MAX : c[i].badness;

		if (!origin && c[i].unkillable != OOM_KILLABLE)
			continue;
		/* oom_evaluate_task: "points < oc->chosen_points" -> next; equal replaces */
		if (chosen != SIZE_MAX && points < chosen_points)
			continue;
		chosen = i;
		chosen_points = points;
	}
	if (chosen == SIZE_MAX)
		return -ENOENT;
	for (size_t i = 0; i < n; i++) {
		if (i == chosen || c[i].unkillable != OOM_KILLABLE || oom_cand_is_origin(&c[i]))
			continue;
		if (runner == SIZE_MAX || c[i].badness > c[runner].badness)
			runner = i;
	}
	*ret_victim = chosen;
	*ret_runner = runner;
	*ret_tie = runner != SIZE_MAX && !oom_cand_is_origin(&c[chosen]) &&
		   c[runner].badness == chosen_points;
	return 0;
}

static int cmp_iter(const void *a, const void *b)
{
	const struct oom_cand *x = a, *y = b;
	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (x->starttime != y->starttime)
		return x->starttime < y->starttime ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

void oom_cand_sort(struct oom_cand *c, size_t n)
{
	qsort(c, n, sizeof(*c), cmp_iter);
}

static int cmp_rank(const void *a, const void *b)
{
	const struct oom_cand *x = a, *y = b;
	bool kx = x->unkillable == OOM_KILLABLE, ky = y->unkillable == OOM_KILLABLE;
	if (kx != ky)
		return kx ? -1 : 1;
	if (kx && x->badness != y->badness)
		return x->badness > y->badness ? -1 : 1;
	return cmp_iter(a, b);
}

void oom_cand_sort_rank(struct oom_cand *c, size_t n)
{
	qsort(c, n, sizeof(*c), cmp_rank);
}

int64_t oom_score_from_badness(int64_t badness, bool killable, uint64_t global_totalpages)
{
	if (!killable || global_totalpages == 0)
		return 0;
	/* C division truncates toward zero, as in the kernel's long arithmetic */
	return (1000 + badness * 1000 / (int64_t)global_totalpages) * 2 / 3;
}

int memcg_totalpages(const struct memcg_max_input *in, unsigned page_size, uint64_t *ret)
{
	uint64_t max, swap_pages, total_swap_pages;

	if (in->max == SIZE_UNLIMITED || page_size == 0)
		return -ERANGE;
	/* page_counter limits are whole pages: the kernel rounds a byte limit down */
	max = in->max / page_size;
	total_swap_pages = in->total_swap / page_size;
	if (in->swappiness) {
		if (in->v2) {
			swap_pages = in->swap_max == SIZE_UNLIMITED ? UINT64_MAX :
								      in->swap_max / page_size;
		} else {
			/* v1: "swap = memsw.max - max" (memsw.max >= max is an invariant) */
			uint64_t memsw = in->memsw_max == SIZE_UNLIMITED ?
						 UINT64_MAX :
						 in->memsw_max / page_size;
			swap_pages = memsw >= max ? memsw - max : 0;
		}
		max += swap_pages < total_swap_pages ? swap_pages : total_swap_pages;
	}
	/* constrained_alloc(): "mem_cgroup_get_max(oc->memcg) ?: 1" */
	*ret = max ? max : 1;
	return 0;
}

int oom_relative_plan(const struct oom_cand *c, size_t n, size_t target, int want_adj, int *new_adj,
		      size_t *ret_capped)
{
	size_t capped = 0;
	int d;

	if (target >= n || want_adj < OOM_SCORE_ADJ_MIN || want_adj >= c[target].adj)
		return -EINVAL;
	d = c[target].adj - want_adj;
	for (size_t i = 0; i < n; i++) {
		int v = c[i].adj;
		if (i != target && c[i].unkillable == OOM_KILLABLE) {
			v += d;
			if (v > OOM_SCORE_ADJ_MAX) {
				v = OOM_SCORE_ADJ_MAX;
				capped++;
			}
		}
		new_adj[i] = v;
	}
	*ret_capped = capped;
	return 0;
}

void oom_cand_from_task(struct oom_cand *c, const struct oom_task *t, unsigned page_kb)
{
	memset(c, 0, sizeof(*c));
	c->pid = t->pid;
	xsnprintf(c->comm, sizeof(c->comm), "%s", t->comm);
	c->rss_kb = (t->anon + t->file + t->shmem) * page_kb;
	c->rss_anon_kb = t->anon * page_kb;
	c->rss_file_kb = t->file * page_kb;
	c->rss_shmem_kb = t->shmem * page_kb;
	c->swap_kb = t->swap * page_kb;
	c->pgtables_kb = t->pgtables_bytes / 1024;
	c->adj = t->adj;
	c->starttime = t->start_ns;
	c->oom_victim = t->flags & OT_F_OOM_VICTIM;
	c->oom_origin = t->flags & OT_F_OOM_ORIGIN;
	/* the kernel's order of tests: oom_unkillable_task(), then oom_badness() */
	if (t->pid == 1)
		c->unkillable =
			OOM_UNKILLABLE_INIT; /* the table is only read in the initial pid ns */
	else if (t->flags & OT_F_KTHREAD)
		c->unkillable = OOM_UNKILLABLE_KTHREAD;
	else if (!(t->flags & OT_F_MM))
		c->unkillable = OOM_UNKILLABLE_NO_MM;
	else if (t->adj == OOM_SCORE_ADJ_MIN)
		c->unkillable = OOM_UNKILLABLE_ADJ_MIN;
	else if (t->flags & OT_F_OOM_SKIP)
		c->unkillable = OOM_UNKILLABLE_OOM_SKIP;
	else if (t->flags & OT_F_VFORK)
		c->unkillable = OOM_UNKILLABLE_VFORK;
}

/* SPDX-License-Identifier: MIT */
/*
 * Who competes in an OOM, and against which total: a memcg OOM (the cgroup that hits its limit,
 * its whole subtree, totalpages = mem_cgroup_get_max()) or a global one (every process,
 * totalpages = RAM + swap). Reads the live system or a fixture tree through struct host, scores
 * every candidate with badness.h and predicts the victim.
 */
#ifndef OOMLAB_OOMSCOPE_H
#define OOMLAB_OOMSCOPE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "badness.h"
#include "cgroup.h"
#include "host.h"

/* Where the per-process numbers come from. */
enum scores_source {
	SCORES_SOURCE_AUTO = 0, /* the BPF task iterator when it loads, else /proc */
	SCORES_SOURCE_BPF,	/* the BPF task iterator or an error */
	SCORES_SOURCE_PROC,	/* /proc/PID/{status,oom_score_adj,oom_score} */
};

struct oom_rank {
	bool memcg;		    /* memcg OOM (else global) */
	char asked[PATH_MAX];	    /* the cgroup asked for ("" for --all) */
	char domain[PATH_MAX];	    /* memcg whose limit applies ("" global) */
	bool domain_is_ancestor;    /* asked has no limit: the nearest limited ancestor */
	uint64_t limit_bytes;	    /* memory limit of domain */
	uint64_t swap_pages;	    /* swap added to totalpages (0 without swap) */
	uint64_t totalpages;	    /* the kernel's totalpages for this OOM */
	uint64_t global_totalpages; /* RAM + swap (oom_score's scale) */
	unsigned page_size;
	struct oom_cand *c; /* in the kernel's iteration order */
	size_t n;
	bool has_victim;
	size_t victim, runner; /* indexes into c (runner SIZE_MAX: none) */
	bool tie;	       /* victim and runner-up have equal points */
	size_t skipped;	       /* processes that vanished while reading */
	bool from_bpf;	       /* numbers from the BPF task iterator (oom_score computed) */
	char source_note[200]; /* why not BPF (auto fell back), or why --source bpf failed */
	size_t oom_victims;    /* candidates already OOM victims, still exiting (BPF) */
};

/*
 * Members of the memcg named name (its subtree) with the limit of name, or of its nearest
 * limited ancestor; global scope (over these members only) if none is limited.
 */
int oom_scope_load_cgroup(const struct host *h, const struct cg_layout *l, const char *name,
			  enum scores_source src, struct oom_rank *ret);
/* Every process of the host, global OOM. */
int oom_scope_load_all(const struct host *h, enum scores_source src, struct oom_rank *ret);
/* On an error of either loader with SCORES_SOURCE_BPF, ret->source_note says why. */
const char *oom_source_name(const struct oom_rank *s); /* "bpf-task-iter" or "procfs" */
/* Re-score with the current candidate fields (after changing adj) and re-select. */
void oom_scope_rescore(struct oom_rank *s);
void oom_scope_free(struct oom_rank *s);

/* The memory cgroup of pid on this layout ("/a/b"). */
int oom_pid_memcg(const struct host *h, const struct cg_layout *l, pid_t pid, char *ret, size_t sz);

#endif

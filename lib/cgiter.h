/* SPDX-License-Identifier: MIT */
/*
 * Every cgroup's memory counters and PSI in one pass: a BPF cgroup iterator
 * (lib/bpf/cgiter.bpf.c) walks a hierarchy inside the kernel and reads the memory controller's
 * page counters and memory_events[] and the cgroup's psi_group, the structures the cgroup files
 * print; user space gets the whole table from one mmap'ed map. 4,000 cgroups: a few ms against
 * a few hundred for opening five files per cgroup (docs/BENCHMARKS.md).
 *
 * Needs cgroup iterators (6.1+), in-kernel CO-RE (light skeleton) and the privilege to load
 * tracing programs (root, or CAP_BPF + CAP_PERFMON). Every failure is an error with a reason;
 * callers read the files instead (cgw_sample, cgw_sample_cached).
 */
#ifndef OOMLAB_CGITER_H
#define OOMLAB_CGITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/cgiter.h"
#include "cg-tree.h"

struct cg_iter;

/* Was the iterator compiled in (BPF=1)? */
bool cg_iter_bpf_compiled(void);

/* Load the program (kept loaded for many walks). On failure -errno and one line in why. */
int cg_iter_open(struct cg_iter **ret, char *why, size_t whysz);
void cg_iter_close(struct cg_iter *it); /* NULL is fine */

#define CGI_WANT_MEMCG 0x1 /* page counters and memory_events[] */
#define CGI_WANT_PSI 0x2   /* cgroup->psi */

/*
 * One walk of the hierarchy whose mount point (or any cgroup directory) is dir, in pre-order,
 * the start first. The records stay valid until the next walk or cg_iter_close. -EOVERFLOW
 * when the hierarchy has more than CGI_MAX cgroups.
 */
int cg_iter_walk(struct cg_iter *it, const char *dir, unsigned want, const struct cgi_rec **ret,
		 size_t *ret_n, char *why, size_t whysz);

/*
 * Pure: the path of every record from the start ("/" for records[0], then "/a", "/a/b"), from
 * the pre-order and the levels. Paths are malloc'ed into ret[0..n-1]. -EPROTO when the levels
 * are not a pre-order walk.
 */
int cg_iter_paths(const struct cgi_rec *rec, size_t n, char **ret);

/*
 * Pure: a sample of the files' kind from records of the memory hierarchy (mem, NULL when the
 * cgroup is not in it) and of the cgroup2 tree (psi, NULL when not in it). mem_is_v2: the
 * memory record is a cgroup2 one (memory.current/high/peak/events), else v1.
 * psi_missing: the psi_err to report when there is no PSI record (-ENOENT, or -EOPNOTSUPP
 * under psi=0).
 */
void cg_iter_sample(const struct cgi_rec *mem, bool mem_is_v2, const struct cgi_rec *psi,
		    uint64_t page_size, int psi_missing, uint64_t t_us, struct cgw_sample *ret);

/*
 * Every cgroup of the layout and its sample from one walk per hierarchy: the tree in the order
 * and shape cgw_walk() gives (the memory tree and the cgroup2 tree merged by name, children
 * sorted by name), samples[i] for tree node i. The root cgroup's sample comes from its files
 * (a v1 root computes memory.usage_in_bytes from vmstats; the v2 root's pressure is the
 * system's). Live host only.
 */
int cgw_snapshot_bpf(struct cg_iter *it, const struct host *h, const struct cg_layout *l,
		     struct cgw_tree *ret_tree, struct cgw_sample **ret_samples, char *why,
		     size_t whysz);

/* What the figures of a BPF snapshot are and where the rest comes from (one line, for
 * source_detail in JSON and doctor). */
extern const char cg_iter_source_detail[];

#endif

/* SPDX-License-Identifier: MIT */
/*
 * One cgroup API over the three layouts a host can have:
 *   v2      one cgroup2 tree with the memory controller (memory.max, memory.high, ...)
 *   v1      a v1 memory hierarchy (memory.limit_in_bytes, ...), no cgroup2 tree
 *   hybrid  the memory controller on v1 AND a cgroup2 tree without it (systemd "hybrid"):
 *           the limit is set in the v1 tree, per-cgroup PSI and cgroup.kill come from a
 *           sibling directory of the same name in the v2 tree; the workload joins both.
 * All paths in these structs are full filesystem paths (sysroot prefix included); "names" are
 * cgroup paths relative to their hierarchy root, starting with '/'.
 */
#ifndef OOMLAB_CGROUP_H
#define OOMLAB_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "host.h"
#include "memory-stat.h"
#include "psi.h"

enum cg_mode {
	CG_MODE_NONE = 0,
	CG_MODE_V1,
	CG_MODE_V2,
	CG_MODE_HYBRID,
};

struct cg_layout {
	enum cg_mode mode;
	char v1_memory[PATH_MAX]; /* v1 memory controller mount ("" none) */
	char v2[PATH_MAX];	  /* cgroup2 mount ("" none) */
	bool v2_memory;		  /* memory controller available in the v2 root */
};

const char *cg_mode_to_string(enum cg_mode m); /* "v2", "v1", "hybrid", "none" */

/* Parse /proc/self/mountinfo text (pure). root is prepended to mount points. */
int cg_layout_parse_mountinfo(const char *mountinfo, const char *root, struct cg_layout *ret);
/* Read <sysroot>/proc/self/mountinfo and the v2 root's cgroup.controllers. */
int cg_layout_detect(const struct host *h, struct cg_layout *ret);
/*
 * The two hierarchies a walk reads: the memory controller's root (v1 memory, or cgroup2 where
 * it has the controller; NULL otherwise) and the cgroup2 root (PSI; NULL on pure v1).
 * -EOPNOTSUPP when the layout has no cgroup hierarchy.
 */
int cg_layout_roots(const struct cg_layout *l, const char **ret_mem, const char **ret_v2);

/*
 * A name oomlab may create: one path component, [A-Za-z0-9._-], not "." or "..", at most 200
 * bytes. A parent may have several components, each valid, no "..". Returns 0 or -EINVAL.
 */
int cg_name_valid(const char *name);
int cg_parent_valid(const char *parent);

struct cg {
	const struct cg_layout *layout;
	char name[PATH_MAX];	      /* "/oomlab-812-0" or "/parent/oomlab-812-0" */
	char mem[PATH_MAX];	      /* directory that carries the memory limit */
	char v2[PATH_MAX];	      /* v2 directory (PSI, cgroup.kill, cgroup.events), "" none */
	bool mem_is_v2;		      /* mem and v2 are the same directory */
	bool created_mem, created_v2; /* ours to remove */
	/* owner lock (flock LOCK_SH) held on each directory we created, see cg-owner.h */
	int lockfd_mem, lockfd_v2;
	bool locked_mem, locked_v2;
	int record_err;		 /* 0: owner record written; else why not (-EOPNOTSUPP, -EPERM) */
	char fail_dir[PATH_MAX]; /* after cg_destroy failed: the directory that stayed */
};

/*
 * Create parent/name in every tree the layout needs (the memory tree, plus the v2 tree on
 * hybrid hosts). On v2 enables +memory in the parent's cgroup.subtree_control when needed.
 * Each directory is locked and gets the owner record (cg-owner.h) before anyone can see it as
 * ours. -EEXIST if it exists. On failure nothing is left behind.
 */
int cg_create(const struct cg_layout *l, const char *parent, const char *name, struct cg *ret);
/*
 * Create a cgroup with a fresh owned name ("oomlab-<pid>-<seq>-<random>", cg-owner.h); a name
 * that exists already (left by a reused pid, another namespace) is skipped for a new one.
 */
int cg_create_owned(const struct cg_layout *l, const char *parent, unsigned seq, struct cg *ret);
/* Open an existing cgroup by its name ("/a/b") without owning it. -ENOENT if absent. */
int cg_open(const struct cg_layout *l, const char *name, struct cg *ret);

/* Limits. SIZE_UNLIMITED = "max". set_high on a memory tree without memory.high: -EOPNOTSUPP. */
int cg_set_max(struct cg *cg, uint64_t bytes);
int cg_set_high(struct cg *cg, uint64_t bytes);
int cg_set_swap_max(struct cg *cg, uint64_t bytes);

/* Move pid (0: the calling process) into every directory of cg. */
int cg_attach(const struct cg *cg, pid_t pid);

/* Count of pids in the memory directory's cgroup.procs (-errno on failure). */
int cg_count_procs(const struct cg *cg);

/*
 * Kill everything inside, child cgroups a workload made included (cgroup.kill on v2, else
 * SIGKILL every pid of every cgroup.procs of the subtree until all are empty, bounded by
 * timeout_us) and remove the directories we created, children first, retrying EBUSY until the
 * deadline. On failure cg->fail_dir names the directory that stayed and the return value says
 * why (-ETIMEDOUT: processes still inside; -EBUSY: not empty). Safe to call twice; destroys
 * only what cg_create made.
 */
int cg_destroy(struct cg *cg, uint64_t timeout_us);

/* What `run`, `top` and `why --cgroup` show. */
struct cg_sample {
	uint64_t t_us;	  /* CLOCK_MONOTONIC */
	uint64_t current; /* memory.current / usage_in_bytes */
	uint64_t peak;	  /* memory.peak / max_usage_in_bytes */
	uint64_t max;	  /* memory.max / limit_in_bytes (SIZE_UNLIMITED none) */
	uint64_t high;	  /* memory.high (SIZE_UNLIMITED none / unsupported) */
	uint64_t swap_current;
	bool has_peak, has_high, has_swap;
	struct memcg_stat stat;
	bool has_stat;
	uint64_t oom_kill;    /* memory.events oom_kill / oom_control oom_kill */
	uint64_t oom;	      /* v2: times the limit was hit and the OOM killer invoked */
	uint64_t high_events; /* v2: memory.events high */
	uint64_t max_events;  /* v2: memory.events max; v1: memory.failcnt */
	bool has_oom_kill, has_high_events;
	bool under_oom; /* v1 */
	struct psi psi;
	int psi_err; /* 0 ok, -EOPNOTSUPP (psi=0), -ENOENT (no v2 dir) */
};
int cg_sample(const struct cg *cg, struct cg_sample *ret);

/* Read dir/file whole (NUL terminated) / as one number ("max" -> SIZE_UNLIMITED). -errno. */
int cg_read_text(const char *dir, const char *file, char *buf, size_t sz);
int cg_read_u64(const char *dir, const char *file, uint64_t *ret);

/* v1 values of "no limit" (PAGE_COUNTER_MAX pages) are reported as SIZE_UNLIMITED. */
uint64_t cg_v1_normalize_limit(uint64_t v);
/*
 * "No limit", the one threshold: v2's "max", v1's PAGE_COUNTER_MAX * PAGE_SIZE
 * (9223372036854771712 with 4 KiB pages, less with 64 KiB ones), a BPF record's page_counter
 * max in kB (9007199254740988): anything at or above 2^62 bytes.
 */
#define CG_LIMIT_NONE_BYTES (1ULL << 62)
static inline bool cg_limit_is_none(uint64_t bytes)
{
	return bytes >= CG_LIMIT_NONE_BYTES;
}
static inline bool cg_limit_kb_is_none(uint64_t kb)
{
	return kb >= CG_LIMIT_NONE_BYTES / 1024;
}

/*
 * Stale cleanup of the children of parent in every mounted tree. A directory is looked at only
 * when its name is exactly an owned name (cg-owner.h) or the legacy "oomlab-<pid>-<n>"; it is
 * removed (what is inside killed first) only when its owner record proves the owner gone
 * (cg_owner_judge). Legacy names carry no record and are never removed. On a --sysroot tree
 * (not the live host) nothing is signalled or removed: entries are judged and reported only.
 */
enum cg_sweep_action {
	CG_SWEEP_KEPT, /* not provably stale (reason says why) */
	CG_SWEEP_REMOVED,
	CG_SWEEP_WOULD_REMOVE, /* --sysroot: stale, left alone */
	CG_SWEEP_FAILED,       /* stale, but removal failed (err, fail_dir) */
};
struct cg_sweep_entry {
	const char *dir; /* full path */
	enum cg_sweep_action action;
	const char *reason;
	int err;
	const char *fail_dir;
};
struct cg_sweep_stats {
	int removed, kept, failed, would_remove;
};
typedef void (*cg_sweep_fn)(const struct cg_sweep_entry *e, void *userdata);
int cg_sweep(const struct host *h, const struct cg_layout *l, const char *parent, cg_sweep_fn fn,
	     void *userdata, struct cg_sweep_stats *ret);
/* cg_sweep without a report: how many were removed. -errno if one could not be removed. */
int cg_clean_stale(const struct host *h, const struct cg_layout *l, const char *parent,
		   int *ret_removed);

/* Legacy "oomlab-<pid>-<n>" (before owner records): -EINVAL if the name is not of that form. */
int cg_parse_owned_name(const char *name, pid_t *ret_pid);

/*
 * The processes of cg (lib/cg-procs.c): its memory directory and every directory below it.
 * cg_list_procs fills up to max distinct pids (*ret_n) and returns how many it saw, or -errno.
 * cg_signal_all sends sig to each, skipping those whose process group is skip_pgrp (> 0; a
 * terminal already signalled that group), and returns how many it signalled.
 * cg_kill_now: cgroup.kill where the cgroup has one (v2, the hybrid v2 sibling; 5.14+), else
 * SIGKILL of every pid; 1 when cgroup.kill was used, 0 per pid, -errno.
 */
int cg_list_procs(const struct cg *cg, pid_t *pids, size_t max, size_t *ret_n);
int cg_signal_all(const struct cg *cg, int sig, pid_t skip_pgrp);
int cg_kill_now(const struct cg *cg);

#endif

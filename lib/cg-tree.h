/* SPDX-License-Identifier: MIT */
/*
 * Seeing every cgroup at once (for `oomlab top`) and finding one by what a user types (for
 * `oomlab psi TARGET`): the whole memory tree (v2, or v1 memory) merged with the cgroup2 tree
 * by name on hybrid hosts, a cheap per-cgroup sample (no memory.stat), the binding limit, pid
 * and container-id resolution. Read-only: nothing here creates, changes or removes a cgroup.
 */
#ifndef OOMLAB_CGWALK_H
#define OOMLAB_CGWALK_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"
#include "host.h"
#include "psi.h"

/*
 * read_file() for kernel files, with the one fixture convention for errnos a file cannot hold:
 * when the host is a sysroot (not live) and "<path>.eopnotsupp" exists, the read fails with
 * -EOPNOTSUPP as a real read of a pressure file does under psi=0. See docs/ARCHITECTURE.md.
 */
ssize_t host_read_file(const struct host *h, const char *path, char *buf, size_t sz);
/* psi_read() through host_read_file(). */
int host_psi_read(const struct host *h, const char *path, struct psi *ret);

/* What psi's TARGET named: the whole system, or one cgroup (found by cg_target_resolve()). */
struct cgw_target {
	bool system;		 /* /proc/pressure/memory */
	pid_t pid;		 /* > 0 when resolved from a pid */
	char name[PATH_MAX];	 /* "/a/b" ("/" for the root); "" for system */
	char v2name[PATH_MAX];	 /* name in the cgroup2 tree when it differs (a pid on a hybrid
				  * host can sit in v1 memory /a and in v2 /b); "" otherwise */
	char mem[PATH_MAX];	 /* memory-controller directory ("" none) */
	bool mem_is_v2;		 /* mem is a v2 directory (memory.current/max/high/events) */
	char psi_path[PATH_MAX]; /* pressure file ("" none: no per-cgroup PSI for this target) */
};

/* Pure: does path component comp carry container/pod id (a prefix of it, >= 12 chars of hex,
 * '-' or '_')? */
bool cgw_component_matches_id(const char *comp, const char *id);

/* One cheap sample: the files `top` shows. Missing files leave has_* false. */
struct cgw_sample {
	uint64_t t_us;
	bool ok; /* memory usage was readable */
	uint64_t usage, peak, max, high;
	bool has_peak, has_high; /* max is SIZE_UNLIMITED when absent */
	uint64_t oom_kill, high_events;
	bool has_oom_kill, has_high_events;
	/* charges that hit the limit: memory.events max (v2), memory.failcnt (v1: only from the
	 * BPF snapshot; the file readers leave it out rather than open one more file) */
	uint64_t max_events;
	bool has_max_events;
	struct psi psi;
	int psi_err; /* 0, -EOPNOTSUPP (psi=0), -ENOENT (no pressure file), ... */
};

/* mem: memory directory or "" (then only PSI); psi_path: pressure file or "". */
int cgw_sample(const struct host *h, const char *mem, bool mem_is_v2, const char *psi_path,
	       struct cgw_sample *ret);

/*
 * The same sample from files kept open between calls (for `top`: one pread() per file instead
 * of open, read, read, close; seq_file regenerates the text on every read at offset 0).
 * Initialise with cgw_files_init, release with cgw_files_close. Files absent at first use are
 * not retried. -ENOENT when the cgroup went away (ENODEV on an open file, or gone from disk).
 * Live host only: a sysroot needs cgw_sample() (fixture conventions of host_read_file).
 */
#define CGW_NFILES 7
struct cgw_files {
	int fd[CGW_NFILES]; /* -1 not yet opened, -2 absent */
	/* limits kept from the last read (they change only by a write, which inotify reports) */
	bool has_limits, has_high;
	uint64_t max, high;
	/*
	 * cgroup.events "populated" of the cgroup2 directory: -1 unknown (read it), 0, 1. The
	 * caller sets -1 when inotify reports cgroup.events modified (the kernel notifies every
	 * change of populated). A cgroup with no task in its subtree accrues no stall: when it
	 * is unpopulated and its averages have decayed to zero, memory.pressure cannot change
	 * and is not read again.
	 */
	int populated;
	bool use_populated; /* set by the caller when it forwards cgroup.events notifications */
	struct psi last_psi;
	bool has_last_psi;
};
void cgw_files_init(struct cgw_files *f);
void cgw_files_close(struct cgw_files *f);
/* Open files held (for fd budgeting). */
int cgw_files_count(const struct cgw_files *f);
int cgw_sample_cached(const char *mem, bool mem_is_v2, const char *psi_path, struct cgw_files *f,
		      bool reread_limits, struct cgw_sample *ret);

/* anon + shmem of a memory directory from its memory.stat (v1: total_rss + total_shmem, the
 * hierarchical counters), for the verdict's unreclaimable rule. */
int cgw_read_unreclaimable(const struct host *h, const char *mem, bool mem_is_v2, uint64_t *ret);

/* Smallest hard limit of the memory directory mem and every ancestor up to root (the
 * hierarchy's mount point). SIZE_UNLIMITED if none. */
uint64_t cgw_binding_limit(const char *root, const char *mem, bool mem_is_v2);

/* Every cgroup, parents before children. */
struct cgw_node {
	char *name;  /* "/" or "/a/b" (malloc'ed) */
	int parent;  /* index into the tree, -1 for the root */
	bool in_mem; /* exists in the memory tree */
	bool in_v2;  /* exists in the cgroup2 tree (per-cgroup PSI) */
};

struct cgw_tree {
	struct cgw_node *v;
	size_t n, cap;
};

/* Walk the memory tree and (hybrid) the cgroup2 tree, merging names. Directories that vanish
 * during the walk are skipped. */
int cgw_walk(const struct cg_layout *l, struct cgw_tree *ret);

/*
 * Walking again only what changed: an inotify watch on every cgroup directory (mkdir, rmdir,
 * and writes to limit files), a map from watch to cgroup name, and the names whose children
 * changed since the last walk.
 */
struct cgw_watch {
	int fd;		/* inotify, non-blocking; -1: none (walk everything every time) */
	char **wd_name; /* watch descriptor -> cgroup name */
	size_t wd_cap;
	char **dirty; /* cgroup names whose directory listing changed */
	size_t ndirty, dcap;
	bool full;	     /* queue overflow / unknown watch: walk everything */
	bool limits_changed; /* a memory.max / memory.high / memory.limit_in_bytes was written */
	char **events;	     /* cgroup names whose cgroup.events changed (populated) */
	size_t nevents, ecap;
};
void cgw_watch_clear_events(struct cgw_watch *w);
int cgw_watch_init(struct cgw_watch *w);
void cgw_watch_free(struct cgw_watch *w);
/* Read pending events. Returns true when the tree must be walked again. */
bool cgw_watch_drain(struct cgw_watch *w);
/*
 * Walk, re-reading only directories that are dirty in w (or all when old is NULL or w->full),
 * reusing old's listing for the rest, and watching new directories. Clears the dirty set.
 */
int cgw_walk_incremental(const struct cg_layout *l, struct cgw_watch *w, const struct cgw_tree *old,
			 struct cgw_tree *ret);
void cgw_tree_free(struct cgw_tree *t);

/* Full paths of a node's memory directory and pressure file ("" when absent). */
int cgw_node_paths(const struct host *h, const struct cg_layout *l, const struct cgw_node *n,
		   char *mem, size_t msz, bool *mem_is_v2, char *psi, size_t psz);

/* Is the effective capability set holding CAP_SYS_RESOURCE? (for PSI trigger windows) */
bool cgw_has_cap_sys_resource(void);

/*
 * Arm a PSI trigger on a pressure file: open O_RDWR|O_NONBLOCK|O_CLOEXEC, one write of
 * "<some|full> <stall_us> <window_us>". Returns the fd (poll it for POLLPRI; POLLERR: the
 * cgroup went away) or -errno: -EINVAL is the kernel refusing the window or stall.
 */
int psi_trigger_arm(const char *path, bool full, uint64_t stall_us, uint64_t window_us);

/* Nearest window the kernel takes without CAP_SYS_RESOURCE: a multiple of 2 s in [2 s, 10 s]. */
uint64_t psi_window_unprivileged(uint64_t window_us);

#endif

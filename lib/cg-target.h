/* SPDX-License-Identifier: MIT */
/*
 * One way to name a cgroup, for every command that takes one (psi, scores, top, why --cgroup,
 * watch --cgroup, run --parent, protect): whatever form another tool showed the user is
 * resolved to the one cgroup it names, in both trees on a hybrid host, never outside the cgroup
 * filesystem. Accepted forms:
 *
 *   /sys/fs/cgroup/oomlab            a path under a cgroup mount (v2 root, v1 memory,
 *   /sys/fs/cgroup/memory/app        hybrid unified); on v1/hybrid hosts the v2 tutorial's
 *   /sys/fs/cgroup/unified/app       /sys/fs/cgroup/NAME means the cgroup /NAME
 *   /system.slice/nginx.service      a cgroup path relative to the hierarchy root
 *   0::/system.slice/x.service       a line of /proc/PID/cgroup (v2 or a v1 hierarchy)
 *   4:memory:/docker/4f2a...
 *   nginx.service, oomlab            a unit or cgroup name found in the tree (unique)
 *   4f2a9c1e7b3d, docker://4f2a...   a docker/containerd/cri-o/podman container id
 *                                    (full or a unique prefix of at least 12 characters)
 *   1234abcd-5678-...                a pod uid (dashes or underscores; cgroupfs and systemd
 *                                    kubelet drivers)
 *   pid                              cg_target_from_pid() (--pid N, or digits where allowed)
 *
 * Every directory is opened with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
 * RESOLVE_NO_XDEV) from the hierarchy's mount point (an lstat() walk where openat2 is missing),
 * and any "." or ".." component is refused before that: a name never leaves the cgroup
 * filesystem, also under --sysroot.
 */
#ifndef OOMLAB_CGTARGET_H
#define OOMLAB_CGTARGET_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cgroup.h"
#include "host.h"

enum cg_target_form {
	CGT_FORM_NONE = 0,
	CGT_FORM_MOUNT_PATH, /* /sys/fs/cgroup/...: a path under a cgroup mount */
	CGT_FORM_PATH,	     /* /a/b relative to the hierarchy root */
	CGT_FORM_PROC_LINE,  /* N:controllers:/path */
	CGT_FORM_NAME,	     /* a unit or cgroup name found in the tree */
	CGT_FORM_CONTAINER,  /* a container id */
	CGT_FORM_POD,	     /* a pod uid */
	CGT_FORM_PID,	     /* a process's cgroup */
};

/* Flags for cg_target_resolve(). */
#define CGT_DIGITS_ARE_PID 0x1 /* "1234" is a pid (psi TARGET), not a cgroup name */
#define CGT_MAY_BE_GONE                                                                            \
	0x2 /* a path form that exists nowhere resolves (exists false):
				* why/watch match kills recorded with a path that is gone */

struct cg_target {
	enum cg_target_form form;
	pid_t pid;	       /* > 0 for CGT_FORM_PID */
	bool exists;	       /* found in at least one tree */
	char name[PATH_MAX];   /* the cgroup's path in the memory hierarchy ("/a/b", "/" root) */
	char v2name[PATH_MAX]; /* its path in the cgroup2 tree ("" none; on hybrid hosts a pid
				* can sit in v1 /a and v2 /b) */
	char mem[PATH_MAX];    /* memory-controller directory (full path, "" none) */
	bool mem_is_v2;	       /* mem is a cgroup2 directory */
	char v2dir[PATH_MAX];  /* cgroup2 directory (full path, "" none): PSI, cgroup.kill */
	char matched[160];     /* what matched for NAME/CONTAINER/POD forms ("docker container
				* 4f2a9c1e7b3d", "unit nginx.service"), "" otherwise */
};

/*
 * Resolve arg. Errors:
 *   -EINVAL     arg cannot name a cgroup (empty, a newline, not a form above)
 *   -EXDEV      arg leaves the cgroup filesystem ("..", ".", a symlink, another mount)
 *   -ENOENT     no such cgroup (hint: "did you mean '/x'" when one close match is unique)
 *   -ENOTUNIQ   several cgroups match (hint: the candidates, space separated)
 *   -ESRCH      no such pid (CGT_DIGITS_ARE_PID)
 *   -EOPNOTSUPP no cgroup filesystem is mounted
 * hint may be NULL; it is "" when there is nothing to add.
 */
int cg_target_resolve(const struct host *h, const struct cg_layout *l, const char *arg,
		      unsigned flags, struct cg_target *ret, char *hint, size_t hsz);
/* The cgroup of pid: the memory line (v1/hybrid) and the 0:: line of /proc/PID/cgroup. */
int cg_target_from_pid(const struct host *h, const struct cg_layout *l, pid_t pid,
		       struct cg_target *ret);

/* One line listing the accepted forms, for error messages. */
const char *cg_target_forms(void);
/* "path", "mount-path", "proc-line", "name", "container", "pod", "pid". */
const char *cg_target_form_to_string(enum cg_target_form f);

/*
 * Pure: split a /proc/PID/cgroup line "ID:CONTROLLERS:PATH". ret_v2: the cgroup2 line
 * ("0::"), ret_memory: the controller list names memory. -EINVAL when it is not such a line.
 */
int cg_target_parse_proc_line(const char *s, bool *ret_v2, bool *ret_memory, const char **ret_path);
/*
 * Pure: "/a//b/" -> "/a/b". -EXDEV for "." or ".." components, -EINVAL for a relative path,
 * a newline or an empty component list beyond the root.
 */
int cg_target_normalize(const char *in, char *out, size_t sz);
/* Pure: Levenshtein distance, capped at cap + 1. */
unsigned cg_target_distance(const char *a, const char *b, unsigned cap);

/*
 * Open dir (a cgroup name like "/a/b") beneath the mount point root without following a
 * symlink or leaving the mount. Returns an O_PATH|O_DIRECTORY fd or -errno (-EXDEV escapes).
 */
int cg_target_open_beneath(const char *root, const char *name);

#endif

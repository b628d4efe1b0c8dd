/* SPDX-License-Identifier: MIT */
/* Start a command (inside a cgroup before its first instruction, or a hook in none): the one
 * fork/exec of run, the lab and watch --exec. */
#ifndef OOMLAB_SPAWN_H
#define OOMLAB_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

#include "../lib/cgroup.h"

struct spawn_opts {
	bool set_adj;
	int adj;		      /* oom_score_adj for the command */
	const sigset_t *restore_mask; /* the mask the command starts with */
	bool stdout_to_stderr;	      /* --json: stdout carries only oomlab's JSON document */
	int stdout_fd;	  /* > 0: the command's stdout (dup2'ed in the child, e.g. a pipe) */
	int stdin_fd;	  /* > 0: the command's stdin (made blocking: a hook reads it whole) */
	char *const *env; /* "NAME=value" strings added to the environment, NULL-terminated */
};

struct spawn_result {
	pid_t pid;
	int pidfd;	  /* -1 if the kernel has no pidfds (< 5.3) */
	bool into_cgroup; /* clone3(CLONE_INTO_CGROUP) was used */
};

/*
 * cg NULL: a plain fork and exec (watch --exec's hooks), no cgroup joined.
 * fork (or clone3 with CLONE_INTO_CGROUP on a pure v2 host), join every directory of cg,
 * set oom_score_adj, exec argv. Errors of the child before exec come back to the parent:
 * returns -errno and *ret_stage ("join", "oom_score_adj", "exec") on failure; the child has
 * been reaped then.
 */
int spawn_in_cgroup(const struct cg *cg, char **argv, const struct spawn_opts *o,
		    struct spawn_result *ret, const char **ret_stage);

#endif

/* SPDX-License-Identifier: MIT */
/* The core of `oomlab run`, shared with the lab. */
#ifndef OOMLAB_RUN_H
#define OOMLAB_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "oomlab.h"
#include "run-report.h"

struct run_opts {
	uint64_t max, high, swap_max, interval_us;
	bool has_high, has_swap_max, set_adj, quiet;
	int adj;
	const char *timeline, *parent;
	char **argv;
	/* for callers other than `oomlab run` */
	FILE *live;		/* live view (default: stderr) */
	FILE *out;		/* the account (default: stderr; stdout with --json) */
	uint64_t kill_after_us; /* grace after the first forwarded signal, then everything dies */
	bool force;		/* --force: run with a limit the command cannot start in */
	bool stdout_to_stderr;	/* the command's stdout goes to stderr */
	bool keep_samples;	/* keep every sample in st->samples */
	unsigned seq;		/* the <n> of oomlab-<pid>-<n> */
	uint64_t timeout_us;	/* SIGKILL the command after this long (0: never) */
	const char *peer_psi;	/* another cgroup's memory.pressure, sampled alongside (lab) */
};

/*
 * Run o->argv in a new cgroup and fill *st (print it with runreport_print, free it with
 * runreport_free). Returns the exit status to mirror (the command's, 128+N, 126/127), or
 * EXIT_FAIL after printing why oomlab itself failed. st->started tells whether the command ran.
 */
/* Below this a command cannot even be exec'd (--force overrides; the kernel's own pages of a
 * fresh exec, the dynamic loader and libc take more than this). */
#define RUN_MIN_LIMIT (1024 * 1024)
/* --kill-after's default: a well-behaved program shuts down well within it */
#define RUN_KILL_AFTER_DEFAULT_US (5 * 1000 * 1000)

int run_execute(struct cli *cli, const struct run_opts *o, struct run_state *st);

#endif

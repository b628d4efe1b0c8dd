/* SPDX-License-Identifier: MIT */
/* The core of `oomlab run`, shared with the lab. */
#ifndef OOMLAB_RUN_H
#define OOMLAB_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "oomlab.h"
#include "runreport.h"

struct run_opts {
	uint64_t max, high, swap_max, interval_us;
	bool has_high, has_swap_max, set_adj, quiet;
	int adj;
	const char *timeline, *parent;
	char **argv;
	/* for callers other than `oomlab run` */
	FILE *live;            /* live view (default: stdout, or stderr with --json) */
	bool stdout_to_stderr; /* the command's stdout goes to stderr */
	bool keep_samples;     /* keep every sample in st->samples */
	unsigned seq;          /* the <n> of oomlab-<pid>-<n> */
	uint64_t timeout_us;   /* SIGKILL the command after this long (0: never) */
	const char *peer_psi;  /* another cgroup's memory.pressure, sampled alongside (lab) */
};

/*
 * Run o->argv in a new cgroup and fill *st (print it with runreport_print, free it with
 * runreport_free). Returns the exit status to mirror (the command's, 128+N, 126/127), or
 * EXIT_FAIL after printing why oomlab itself failed. st->started tells whether the command ran.
 */
int run_execute(struct cli *cli, const struct run_opts *o, struct run_state *st);

#endif

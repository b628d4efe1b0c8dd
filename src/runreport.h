/* SPDX-License-Identifier: MIT */
/* The live view, timeline and end-of-run account of `oomlab run` (and the lab). */
#ifndef OOMLAB_RUNREPORT_H
#define OOMLAB_RUNREPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "oomlab.h"
#include "../lib/cgroup.h"
#include "../lib/memstat.h"
#include "../lib/oomevent.h"
#include "../lib/verdict.h"


struct run_state {
	struct cli *cli;
	const struct cg_layout *layout;
	const struct cg *cg;
	FILE *live, *timeline;
	bool timeline_csv, tty, quiet;
	unsigned live_lines;

	uint64_t opts_max, opts_high;
	bool has_high_opt, high_unsupported;

	pid_t pid;
	uint64_t t_start, t_end;
	bool exited, core, timed_out;
	int exit_code, signal, interrupted_by;

	struct cg_sample base;  /* before the command started */
	struct cg_sample prev, last; /* the last two samples */
	struct cg_sample alive; /* the last sample taken while the command was alive */
	struct cg_sample top;   /* the sample with the highest usage while alive */
	struct cg_sample prekill; /* the last sample while alive and before any OOM kill */
	bool have_prekill;
	bool have_prev, have_alive;
	uint64_t peak_seen;     /* max of sampled current (when no peak file) */
	enum verdict verdict, worst;
	unsigned nsamples;

	/* end of run */
	struct cg_sample final;
	uint64_t oom_kills;     /* counter delta */
	bool oom_killed;
	bool has_oom_counter;
	struct meminfo host;
	bool has_host;
	struct oom_event victim;
	bool has_victim;
	const char *victim_note; /* why there is no kernel record */

	/* filled by run_execute on return: the cgroup and layout are gone by then */
	bool started;
	char cg_name_copy[PATH_MAX];
	bool mem_is_v2;
	enum cg_mode mode;

	/* every sample, when keep_samples (the lab's plots) */
	bool keep_samples;
	struct run_point *points;
	size_t npoints, cap_points;
	/* a second cgroup's memory.pressure sampled with every point (the lab's idle peer) */
	const char *peer_psi;
	bool peer_prev_ok;
	uint64_t peer_prev_total, peer_prev_t;
};

/* One sample as the lab plots it. */
struct run_point {
	uint64_t t_us; /* since the command started */
	uint64_t current, anon, file, max, high;
	uint32_t some_share, full_share, some_avg10, full_avg10; /* hundredths of % */
	bool has_psi;
	bool has_peer;               /* peer_some_share: the peer cgroup's some share */
	uint32_t peer_some_share;
	uint64_t high_events, oom_kills;
	enum verdict verdict;
};

void runreport_init(struct run_state *st, struct cli *cli, FILE *live, FILE *timeline,
		    const char *timeline_path, bool quiet);
/* Take a sample; baseline = before the command started (no live line). */
void runreport_sample(struct run_state *st, bool baseline);
/* Final counters and records, before the cgroup is removed. */
void runreport_finish(struct run_state *st);
/* The account: text, or one JSON object on stdout with --json. */
void runreport_print(struct run_state *st);
void runreport_free(struct run_state *st);

#endif

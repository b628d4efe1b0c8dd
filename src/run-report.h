/* SPDX-License-Identifier: MIT */
/* The live view, timeline and end-of-run account of `oomlab run` (and the lab). */
#ifndef OOMLAB_RUNREPORT_H
#define OOMLAB_RUNREPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "oomlab.h"
#include "../lib/cgroup.h"
#include "../lib/memory-stat.h"
#include "../lib/oom-event.h"
#include "../lib/verdict.h"

#define RUN_EVENTS_MAX 16
#define RUN_LEFT_MAX 16
#define RUN_VICTIMS_MAX 16
#define RUN_ANCESTORS_MAX 8

/* A cgroup above the run's own, with a limit of its own: it may be the one that OOMs. */
struct run_ancestor {
	char name[PATH_MAX]; /* "/P" */
	struct cg cg;	     /* opened, not owned */
	struct cg_sample base, final;
	bool has_final;
};

struct run_state {
	struct cli *cli;
	const struct cg_layout *layout;
	const struct cg *cg;
	FILE *live, *timeline, *out; /* live view, --timeline, the account */
	bool timeline_csv, tty, quiet;
	unsigned live_lines;
	/* the terminal's status area (two bottom rows in a scroll region); 0 rows: line mode */
	unsigned cols, rows;
	bool status_area;
	char status_top[256]; /* the upper row: the run, then the latest event */
	char last_line[512];  /* the last sample line, printed for good at the end */

	/* events of the run, in order: a forwarded signal, a kill, an OOM kill (also printed live) */
	char events[RUN_EVENTS_MAX][200];
	uint64_t event_t[RUN_EVENTS_MAX]; /* µs since the start */
	uint64_t last_line_t;
	unsigned nevents, events_dropped;
	uint64_t kills_reported; /* OOM kills already told live */
	bool victim_source;	 /* a kernel-side victim source runs: it tells the kills */

	uint64_t opts_max, opts_high;
	bool has_high_opt, high_unsupported;

	pid_t pid;
	char comm[16]; /* the command's name (argv[0] basename) */
	uint64_t t_start, t_end;
	uint64_t wall_start_us; /* CLOCK_REALTIME at t_start */
	bool exited, core, timed_out;
	int exit_code, signal, interrupted_by;
	/* signals: the first is forwarded to every process of the cgroup; a second one or the end
	 * of --kill-after kills them all */
	int forwarded; /* processes the first signal reached */
	uint64_t kill_after_us;
	bool force_killed, force_by_group;
	int second_signal; /* 0: the grace period ran out */

	struct cg_sample base;	     /* before the command started */
	struct cg_sample prev, last; /* the last two samples */
	struct cg_sample alive;	     /* the last sample taken while the command was alive */
	struct cg_sample top;	     /* the sample with the highest usage while alive */
	struct cg_sample prekill;    /* the last sample while alive and before any OOM kill */
	bool have_prekill;
	struct cg_sample before_kill; /* the alive sample before the last rise of oom_kill */
	bool have_before_kill;
	bool have_prev, have_alive;
	uint64_t peak_seen; /* max of sampled current (when no peak file) */
	enum verdict verdict, worst;
	unsigned nsamples;

	/* end of run */
	struct cg_sample final;
	uint64_t oom_kills; /* counter delta */
	bool oom_killed;
	bool has_oom_counter;
	struct meminfo host;
	bool has_host;
	struct oom_event victim;
	bool has_victim;
	const char *victim_note;		   /* why there is no kernel record */
	struct oom_event victims[RUN_VICTIMS_MAX]; /* every kill in the cgroup the source saw */
	size_t nvictims;

	/* what was still running in the cgroup when the command ended (killed by the teardown) */
	struct {
		pid_t pid;
		char comm[16];
	} left[RUN_LEFT_MAX];
	size_t nleft, left_total;

	/* whose limit: the cgroups above with a limit, and which one OOMed */
	struct run_ancestor anc[RUN_ANCESTORS_MAX];
	size_t nanc;
	int oom_anc;	       /* index in anc of the OOMing ancestor, -1: our own or unknown */
	bool oom_anc_inferred; /* no kernel record: its failcnt moved and it was at its limit */
	bool global_oom;       /* the kernel's record says global_oom */

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
	bool has_peer; /* peer_some_share: the peer cgroup's some share */
	uint32_t peer_some_share;
	uint64_t high_events, oom_kills;
	enum verdict verdict;
};

void runreport_init(struct run_state *st, struct cli *cli, FILE *live, FILE *timeline,
		    const char *timeline_path, bool quiet);
/* The command runs: set up the terminal's status area (when the live view is a terminal). */
void runreport_start(struct run_state *st);
/* The terminal was resized (SIGWINCH). */
void runreport_resize(struct run_state *st);
/* An event of the run: kept for the account, shown live (a line, or the status area's top row;
 * on stderr with --quiet or --json). */
void runreport_event(struct run_state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A victim the kernel-side source reported in the cgroup, told live. */
void runreport_victim(struct run_state *st, const struct oom_event *ev);
/* After the victims are merged: was the command OOM-killed, and whose limit was it. */
void runreport_conclude(struct run_state *st);
/* The last line of the timeline: the outcome (after runreport_finish and the exit is known). */
void runreport_timeline_end(struct run_state *st);
/* Take a sample; baseline = before the command started (no live line). */
void runreport_sample(struct run_state *st, bool baseline);
/* Final counters and records, before the cgroup is removed. */
void runreport_finish(struct run_state *st);
/* The account: text, or one JSON object on stdout with --json. */
void runreport_print(struct run_state *st);
void runreport_free(struct run_state *st);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The commands' side of lib/victim.h.
 *
 * watch and serve: --source, --no-kmsg, --bpf-attach, and opening the source with the lines
 * both print ("source NAME: DETAIL", "not used: ...") and the one error line.
 *
 * run: the kernel's own record of a kill, from the fastest kernel-side source that works here
 * (BPF, else tracefs), watched next to the run's other fds. Never fails the run: without a
 * source the report says why there is no record.
 */
#ifndef OOMLAB_RUNVICTIM_H
#define OOMLAB_RUNVICTIM_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "oomlab.h"
#include "../lib/oom-event.h"
#include "../lib/victim.h"

struct cli_source {
	enum victim_source_kind kind;
	struct victim_source_opts vo; /* .host set by cli_source_open() */
	struct victim_source *src;
	char what[PATH_MAX + 16]; /* for messages: "the bpf source", "'/dev/kmsg'" */
};
/* the getopt_long entries; their letters are 's', 'K' and 'A' */
#define CLI_SOURCE_OPTIONS                                                                         \
	{ "source", required_argument, NULL, 's' }, { "no-kmsg", no_argument, NULL, 'K' },         \
	{                                                                                          \
		"bpf-attach", required_argument, NULL, 'A'                                         \
	} /* tests: tp_btf|raw_tp|tracepoint */
/* One of them (c is 's', 'K' or 'A'): 0, or EXIT_USAGE after saying why. */
int cli_source_option(struct cli *cli, int c, const char *arg, struct cli_source *cs);
/*
 * Open the source --source named (auto: the first that works), say on stderr which and how
 * ("oomlab CMD: source NAME: DETAIL") and which were not used. 0, or EXIT_FAIL after the error.
 */
int cli_source_open(struct cli *cli, struct cli_source *cs);

struct run_victim {
	struct victim_source *src;
	const char *cgname;  /* the run's memory cgroup, "/oomlab-812-0" */
	pid_t pid;	     /* the command */
	struct oom_event ev; /* the first victim in the run's cgroup (or the command) */
	bool have;
	struct oom_event evs[16]; /* every victim of the run, in order (the first 16) */
	size_t nev;
	char why[384]; /* why no source runs */
};

/* Opens a source (quietly). -1 from run_victim_fd() when none could be opened. */
void run_victim_open(struct run_victim *rv, const struct host *h);
int run_victim_fd(const struct run_victim *rv);
/* Deliver pending victims; keep the first that belongs to cgname or pid. */
void run_victim_consume(struct run_victim *rv);
void run_victim_close(struct run_victim *rv);

#endif

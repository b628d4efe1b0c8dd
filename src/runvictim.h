/* SPDX-License-Identifier: MIT */
/*
 * The kernel's own record of a kill for `oomlab run`: the fastest victim source that works here
 * (BPF, else tracefs; lib/victimsrc.h), watched next to the run's other fds. Never fails the run:
 * without a source the report says why there is no record.
 */
#ifndef OOMLAB_RUNVICTIM_H
#define OOMLAB_RUNVICTIM_H

#include <stdbool.h>
#include <sys/types.h>

#include "../lib/oomevent.h"

struct victim_source;
struct host;

struct run_victim {
	struct victim_source *src;
	const char *cgname;	/* the run's memory cgroup, "/oomlab-812-0" */
	pid_t pid;		/* the command */
	struct oom_event ev;	/* the first victim in the run's cgroup (or the command) */
	bool have;
	struct oom_event evs[16]; /* every victim of the run, in order (the first 16) */
	size_t nev;
	char why[384];		/* why no source runs */
};

/* Opens a source (quietly). -1 from run_victim_fd() when none could be opened. */
void run_victim_open(struct run_victim *rv, const struct host *h);
int run_victim_fd(const struct run_victim *rv);
/* Deliver pending victims; keep the first that belongs to cgname or pid. */
void run_victim_consume(struct run_victim *rv);
void run_victim_close(struct run_victim *rv);

#endif

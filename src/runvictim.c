// SPDX-License-Identifier: MIT
#include "runvictim.h"

#include <string.h>

#include "../lib/util.h"
#include "../lib/victimsrc.h"
#include "../lib/banned.h"

void run_victim_open(struct run_victim *rv, const struct host *h)
{
	/* the kernel log is the kmsg source's business: no side channel here */
	struct victim_source_opts o = { .host = h, .no_kmsg_check = true };

	if (victim_source_open(VICTIM_SOURCE_AUTO, &o, &rv->src, rv->why, sizeof(rv->why)) < 0)
		rv->src = NULL;
}

int run_victim_fd(const struct run_victim *rv)
{
	return rv->src ? victim_source_fd(rv->src) : -1;
}

static bool in_cgroup(const char *memcg, const char *cg)
{
	size_t n = strlen(cg);

	return n && strncmp(memcg, cg, n) == 0 && (memcg[n] == '\0' || memcg[n] == '/');
}

static int on_victim(const struct oom_event *ev, void *userdata)
{
	struct run_victim *rv = userdata;

	/* other OOM kills happen on the host: the run's cgroup, or the command by pid */
	if ((ev->task_memcg[0] && rv->cgname && in_cgroup(ev->task_memcg, rv->cgname)) ||
	    ((ev->have & OOM_HAVE_PID) && ev->pid == rv->pid)) {
		if (!rv->have) {
			rv->ev = *ev;
			rv->have = true;
		}
		if (rv->nev < sizeof(rv->evs) / sizeof(rv->evs[0]))
			rv->evs[rv->nev++] = *ev;
	}
	return 0;
}

void run_victim_consume(struct run_victim *rv)
{
	if (rv->src)
		victim_source_consume(rv->src, on_victim, rv);
}

void run_victim_close(struct run_victim *rv)
{
	victim_source_close(rv->src);
	rv->src = NULL;
}

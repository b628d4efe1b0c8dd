// SPDX-License-Identifier: MIT
#include "run-victim.h"

#include <string.h>

#include "../lib/util.h"
#include "../lib/banned.h"

int cli_source_option(struct cli *cli, int c, const char *arg, struct cli_source *cs)
{
	if (c == 'K')
		cs->vo.no_kmsg_check = true;
	else if (c == 'A')
		cs->vo.bpf_attach = arg;
	else if (victim_source_kind_from_string(arg, &cs->kind) < 0)
		return cli_usage_error(
			cli,
			"invalid source '%s' for --source: expected auto, bpf, tracefs or kmsg",
			arg);
	return 0;
}

int cli_source_open(struct cli *cli, struct cli_source *cs)
{
	char why[768];
	const char *name;
	int r;

	cs->vo.host = &cli->host;
	r = victim_source_open(cs->kind, &cs->vo, &cs->src, why, sizeof(why));
	if (r < 0) {
		/* the kernel log was the last one tried: its reason is the error */
		const char *k = strstr(why, "kmsg: cannot open '");
		if (k && cs->kind != VICTIM_SOURCE_BPF && cs->kind != VICTIM_SOURCE_TRACEFS)
			return cli_error(cli, "%s", k + 6);
		return cli_error(cli, "cannot open the %s source: %s",
				 victim_source_kind_to_string(cs->kind), why);
	}
	name = victim_source_kind_to_string(victim_source_get_kind(cs->src));
	if (victim_source_get_kind(cs->src) == VICTIM_SOURCE_KMSG)
		xsnprintf(cs->what, sizeof(cs->what), "'%s'", victim_source_detail(cs->src));
	else
		xsnprintf(cs->what, sizeof(cs->what), "the %s source", name);
	/* on stderr in JSON mode too: scripts wait for this line */
	fprintf(stderr, "oomlab %s: source %s: %s\n", cli->cmd, name,
		victim_source_detail(cs->src));
	if (why[0])
		fprintf(stderr, "oomlab %s: not used: %s\n", cli->cmd, why);
	return 0;
}

void run_victim_open(struct run_victim *rv, const struct host *h)
{
	/* run reads the kernel log itself (src/explain.c): no kmsg source, no side channel */
	struct victim_source_opts o = { .host = h,
					.no_kmsg_check = true,
					.kernel_side_only = true };

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

// SPDX-License-Identifier: MIT
/*
 * oomlab run: box a command in a memory-limited cgroup, watch it live, tell how it ended.
 * Options here; the work is run_execute() in run.c (shared with the lab).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oomlab.h"
#include "cg-arg.h"
#include "run.h"
#include "../lib/banned.h"

static void run_usage(FILE *out)
{
	fprintf(out,
		"Usage: oomlab run [OPTIONS] -- COMMAND [ARGS...]\n\n"
		"Run COMMAND in a new memory-limited cgroup, show its memory and pressure live, and\n"
		"say how it ended: exit status, OOM kill (from the cgroup's own counters and the\n"
		"kernel's report), peak usage, anonymous vs page cache, host memory still available.\n\n"
		"Options:\n"
		"  --max SIZE         hard limit: memory.max (v2) / memory.limit_in_bytes (v1)\n"
		"                     (default: max, no limit)\n"
		"  --high SIZE        throttle limit memory.high (cgroup v2 only)\n"
		"  --swap-max SIZE    swap limit: memory.swap.max (v2) / memsw - limit (v1)\n"
		"  --adj N            oom_score_adj of COMMAND (-1000..1000; lowering needs CAP_SYS_RESOURCE)\n"
		"  --interval DUR     sampling interval (default 250ms; 10ms..1h)\n"
		"  --timeline FILE    write every sample to FILE (.csv or .jsonl; - is CSV on stdout),\n"
		"                     and a last row with the outcome\n"
		"  --parent CGROUP    create the cgroup under CGROUP (default: the hierarchy root)\n"
		"  --kill-after DUR   after the first SIGINT/SIGTERM/SIGHUP (sent on to every process\n"
		"                     of the cgroup), kill them all when DUR has passed (default 5s;\n"
		"                     0: at once); a second signal kills them at once\n"
		"  --force            run with a limit below 1 MiB or a parent with no room left\n"
		"  -o, --output FILE  write the account (text, or JSON with --json) to FILE\n"
		"  --json             the account as one JSON object, on stdout (COMMAND's own stdout\n"
		"                     then goes to stderr, unless --output names a file)\n"
		"  -q, --quiet        no live view\n"
		"  -h, --help         show this help\n\n"
		"COMMAND's stdout and stderr are its own: oomlab's live view and account go to stderr.\n"
		"On a terminal the live view is the two bottom rows (COMMAND's output scrolls above).\n"
		"Sizes: 512M, 1.5G, 512MiB, plain bytes, or max. Durations: 250ms, 1s, 1.5s.\n"
		"Exit status: COMMAND's own, 128+N when it died of signal N (137 after an OOM kill or\n"
		"when oomlab killed it after --kill-after), 126/127 when it cannot be executed, 1 on an\n"
		"oomlab error, 2 on a usage error.\n");
}

static int parse_opts(struct cli *cli, int argc, char **argv, struct run_opts *o,
		      const char **output)
{
	static const struct option opts[] = { { "max", required_argument, NULL, 'm' },
					      { "high", required_argument, NULL, 'H' },
					      { "swap-max", required_argument, NULL, 's' },
					      { "adj", required_argument, NULL, 'a' },
					      { "interval", required_argument, NULL, 'i' },
					      { "timeline", required_argument, NULL, 't' },
					      { "parent", required_argument, NULL, 'p' },
					      { "json", no_argument, NULL, 'J' },
					      { "quiet", no_argument, NULL, 'q' },
					      { "help", no_argument, NULL, 'h' },
					      { "kill-after", required_argument, NULL, 'k' },
					      { "force", no_argument, NULL, 'F' },
					      { "output", required_argument, NULL, 'o' },
					      { 0 } };
	int c, r;

	o->max = SIZE_UNLIMITED;
	o->interval_us = 250000;
	o->kill_after_us = RUN_KILL_AFTER_DEFAULT_US;
	o->parent = "";
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hqJo:", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if ((r = cli_parse_size(cli, "--max", optarg, &o->max)))
				return r;
			if (o->max == 0)
				return cli_usage_error(cli, "--max must be more than 0");
			break;
		case 'H':
			if ((r = cli_parse_size(cli, "--high", optarg, &o->high)))
				return r;
			if (o->high == 0)
				return cli_usage_error(cli, "--high must be more than 0");
			o->has_high = true;
			break;
		case 's':
			if ((r = cli_parse_size(cli, "--swap-max", optarg, &o->swap_max)))
				return r;
			o->has_swap_max = true;
			break;
		case 'a':
			if (parse_int(optarg, &o->adj) < 0 || o->adj < -1000 || o->adj > 1000)
				return cli_usage_error(
					cli,
					"invalid value '%s' for --adj: expected an integer from -1000 to 1000",
					optarg);
			o->set_adj = true;
			break;
		case 'i':
			if ((r = cli_parse_duration(cli, "--interval", optarg, &o->interval_us)))
				return r;
			if (o->interval_us < 10000 || o->interval_us > 3600ULL * 1000000)
				return cli_usage_error(cli,
						       "--interval must be between 10ms and 1h");
			break;
		case 't':
			o->timeline = optarg;
			break;
		case 'p': {
			/* any form the resolver takes (/sys/fs/cgroup/memory/app, app.slice, ...);
			 * the cgroup must exist, and its name is then held to what we create in */
			static char parent[PATH_MAX];
			struct cg_layout l;
			struct cg_target t;
			if ((r = cli_cgroup_layout(cli, &l)))
				return r;
			if ((r = cli_resolve_cgroup(cli, &l, "--parent", optarg, 0, &t)))
				return r;
			xsnprintf(parent, sizeof(parent), "%s", strcmp(t.name, "/") ? t.name : "");
			if (parent[0] && cg_parent_valid(parent) < 0)
				return cli_usage_error(
					cli,
					"invalid parent cgroup '%s': use path components of letters, digits, '.', '_' and '-' only, no '..'",
					parent);
			o->parent = parent;
			break;
		}
		case 'k':
			if (strcmp(optarg, "0") == 0)
				o->kill_after_us = 0;
			else if ((r = cli_parse_duration(cli, "--kill-after", optarg,
							 &o->kill_after_us)))
				return r;
			if (o->kill_after_us > 3600ULL * 1000000)
				return cli_usage_error(cli, "--kill-after must be at most 1h");
			break;
		case 'F':
			o->force = true;
			break;
		case 'o':
			*output = optarg;
			break;
		case 'J':
			break; /* cli->json already set by main */
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			run_usage(stdout);
			return -1;
		default:
			return cli_option_error(cli, argv, c);
		}
	}
	if (optind >= argc)
		return cli_usage_error(cli, "no command given: oomlab run [OPTIONS] -- COMMAND");
	o->argv = argv + optind;
	if (o->has_high && o->high != SIZE_UNLIMITED && o->max != SIZE_UNLIMITED &&
	    o->high > o->max)
		return cli_usage_error(cli,
				       "--high (%" PRIu64 " bytes) is above --max (%" PRIu64
				       " bytes): the hard limit would always bind first",
				       o->high, o->max);
	/* v1 writes --max + --swap-max into memory.memsw.limit_in_bytes: the sum must fit */
	if (o->has_swap_max && o->swap_max != SIZE_UNLIMITED && o->max != SIZE_UNLIMITED &&
	    o->swap_max > SIZE_LIMIT_MAX - o->max)
		return cli_usage_error(cli,
				       "--max plus --swap-max is above %s: use 'max' for no limit",
				       SIZE_LIMIT_MAX_TEXT);
	if (o->max != SIZE_UNLIMITED && o->max < RUN_MIN_LIMIT && !o->force) {
		char b[32];
		return cli_usage_error(
			cli,
			"--max %s is below 1 MiB: the command could not even start "
			"(exec, the loader and libc need more); --force runs it anyway",
			format_bytes(o->max, b, sizeof(b)));
	}
	if (o->timeline && strcmp(o->timeline, "-") != 0) {
		const char *dot = strrchr(o->timeline, '.');
		if (!dot || (strcmp(dot, ".csv") != 0 && strcmp(dot, ".jsonl") != 0))
			return cli_usage_error(
				cli,
				"--timeline file '%s' must end in .csv or .jsonl (or be - for CSV on stdout)",
				o->timeline);
	}
	if (o->timeline && strcmp(o->timeline, "-") == 0 && cli->json && !*output)
		return cli_usage_error(
			cli,
			"--timeline - and --json both want stdout: give the JSON account a file with --output");
	if (*output && strcmp(*output, "-") == 0)
		*output = NULL; /* the default place */
	return 0;
}

int cmd_run(struct cli *cli, int argc, char **argv)
{
	struct run_opts o = { 0 };
	static struct run_state st; /* large (the ancestors' paths): not on the stack twice */
	const char *output = NULL;
	_cleanup_fclose_ FILE *out = NULL;
	int r, ret;

	r = parse_opts(cli, argc, argv, &o, &output);
	if (r)
		return r < 0 ? EXIT_OK : r;
	if (output) {
		out = fopen(output, "we");
		if (!out)
			return cli_error(cli, "cannot open '%s' for writing: %s", output,
					 strerror(errno));
	}
	/* the command's stdout is its own, except that --json without --output needs stdout */
	o.stdout_to_stderr = cli->json && !out;
	o.out = out ? out : cli->json ? stdout : stderr;
	o.live = stderr;
	ret = run_execute(cli, &o, &st);
	if (st.started)
		runreport_print(&st);
	runreport_free(&st);
	return ret;
}

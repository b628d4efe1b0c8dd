// SPDX-License-Identifier: MIT
/* oomlab why: explain the OOM kills in the kernel log or a saved log. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <string.h>
#include <time.h>

#include "oomlab.h"
#include "explain.h"
#include "cgarg.h"
#include "../lib/banned.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: oomlab why [--log FILE|-] [--pid N] [--cgroup PATH] [--since DUR] [--json]\n\n"
		"Explain the OOM kills in the kernel log, in plain words: what hit which limit, what\n"
		"the victim used, whether it was the largest task, what to do next.\n\n"
		"Options:\n"
		"  -l, --log FILE     read a saved log (dmesg, journalctl -k, kern.log, raw /dev/kmsg\n"
		"                     records; '-' = stdin) instead of the live kernel buffer\n"
		"  -p, --pid N        only the kill of process N\n"
		"  -c, --cgroup PATH  only kills in cgroup PATH or below it (and, for a live cgroup,\n"
		"                     its limits, usage, peak, OOM counters and PSI)\n"
		"  -S, --since DUR    only kills of the last DUR (250ms, 10m, 2h); for --log relative to\n"
		"                     the log's last time stamp\n"
		"  -J, --json         {\"kills\": [...]} in log order\n"
		"  -h, --help         show this help\n");
}

int cmd_why(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "log", required_argument, NULL, 'l' },   { "pid", required_argument, NULL, 'p' },
		{ "cgroup", required_argument, NULL, 'c' }, { "since", required_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'J' },	    { "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *log = NULL;
	char cgbuf[PATH_MAX];
	const char *cgroup = NULL, *cgroup_arg = NULL;
	struct cg_target cgt = { 0 };
	pid_t pid = 0;
	uint64_t since = 0, newest = 0;
	bool have_since = false;
	struct kill_list kills = { 0 };
	size_t shown = 0;
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "l:p:c:S:Jh", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (log)
				return cli_usage_error(cli, "--log given twice: one log per run (to read "
							    "several: cat A B | oomlab why --log -)");
			log = optarg;
			break;
		case 'p': {
			int v;
			if (parse_int(optarg, &v) < 0 || v <= 0)
				return cli_usage_error(cli, "invalid pid '%s' for --pid", optarg);
			pid = v;
			break;
		}
		case 'c':
			cgroup_arg = optarg;
			break;
		case 'S':
			if (cli_parse_duration(cli, "--since", optarg, &since))
				return EXIT_USAGE;
			have_since = true;
			break;
		case 'J':
			cli->json = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			return cli_usage_error(cli, "unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc) {
		char q[300];
		return cli_usage_error(cli, "unexpected argument '%s' (to read a saved log: --log %s)",
				       cli_quote(argv[optind], q, sizeof(q)),
				       cli_quote(argv[optind], q, sizeof(q)));
	}
	if (cgroup_arg) {
		/* a cgroup that is gone still matches the kills recorded with its path; a form
		 * that cannot be a cgroup, or leaves the cgroup filesystem, is an error */
		struct cg_layout l;
		if (cg_layout_detect(&cli->host, &l) < 0)
			memset(&l, 0, sizeof(l));
		if ((r = cli_resolve_cgroup(cli, &l, "--cgroup", cgroup_arg, CGT_MAY_BE_GONE, &cgt)))
			return r;
		xsnprintf(cgbuf, sizeof(cgbuf), "%s", cgt.name);
		cgroup = cgbuf;
		if (!cgt.exists)
			cli_note(cli, "cgroup %s does not exist now: matching the kills recorded with "
				      "that path",
				 cli_quote_n(cgbuf, 0, (char[PATH_MAX]){ 0 }, PATH_MAX));
	}

	/* a report, not a stream: full buffering (main() sets line buffering for live views) */
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (!log && !have_since) {
		/* the live buffer: the same account `oomlab run` gives at its end */
		struct json j;

		json_init(&j, stdout, false);
		if (cli->json)
			json_obj_open(&j);
		r = explain_account(stdout, cli->json ? &j : NULL, &cli->host, pid, cgroup);
		if (r < 0) {
			if (r == -EPERM || r == -EACCES)
				return cli_error(cli, "cannot read '/dev/kmsg': %s (needs root, or CAP_SYSLOG "
						 "when kernel.dmesg_restrict=1)", strerror(-r));
			return cli_error(cli, "cannot read '/dev/kmsg': %s", strerror(-r));
		}
		if (cli->json) {
			if (cgroup)
				cli_cgroup_target_json(&j, cgroup_arg, &cgt);
			if (cgroup) {
				json_key(&j, "cgroup");
				if (explain_cgroup_json(&j, &cli->host, cgroup) < 0)
					json_null(&j);
			}
			json_obj_close(&j);
			json_end(&j);
			return EXIT_OK;
		}
		if (r == 0)
			printf("no OOM kill%s in the kernel log\n", (pid || cgroup) ? " matching the filters" : "");
		if (cgroup) {
			fputc('\n', stdout);
			if (explain_cgroup_text(stdout, &cli->host, cgroup) < 0)
				printf("cgroup %s does not exist (any more)\n", cgroup);
		}
		return EXIT_OK;
	}
	r = explain_collect(&cli->host, log, &kills);
	if (r < 0) {
		if (!log && (r == -EPERM || r == -EACCES))
			return cli_error(cli, "cannot read '/dev/kmsg': %s (needs root, or CAP_SYSLOG when "
					 "kernel.dmesg_restrict=1)", strerror(-r));
		return cli_error(cli, "cannot read '%s': %s", log ? log : "/dev/kmsg", strerror(-r));
	}
	/* names are pure; the live limit only makes sense for this host's own log */
	for (size_t i = 0; i < kills.n; i++)
		explain_enrich(&kills.v[i], &cli->host, ENRICH_NAME | (log ? 0 : ENRICH_LIMIT));
	if (have_since) {
		if (log) {
			for (size_t i = 0; i < kills.n; i++)
				if ((kills.v[i].have & OOM_HAVE_KTIME) && kills.v[i].kernel_time_us > newest)
					newest = kills.v[i].kernel_time_us;
		} else {
			struct timespec ts;
			/* printk time is local_clock(): CLOCK_MONOTONIC within about 1 ms */
			clock_gettime(CLOCK_MONOTONIC, &ts);
			newest = (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
		}
	}

	if (cli->json) {
		struct json j;
		json_init(&j, stdout, false);
		json_obj_open(&j);
		json_key(&j, "kills");
		json_arr_open(&j);
		for (size_t i = 0; i < kills.n; i++) {
			const struct oom_event *ev = &kills.v[i];
			if (!explain_match(ev, pid, cgroup))
				continue;
			if (have_since && (!(ev->have & OOM_HAVE_KTIME) || ev->kernel_time_us + since < newest))
				continue;
			oom_event_to_json(ev, &j);
		}
		json_arr_close(&j);
		if (cgroup)
			cli_cgroup_target_json(&j, cgroup_arg, &cgt);
		if (cgroup && !log) {
			json_key(&j, "cgroup");
			if (explain_cgroup_json(&j, &cli->host, cgroup) < 0)
				json_null(&j);
		}
		json_obj_close(&j);
		json_end(&j);
	} else {
		for (size_t i = 0; i < kills.n; i++) {
			const struct oom_event *ev = &kills.v[i];
			if (!explain_match(ev, pid, cgroup))
				continue;
			if (have_since && (!(ev->have & OOM_HAVE_KTIME) || ev->kernel_time_us + since < newest))
				continue;
			if (shown++)
				fputc('\n', stdout);
			explain_kill_text(stdout, ev);
		}
		if (!shown)
			printf("no OOM kill%s in %s\n", (pid || cgroup || have_since) ? " matching the filters" : "",
			       log ? (strcmp(log, "-") ? log : "stdin") : "the kernel log");
		if (cgroup && !log) {
			fputc('\n', stdout);
			if (explain_cgroup_text(stdout, &cli->host, cgroup) < 0)
				printf("cgroup %s does not exist (any more)\n", cgroup);
		}
	}
	kill_list_free(&kills);
	return EXIT_OK;
}

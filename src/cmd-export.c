// SPDX-License-Identifier: MIT
/*
 * oomlab export --once: one snapshot of what `oomlab serve` exposes, on stdout, without a kill
 * source (kill counters are zero: they count from the daemon's start). For cron jobs, textfile
 * collectors without a daemon, and for checking the output (promtool check metrics).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "oomlab.h"
#include "serve-model.h"
#include "../lib/banned.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: oomlab export --once [--openmetrics] [--depth N] [--max-series N] [--root DIR]\n\n"
		"Print one snapshot of oomlab serve's metrics (Prometheus text format) on stdout:\n"
		"the per-cgroup OOM counters, memory pressure and headroom read now. Kill counters\n"
		"count from a daemon's start and are zero here; run 'oomlab serve' for those.\n\n"
		"Options:\n"
		"      --once          one snapshot (the only mode; accepted for clarity)\n"
		"      --openmetrics   OpenMetrics 1.0 text instead of the 0.0.4 text format\n"
		"      --depth N       cgroup levels tracked (default 2); pods are tracked at any depth\n"
		"      --no-pods       do not track Kubernetes pod cgroups below --depth\n"
		"      --max-series N  at most N label sets (default 2000)\n"
		"      --root DIR      the host's / is mounted at DIR (runtime state for pod names)\n"
		"  -h, --help          show this help\n");
}

int cmd_export(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "once", no_argument, NULL, '1' },
		{ "openmetrics", no_argument, NULL, 'O' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		SERVE_TREE_OPTIONS,
		{ 0 },
	};
	enum prom_format fmt = PROM_TEXT;
	struct serve_tree_opts to = SERVE_TREE_DEFAULTS;
	struct serve s;
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case '1':
			break;
		case 'O':
			fmt = PROM_OPENMETRICS;
			break;
		case 'd':
		case 'm':
		case 'P':
		case 'r':
			if ((r = serve_tree_option(cli, c, optarg, &to)))
				return r;
			break;
		case 'J':
			return cli_usage_error(
				cli,
				"--json: export writes the Prometheus text format; 'oomlab serve' has /events for JSON");
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			return cli_option_error(cli, argv, c);
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	setvbuf(stdout, NULL, _IOFBF, 1 << 16); /* one snapshot, not a live stream */
	r = serve_init(&s, &cli->host, 0, &to);
	if (r < 0)
		return cli_error(cli, "cannot start: %s", strerror(-r));
	if (!s.have_layout)
		cli_warn(
			cli,
			"no cgroup hierarchy found in /proc/self/mountinfo: only host-wide metrics");
	else if (host_is_live(&cli->host))
		serve_use_bpf(
			&s); /* the files when it does not load (oomlab_cgroup_counters_bpf 0) */
	r = serve_render_metrics(&s, stdout, fmt);
	if (r < 0)
		cli_warn(cli, "cannot walk the cgroup tree: %s", strerror(-r));
	fflush(stdout);
	serve_free(&s);
	/* a failed write is said once, by the exit check (main.c), with exit 1 */
	return ferror(stdout) ? EXIT_FAILURE : EXIT_OK;
}

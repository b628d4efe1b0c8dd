// SPDX-License-Identifier: MIT
/*
 * oomlab trace: stream OOM victims from a kernel-side source (BPF or tracefs) as they are marked.
 * A thin front of lib/victimsrc.h, to be folded into `oomlab watch --source`; the rendering is the
 * shared event JSON (oom_event_to_json).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <string.h>

#include "oomlab.h"
#include "../lib/oomevent.h"
#include "../lib/victimsrc.h"
#include "../lib/banned.h"

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

static void help(void)
{
	printf("Usage: oomlab trace [OPTIONS]\n\n"
	       "Print each OOM victim as the kernel marks it (oom:mark_victim).\n\n"
	       "Options:\n"
	       "  -s, --source SRC   auto (default), bpf or tracefs\n"
	       "  -n, --count N      exit after N victims\n"
	       "  -t, --timeout DUR  exit after DUR (e.g. 30s); with --count, fewer victims fail\n"
	       "  -J, --json         one JSON object per victim and line\n"
	       "      --no-kmsg      do not read /dev/kmsg to fill and check the constraint\n"
	       "  -h, --help         show this help\n\n"
	       "See oomlab-trace(1).\n");
}

struct trace_ctx {
	struct cli *cli;
	unsigned long seen, count;
};

static void print_text(const struct oom_event *ev)
{
	char lim[32], use[32];

	printf("%s pid %d (%s)", oom_source_to_string(ev->source), (int)ev->pid,
	       ev->comm[0] ? ev->comm : "?");
	printf(" task_memcg %s", ev->task_memcg[0] ? ev->task_memcg : "?");
	if (ev->oom_memcg[0]) {
		printf(" oom_memcg %s%s", ev->oom_memcg, ev->inferred_oom_memcg ? " (inferred)" : "");
		if (ev->have & OOM_HAVE_MEMCG_LIMIT)
			printf(" limit %s usage %s",
			       format_bytes(ev->memcg_limit_kb * 1024, lim, sizeof(lim)),
			       format_bytes(ev->memcg_usage_kb * 1024, use, sizeof(use)));
	} else if (ev->scope == OOM_SCOPE_GLOBAL) {
		printf(" global%s", ev->inferred_oom_memcg ? " (inferred)" : "");
	}
	if (ev->constraint[0])
		printf(" %s", ev->constraint);
	if (ev->have & OOM_HAVE_ANON_RSS)
		printf(" anon-rss %llukB file-rss %llukB shmem-rss %llukB",
		       (unsigned long long)ev->anon_rss_kb, (unsigned long long)ev->file_rss_kb,
		       (unsigned long long)ev->shmem_rss_kb);
	if (ev->have & OOM_HAVE_ADJ)
		printf(" oom_score_adj %d", ev->oom_score_adj);
	if (ev->after_the_fact)
		printf(" [read after the fact]");
	printf("\n");
}

static int on_event(const struct oom_event *ev, void *userdata)
{
	struct trace_ctx *t = userdata;

	if (t->cli->json) {
		struct json j;

		json_init(&j, stdout, false);
		oom_event_to_json(ev, &j);
		json_end(&j);
	} else {
		print_text(ev);
	}
	fflush(stdout);
	t->seen++;
	if (t->count && t->seen >= t->count)
		return -ECANCELED; /* enough: stop consuming */
	return 0;
}

int cmd_trace(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "source", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'J' },
		{ "no-kmsg", no_argument, NULL, 'K' },
		{ "bpf-attach", required_argument, NULL, 'A' }, /* tests: tp_btf|raw_tp|tracepoint */
		{ "pid-only", no_argument, NULL, 'P' },		/* tests: the pre-6.9 path */
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	enum victim_source_kind kind = VICTIM_SOURCE_AUTO;
	struct victim_source_opts vo = { .host = &cli->host };
	struct victim_source *src = NULL;
	struct trace_ctx t = { .cli = cli };
	struct sigaction sa = { .sa_handler = on_signal };
	uint64_t timeout_us = 0, deadline = 0, count;
	char why[768];
	int c, r, ret = EXIT_OK;

	optind = 0;
	while ((c = getopt_long(argc, argv, "s:n:t:Jh", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (victim_source_kind_from_string(optarg, &kind) < 0)
				return cli_usage_error(cli, "invalid source '%s' for --source: expected auto, bpf or tracefs",
						       optarg);
			break;
		case 'n':
			if (parse_u64(optarg, &count) < 0 || count == 0)
				return cli_usage_error(cli, "invalid count '%s' for --count: expected a positive number",
						       optarg);
			t.count = count;
			break;
		case 't':
			if (cli_parse_duration(cli, "--timeout", optarg, &timeout_us))
				return EXIT_USAGE;
			break;
		case 'J':
			cli->json = true;
			break;
		case 'K':
			vo.no_kmsg_check = true;
			break;
		case 'A':
			vo.bpf_attach = optarg;
			break;
		case 'P':
			vo.force_pid_only = true;
			break;
		case 'h':
			help();
			return EXIT_OK;
		default:
			return cli_usage_error(cli, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);

	/*
	 * Before the source opens (it can take 50 ms): a signal during start-up is kept, not lost
	 * (background jobs of a non-interactive shell start with SIGINT ignored). No SA_RESTART:
	 * poll() returns EINTR and the loop ends through the normal cleanup.
	 */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	r = victim_source_open(kind, &vo, &src, why, sizeof(why));
	if (r < 0)
		return cli_error(cli, "cannot open %s victim source: %s",
				 kind == VICTIM_SOURCE_AUTO ? "any" : victim_source_kind_to_string(kind),
				 why);
	/* stderr, also in JSON mode: which source runs and why the others were not used */
	fprintf(stderr, "oomlab trace: source %s: %s\n",
		victim_source_kind_to_string(victim_source_get_kind(src)), victim_source_detail(src));
	if (why[0])
		fprintf(stderr, "oomlab trace: not used: %s\n", why);

	if (timeout_us)
		deadline = now_us() + timeout_us;
	while (!got_signal) {
		struct pollfd pfd = { .fd = victim_source_fd(src), .events = POLLIN };
		int ms = -1;

		if (deadline) {
			uint64_t now = now_us();

			if (now >= deadline)
				break;
			ms = (int)((deadline - now + 999) / 1000);
		}
		r = poll(&pfd, 1, ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = cli_error(cli, "cannot poll the victim source: %s", strerror(errno));
			break;
		}
		r = victim_source_consume(src, on_event, &t);
		if (r == -ECANCELED)
			break;
		if (r < 0) {
			ret = cli_error(cli, "cannot read the victim source: %s", strerror(-r));
			break;
		}
	}
	victim_source_close(src);
	if (ret == EXIT_OK && t.count && t.seen < t.count && !got_signal)
		ret = cli_error(cli, "timeout: %lu of %lu victims seen", t.seen, t.count);
	return ret;
}

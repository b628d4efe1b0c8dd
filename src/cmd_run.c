// SPDX-License-Identifier: MIT
/*
 * oomlab run: box a command in a memory-limited cgroup, watch it live, tell how it ended.
 * One poll() loop waits on the child's pidfd, a timerfd for samples and a signalfd; nothing
 * sleeps in a loop. The cgroup is removed on every path out (normal exit, OOM kill, exec
 * failure, SIGINT/SIGTERM/SIGHUP); a SIGKILLed oomlab leaves it to the next run's stale sweep.
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
#include "runreport.h"
#include "spawn.h"
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
		"  --timeline FILE    write every sample to FILE (.csv or .jsonl)\n"
		"  --parent CGROUP    create the cgroup under CGROUP (default: the hierarchy root)\n"
		"  --json             print one JSON object at the end; the live view and COMMAND's\n"
		"                     own stdout go to stderr so stdout is valid JSON\n"
		"  -q, --quiet        no live view\n"
		"  -h, --help         show this help\n\n"
		"Sizes: 512M, 1.5G, 512MiB, plain bytes, or max. Durations: 250ms, 1s, 1.5s.\n"
		"Exit status: COMMAND's own, 128+N when it died of signal N (137 after an OOM kill),\n"
		"126/127 when it cannot be executed, 1 on an oomlab error, 2 on a usage error.\n");
}

struct run_opts {
	uint64_t max, high, swap_max, interval_us;
	bool has_high, has_swap_max, set_adj, quiet;
	int adj;
	const char *timeline, *parent;
	char **argv;
};

static int parse_opts(struct cli *cli, int argc, char **argv, struct run_opts *o)
{
	static const struct option opts[] = {
		{ "max", required_argument, NULL, 'm' },      { "high", required_argument, NULL, 'H' },
		{ "swap-max", required_argument, NULL, 's' }, { "adj", required_argument, NULL, 'a' },
		{ "interval", required_argument, NULL, 'i' }, { "timeline", required_argument, NULL, 't' },
		{ "parent", required_argument, NULL, 'p' },   { "json", no_argument, NULL, 'J' },
		{ "quiet", no_argument, NULL, 'q' },          { "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c, r;

	o->max = SIZE_UNLIMITED;
	o->interval_us = 250000;
	o->parent = "";
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+hqJ", opts, NULL)) != -1) {
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
				return cli_usage_error(cli,
						       "invalid value '%s' for --adj: expected an integer from -1000 to 1000",
						       optarg);
			o->set_adj = true;
			break;
		case 'i':
			if ((r = cli_parse_duration(cli, "--interval", optarg, &o->interval_us)))
				return r;
			if (o->interval_us < 10000 || o->interval_us > 3600ULL * 1000000)
				return cli_usage_error(cli, "--interval must be between 10ms and 1h");
			break;
		case 't':
			o->timeline = optarg;
			break;
		case 'p':
			if (cg_parent_valid(optarg) < 0)
				return cli_usage_error(cli,
						       "invalid parent cgroup '%s': use path components of letters, digits, '.', '_' and '-' only, no '..'",
						       optarg);
			o->parent = optarg;
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
			if (optopt)
				return cli_usage_error(cli, "option '%s' needs a value", argv[optind - 1]);
			return cli_usage_error(cli, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error(cli, "no command given: oomlab run [OPTIONS] -- COMMAND");
	o->argv = argv + optind;
	if (o->has_high && o->high != SIZE_UNLIMITED && o->max != SIZE_UNLIMITED && o->high > o->max)
		return cli_usage_error(cli, "--high (%" PRIu64 " bytes) is above --max (%" PRIu64
					    " bytes): the hard limit would always bind first",
				       o->high, o->max);
	if (o->timeline) {
		const char *dot = strrchr(o->timeline, '.');
		if (!dot || (strcmp(dot, ".csv") != 0 && strcmp(dot, ".jsonl") != 0))
			return cli_usage_error(cli, "--timeline file '%s' must end in .csv or .jsonl",
					       o->timeline);
	}
	return 0;
}

static const char *signame(int sig)
{
	static char buf[16];
	const char *n = sigabbrev_np(sig);
	if (n) {
		xsnprintf(buf, sizeof(buf), "SIG%s", n);
		return buf;
	}
	xsnprintf(buf, sizeof(buf), "%d", sig);
	return buf;
}

int cmd_run(struct cli *cli, int argc, char **argv)
{
	struct run_opts o = { 0 };
	struct run_state st = { 0 };
	struct cg_layout layout;
	struct cg cg = { 0 };
	bool have_cg = false;
	sigset_t mask, oldmask;
	_cleanup_close_ int sfd = -1, tfd = -1;
	_cleanup_fclose_ FILE *timeline = NULL;
	struct spawn_result child = { .pid = -1, .pidfd = -1 };
	char name[64];
	int r, ret = EXIT_FAIL, stale = 0;
	FILE *live;

	r = parse_opts(cli, argc, argv, &o);
	if (r)
		return r < 0 ? EXIT_OK : r;
	live = cli->json ? stderr : stdout;

	r = cg_layout_detect(&cli->host, &layout);
	if (r < 0)
		return cli_error(cli, "cannot read the cgroup mounts: %s", strerror(-r));
	if (layout.mode == CG_MODE_NONE)
		return cli_error(cli, "no memory cgroup hierarchy is mounted (neither cgroup v2 nor a v1 memory controller)");
	if (layout.mode == CG_MODE_V2 && !layout.v2_memory)
		return cli_error(cli, "the cgroup v2 root at '%s' has no memory controller", layout.v2);
	if (o.timeline) {
		timeline = fopen(o.timeline, "we");
		if (!timeline)
			return cli_error(cli, "cannot open '%s' for writing: %s", o.timeline,
					 strerror(errno));
	}

	/* remove what an earlier, SIGKILLed oomlab left behind (only oomlab-<deadpid>-<n>) */
	cg_clean_stale(&cli->host, &layout, o.parent, &stale);
	if (stale > 0)
		cli_note(cli, "removed %d stale cgroup(s) left by an oomlab that was killed", stale);

	/* signals are events from here on: teardown happens on every path */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, &oldmask);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		r = cli_error(cli, "cannot create a signalfd: %s", strerror(errno));
		goto out;
	}

	xsnprintf(name, sizeof(name), "oomlab-%d-0", (int)getpid());
	r = cg_create(&layout, o.parent, name, &cg);
	if (r < 0) {
		cli_error(cli, "cannot create cgroup '%s' under '%s': %s", name,
			  layout.mode == CG_MODE_V2 ? layout.v2 : layout.v1_memory, strerror(-r));
		goto out;
	}
	have_cg = true;
	st.layout = &layout;
	st.cg = &cg;
	st.opts_max = o.max;
	st.opts_high = o.high;
	st.has_high_opt = o.has_high;

	if (o.max != SIZE_UNLIMITED || cg.mem_is_v2) {
		r = cg_set_max(&cg, o.max);
		if (r < 0) {
			cli_error(cli, "cannot write '%s' in '%s': %s",
				  cg.mem_is_v2 ? "memory.max" : "memory.limit_in_bytes", cg.mem,
				  strerror(-r));
			goto out;
		}
	}
	if (o.has_high) {
		r = cg_set_high(&cg, o.high);
		if (r == -EOPNOTSUPP) {
			st.high_unsupported = true;
			cli_warn(cli,
				 "memory.high is a cgroup v2 feature and this host's memory controller is on cgroup v1 (%s layout): "
				 "the run has only the hard limit, so there is no throttling band and no 'high' events; "
				 "the workload runs at full speed until it is reclaimed or killed at %s",
				 cg_mode_to_string(layout.mode),
				 o.max == SIZE_UNLIMITED ? "host memory" : "--max");
		} else if (r < 0) {
			cli_error(cli, "cannot write 'memory.high' in '%s': %s", cg.mem, strerror(-r));
			goto out;
		}
	}
	if (o.has_swap_max) {
		r = cg_set_swap_max(&cg, o.swap_max);
		if (r < 0) {
			cli_error(cli, "cannot set the swap limit of '%s': %s%s", cg.mem, strerror(-r),
				  r == -ENOENT ? " (swap accounting is off: swapaccount=1)" : "");
			goto out;
		}
	}

	runreport_init(&st, cli, live, timeline, o.timeline, o.quiet);
	runreport_sample(&st, true); /* baseline counters before the command starts */

	{
		struct spawn_opts so = { .set_adj = o.set_adj, .adj = o.adj, .restore_mask = &oldmask,
					.stdout_to_stderr = cli->json };
		const char *stage = "exec";
		r = spawn_in_cgroup(&cg, o.argv, &so, &child, &stage);
		if (r < 0) {
			if (strcmp(stage, "exec") == 0) {
				cli_error(cli, "cannot execute '%s': %s", o.argv[0], strerror(-r));
				ret = r == -ENOENT ? 127 : 126;
			} else if (strcmp(stage, "oom_score_adj") == 0) {
				cli_error(cli, "cannot set oom_score_adj %d for '%s': %s%s", o.adj,
					  o.argv[0], strerror(-r),
					  r == -EACCES ? " (lowering it needs CAP_SYS_RESOURCE; see 'oomlab protect --relative')" : "");
			} else {
				cli_error(cli, "cannot move '%s' into cgroup '%s': %s", o.argv[0],
					  cg.name, strerror(-r));
			}
			goto out;
		}
	}
	st.pid = child.pid;
	st.t_start = now_us();

	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (tfd >= 0) {
		struct itimerspec its = {
			.it_interval = { (time_t)(o.interval_us / 1000000), (long)(o.interval_us % 1000000) * 1000 },
			.it_value = { (time_t)(o.interval_us / 1000000), (long)(o.interval_us % 1000000) * 1000 },
		};
		timerfd_settime(tfd, 0, &its, NULL);
	}

	for (;;) {
		struct pollfd pfd[3] = {
			{ .fd = sfd, .events = POLLIN },
			{ .fd = tfd, .events = POLLIN },
			{ .fd = child.pidfd, .events = POLLIN },
		};
		siginfo_t si;
		bool exited = false;

		if (poll(pfd, 3, -1) < 0 && errno != EINTR) {
			cli_error(cli, "poll failed: %s", strerror(errno));
			break;
		}
		if (pfd[1].revents & POLLIN) {
			uint64_t ticks;
			if (read(tfd, &ticks, sizeof(ticks)) > 0)
				runreport_sample(&st, false);
		}
		if (pfd[0].revents & POLLIN) {
			struct signalfd_siginfo ssi;
			while (read(sfd, &ssi, sizeof(ssi)) == (ssize_t)sizeof(ssi)) {
				if (ssi.ssi_signo != SIGCHLD && !st.interrupted_by) {
					st.interrupted_by = (int)ssi.ssi_signo;
					/* the command may not have seen it (SIGTERM to oomlab alone) */
					kill(child.pid, (int)ssi.ssi_signo);
				}
			}
		}
		/* pidfd readable, or SIGCHLD (no pidfd): reap without blocking */
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)child.pid, &si, WEXITED | WNOHANG) == 0 && si.si_pid == child.pid) {
			st.t_end = now_us();
			if (si.si_code == CLD_EXITED) {
				st.exit_code = si.si_status;
				st.exited = true;
			} else {
				st.signal = si.si_status;
				st.core = si.si_code == CLD_DUMPED;
			}
			exited = true;
		}
		if (exited)
			break;
	}

	runreport_finish(&st); /* final counters, peak, kernel record: before teardown */
	if (st.exited)
		ret = st.exit_code;
	else
		ret = 128 + st.signal;

out:
	if (have_cg) {
		r = cg_destroy(&cg, 5 * 1000 * 1000);
		if (r < 0) {
			cli_error(cli, "cannot remove cgroup '%s': %s (remove it with 'oomlab doctor --clean')",
				  cg.name, strerror(-r));
			ret = ret == EXIT_OK ? EXIT_FAIL : ret;
		}
	}
	if (child.pid > 0) {
		if (child.pidfd >= 0)
			close(child.pidfd);
		runreport_print(&st);
	}
	runreport_free(&st);
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	(void)signame;
	return ret;
}

// SPDX-License-Identifier: MIT
/*
 * The core of `oomlab run`, shared with the lab: box a command in a memory-limited cgroup,
 * sample it, and tear everything down. One poll() loop waits on the child's pidfd, a timerfd
 * for samples and a signalfd; nothing sleeps in a loop. The cgroup is removed on every path
 * out (normal exit, OOM kill, exec failure, SIGINT/SIGTERM/SIGHUP); a SIGKILLed oomlab leaves
 * it to the next run's stale sweep.
 */
#include <errno.h>
#include <fcntl.h>
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

#include "run.h"
#include "explain.h"
#include "run-victim.h"
#include "spawn.h"
#include "../lib/banned.h"

/*
 * The kernel log's report of this run's kill, matched by the run's cgroup (unique:
 * oomlab-<pid>-<n>) and, where it can, the command's pid. It is the victim when no tracepoint
 * source gave one; otherwise it fills what the tracepoint does not carry (the constraint, the
 * task that invoked the OOM killer, gfp_mask and order) for the same pid.
 */
static void run_match_kmsg(struct cli *cli, struct run_state *st, const char *cgname, pid_t pid,
			   bool had_source)
{
	struct kill_list kl = { 0 };
	const struct oom_event *best = NULL;

	if (explain_collect(&cli->host, NULL, &kl) < 0) {
		if (!st->has_victim)
			st->victim_note =
				"the kernel log is not readable (needs root or CAP_SYSLOG)";
		return;
	}
	for (size_t i = 0; i < kl.n; i++) {
		const struct oom_event *e = &kl.v[i];
		/* this run's kills only: not before it started (kmsg stamps run ~1 ms ahead of
		 * CLOCK_MONOTONIC here; allow 1 s) */
		if ((e->have & OOM_HAVE_KTIME) && e->kernel_time_us + 1000000 < st->t_start)
			continue;
		if (st->has_victim ? e->pid != st->victim.pid : !explain_match(e, 0, cgname))
			continue;
		if (!best || e->pid == pid)
			best = e;
	}
	if (best && !st->has_victim) {
		st->victim = *best;
		st->has_victim = true;
	} else if (best) {
		/* the one merge (lib/oom-event.h): the log adds what the tracepoint lacks */
		(void)oom_event_merge_log(&st->victim, best);
	}
	if (!st->has_victim)
		st->victim_note =
			best ? NULL :
			had_source ?
			       "neither the tracepoint source nor the kernel log has this cgroup's kill" :
			       "no kernel-side victim source here and no matching record in the kernel log (rate-limited or overwritten)";
	kill_list_free(&kl);
}

/* Everything in the cgroup dies now: the second signal, or the grace period ran out. */
static void list_left(struct run_state *st, const struct cg *cg);

static void force_kill(struct run_state *st, struct cg *cg, int second)
{
	int r;

	list_left(st, cg); /* name them before they die */
	r = cg_kill_now(cg);

	st->force_killed = true;
	st->second_signal = second;
	st->force_by_group = r == 1;
	if (second)
		runreport_event(st, "SIG%s again: killing every process of %s (%s)",
				sigabbrev_np(second) ? sigabbrev_np(second) : "?", cg->name,
				r == 1 ? "cgroup.kill" : "SIGKILL to each pid");
	else
		runreport_event(
			st,
			"still running %" PRIu64 ".%" PRIu64
			"s after SIG%s (--kill-after): killing every process of %s (%s)",
			st->kill_after_us / 1000000, st->kill_after_us / 100000 % 10,
			sigabbrev_np(st->interrupted_by) ? sigabbrev_np(st->interrupted_by) : "?",
			cg->name, r == 1 ? "cgroup.kill" : "SIGKILL to each pid");
}

/* The first SIGINT/SIGTERM/SIGHUP/SIGQUIT/SIGALRM: to every process of the cgroup, then a grace period. */
static void forward_signal(struct run_state *st, struct cg *cg, const struct signalfd_siginfo *ssi,
			   pid_t child, int kfd)
{
	int sig = (int)ssi->ssi_signo;
	/* a terminal (Ctrl-C, hangup) signalled our whole foreground process group already:
	 * those processes got it once, do not send it twice */
	bool from_tty = ssi->ssi_code == SI_KERNEL;
	int n = cg_signal_all(cg, sig, from_tty ? getpgrp() : 0);

	st->interrupted_by = sig;
	if (n < 0 && !from_tty)
		n = kill(child, sig) == 0 ? 1 : 0;
	st->forwarded = n < 0 ? 0 : n;
	if (st->kill_after_us == 0) {
		runreport_event(st, "SIG%s: --kill-after 0", sigabbrev_np(sig));
		force_kill(st, cg, 0);
		return;
	}
	{
		struct itimerspec its = { .it_value = { (time_t)(st->kill_after_us / 1000000),
							(long)(st->kill_after_us % 1000000) *
								1000 } };
		if (kfd < 0 || timerfd_settime(kfd, 0, &its, NULL) < 0)
			force_kill(st, cg, 0); /* no timer: never wait forever */
	}
	runreport_event(st,
			"SIG%s: sent to %d process(es) of the cgroup%s; all are killed in %" PRIu64
			".%" PRIu64 "s or at a second signal",
			sigabbrev_np(sig) ? sigabbrev_np(sig) : "?", st->forwarded,
			from_tty ? " (and the terminal's to the foreground group)" : "",
			st->kill_after_us / 1000000, st->kill_after_us / 100000 % 10);
}

/* What still runs in the cgroup now that the command is gone: named, then the teardown kills it. */
static void list_left(struct run_state *st, const struct cg *cg)
{
	pid_t pids[RUN_LEFT_MAX];
	size_t n = 0;
	char text[160];
	size_t len = 0;
	int total;

	if (st->force_killed || st->left_total)
		return; /* named already */
	total = cg_list_procs(cg, pids, RUN_LEFT_MAX, &n);
	/* the command itself is not "left" */
	for (size_t i = 0; i < n; i++) {
		if (pids[i] == st->pid) {
			pids[i] = pids[--n];
			total--;
			break;
		}
	}
	if (total <= 0)
		return;
	st->left_total = (size_t)total;
	for (size_t i = 0; i < n; i++) {
		char rel[64], path[PATH_MAX], buf[64] = "?";
		st->left[i].pid = pids[i];
		xsnprintf(rel, sizeof(rel), "/proc/%d/comm", (int)pids[i]);
		if (host_path(&st->cli->host, rel, path, sizeof(path)) >= 0 &&
		    read_file(path, buf, sizeof(buf)) >= 0)
			strip_trailing(buf);
		xsnprintf(st->left[i].comm, sizeof(st->left[i].comm), "%s", buf);
		if (len < sizeof(text) - 1)
			len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%d (%s)",
						i ? ", " : "", (int)pids[i],
						term_safe(st->left[i].comm, (char[64]){ 0 }, 64));
	}
	st->nleft = n;
	runreport_event(st, "%d process(es) besides the command in the cgroup, killed now: %s%s",
			total, text, (size_t)total > n ? ", ..." : "");
}

/* cgroup.events of the v2 directory: POLLPRI when "populated" changes (the cgroup emptied) */
static int open_events(const struct cg *cg)
{
	char path[PATH_MAX];

	if (!cg->v2[0] || path_join(path, sizeof(path), cg->v2, "cgroup.events") < 0)
		return -1;
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* The cgroups above ours (--parent): their limits may be the one that is hit. */
static void open_ancestors(struct run_state *st, const struct cg_layout *l, const char *parent)
{
	char name[PATH_MAX] = "";
	size_t nl = 0;
	const char *p = parent;

	while (*p && st->nanc < RUN_ANCESTORS_MAX) {
		const char *e;
		size_t len;
		while (*p == '/')
			p++;
		if (!*p)
			break;
		e = strchr(p, '/');
		len = e ? (size_t)(e - p) : strlen(p);
		if (nl + len + 2 >= sizeof(name))
			break;
		name[nl++] = '/';
		memcpy(name + nl, p, len);
		nl += len;
		name[nl] = '\0';
		p += len;
		{
			struct run_ancestor *a = &st->anc[st->nanc];
			if (cg_open(l, name, &a->cg) == 0 && cg_sample(&a->cg, &a->base) == 0) {
				xsnprintf(a->name, sizeof(a->name), "%s", name);
				st->nanc++;
			}
		}
	}
}

int run_execute(struct cli *cli, const struct run_opts *op, struct run_state *stp)
{
	const struct run_opts o = *op;
	struct run_state st = { 0 };
	struct cg_layout layout;
	struct cg cg = { 0 };
	bool have_cg = false;
	sigset_t mask, oldmask;
	_cleanup_close_ int sfd = -1, tfd = -1, kfd = -1;
	_cleanup_fclose_ FILE *timeline_file = NULL;
	FILE *timeline = NULL;
	struct spawn_result child = { .pid = -1, .pidfd = -1 };
	struct run_victim rv = { 0 };
	char name[64];
	int r, ret = EXIT_FAIL, stale = 0;
	size_t reported = 0;
	uint64_t force_at = 0;
	bool main_done = false;
	_cleanup_close_ int evfd = -1;
	FILE *live;

	live = o.live ? o.live : stderr;
	st.kill_after_us = o.kill_after_us;
	st.out = o.out ? o.out : stderr;

	r = cg_layout_detect(&cli->host, &layout);
	if (r < 0)
		return cli_error(cli, "cannot read the cgroup mounts: %s", strerror(-r));
	if (layout.mode == CG_MODE_NONE)
		return cli_error(
			cli,
			"no memory cgroup hierarchy is mounted (neither cgroup v2 nor a v1 memory controller)");
	if (layout.mode == CG_MODE_V2 && !layout.v2_memory)
		return cli_error(cli, "the cgroup v2 root at '%s' has no memory controller",
				 layout.v2);

	/* whose limit: every cgroup above ours, read before the command starts */
	open_ancestors(&st, &layout, o.parent ? o.parent : "");
	if (!o.force) {
		for (size_t i = 0; i < st.nanc; i++) {
			const struct cg_sample *b = &st.anc[i].base;
			char b1[32], b2[32], b3[32];
			if (b->max == SIZE_UNLIMITED ||
			    (b->max > b->current && b->max - b->current >= RUN_MIN_LIMIT))
				continue;
			return cli_error(
				cli,
				"the parent cgroup '%s' has %s left under its limit (%s, usage %s): "
				"the command could not even start; --force runs it anyway",
				st.anc[i].name,
				format_bytes(b->max > b->current ? b->max - b->current : 0, b1,
					     sizeof(b1)),
				format_bytes(b->max, b2, sizeof(b2)),
				format_bytes(b->current, b3, sizeof(b3)));
		}
	}
	if (o.timeline && strcmp(o.timeline, "-") == 0) {
		timeline = stdout;
	} else if (o.timeline) {
		timeline = timeline_file = fopen(o.timeline, "we");
		if (!timeline)
			return cli_error(cli, "cannot open '%s' for writing: %s", o.timeline,
					 strerror(errno));
	}

	/* remove what an earlier, SIGKILLed oomlab left behind (only oomlab-<deadpid>-<n>) */
	cg_clean_stale(&cli->host, &layout, o.parent, &stale);
	if (stale > 0)
		cli_note(cli, "removed %d stale cgroup(s) left by an oomlab that was killed",
			 stale);

	/* signals are events from here on: teardown happens on every path */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGQUIT);
	sigaddset(&mask, SIGALRM);
	sigaddset(&mask, SIGUSR1); /* USR1/USR2: passed on to the cgroup, nothing more */
	sigaddset(&mask, SIGUSR2);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGWINCH); /* the live view's terminal was resized */
	sigprocmask(SIG_BLOCK, &mask, &oldmask);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		r = cli_error(cli, "cannot create a signalfd: %s", strerror(errno));
		goto out;
	}

	r = cg_create_owned(&layout, o.parent, o.seq, &cg);
	xsnprintf(name, sizeof(name), "%s", r == 0 ? cg.name : "oomlab-<pid>-<n>-<random>");
	if (r < 0) {
		cli_error(cli, "cannot create cgroup '%s' under '%s%s': %s", name,
			  layout.mode == CG_MODE_V2 ? layout.v2 : layout.v1_memory,
			  o.parent && *o.parent ? o.parent : "", strerror(-r));
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
			cli_warn(
				cli,
				"memory.high is a cgroup v2 feature and this host's memory controller is on cgroup v1 (%s layout): "
				"the run has only the hard limit, so there is no throttling band and no 'high' events; "
				"the workload runs at full speed until it is reclaimed or killed at %s",
				cg_mode_to_string(layout.mode),
				o.max == SIZE_UNLIMITED ? "host memory" : "--max");
		} else if (r < 0) {
			cli_error(cli, "cannot write 'memory.high' in '%s': %s", cg.mem,
				  strerror(-r));
			goto out;
		}
	}
	if (o.has_swap_max) {
		r = cg_set_swap_max(&cg, o.swap_max);
		if (r < 0) {
			cli_error(cli, "cannot set the swap limit of '%s': %s%s", cg.mem,
				  strerror(-r),
				  r == -ENOENT ? " (swap accounting is off: swapaccount=1)" : "");
			goto out;
		}
	}

	/* the kernel's record of a kill, before the command starts (BPF: ~50 ms to load) */
	run_victim_open(&rv, &cli->host);
	runreport_init(&st, cli, live, timeline, o.timeline, o.quiet);
	st.victim_source = rv.src != NULL;
	st.keep_samples = o.keep_samples;
	st.peer_psi = o.peer_psi;
	runreport_sample(&st, true); /* baseline counters before the command starts */

	{
		struct spawn_opts so = { .set_adj = o.set_adj,
					 .adj = o.adj,
					 .restore_mask = &oldmask,
					 .stdout_to_stderr = o.stdout_to_stderr };
		const char *stage = "exec";
		r = spawn_in_cgroup(&cg, o.argv, &so, &child, &stage);
		if (r < 0) {
			if (strcmp(stage, "exec") == 0) {
				cli_error(
					cli, "cannot execute '%s': %s%s", o.argv[0], strerror(-r),
					r == -ENOENT && strcmp(o.argv[0], "oomlab") == 0 ?
						" (oomlab is not on PATH: 'make install', or give its path, e.g. ./oomlab)" :
						"");
				ret = r == -ENOENT ? 127 : 126;
			} else if (strcmp(stage, "oom_score_adj") == 0) {
				cli_error(
					cli, "cannot set oom_score_adj %d for '%s': %s%s", o.adj,
					o.argv[0], strerror(-r),
					r == -EACCES ?
						" (lowering it needs CAP_SYS_RESOURCE; see 'oomlab protect --relative')" :
						"");
			} else {
				cli_error(cli, "cannot move '%s' into cgroup '%s': %s", o.argv[0],
					  cg.name, strerror(-r));
			}
			goto out;
		}
	}
	st.pid = child.pid;
	st.t_start = now_us();
	st.wall_start_us = realtime_us();
	{
		const char *base = strrchr(o.argv[0], '/');
		xsnprintf(st.comm, sizeof(st.comm), "%.15s", base ? base + 1 : o.argv[0]);
	}
	rv.cgname = cg.name;
	rv.pid = child.pid;
	runreport_start(&st);
	kfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);

	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (tfd >= 0) {
		struct itimerspec its = {
			.it_interval = { (time_t)(o.interval_us / 1000000),
					 (long)(o.interval_us % 1000000) * 1000 },
			.it_value = { (time_t)(o.interval_us / 1000000),
				      (long)(o.interval_us % 1000000) * 1000 },
		};
		timerfd_settime(tfd, 0, &its, NULL);
	}

	for (;;) {
		struct pollfd pfd[6] = {
			{ .fd = sfd, .events = POLLIN },
			{ .fd = tfd, .events = POLLIN },
			{ .fd = main_done ? -1 : child.pidfd, .events = POLLIN },
			{ .fd = run_victim_fd(&rv), .events = POLLIN }, /* -1: ignored by poll */
			{ .fd = kfd, .events = POLLIN },
			{ .fd = main_done ? evfd : -1, .events = POLLPRI },
		};
		siginfo_t si;

		if (poll(pfd, 6, -1) < 0 && errno != EINTR) {
			cli_error(cli, "poll failed: %s", strerror(errno));
			break;
		}
		if (pfd[3].revents & POLLIN) {
			run_victim_consume(&rv);
			for (; reported < rv.nev; reported++)
				runreport_victim(&st, &rv.evs[reported]);
		}
		if (pfd[1].revents & POLLIN) {
			uint64_t ticks;
			if (read(tfd, &ticks, sizeof(ticks)) > 0)
				runreport_sample(&st, false);
			if (o.timeout_us && !st.timed_out &&
			    now_us() - st.t_start >= o.timeout_us) {
				st.timed_out = true;
				kill(child.pid, SIGKILL);
			}
			/* on v1 a fork can race the SIGKILL of each pid: kill again while waiting */
			if (st.force_killed && now_us() - force_at >= 1000000) {
				cg_kill_now(&cg);
				force_at = now_us();
			}
		}
		if (pfd[4].revents & POLLIN) {
			uint64_t ticks;
			if (read(kfd, &ticks, sizeof(ticks)) > 0 && !st.force_killed) {
				force_kill(&st, &cg, 0);
				force_at = now_us();
			}
		}
		if (pfd[0].revents & POLLIN) {
			struct signalfd_siginfo ssi;
			while (read(sfd, &ssi, sizeof(ssi)) == (ssize_t)sizeof(ssi)) {
				int sig = (int)ssi.ssi_signo;
				if (sig == SIGCHLD)
					continue;
				if (sig == SIGWINCH) {
					runreport_resize(&st);
				} else if (sig == SIGUSR1 || sig == SIGUSR2) {
					/* a workload's own signal (dd prints its progress on USR1):
					 * to every process of the cgroup; no grace period starts */
					int n = cg_signal_all(&cg, sig, 0);
					runreport_event(&st, "SIG%s passed on to %d process(es)",
							sigabbrev_np(sig), n < 0 ? 0 : n);
				} else if (!st.interrupted_by) {
					forward_signal(&st, &cg, &ssi, child.pid, kfd);
					if (st.force_killed)
						force_at = now_us();
				} else if (!st.force_killed) {
					force_kill(&st, &cg, sig);
					force_at = now_us();
				}
			}
		}
		/* pidfd readable, or SIGCHLD (no pidfd): reap without blocking */
		memset(&si, 0, sizeof(si));
		if (!main_done && waitid(P_PID, (id_t)child.pid, &si, WEXITED | WNOHANG) == 0 &&
		    si.si_pid == child.pid) {
			st.t_end = now_us();
			if (si.si_code == CLD_EXITED) {
				st.exit_code = si.si_status;
				st.exited = true;
			} else {
				st.signal = si.si_status;
				st.core = si.si_code == CLD_DUMPED;
			}
			main_done = true;
			/* the command obeyed a forwarded signal, others in the cgroup got it too: they
			 * have the rest of the grace period to finish, as systemd gives a unit's
			 * processes; without a signal the teardown kills them at once */
			if (st.interrupted_by && !st.force_killed && cg_count_procs(&cg) > 0) {
				evfd = open_events(&cg);
				runreport_event(
					&st,
					"the command ended; waiting for the rest of the cgroup until the grace period ends");
			}
		}
		if (main_done &&
		    (st.force_killed || !st.interrupted_by || cg_count_procs(&cg) <= 0))
			break;
	}

	run_victim_consume(&rv); /* mark_victim fired before the kill: its record is in */
	for (; reported < rv.nev; reported++)
		runreport_victim(&st, &rv.evs[reported]);
	list_left(&st, &cg);
	runreport_finish(&st); /* final counters, peak, kernel record: before teardown */
	if (rv.have) {
		st.victim = rv.ev;
		st.has_victim = true;
	}
	if (st.oom_kills)
		run_match_kmsg(cli, &st, cg.name, child.pid, rv.src != NULL);
	xsnprintf(st.cg_name_copy, sizeof(st.cg_name_copy), "%s", cg.name);
	runreport_conclude(&st);
	runreport_timeline_end(&st);

	if (st.exited)
		ret = st.exit_code;
	else
		ret = 128 + st.signal;

out:
	run_victim_close(&rv);
	if (have_cg) {
		r = cg_destroy(&cg, 5 * 1000 * 1000);
		if (r < 0) {
			cli_error(
				cli,
				"cannot remove cgroup '%s': '%s' stayed: %s (remove it with 'oomlab doctor --clean')",
				cg.name, cg.fail_dir[0] ? cg.fail_dir : cg.mem, strerror(-r));
			ret = ret == EXIT_OK ? EXIT_FAIL : ret;
		}
	}
	if (child.pid > 0 && child.pidfd >= 0)
		close(child.pidfd);
	st.started = child.pid > 0;
	st.layout = NULL; /* points into this frame */
	st.cg_name_copy[0] = '\0';
	if (have_cg)
		xsnprintf(st.cg_name_copy, sizeof(st.cg_name_copy), "%s", cg.name);
	st.mem_is_v2 = cg.mem_is_v2;
	st.mode = layout.mode;
	st.cg = NULL;
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	*stp = st;
	return ret;
}

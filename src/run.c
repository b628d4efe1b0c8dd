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
#include "runvictim.h"
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
			st->victim_note = "the kernel log is not readable (needs root or CAP_SYSLOG)";
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
		struct oom_event *v = &st->victim;
		if (!v->constraint[0])
			memcpy(v->constraint, best->constraint, sizeof(v->constraint));
		if (!v->invoker_comm[0])
			memcpy(v->invoker_comm, best->invoker_comm, sizeof(v->invoker_comm));
		if (!v->gfp_mask[0])
			memcpy(v->gfp_mask, best->gfp_mask, sizeof(v->gfp_mask));
		if (!(v->have & OOM_HAVE_ORDER) && (best->have & OOM_HAVE_ORDER)) {
			v->order = best->order;
			v->have |= OOM_HAVE_ORDER;
		}
		if (!(v->have & OOM_HAVE_INVOKER_PID) && (best->have & OOM_HAVE_INVOKER_PID)) {
			v->invoker_pid = best->invoker_pid;
			v->have |= OOM_HAVE_INVOKER_PID;
		}
		if (best->oom_memcg[0]) {
			memcpy(v->oom_memcg, best->oom_memcg, sizeof(v->oom_memcg));
			v->inferred_oom_memcg = false;
		}
		v->kmsg_checked = true;
	}
	if (!st->has_victim)
		st->victim_note = best ? NULL :
			had_source ? "neither the tracepoint source nor the kernel log has this cgroup's kill" :
			"no kernel-side victim source here and no matching record in the kernel log (rate-limited or overwritten)";
	kill_list_free(&kl);
}

int run_execute(struct cli *cli, const struct run_opts *op, struct run_state *stp)
{
	const struct run_opts o = *op;
	struct run_state st = { 0 };
	struct cg_layout layout;
	struct cg cg = { 0 };
	bool have_cg = false;
	sigset_t mask, oldmask;
	_cleanup_close_ int sfd = -1, tfd = -1;
	_cleanup_fclose_ FILE *timeline = NULL;
	struct spawn_result child = { .pid = -1, .pidfd = -1 };
	struct run_victim rv = { 0 };
	char name[64];
	int r, ret = EXIT_FAIL, stale = 0;
	FILE *live;

	live = o.live ? o.live : cli->json ? stderr : stdout;

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

	xsnprintf(name, sizeof(name), "oomlab-%d-%u", (int)getpid(), o.seq);
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

	/* the kernel's record of a kill, before the command starts (BPF: ~50 ms to load) */
	run_victim_open(&rv, &cli->host);
	runreport_init(&st, cli, live, timeline, o.timeline, o.quiet);
	st.keep_samples = o.keep_samples;
	st.peer_psi = o.peer_psi;
	runreport_sample(&st, true); /* baseline counters before the command starts */

	{
		struct spawn_opts so = { .set_adj = o.set_adj, .adj = o.adj, .restore_mask = &oldmask,
					.stdout_to_stderr = o.stdout_to_stderr };
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
	rv.cgname = cg.name;
	rv.pid = child.pid;

	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (tfd >= 0) {
		struct itimerspec its = {
			.it_interval = { (time_t)(o.interval_us / 1000000), (long)(o.interval_us % 1000000) * 1000 },
			.it_value = { (time_t)(o.interval_us / 1000000), (long)(o.interval_us % 1000000) * 1000 },
		};
		timerfd_settime(tfd, 0, &its, NULL);
	}

	for (;;) {
		struct pollfd pfd[4] = {
			{ .fd = sfd, .events = POLLIN },
			{ .fd = tfd, .events = POLLIN },
			{ .fd = child.pidfd, .events = POLLIN },
			{ .fd = run_victim_fd(&rv), .events = POLLIN }, /* -1: ignored by poll */
		};
		siginfo_t si;
		bool exited = false;

		if (poll(pfd, 4, -1) < 0 && errno != EINTR) {
			cli_error(cli, "poll failed: %s", strerror(errno));
			break;
		}
		if (pfd[3].revents & POLLIN)
			run_victim_consume(&rv);
		if (pfd[1].revents & POLLIN) {
			uint64_t ticks;
			if (read(tfd, &ticks, sizeof(ticks)) > 0)
				runreport_sample(&st, false);
			if (o.timeout_us && !st.timed_out && now_us() - st.t_start >= o.timeout_us) {
				st.timed_out = true;
				kill(child.pid, SIGKILL);
			}
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
	run_victim_consume(&rv); /* mark_victim fired before the kill: its record is in */
	if (rv.have) {
		st.victim = rv.ev;
		st.has_victim = true;
	}
	if (st.oom_kills)
		run_match_kmsg(cli, &st, cg.name, child.pid, rv.src != NULL);

	if (st.exited)
		ret = st.exit_code;
	else
		ret = 128 + st.signal;

out:
	run_victim_close(&rv);
	if (have_cg) {
		r = cg_destroy(&cg, 5 * 1000 * 1000);
		if (r < 0) {
			cli_error(cli, "cannot remove cgroup '%s': %s (remove it with 'oomlab doctor --clean')",
				  cg.name, strerror(-r));
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

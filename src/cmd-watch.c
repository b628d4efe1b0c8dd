// SPDX-License-Identifier: MIT
/*
 * oomlab watch: a machine-wide live stream of OOM kills.
 *
 * Sources (--source, lib/victim.h): the kernel's oom:mark_victim tracepoint through BPF or
 * a tracefs instance, or the kernel log (/dev/kmsg, records after lseek(SEEK_END)). auto takes
 * the first that works in that order and says why the others were not used.
 * One poll() on the source's fd and a signalfd (SIGCHLD of --exec hooks, SIGINT/SIGTERM/
 * SIGHUP): no timer, no wake-up while nothing happens. Memory is bounded by the assembler's
 * fixed table of open reports (kmsg) or one ring buffer (BPF). Rendering, filtering and hooks
 * work on struct oom_event, whatever produced it.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "oomlab.h"
#include "explain.h"
#include "spawn.h"
#include "cg-arg.h"
#include "run-victim.h"
#include "../lib/banned.h"

#define HOOKS_MAX 32 /* running --exec hooks at once; more are skipped with a warning */

struct watch {
	struct cli *cli;
	const char *cgroup;
	const char *exec;
	uint64_t count, seen, lost;
	bool latency;
	bool stop;
	uint64_t woke_us; /* --latency: CLOCK_MONOTONIC when the wait returned */
	int hooks;
	uint64_t hooks_skipped;
};

static uint64_t clock_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/*
 * A short EEVDF slice: sched_attr.sched_runtime of a SCHED_OTHER task (6.12+, no privilege
 * needed; older kernels ignore it). The same policy, nice and CPU share, but a waking watcher
 * with a shorter slice than the running task may end that task's slice protection and preempt
 * it (PREEMPT_SHORT) instead of waiting for the tick that ends the slice (up to 4 ms at
 * HZ=250, docs/BPF.md). The watcher runs a few tens of µs per kill: 0.1 ms, the kernel's
 * minimum, is never its limit. Only a SCHED_OTHER watcher is changed (chrt, SCHED_BATCH are
 * kept); --exec hooks do not inherit it (reset on fork).
 */
static void request_short_slice(void)
{
	struct {
		uint32_t size, policy;
		uint64_t flags;
		int32_t nice;
		uint32_t priority;
		uint64_t runtime, deadline, period;
		uint32_t util_min, util_max;
	} a = { 0 };

	if (syscall(SYS_sched_getattr, 0, &a, sizeof(a), 0) < 0 || a.policy != SCHED_OTHER)
		return;
	a.size = sizeof(a);
	a.flags = 0x01; /* SCHED_FLAG_RESET_ON_FORK */
	a.runtime = 100 * 1000;
	(void)syscall(SYS_sched_setattr, 0, &a, 0);
}

static void run_hook(struct watch *w, const struct oom_event *ev)
{
	char *json = NULL;
	size_t jlen = 0;
	FILE *m;
	int p[2];
	pid_t child;

	if (w->hooks >= HOOKS_MAX) {
		w->hooks_skipped++;
		cli_warn(w->cli, "--exec: %d hooks still running, not starting one for pid %d",
			 w->hooks, (int)ev->pid);
		return;
	}
	m = open_memstream(&json, &jlen);
	if (!m)
		return;
	explain_kill_json_line(m, ev);
	fclose(m);
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0) {
		free(json);
		return;
	}
	{
		/* the one spawn (src/spawn.h): no cgroup; the mask a shell expects, not our
		 * signalfd's; stdin the read end, made blocking; the event in the environment */
		static char env[10][OOM_CGROUP_MAX + 32];
		char *envp[11], *argv[] = { "/bin/sh", "-c", (char *)w->exec, NULL };
		const char *scope = ev->scope == OOM_SCOPE_GLOBAL ? "global" :
				    ev->scope == OOM_SCOPE_MEMCG  ? "memcg" :
								    "";
		sigset_t none;
		struct spawn_opts so = { .restore_mask = &none, .stdin_fd = p[0], .env = envp };
		struct spawn_result res;
		const char *stage = "exec";
		int n = 0, r;

		sigemptyset(&none);
#define ENV(...) (xsnprintf(env[n], sizeof(env[n]), __VA_ARGS__), envp[n] = env[n], n++)
		ENV("OOMLAB_PID=%d", (int)ev->pid);
		ENV("OOMLAB_COMM=%s", ev->comm);
		ENV("OOMLAB_TASK_MEMCG=%s", ev->task_memcg);
		ENV("OOMLAB_OOM_MEMCG=%s", ev->oom_memcg);
		ENV("OOMLAB_SCOPE=%s", scope);
		ENV("OOMLAB_CONTAINER=%s", ev->container);
		ENV("OOMLAB_ANON_RSS_KB=%llu", (unsigned long long)ev->anon_rss_kb);
		if (ev->have & OOM_HAVE_MEMCG_LIMIT)
			ENV("OOMLAB_MEMCG_LIMIT_KB=%llu", (unsigned long long)ev->memcg_limit_kb);
		else
			ENV("OOMLAB_MEMCG_LIMIT_KB=");
		if (ev->have & OOM_HAVE_KTIME)
			ENV("OOMLAB_KERNEL_TIME_US=%llu", (unsigned long long)ev->kernel_time_us);
		else
			ENV("OOMLAB_KERNEL_TIME_US=");
#undef ENV
		envp[n] = NULL;
		r = spawn_in_cgroup(NULL, argv, &so, &res, &stage);
		child = r < 0 ? -1 : res.pid;
		if (r < 0)
			errno = -r;
		else if (res.pidfd >= 0)
			close(res.pidfd); /* reaped through SIGCHLD */
	}
	close(p[0]);
	if (child < 0) {
		cli_warn(w->cli, "--exec: cannot start the hook: %s", strerror(errno));
	} else {
		/* under PIPE_BUF*16: fits the pipe buffer, never blocks; a hook that exits early
		 * without reading gets EPIPE here, which we ignore (SIGPIPE is blocked and read from
		 * the signalfd: it stops the watch only when it comes from stdout, see below) */
		ssize_t n = write(p[1], json, jlen);
		(void)n;
		w->hooks++;
	}
	close(p[1]);
	free(json);
}

/* every source delivers through this; a negative return stops the source's consume() */
static int on_victim(const struct oom_event *e, void *userdata)
{
	struct watch *w = userdata;
	struct oom_event ev = *e;
	unsigned enrich = ENRICH_NAME | (host_is_live(&w->cli->host) ? ENRICH_PROC : 0);
	uint64_t render_us = 0;
	bool limit_later = false;

	/*
	 * The BPF record carries the OOMing memcg's limit, read in the kernel at the kill a few
	 * microseconds ago: that is the limit now. Re-reading memory.limit_in_bytes (open, read,
	 * close of a cgroup file) before the write cost 20-100 us of the kill-to-reader time
	 * (docs/BPF.md, "Where the time to the reader goes").
	 */
	if (ev.source == OOM_SOURCE_BPF && (ev.have & OOM_HAVE_MEMCG_LIMIT)) {
		ev.limit_now_kb =
			cg_limit_kb_is_none(ev.memcg_limit_kb) ? UINT64_MAX : ev.memcg_limit_kb;
		ev.have |= OOM_HAVE_LIMIT_NOW;
	} else if (!w->cli->json && (ev.have & OOM_HAVE_MEMCG_LIMIT)) {
		/* the text line shows "limit now" only without the limit at the kill: a hook's
		 * JSON still gets it, read after the line is out */
		limit_later = true;
	} else {
		enrich |= ENRICH_LIMIT;
	}
	explain_enrich(&ev, &w->cli->host, enrich);
	if (!explain_match(&ev, 0, w->cgroup))
		return 0;
	if (w->latency)
		render_us = clock_us(CLOCK_MONOTONIC);
	if (w->cli->json)
		explain_kill_json_line(stdout, &ev);
	else
		explain_kill_line(stdout, &ev);
	/* stdout is fully buffered (cmd_watch()): this is the one write(2) of the line */
	if (cli_stdout_check(w->cli) < 0) {
		/* the reader went away (EPIPE) or the disk is full: nothing more can be said */
		w->stop = true;
		return -ECANCELED;
	}
	if (w->latency && (ev.have & OOM_HAVE_KTIME)) {
		uint64_t mono = clock_us(CLOCK_MONOTONIC), boot = clock_us(CLOCK_BOOTTIME);
		fprintf(stderr,
			"latency pid=%d kernel_us=%llu woke_us=%llu seen_us=%llu render_us=%llu "
			"monotonic_us=%llu boottime_us=%llu\n",
			(int)ev.pid, (unsigned long long)ev.kernel_time_us,
			(unsigned long long)w->woke_us, (unsigned long long)ev.seen_time_us,
			(unsigned long long)render_us, (unsigned long long)mono,
			(unsigned long long)boot);
	}
	if (w->exec) {
		if (limit_later)
			explain_enrich(&ev, &w->cli->host, ENRICH_LIMIT);
		run_hook(w, &ev);
	}
	if (w->count && ++w->seen >= w->count)
		w->stop = true;
	return w->stop ? -ECANCELED : 0;
}

/* the kmsg source: what it read that is not a kill */
static void on_note(const struct victim_note *n, void *userdata)
{
	struct watch *w = userdata;

	if (n->kind == VICTIM_NOTE_OVERWRITTEN)
		w->lost += n->count;
	else if (n->kind == VICTIM_NOTE_IMITATION)
		cli_warn(w->cli,
			 "ignored a /dev/kmsg record of facility %d that imitates the "
			 "kernel's OOM messages (a program wrote it; not a kill, no hook run)",
			 n->facility);
}

static void reap_children(struct watch *w)
{
	for (;;) {
		pid_t p = waitpid(-1, NULL, WNOHANG);
		if (p <= 0)
			break;
		if (w->hooks > 0)
			w->hooks--;
	}
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: oomlab watch [--source SRC] [--json] [--exec CMD] [--cgroup PATH] [--count N]\n"
		"                    [--timeout DUR]\n\n"
		"Stream OOM kills machine-wide as the kernel reports them, decoded, enriched while the\n"
		"cgroup exists, with the container or pod named.\n\n"
		"Options:\n"
		"  -s, --source SRC    auto (default): bpf, else tracefs, else kmsg; bpf: the\n"
		"                      oom:mark_victim tracepoint through BPF (the victim's record and\n"
		"                      memcg chain before it is gone); tracefs: the same tracepoint\n"
		"                      through a private tracefs instance; kmsg: the kernel log\n"
		"      --no-kmsg       bpf/tracefs: do not read /dev/kmsg to fill in the constraint\n"
		"  -J, --json          one JSON object per kill per line\n"
		"  -e, --exec CMD      run CMD (/bin/sh -c) for each kill: the event in OOMLAB_PID,\n"
		"                      OOMLAB_COMM, OOMLAB_TASK_MEMCG, OOMLAB_OOM_MEMCG, ... and as JSON\n"
		"                      on its stdin; never blocks the stream\n"
		"  -c, --cgroup PATH   only kills in cgroup PATH or below it\n"
		"  -n, --count N       exit after N kills\n"
		"  -t, --timeout DUR   exit after DUR (e.g. 30s, 10m); with --count, fewer kills\n"
		"                      by then is exit status 1\n"
		"      --latency       print the kernel time stamp and CLOCK_MONOTONIC/CLOCK_BOOTTIME\n"
		"                      at print time of each kill on stderr (benchmarks)\n"
		"  -h, --help          show this help\n");
}

int cmd_watch(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "exec", required_argument, NULL, 'e' },
		{ "cgroup", required_argument, NULL, 'c' },
		{ "count", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "latency", no_argument, NULL, 'L' },
		{ "pid-only", no_argument, NULL, 'P' }, /* tests: the pre-6.9 tracepoint path */
		CLI_SOURCE_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct cli_source cs = { .vo.on_note = on_note };
	struct watch w = { .cli = cli };
	const char *cgroup_arg = NULL;
	char cgbuf[PATH_MAX];
	uint64_t timeout = 0, deadline = 0;
	bool out_pipe = false;
	sigset_t mask;
	int c, r, fd, sfd = -1, rc = EXIT_OK;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":Je:c:n:t:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
		case 'K':
		case 'A':
			if ((r = cli_source_option(cli, c, optarg, &cs)))
				return r;
			break;
		case 'P':
			cs.vo.force_pid_only = true;
			break;
		case 'J':
			cli->json = true;
			break;
		case 'e':
			if (!optarg[0])
				return cli_usage_error(cli, "empty command for --exec");
			w.exec = optarg;
			break;
		case 'c':
			cgroup_arg = optarg;
			break;
		case 'n':
			if (parse_u64(optarg, &w.count) < 0 || w.count == 0)
				return cli_usage_error(cli, "invalid count '%s' for --count",
						       optarg);
			break;
		case 't':
			if (cli_parse_duration(cli, "--timeout", optarg, &timeout))
				return EXIT_USAGE;
			break;
		case 'L':
			w.latency = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			return cli_option_error(cli, argv, c);
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	if (cgroup_arg) {
		/* a cgroup that is gone (or not created yet) still filters by its path */
		struct cg_layout l;
		struct cg_target t;
		char q[PATH_MAX];
		if (cg_layout_detect(&cli->host, &l) < 0)
			memset(&l, 0, sizeof(l));
		if ((r = cli_resolve_cgroup(cli, &l, "--cgroup", cgroup_arg, CGT_MAY_BE_GONE, &t)))
			return r;
		xsnprintf(cgbuf, sizeof(cgbuf), "%s", t.name);
		w.cgroup = cgbuf;
		/* on stderr in JSON mode too: the stream carries only kills */
		fprintf(stderr, "oomlab watch: --cgroup '%s' (%s): %s%s\n",
			cli_quote(cgroup_arg, q, sizeof(q)), cg_target_form_to_string(t.form),
			cli_cgroup_target_text(&t, (char[3 * PATH_MAX + 64]){ 0 },
					       3 * PATH_MAX + 64),
			t.exists ? "" : ": matching kills recorded with that path");
	}

	/*
	 * Every signal that would end us by default is an event of the signalfd instead, so the
	 * trace instance and the BPF links go on every one of them (SIGPIPE included: a reader
	 * that went away ends us quietly). Faults, stop/continue and SIGKILL keep their defaults.
	 */
	sigemptyset(&mask);
	{
		static const int sigs[] = { SIGCHLD, SIGINT,  SIGTERM, SIGHUP,	  SIGQUIT, SIGPIPE,
					    SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU,
					    SIGXFSZ, SIGIO,   SIGPWR,  SIGSTKFLT };
		for (size_t k = 0; k < ELEMENTSOF(sigs); k++)
			sigaddset(&mask, sigs[k]);
		for (int k = SIGRTMIN; k <= SIGRTMAX; k++)
			sigaddset(&mask, k);
	}
	/* blocked before a source opens (BPF takes ~50 ms): a Ctrl-C then is kept, not lost */
	sigprocmask(SIG_BLOCK, &mask, NULL);
	if ((rc = cli_source_open(cli, &cs)))
		return rc;
	fd = victim_source_fd(cs.src);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		rc = cli_error(cli, "cannot create a signalfd: %s", strerror(errno));
		goto out;
	}
	if (timeout)
		deadline = now_us() + timeout;
	{
		struct stat so;
		out_pipe = fstat(STDOUT_FILENO, &so) == 0 && S_ISFIFO(so.st_mode);
	}
	/*
	 * One write(2) per kill, whatever the line's length: the renderers write in pieces, a
	 * line-buffered stdout (main.c) writes when its buffer (4 KiB for a pipe) fills and again at
	 * the newline, and a reader may wake for half a line. Fully buffered, flushed after each
	 * kill (on_victim), the line goes out whole. Nothing was written to stdout before this.
	 */
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	request_short_slice();
	/* on stderr in JSON mode too: scripts wait for this line before provoking kills */
	fprintf(stderr, "oomlab watch: watching %s for OOM kills%s%s (Ctrl-C to stop)\n",
		victim_source_get_kind(cs.src) == VICTIM_SOURCE_KMSG ?
			victim_source_detail(cs.src) :
			cs.what,
		w.cgroup ? " in " : "", w.cgroup ? w.cgroup : "");

	while (!w.stop) {
		/* stdout a pipe: its reader leaving shows as POLLERR, before we have anything to write */
		struct pollfd pfd[3] = { { .fd = fd, .events = POLLIN },
					 { .fd = sfd, .events = POLLIN },
					 { .fd = out_pipe ? STDOUT_FILENO : -1, .events = 0 } };
		int tmo = -1;

		if (deadline) {
			uint64_t now = now_us();
			if (now >= deadline)
				break;
			tmo = (int)((deadline - now + 999) / 1000);
		}
		r = poll(pfd, 3, tmo);
		if (w.latency)
			w.woke_us = clock_us(CLOCK_MONOTONIC);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = cli_error(cli, "poll: %s", strerror(errno));
			break;
		}
		if (pfd[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
				if (si.ssi_signo == SIGCHLD)
					reap_children(&w);
				else if (si.ssi_signo != SIGPIPE) /* a hook's pipe; stdout: below */
					w.stop = true;
			}
		}
		if (pfd[2].revents & (POLLERR | POLLHUP)) {
			cli->stdout_err = EPIPE;
			break;
		}
		if (!(pfd[0].revents & (POLLIN | POLLERR)))
			continue;
		r = victim_source_consume(cs.src, on_victim, &w);
		if (r < 0 && r != -ECANCELED) {
			rc = cli_error(cli, "cannot read %s: %s", cs.what, strerror(-r));
			break;
		}
	}
	if (w.lost)
		cli_warn(cli, "the kernel log overwrote records %llu time(s) before they were read",
			 (unsigned long long)w.lost);
	if (rc == EXIT_OK && w.count && w.seen < w.count && !w.stop)
		rc = cli_error(cli, "timeout: %llu of %llu kills seen", (unsigned long long)w.seen,
			       (unsigned long long)w.count);
out:
	victim_source_close(cs.src);
	if (sfd >= 0)
		close(sfd);
	return rc;
}

// SPDX-License-Identifier: MIT
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/proc.h"
#include "../lib/util.h"
#include "../lib/banned.h"

enum { STAGE_JOIN = 1, STAGE_ADJ, STAGE_EXEC };

struct child_report {
	int stage;
	int err;
};

static void child_fail(int fd, int stage, int err)
{
	struct child_report rep = { stage, err };
	ssize_t n = write(fd, &rep, sizeof(rep));
	(void)n;
	_exit(err == ENOENT && stage == STAGE_EXEC ? 127 : 126);
}

/* In the child: nothing here may allocate much; it runs before the cgroup limit is known to
 * hold the command, and must not touch the parent's stdio buffers. */
static void child(const struct cg *cg, char **argv, const struct spawn_opts *o, int fd, bool joined)
{
	int r;

	if (!cg) {
		/* a hook: no cgroup of ours to join */
	} else if (!joined) {
		r = cg_attach(cg, 0);
		if (r < 0)
			child_fail(fd, STAGE_JOIN, -r);
	} else if (cg->v2[0] && !cg->mem_is_v2) {
		/* clone3 put us into the v2 directory; the v1 one still needs a write */
		r = cg_attach(cg, 0);
		if (r < 0)
			child_fail(fd, STAGE_JOIN, -r);
	}
	if (o->set_adj) {
		static const struct host live = { .root = "" };
		r = proc_set_oom_score_adj(&live, getpid(), o->adj);
		if (r < 0)
			child_fail(fd, STAGE_ADJ, -r);
	}
	if (o->stdout_to_stderr && dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
		child_fail(fd, STAGE_EXEC, errno);
	/* dup2 clears close-on-exec on fd 1 only: the caller's copy stays its own */
	if (o->stdout_fd > 0 && o->stdout_fd != STDOUT_FILENO &&
	    dup2(o->stdout_fd, STDOUT_FILENO) < 0)
		child_fail(fd, STAGE_EXEC, errno);
	if (o->stdin_fd > 0 &&
	    (dup2(o->stdin_fd, STDIN_FILENO) < 0 || fcntl(STDIN_FILENO, F_SETFL, 0) < 0))
		child_fail(fd, STAGE_EXEC, errno);
	for (char *const *e = o->env; e && *e; e++)
		if (putenv(*e) != 0)
			child_fail(fd, STAGE_EXEC, errno);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	{
		/* the caller blocks these to receive them on a signalfd; the command must not
		 * inherit that (a caller may itself run with them blocked, like the lab) */
		sigset_t m;
		if (o->restore_mask)
			m = *o->restore_mask;
		else
			sigemptyset(&m);
		sigdelset(&m, SIGINT);
		sigdelset(&m, SIGTERM);
		sigdelset(&m, SIGHUP);
		sigdelset(&m, SIGCHLD);
		sigprocmask(SIG_SETMASK, &m, NULL);
	}
	execvp(argv[0], argv);
	child_fail(fd, STAGE_EXEC, errno);
}

static pid_t try_clone3(const struct cg *cg, int *ret_pidfd)
{
#if defined(SYS_clone3) && defined(CLONE_INTO_CGROUP)
	struct clone_args args;
	_cleanup_close_ int cgfd = -1;
	int pidfd = -1;
	pid_t pid;

	if (!cg->mem_is_v2)
		return -EOPNOTSUPP; /* v1 memory: CLONE_INTO_CGROUP only knows the v2 tree */
	cgfd = open(cg->v2, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgfd < 0)
		return -errno;
	memset(&args, 0, sizeof(args));
	args.flags = CLONE_INTO_CGROUP | CLONE_PIDFD;
	args.pidfd = (uint64_t)(uintptr_t)&pidfd;
	args.exit_signal = SIGCHLD;
	args.cgroup = (uint64_t)cgfd;
	pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0)
		return -errno;
	if (pid == 0)
		return 0;
	*ret_pidfd = pidfd;
	return pid;
#else
	return -ENOSYS;
#endif
}

int spawn_in_cgroup(const struct cg *cg, char **argv, const struct spawn_opts *o,
		    struct spawn_result *ret, const char **ret_stage)
{
	struct spawn_result res = { .pid = -1, .pidfd = -1 };
	struct child_report rep;
	int p[2];
	pid_t pid;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	pid = cg ? try_clone3(cg, &res.pidfd) : -EOPNOTSUPP;
	if (pid == 0) {
		close(p[0]);
		child(cg, argv, o, p[1], true);
	}
	if (pid > 0) {
		res.into_cgroup = true;
	} else {
		pid = fork();
		if (pid < 0) {
			int e = errno;
			close(p[0]);
			close(p[1]);
			return -e;
		}
		if (pid == 0) {
			close(p[0]);
			child(cg, argv, o, p[1], false);
		}
		res.pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
		if (res.pidfd >= 0)
			fcntl(res.pidfd, F_SETFD, FD_CLOEXEC);
	}
	res.pid = pid;
	close(p[1]);
	do
		n = read(p[0], &rep, sizeof(rep));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	if (n == (ssize_t)sizeof(rep)) {
		/* the child failed before exec and has exited */
		waitpid(pid, NULL, 0);
		if (res.pidfd >= 0)
			close(res.pidfd);
		*ret_stage = rep.stage == STAGE_JOIN ? "join" :
			     rep.stage == STAGE_ADJ  ? "oom_score_adj" :
						       "exec";
		return -rep.err;
	}
	*ret = res;
	return 0;
}

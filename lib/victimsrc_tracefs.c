// SPDX-License-Identifier: MIT
/*
 * The tracefs victim source: no libbpf, no BPF. A private trace instance
 * (/sys/kernel/tracing/instances/oomlab-<pid>) with only oom/mark_victim enabled, its clock set
 * to "mono" (so timestamps compare with CLOCK_MONOTONIC and with the BPF source), read from its
 * trace_pipe when poll() says so. A private instance leaves the global trace buffer and every
 * other tracer alone. tracefs is mounted when it is not (it is not at boot on some hosts); the
 * mount is left in place on exit: it is harmless and other tools expect it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "victimsrc-internal.h"
#include "banned.h"

#define TRACEFS "/sys/kernel/tracing"
#define DEBUGFS_TRACING "/sys/kernel/debug/tracing"

struct tracefs_src {
	char inst[PATH_MAX];
	int fd; /* trace_pipe, O_NONBLOCK */
	enum mark_victim_shape shape;
	char line[4096]; /* partial line carried between reads */
	size_t line_len;
};

static int inst_write(const struct tracefs_src *t, const char *file, const char *val)
{
	char p[PATH_MAX + 64];
	int r = xsnprintf(p, sizeof(p), "%s/%s", t->inst, file);

	return r < 0 ? r : write_file(p, val);
}

/*
 * Remove instances an earlier oomlab could not (SIGKILL): only "oomlab-<pid>" whose pid is gone.
 * A left instance costs its buffers and keeps mark_victim enabled in it.
 */
static void remove_stale_instances(const char *root)
{
	char dir[PATH_MAX], p[PATH_MAX + 300];
	struct dirent *de;
	DIR *d;

	xsnprintf(dir, sizeof(dir), "%s/instances", root);
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		uint64_t pid;

		if (!startswith(de->d_name, "oomlab-") || parse_u64(de->d_name + 7, &pid) < 0 ||
		    pid == 0 || pid > INT32_MAX)
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		if (xsnprintf(p, sizeof(p), "%s/%s", dir, de->d_name) >= 0)
			rmdir(p);
	}
	closedir(d);
}

static int tracefs_open(struct victim_source *s, char *why, size_t sz)
{
	struct tracefs_src *t;
	const char *root = TRACEFS;
	char p[PATH_MAX + 64], fmt[4096];
	bool mounted = false;
	struct stat st;
	ssize_t n;
	int r;

	if (!host_is_live(&s->host)) {
		xsnprintf(why, sz, "needs the live system, not a --sysroot tree");
		return -EOPNOTSUPP;
	}
	if (stat(TRACEFS "/instances", &st) < 0) {
		if (errno != ENOENT) { /* EACCES: tracefs is root-only (0700) */
			r = -errno;
			xsnprintf(why, sz, "cannot access '%s': %s", TRACEFS "/instances",
				  strerror(-r));
			return r;
		}
		if (mount("nodev", TRACEFS, "tracefs", 0, NULL) == 0) {
			mounted = true;
		} else {
			r = -errno;
			if (stat(DEBUGFS_TRACING "/instances", &st) < 0) {
				xsnprintf(why, sz, "cannot mount tracefs on '%s': %s", TRACEFS,
					  strerror(-r));
				return r;
			}
			root = DEBUGFS_TRACING; /* old kernels: tracefs only under debugfs */
		}
	}
	remove_stale_instances(root);
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->fd = -1;
	xsnprintf(t->inst, sizeof(t->inst), "%s/instances/oomlab-%d", root, (int)getpid());

	xsnprintf(p, sizeof(p), "%s/events/oom/mark_victim/format", root);
	n = read_file(p, fmt, sizeof(fmt));
	if (n < 0) {
		xsnprintf(why, sz, "cannot read '%s': %s", p, strerror((int)-n));
		free(t);
		return (int)n;
	}
	r = mark_victim_format_shape(fmt);
	if (r < 0) {
		xsnprintf(why, sz, "unknown oom:mark_victim format in '%s'", p);
		free(t);
		return r;
	}
	t->shape = r;

	if (mkdir(t->inst, 0700) < 0 && !(errno == EEXIST && rmdir(t->inst) == 0 &&
					  mkdir(t->inst, 0700) == 0)) {
		r = -errno;
		xsnprintf(why, sz, "cannot create trace instance '%s': %s", t->inst,
			 strerror(errno));
		free(t);
		return r;
	}
	/* 16 KiB per CPU instead of the default ~1.4 MiB: a record is ~100 bytes */
	(void)inst_write(t, "buffer_size_kb", "16");
	r = inst_write(t, "trace_clock", "mono");
	if (r == 0)
		r = inst_write(t, "events/oom/mark_victim/enable", "1");
	if (r < 0) {
		xsnprintf(why, sz, "cannot enable oom/mark_victim in '%s': %s", t->inst,
			 strerror(-r));
		rmdir(t->inst);
		free(t);
		return r;
	}
	xsnprintf(p, sizeof(p), "%s/trace_pipe", t->inst);
	t->fd = open(p, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (t->fd < 0) {
		r = -errno;
		xsnprintf(why, sz, "cannot open '%s': %s", p, strerror(errno));
		rmdir(t->inst);
		free(t);
		return r;
	}
	victim_cleanup_register(t->inst, t->fd);
	xsnprintf(s->detail, sizeof(s->detail), "trace instance %s, oom/mark_victim (%s)%s",
		 t->inst, t->shape == MARK_VICTIM_FULL ? "full record" : "pid only",
		 mounted ? "; mounted tracefs on " TRACEFS " (left mounted)" : "");
	s->priv = t;
	return 0;
}

static int tracefs_fd(const struct victim_source *s)
{
	return ((const struct tracefs_src *)s->priv)->fd;
}

static void tracefs_line(struct victim_source *s, const char *line, size_t len)
{
	struct oom_event ev;

	if (mark_victim_parse_line(line, len, &ev) < 0)
		return;
	ev.source = OOM_SOURCE_TRACEFS;
	/* mark_victim fires in __oom_kill_process() after the SIGKILL was sent: killed */
	ev.killed = true;
	/* the record has no cgroup: read it now (the victim lives 2-5 ms after mark_victim) */
	victim_fill_after_the_fact(&s->host, &ev);
	victim_source_emit(s, &ev, NULL);
}

static int tracefs_consume(struct victim_source *s)
{
	struct tracefs_src *t = s->priv;
	char buf[16384];

	for (;;) {
		ssize_t n = read(t->fd, buf, sizeof(buf));
		const char *p, *end;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		p = buf;
		end = buf + n;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);

			if (t->line_len + l < sizeof(t->line)) {
				memcpy(t->line + t->line_len, p, l);
				t->line_len += l;
			} else {
				t->line_len = sizeof(t->line); /* too long: dropped at its end */
			}
			if (!nl)
				break;
			if (t->line_len < sizeof(t->line))
				tracefs_line(s, t->line, t->line_len);
			t->line_len = 0;
			p = nl + 1;
		}
		if (s->stop < 0)
			return 0;
	}
}

static void tracefs_close(struct victim_source *s)
{
	struct tracefs_src *t = s->priv;

	if (!t)
		return;
	victim_cleanup_unregister(t->inst);
	if (t->fd >= 0)
		close(t->fd);
	(void)inst_write(t, "events/oom/mark_victim/enable", "0");
	rmdir(t->inst);
	free(t);
}

const struct victim_backend victim_backend_tracefs = {
	.kind = VICTIM_SOURCE_TRACEFS,
	.open = tracefs_open,
	.fd = tracefs_fd,
	.consume = tracefs_consume,
	.close = tracefs_close,
};

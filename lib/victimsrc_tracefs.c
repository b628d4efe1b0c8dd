// SPDX-License-Identifier: MIT
/*
 * The tracefs victim source: no libbpf, no BPF. A private trace instance (instances/oomlab-<pid>)
 * with only oom/mark_victim enabled, its clock set to "mono" (so timestamps compare with
 * CLOCK_MONOTONIC and with the BPF source), read from its trace_pipe when poll() says so. A
 * private instance leaves the global trace buffer and every other tracer alone.
 *
 * tracefs is reached through a directory fd (tracefs_root_open()): the mounted one where there
 * is one, else a detached mount of oomlab's own that no other process sees (fsmount(2)), so
 * nothing is mounted on the host, nothing is left behind, and nobody else's /sys/kernel/tracing
 * is touched. Every path below is relative to that fd.
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
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"
#include "victimsrc-internal.h"
#include "banned.h"

#define TRACEFS "/sys/kernel/tracing"
#define DEBUGFS_TRACING "/sys/kernel/debug/tracing"

/* <linux/mount.h> values (stable ABI); glibc < 2.36 has no wrappers */
#ifndef FSOPEN_CLOEXEC
#define FSOPEN_CLOEXEC 0x00000001
#endif
#ifndef FSMOUNT_CLOEXEC
#define FSMOUNT_CLOEXEC 0x00000001
#endif
#ifndef FSCONFIG_CMD_CREATE
#define FSCONFIG_CMD_CREATE 6
#endif

const char *tracefs_how_to_string(enum tracefs_how how)
{
	switch (how) {
	case TRACEFS_MOUNTED:
		return "the tracefs mounted at " TRACEFS;
	case TRACEFS_DEBUGFS:
		return "the tracefs under " DEBUGFS_TRACING;
	case TRACEFS_DETACHED:
		return "a private detached tracefs mount (fsmount: nothing mounted on the host)";
	case TRACEFS_TEMPDIR:
		return "tracefs mounted on a private temporary directory, unmounted at once";
	}
	return "?";
}

static int open_mounted(const char *dir)
{
	char p[PATH_MAX];
	struct stat st;

	xsnprintf(p, sizeof(p), "%s/events", dir);
	if (stat(p, &st) < 0)
		return -errno;
	return open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static int open_detached(void)
{
#if defined(SYS_fsopen) && defined(SYS_fsconfig) && defined(SYS_fsmount)
	int fs, m, r;

	fs = (int)syscall(SYS_fsopen, "tracefs", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -errno;
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		r = -errno;
		close(fs);
		return r;
	}
	m = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0);
	r = m < 0 ? -errno : m;
	close(fs);
	return r;
#else
	return -ENOSYS;
#endif
}

/* kernels without fsmount (< 5.2): mount, open, lazily unmount at once, remove the directory */
static int open_tempdir(void)
{
	char dir[] = "/tmp/oomlab-tracefs.XXXXXX";
	int fd, r;

	if (!mkdtemp(dir))
		return -errno;
	if (mount("nodev", dir, "tracefs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		r = -errno;
		rmdir(dir);
		return r;
	}
	/* never propagate: the mount exists for microseconds, and only here */
	(void)mount(NULL, dir, NULL, MS_PRIVATE, NULL);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	r = fd < 0 ? -errno : fd;
	umount2(dir, MNT_DETACH);
	rmdir(dir);
	return r;
}

int tracefs_root_open(enum tracefs_how *how, char *why, size_t sz)
{
	enum tracefs_how h;
	int fd, r;

	fd = open_mounted(TRACEFS);
	h = TRACEFS_MOUNTED;
	if (fd == -EACCES || fd == -EPERM) {
		xsnprintf(why, sz, "cannot access '%s': %s (tracefs is root-only)", TRACEFS,
			  strerror(-fd));
		return fd;
	}
	if (fd < 0) {
		fd = open_detached();
		h = TRACEFS_DETACHED;
		r = fd;
		if (fd == -ENOSYS || fd == -ENODEV || fd == -EINVAL) {
			fd = open_tempdir();
			h = TRACEFS_TEMPDIR;
		}
		if (fd < 0) {
			int d = open_mounted(DEBUGFS_TRACING); /* old kernels: tracefs only under debugfs */
			if (d >= 0) {
				fd = d;
				h = TRACEFS_DEBUGFS;
			} else {
				xsnprintf(why, sz,
					  "tracefs is not mounted and cannot be mounted privately: %s%s",
					  strerror(-(r == -ENOSYS ? fd : r)),
					  r == -EPERM || fd == -EPERM ? " (needs CAP_SYS_ADMIN)" : "");
				return fd;
			}
		}
	}
	if (how)
		*how = h;
	return fd;
}

ssize_t tracefs_read_event_file(int root, const char *file, char *buf, size_t sz)
{
	ssize_t n, got = 0;
	int fd = openat(root, file, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while ((size_t)got < sz - 1) {
		n = read(fd, buf + got, sz - 1 - (size_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = -errno;
			close(fd);
			return n;
		}
		if (n == 0)
			break;
		got += n;
	}
	buf[got] = '\0';
	close(fd);
	return got;
}

int victim_source_tracefs_probe(char *how, size_t sz)
{
	enum tracefs_how h;
	char buf[32];
	ssize_t n;
	int root = tracefs_root_open(&h, how, sz);

	if (root < 0)
		return root;
	n = tracefs_read_event_file(root, "events/oom/mark_victim/id", buf, sizeof(buf));
	close(root);
	if (n < 0) {
		xsnprintf(how, sz, "no oom/mark_victim event in %s: %s", tracefs_how_to_string(h),
			  strerror((int)-n));
		return (int)n;
	}
	xsnprintf(how, sz, "%s", tracefs_how_to_string(h));
	return h == TRACEFS_MOUNTED || h == TRACEFS_DEBUGFS ? 0 : 1;
}

struct tracefs_src {
	int root;        /* tracefs directory fd (a private mount lives as long as it is open) */
	char inst[64];   /* instances/oomlab-<pid>, relative to root */
	int fd;          /* trace_pipe, O_NONBLOCK */
	enum mark_victim_shape shape;
	enum tracefs_how how;
	char line[4096]; /* partial line carried between reads */
	size_t line_len;
};

static int inst_write(const struct tracefs_src *t, const char *file, const char *val)
{
	char p[PATH_MAX];
	size_t n = strlen(val);
	ssize_t w;
	int fd, r = 0;

	if (xsnprintf(p, sizeof(p), "%s/%s", t->inst, file) < 0)
		return -ENAMETOOLONG;
	fd = openat(t->root, p, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	w = write(fd, val, n);
	if (w < 0)
		r = -errno;
	else if ((size_t)w != n)
		r = -EIO;
	close(fd);
	return r;
}

/*
 * Remove instances an earlier oomlab could not (SIGKILL): only "oomlab-<pid>" whose pid is gone.
 * A left instance costs its buffers and keeps mark_victim enabled in it.
 */
static void remove_stale_instances(int root)
{
	struct dirent *de;
	int dfd = openat(root, "instances", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;

	if (dfd < 0)
		return;
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return;
	}
	while ((de = readdir(d))) {
		uint64_t pid;

		if (!startswith(de->d_name, "oomlab-") || parse_u64(de->d_name + 7, &pid) < 0 ||
		    pid == 0 || pid > INT32_MAX)
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR);
	}
	closedir(d);
}

static void tracefs_free(struct tracefs_src *t)
{
	if (t->root >= 0)
		close(t->root);
	free(t);
}

static int tracefs_open(struct victim_source *s, char *why, size_t sz)
{
	struct tracefs_src *t;
	char fmt[4096];
	ssize_t n;
	int r;

	if (!host_is_live(&s->host)) {
		xsnprintf(why, sz, "needs the live system, not a --sysroot tree");
		return -EOPNOTSUPP;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->fd = -1;
	t->root = tracefs_root_open(&t->how, why, sz);
	if (t->root < 0) {
		r = t->root;
		free(t);
		return r;
	}
	remove_stale_instances(t->root);
	xsnprintf(t->inst, sizeof(t->inst), "instances/oomlab-%d", (int)getpid());

	n = tracefs_read_event_file(t->root, "events/oom/mark_victim/format", fmt, sizeof(fmt));
	if (n < 0) {
		xsnprintf(why, sz, "cannot read events/oom/mark_victim/format (%s): %s",
			  tracefs_how_to_string(t->how), strerror((int)-n));
		tracefs_free(t);
		return (int)n;
	}
	r = mark_victim_format_shape(fmt);
	if (r < 0) {
		xsnprintf(why, sz, "unknown oom:mark_victim format in events/oom/mark_victim/format");
		tracefs_free(t);
		return r;
	}
	t->shape = r;

	if (mkdirat(t->root, t->inst, 0700) < 0 &&
	    !(errno == EEXIST && unlinkat(t->root, t->inst, AT_REMOVEDIR) == 0 &&
	      mkdirat(t->root, t->inst, 0700) == 0)) {
		r = -errno;
		xsnprintf(why, sz, "cannot create trace instance '%s': %s", t->inst, strerror(errno));
		tracefs_free(t);
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
		unlinkat(t->root, t->inst, AT_REMOVEDIR);
		tracefs_free(t);
		return r;
	}
	{
		char p[PATH_MAX];
		xsnprintf(p, sizeof(p), "%s/trace_pipe", t->inst);
		t->fd = openat(t->root, p, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	}
	if (t->fd < 0) {
		r = -errno;
		xsnprintf(why, sz, "cannot open '%s/trace_pipe': %s", t->inst, strerror(errno));
		unlinkat(t->root, t->inst, AT_REMOVEDIR);
		tracefs_free(t);
		return r;
	}
	victim_cleanup_register(t->root, t->inst, t->fd);
	xsnprintf(s->detail, sizeof(s->detail), "trace instance %s, oom/mark_victim (%s), through %s",
		 t->inst, t->shape == MARK_VICTIM_FULL ? "full record" : "pid only",
		 tracefs_how_to_string(t->how));
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
	/* the record has no cgroup: read it now (the victim lives 2-5 ms after mark_victim) */
	victim_fill_after_the_fact(&s->host, &ev);
	/* everything beyond the record was looked up after the fact, also when the victim was
	 * already reaped and nothing could be read: the flag says why a field is null */
	ev.after_the_fact = true;
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
	unlinkat(t->root, t->inst, AT_REMOVEDIR);
	tracefs_free(t);
}

const struct victim_backend victim_backend_tracefs = {
	.kind = VICTIM_SOURCE_TRACEFS,
	.open = tracefs_open,
	.fd = tracefs_fd,
	.consume = tracefs_consume,
	.close = tracefs_close,
};

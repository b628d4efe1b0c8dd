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
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgowner.h"
#include "util.h"
#include "victimsrc-internal.h"
#include "banned.h"

#define TRACEFS "/sys/kernel/tracing"
#define DEBUGFS_TRACING "/sys/kernel/debug/tracing"

struct tracefs_src {
	char inst[PATH_MAX];
	int fd;     /* trace_pipe, O_NONBLOCK */
	int lockfd; /* the instance directory, flock(LOCK_SH) held while we live */
	enum mark_victim_shape shape;
	/*
	 * Text carried between reads until it forms a whole record. A comm (the victim's, or the
	 * current task's in the line header) may hold '\n': a record ends only where the text
	 * since the last record parses as one, not at every newline.
	 */
	char rec[4096];
	size_t rec_len;
};

static int inst_write(const struct tracefs_src *t, const char *file, const char *val)
{
	char p[PATH_MAX + 64];
	int r = xsnprintf(p, sizeof(p), "%s/%s", t->inst, file);

	return r < 0 ? r : write_file(p, val);
}

/*
 * Remove instances an earlier oomlab could not (SIGKILL). An instance is ours when its name is
 * exactly an owned name (cgowner.h); its owner holds flock(LOCK_SH) on the directory for as long
 * as it lives, in whatever pid namespace, so an instance whose lock we can take exclusively has
 * no owner left: only that one is removed (with the lock held, so an owner that is still
 * setting it up sees its directory go and makes a new one). tracefs keeps no xattrs: the lock is
 * the record. Legacy "oomlab-<pid>" instances cannot be proved stale and are left alone.
 * A left instance costs its buffers and keeps mark_victim enabled in it.
 */
static void remove_stale_instances(const char *root)
{
	char dir[PATH_MAX], p[PATH_MAX + 300], en[PATH_MAX + 400];
	struct dirent *de;
	DIR *d;

	xsnprintf(dir, sizeof(dir), "%s/instances", root);
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		int fd;

		if (cg_owned_name_parse(de->d_name, NULL) < 0)
			continue;
		if (xsnprintf(p, sizeof(p), "%s/%s", dir, de->d_name) < 0)
			continue;
		fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			continue;
		if (cg_owner_trylock_sweep(fd) == 1) {
			if (xsnprintf(en, sizeof(en), "%s/events/oom/mark_victim/enable", p) >= 0)
				(void)write_file(en, "0");
			rmdir(p);
		}
		close(fd);
	}
	closedir(d);
}

/* mkdir the instance and take the owner's lock on it; the directory must still be the one we made */
static int make_instance(const char *root, char *inst, size_t sz, int *ret_lockfd)
{
	for (int i = 0; i < 8; i++) {
		char name[64];
		struct stat a, b;
		int fd, r;

		if ((r = cg_owned_name_new(0, name, sizeof(name))) < 0 ||
		    (r = xsnprintf(inst, sz, "%s/instances/%s", root, name)) < 0)
			return r;
		if (mkdir(inst, 0700) < 0) {
			if (errno == EEXIST)
				continue;
			return -errno;
		}
		fd = open(inst, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0) {
			r = -errno;
			rmdir(inst);
			return r;
		}
		r = cg_owner_lock(fd, 2 * 1000 * 1000);
		if (r == 0 && fstat(fd, &a) == 0 && stat(inst, &b) == 0 && a.st_ino == b.st_ino &&
		    a.st_dev == b.st_dev) {
			*ret_lockfd = fd;
			return 0;
		}
		/* a sweeper took it before we locked it (it looked ownerless): try a new name */
		close(fd);
		if (r < 0)
			return r;
	}
	return -EEXIST;
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
	t->lockfd = -1;

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

	r = make_instance(root, t->inst, sizeof(t->inst), &t->lockfd);
	if (r < 0) {
		xsnprintf(why, sz, "cannot create a trace instance in '%s/instances': %s", root,
			  strerror(-r));
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
		close(t->lockfd);
		free(t);
		return r;
	}
	xsnprintf(p, sizeof(p), "%s/trace_pipe", t->inst);
	t->fd = open(p, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (t->fd < 0) {
		r = -errno;
		xsnprintf(why, sz, "cannot open '%s': %s", p, strerror(errno));
		rmdir(t->inst);
		close(t->lockfd);
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

static void tracefs_record(struct victim_source *s, const struct oom_event *parsed)
{
	struct oom_event ev = *parsed;

	ev.source = OOM_SOURCE_TRACEFS;
	/* the record has no cgroup: read it now (the victim lives 2-5 ms after mark_victim) */
	victim_fill_after_the_fact(&s->host, &ev);
	victim_source_emit(s, &ev, NULL);
}

/* a comm has at most 15 bytes: the header text before the tag is short unless it is not a record */
#define HEADER_MAX 96

/*
 * Called at every newline of the stream with the text since the last record in t->rec (the
 * newline not included). Returns true when that text was a whole record (delivered) or junk
 * (dropped): the caller then starts a new record. False: the newline belongs to a comm, keep it.
 */
static bool tracefs_at_newline(struct victim_source *s, struct tracefs_src *t)
{
	static const char tag[] = ": mark_victim: pid=";
	const char *m, *m2;
	struct oom_event ev;

	m = memmem(t->rec, t->rec_len, tag, sizeof(tag) - 1);
	if (!m)
		/* "CPU:1 [LOST 3 EVENTS]" or a header whose comm holds a newline */
		return t->rec_len > HEADER_MAX;
	if (mark_victim_parse_line(t->rec, t->rec_len, &ev) == 0) {
		tracefs_record(s, &ev);
		return true;
	}
	/* a second tag: the first record was cut or malformed (no comm holds the 19-byte tag) */
	m2 = memmem(m + 1, t->rec_len - (size_t)(m + 1 - t->rec), tag, sizeof(tag) - 1);
	if (m2) {
		const char *ls = m2;
		size_t keep;

		while (ls > m && ls[-1] != '\n')
			ls--;
		keep = t->rec_len - (size_t)(ls - t->rec);
		memmove(t->rec, ls, keep);
		t->rec_len = keep;
		if (mark_victim_parse_line(t->rec, t->rec_len, &ev) == 0) {
			tracefs_record(s, &ev);
			return true;
		}
	}
	/* a full record is < 300 bytes plus two comms; past that it is not one */
	return t->rec_len > 1024;
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

			if (t->rec_len + l + 1 < sizeof(t->rec)) {
				memcpy(t->rec + t->rec_len, p, l);
				t->rec_len += l;
			} else {
				t->rec_len = 0; /* not a record: drop what was carried */
				p = nl ? nl + 1 : end;
				continue;
			}
			if (!nl)
				break;
			if (tracefs_at_newline(s, t))
				t->rec_len = 0;
			else
				t->rec[t->rec_len++] = '\n';
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
	if (t->lockfd >= 0)
		close(t->lockfd); /* after the rmdir: until then the instance is provably ours */
	free(t);
}

const struct victim_backend victim_backend_tracefs = {
	.kind = VICTIM_SOURCE_TRACEFS,
	.open = tracefs_open,
	.fd = tracefs_fd,
	.consume = tracefs_consume,
	.close = tracefs_close,
};

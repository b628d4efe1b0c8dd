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
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cg-owner.h"
#include "util.h"
#include "victim-internal.h"
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
			int d = open_mounted(
				DEBUGFS_TRACING); /* old kernels: tracefs only under debugfs */
			if (d >= 0) {
				fd = d;
				h = TRACEFS_DEBUGFS;
			} else {
				xsnprintf(
					why, sz,
					"tracefs is not mounted and cannot be mounted privately: %s%s",
					strerror(-(r == -ENOSYS ? fd : r)),
					r == -EPERM || fd == -EPERM ? " (needs CAP_SYS_ADMIN)" :
								      "");
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
	int root;      /* tracefs directory fd (a private mount lives as long as it is open) */
	char inst[96]; /* instances/<owned name>, relative to root */
	int fd;	       /* trace_pipe, O_NONBLOCK */
	int lockfd;    /* the instance directory, flock(LOCK_SH) held while we live */
	enum mark_victim_shape shape;
	enum tracefs_how how;
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
 * Remove instances an earlier oomlab could not (SIGKILL). An instance is ours when its name is
 * exactly an owned name (cg-owner.h); its owner holds flock(LOCK_SH) on the directory for as long
 * as it lives, in whatever pid namespace, so an instance whose lock we can take exclusively has
 * no owner left: only that one is removed (with the lock held, so an owner that is still
 * setting it up sees its directory go and makes a new one). tracefs keeps no xattrs: the lock is
 * the record. Legacy "oomlab-<pid>" instances cannot be proved stale and are left alone.
 * A left instance costs its buffers and keeps mark_victim enabled in it.
 */
static void remove_stale_instances(int root)
{
	char p[PATH_MAX];
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
		int fd;

		if (cg_owned_name_parse(de->d_name, NULL) < 0)
			continue;
		fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			continue;
		if (cg_owner_trylock_sweep(fd) == 1) {
			if (xsnprintf(p, sizeof(p), "instances/%s/events/oom/mark_victim/enable",
				      de->d_name) >= 0) {
				int e = openat(root, p, O_WRONLY | O_TRUNC | O_CLOEXEC);
				if (e >= 0) {
					(void)!write(e, "0", 1);
					close(e);
				}
			}
			unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR);
		}
		close(fd);
	}
	closedir(d);
}

static void tracefs_free(struct tracefs_src *t)
{
	if (t->lockfd >= 0)
		close(t->lockfd); /* after the rmdir: until then the instance is provably ours */
	if (t->root >= 0)
		close(t->root);
	free(t);
}

/* mkdir the instance and take the owner's lock on it; the directory must still be the one we made */
static int make_instance(int root, char *inst, size_t sz, int *ret_lockfd)
{
	for (int i = 0; i < 8; i++) {
		char name[64];
		struct stat a, b;
		int fd, r;

		if ((r = cg_owned_name_new(0, name, sizeof(name))) < 0 ||
		    (r = xsnprintf(inst, sz, "instances/%s", name)) < 0)
			return r;
		if (mkdirat(root, inst, 0700) < 0) {
			if (errno == EEXIST)
				continue;
			return -errno;
		}
		fd = openat(root, inst, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0) {
			r = -errno;
			unlinkat(root, inst, AT_REMOVEDIR);
			return r;
		}
		r = cg_owner_lock(fd, 2 * 1000 * 1000);
		if (r == 0 && fstat(fd, &a) == 0 &&
		    fstatat(root, inst, &b, AT_SYMLINK_NOFOLLOW) == 0 && a.st_ino == b.st_ino &&
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
	t->lockfd = -1;
	t->root = tracefs_root_open(&t->how, why, sz);
	if (t->root < 0) {
		r = t->root;
		free(t);
		return r;
	}
	remove_stale_instances(t->root);

	n = tracefs_read_event_file(t->root, "events/oom/mark_victim/format", fmt, sizeof(fmt));
	if (n < 0) {
		xsnprintf(why, sz, "cannot read events/oom/mark_victim/format (%s): %s",
			  tracefs_how_to_string(t->how), strerror((int)-n));
		tracefs_free(t);
		return (int)n;
	}
	r = mark_victim_format_shape(fmt);
	if (r < 0) {
		xsnprintf(why, sz,
			  "unknown oom:mark_victim format in events/oom/mark_victim/format");
		tracefs_free(t);
		return r;
	}
	t->shape = r;

	r = make_instance(t->root, t->inst, sizeof(t->inst), &t->lockfd);
	if (r < 0) {
		xsnprintf(why, sz, "cannot create a trace instance in instances/ (%s): %s",
			  tracefs_how_to_string(t->how), strerror(-r));
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
	xsnprintf(s->detail, sizeof(s->detail),
		  "trace instance %s, oom/mark_victim (%s), through %s", t->inst,
		  t->shape == MARK_VICTIM_FULL ? "full record" : "pid only",
		  tracefs_how_to_string(t->how));
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
	/* mark_victim fires in __oom_kill_process() after the SIGKILL was sent: killed */
	ev.killed = true;
	/* the record has no cgroup: read it now (the victim lives 2-5 ms after mark_victim) */
	victim_fill_after_the_fact(&s->host, &ev);
	/* everything beyond the record was looked up after the fact, also when the victim was
	 * already reaped and nothing could be read: the flag says why a field is null */
	ev.after_the_fact = true;
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

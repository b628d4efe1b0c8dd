// SPDX-License-Identifier: MIT
#include "cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "cg-owner.h"
#include "proc.h"
#include "util.h"
#include "banned.h"

const char *cg_mode_to_string(enum cg_mode m)
{
	switch (m) {
	case CG_MODE_V1:
		return "v1";
	case CG_MODE_V2:
		return "v2";
	case CG_MODE_HYBRID:
		return "hybrid";
	default:
		return "none";
	}
}

int cg_layout_roots(const struct cg_layout *l, const char **ret_mem, const char **ret_v2)
{
	*ret_mem = *ret_v2 = NULL;
	switch (l->mode) {
	case CG_MODE_V2:
		*ret_v2 = l->v2;
		*ret_mem = l->v2_memory ? l->v2 : NULL;
		return 0;
	case CG_MODE_V1:
		*ret_mem = l->v1_memory;
		return 0;
	case CG_MODE_HYBRID:
		*ret_mem = l->v1_memory;
		*ret_v2 = l->v2;
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

uint64_t cg_v1_normalize_limit(uint64_t v)
{
	return cg_limit_is_none(v) ? SIZE_UNLIMITED : v;
}

/* mountinfo escapes blanks and backslashes as \ooo */
static void unescape_octal(const char *s, size_t len, char *out, size_t sz)
{
	size_t o = 0;
	for (size_t i = 0; i < len && o + 1 < sz; i++) {
		if (s[i] == '\\' && i + 3 < len && s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
			out[o++] = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 +
					  (s[i + 3] - '0'));
			i += 3;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
}

/* Is `opt` one of the comma-separated words in [s, s+len)? */
static bool has_word(const char *s, size_t len, const char *opt)
{
	size_t ol = strlen(opt);
	const char *p = s, *end = s + len;
	while (p < end) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		size_t wl = c ? (size_t)(c - p) : (size_t)(end - p);
		if (wl == ol && memcmp(p, opt, ol) == 0)
			return true;
		if (!c)
			break;
		p = c + 1;
	}
	return false;
}

int cg_layout_parse_mountinfo(const char *mi, const char *root, struct cg_layout *ret)
{
	struct cg_layout l = { 0 };
	const char *line = mi;

	while (*line) {
		const char *nl = strchr(line, '\n');
		const char *end = nl ? nl : line + strlen(line);
		/* id parent dev root mountpoint opts [optional...] - fstype source superopts */
		const char *tok[32];
		size_t tl[32];
		int nt = 0, sep = -1;

		for (const char *p = line; p < end && nt < 32;) {
			while (p < end && *p == ' ')
				p++;
			if (p >= end)
				break;
			tok[nt] = p;
			while (p < end && *p != ' ')
				p++;
			tl[nt] = (size_t)(p - tok[nt]);
			if (sep < 0 && nt >= 6 && tl[nt] == 1 && tok[nt][0] == '-')
				sep = nt;
			nt++;
		}
		if (sep >= 6 && nt >= sep + 4) {
			char mp[PATH_MAX];
			const char *fs = tok[sep + 1];
			size_t fsl = tl[sep + 1];
			unescape_octal(tok[4], tl[4], mp, sizeof(mp));
			if (fsl == 7 && memcmp(fs, "cgroup2", 7) == 0) {
				if (!l.v2[0])
					xsnprintf(l.v2, sizeof(l.v2), "%s%s", root, mp);
			} else if (fsl == 6 && memcmp(fs, "cgroup", 6) == 0 &&
				   has_word(tok[sep + 3], tl[sep + 3], "memory") &&
				   !l.v1_memory[0]) {
				xsnprintf(l.v1_memory, sizeof(l.v1_memory), "%s%s", root, mp);
			}
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	*ret = l;
	return 0;
}

int cg_layout_detect(const struct host *h, struct cg_layout *ret)
{
	char path[PATH_MAX], buf[512];
	_cleanup_free_ char *mi = NULL;
	struct cg_layout l;
	ssize_t n;
	int r;

	r = host_path(h, "/proc/self/mountinfo", path, sizeof(path));
	if (r < 0)
		return r;
	n = read_file_alloc(path, &mi);
	if (n < 0)
		return (int)n;
	r = cg_layout_parse_mountinfo(mi, h->root, &l);
	if (r < 0)
		return r;
	if (l.v2[0]) {
		r = path_join(path, sizeof(path), l.v2, "cgroup.controllers");
		if (r >= 0 && read_file(path, buf, sizeof(buf)) >= 0) {
			char *p = buf;
			strip_trailing(buf);
			for (char *w = p; *w;) {
				char *sp = strchr(w, ' ');
				size_t wl = sp ? (size_t)(sp - w) : strlen(w);
				if (wl == 6 && memcmp(w, "memory", 6) == 0)
					l.v2_memory = true;
				if (!sp)
					break;
				w = sp + 1;
			}
		}
	}
	if (l.v2[0] && l.v2_memory && !l.v1_memory[0])
		l.mode = CG_MODE_V2;
	else if (l.v1_memory[0] && l.v2[0])
		l.mode = CG_MODE_HYBRID;
	else if (l.v1_memory[0])
		l.mode = CG_MODE_V1;
	else if (l.v2[0])
		l.mode = CG_MODE_V2; /* v2 without memory controller: limits will fail clearly */
	else
		l.mode = CG_MODE_NONE;
	/* both present and memory on v2 too (unusual): prefer v2 */
	if (l.v1_memory[0] && l.v2[0] && l.v2_memory)
		l.mode = CG_MODE_V2;
	*ret = l;
	return 0;
}

int cg_name_valid(const char *name)
{
	size_t n;

	if (!name)
		return -EINVAL;
	n = strlen(name);
	if (n == 0 || n > 200)
		return -EINVAL;
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return -EINVAL;
	}
	/* names the kernel reserves for its own files */
	if (startswith(name, "cgroup.") || startswith(name, "memory.") ||
	    startswith(name, "cpu.") || startswith(name, "io.") || startswith(name, "pids."))
		return -EINVAL;
	return 0;
}

int cg_parent_valid(const char *parent)
{
	char comp[256];
	const char *p;

	if (!parent)
		return -EINVAL;
	p = parent;
	while (*p == '/')
		p++;
	while (*p) {
		const char *s = strchr(p, '/');
		size_t n = s ? (size_t)(s - p) : strlen(p);
		if (n >= sizeof(comp))
			return -EINVAL;
		memcpy(comp, p, n);
		comp[n] = '\0';
		if (n > 0 && cg_name_valid(comp) < 0)
			return -EINVAL;
		if (!s)
			break;
		p = s + 1;
	}
	return 0;
}

/* "/a/b" + "c" -> "/a/b/c"; "" or "/" parent -> "/c" */
static int join_name(char *buf, size_t sz, const char *parent, const char *name)
{
	const char *p = parent ? parent : "";
	while (*p == '/')
		p++;
	if (!*p)
		return xsnprintf(buf, sz, "/%s", name ? name : "");
	{
		size_t n = strlen(p);
		while (n > 0 && p[n - 1] == '/')
			n--;
		if (name)
			return xsnprintf(buf, sz, "/%.*s/%s", (int)n, p, name);
		return xsnprintf(buf, sz, "/%.*s", (int)n, p);
	}
}

/* v2: make sure the parent delegates the memory controller to its children */
static int v2_enable_memory(const char *parent_dir)
{
	char path[PATH_MAX], buf[512];
	int r;

	r = path_join(path, sizeof(path), parent_dir, "cgroup.subtree_control");
	if (r < 0)
		return r;
	if (read_file(path, buf, sizeof(buf)) >= 0) {
		char *w = buf;
		strip_trailing(buf);
		while (*w) {
			char *sp = strchr(w, ' ');
			size_t wl = sp ? (size_t)(sp - w) : strlen(w);
			if (wl == 6 && memcmp(w, "memory", 6) == 0)
				return 0;
			if (!sp)
				break;
			w = sp + 1;
		}
	}
	return write_file(path, "+memory");
}

static int rmdir_retry(const char *dir, uint64_t deadline)
{
	for (;;) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY || now_us() >= deadline)
			return -errno;
		/* a killed task is still exiting (its memory being uncharged): a short, bounded
		 * back-off; there is no event for "cgroup became empty" on v1 */
		struct timespec ts = { 0, 5 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
}

/*
 * Lock dir (the owner's LOCK_SH, held until cg_destroy or death) and write the owner record.
 * A filesystem without xattrs (or a kernel refusing trusted.* here) leaves the directory
 * without a record: it is still ours to remove, but no sweep will ever take it.
 */
static int own_dir(const char *dir, const char *name, int *ret_fd, int *ret_record_err)
{
	struct cg_owner o;
	char rec[256];
	int fd, r;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = cg_owner_lock(fd, 2 * 1000 * 1000);
	if (r < 0) {
		close(fd);
		return r;
	}
	r = cg_owner_self(&o);
	if (r >= 0) {
		r = xsnprintf(o.name, sizeof(o.name), "%s", name);
		if (r >= 0)
			r = cg_owner_format(&o, rec, sizeof(rec));
		if (r >= 0 && fsetxattr(fd, CG_OWNER_XATTR, rec, strlen(rec), XATTR_CREATE) < 0)
			r = -errno;
	}
	*ret_record_err = r < 0 ? r : 0;
	*ret_fd = fd;
	return 0;
}

static void unlock_all(struct cg *cg)
{
	if (cg->locked_mem)
		close(cg->lockfd_mem);
	if (cg->locked_v2)
		close(cg->lockfd_v2);
	cg->locked_mem = cg->locked_v2 = false;
}

/*
 * Test hook (tests/integration/ownership.sh): OOMLAB_TEST_STOP_AFTER_MKDIR=mem|v2 stops the
 * process with SIGSTOP right after that mkdir, before the owner lock and record, so a test can
 * SIGKILL it in the window a sweep must still close.
 */
static void test_stop_after_mkdir(const char *which)
{
	const char *e = getenv("OOMLAB_TEST_STOP_AFTER_MKDIR");

	if (e && strcmp(e, which) == 0)
		raise(SIGSTOP);
}

int cg_create(const struct cg_layout *l, const char *parent, const char *name, struct cg *ret)
{
	struct cg cg = { .layout = l };
	int rec_err = 0;
	char pdir[PATH_MAX];
	int r;

	if (cg_name_valid(name) < 0 || cg_parent_valid(parent ? parent : "") < 0)
		return -EINVAL;
	r = join_name(cg.name, sizeof(cg.name), parent, name);
	if (r < 0)
		return r;

	switch (l->mode) {
	case CG_MODE_V2:
		if (!l->v2_memory)
			return -EOPNOTSUPP;
		if ((r = path_join(cg.mem, sizeof(cg.mem), l->v2, cg.name)) < 0)
			return r;
		memcpy(cg.v2, cg.mem, sizeof(cg.v2));
		cg.mem_is_v2 = true;
		/*
		 * enable memory in every ancestor from the root down to the parent: v2 refuses
		 * "+memory" in a cgroup whose own parent does not delegate it, so writing only the
		 * parent fails for a nested --parent A/B (each is read first, written only if
		 * memory is missing)
		 */
		{
			char pn[PATH_MAX];
			size_t rootlen = strlen(l->v2);
			if ((r = join_name(pn, sizeof(pn), parent, NULL)) < 0)
				return r;
			if ((r = path_join(pdir, sizeof(pdir), l->v2, pn)) < 0)
				return r;
			for (char *q = pdir + rootlen;; q++) {
				if (*q != '/' && *q != '\0')
					continue;
				char c = *q;
				*q = '\0';
				r = v2_enable_memory(pdir);
				*q = c;
				if (r < 0)
					return r;
				if (!c || !q[1])
					break;
			}
		}
		if (mkdir(cg.mem, 0755) < 0)
			return -errno;
		cg.created_mem = cg.created_v2 = true;
		test_stop_after_mkdir("mem");
		r = own_dir(cg.mem, name, &cg.lockfd_mem, &cg.record_err);
		if (r < 0) {
			rmdir(cg.mem);
			return r;
		}
		cg.locked_mem = true;
		break;
	case CG_MODE_V1:
	case CG_MODE_HYBRID:
		if ((r = path_join(cg.mem, sizeof(cg.mem), l->v1_memory, cg.name)) < 0)
			return r;
		if (l->mode == CG_MODE_HYBRID) {
			if ((r = path_join(cg.v2, sizeof(cg.v2), l->v2, cg.name)) < 0)
				return r;
		}
		if (mkdir(cg.mem, 0755) < 0)
			return -errno;
		cg.created_mem = true;
		test_stop_after_mkdir("mem");
		r = own_dir(cg.mem, name, &cg.lockfd_mem, &cg.record_err);
		if (r < 0) {
			rmdir(cg.mem);
			return r;
		}
		cg.locked_mem = true;
		if (cg.v2[0]) {
			if (mkdir(cg.v2, 0755) < 0) {
				r = -errno;
				rmdir(cg.mem);
				unlock_all(&cg);
				return r;
			}
			cg.created_v2 = true;
			test_stop_after_mkdir("v2");
			r = own_dir(cg.v2, name, &cg.lockfd_v2, &rec_err);
			if (r < 0) {
				rmdir(cg.v2);
				rmdir(cg.mem);
				unlock_all(&cg);
				return r;
			}
			cg.locked_v2 = true;
			if (rec_err < 0 && cg.record_err == 0)
				cg.record_err = rec_err;
		}
		break;
	default:
		return -EOPNOTSUPP;
	}
	*ret = cg;
	return 0;
}

int cg_create_owned(const struct cg_layout *l, const char *parent, unsigned seq, struct cg *ret)
{
	char name[64];
	int r = -EEXIST;
	struct cg_owner self;
	bool proof;

	/* a name that proves its maker even without a record (a SIGKILL right after mkdir);
	 * without our identity (no /proc), random bits: still unique, only never sweepable
	 * recordless */
	proof = cg_owner_self(&self) == 0;
	for (unsigned i = 0; i < CG_NAME_ATTEMPTS && r == -EEXIST; i++) {
		r = proof ? cg_owned_name_proof(&self, self.pid, seq, i, name, sizeof(name)) :
			    cg_owned_name_new(seq, name, sizeof(name));
		if (r >= 0)
			r = cg_create(l, parent, name, ret);
	}
	return r;
}

int cg_open(const struct cg_layout *l, const char *name, struct cg *ret)
{
	struct cg cg = { .layout = l };
	struct stat st;
	int r;

	if (!name || name[0] != '/' || strstr(name, "/../") || strstr(name, "/..\0") ||
	    (strlen(name) >= 3 && strcmp(name + strlen(name) - 3, "/..") == 0))
		return -EINVAL;
	if ((r = join_name(cg.name, sizeof(cg.name), name, NULL)) < 0)
		return r;
	if (strcmp(name, "/") == 0)
		xsnprintf(cg.name, sizeof(cg.name), "/");
	if (l->mode == CG_MODE_V2) {
		if ((r = path_join(cg.mem, sizeof(cg.mem), l->v2, cg.name)) < 0)
			return r;
		memcpy(cg.v2, cg.mem, sizeof(cg.v2));
		cg.mem_is_v2 = true;
	} else if (l->mode == CG_MODE_V1 || l->mode == CG_MODE_HYBRID) {
		if ((r = path_join(cg.mem, sizeof(cg.mem), l->v1_memory, cg.name)) < 0)
			return r;
		if (l->mode == CG_MODE_HYBRID) {
			char v2[PATH_MAX];
			if (path_join(v2, sizeof(v2), l->v2, cg.name) >= 0 && stat(v2, &st) == 0 &&
			    S_ISDIR(st.st_mode))
				memcpy(cg.v2, v2, sizeof(cg.v2));
		}
	} else {
		return -EOPNOTSUPP;
	}
	if (stat(cg.mem, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	*ret = cg;
	return 0;
}

static int write_in(const char *dir, const char *file, const char *value)
{
	char path[PATH_MAX];
	int r = path_join(path, sizeof(path), dir, file);
	if (r < 0)
		return r;
	return write_file(path, value);
}

static void bytes_value(uint64_t bytes, bool v1, char *buf, size_t sz)
{
	if (bytes == SIZE_UNLIMITED)
		xsnprintf(buf, sz, "%s", v1 ? "-1" : "max");
	else
		xsnprintf(buf, sz, "%llu", (unsigned long long)bytes);
}

int cg_set_max(struct cg *cg, uint64_t bytes)
{
	char v[32];
	bytes_value(bytes, !cg->mem_is_v2, v, sizeof(v));
	return write_in(cg->mem, cg->mem_is_v2 ? "memory.max" : "memory.limit_in_bytes", v);
}

int cg_set_high(struct cg *cg, uint64_t bytes)
{
	char v[32];
	if (!cg->mem_is_v2)
		return -EOPNOTSUPP;
	bytes_value(bytes, false, v, sizeof(v));
	return write_in(cg->mem, "memory.high", v);
}

int cg_set_swap_max(struct cg *cg, uint64_t bytes)
{
	char v[32];
	if (cg->mem_is_v2) {
		bytes_value(bytes, false, v, sizeof(v));
		return write_in(cg->mem, "memory.swap.max", v);
	}
	/* v1: memsw limit is memory + swap, and must be >= limit_in_bytes */
	{
		char path[PATH_MAX], buf[64];
		uint64_t lim;
		int r = path_join(path, sizeof(path), cg->mem, "memory.limit_in_bytes");
		if (r < 0)
			return r;
		if (read_file(path, buf, sizeof(buf)) < 0 ||
		    parse_u64(strip_trailing(buf), &lim) < 0)
			return -EIO;
		lim = cg_v1_normalize_limit(lim);
		if (bytes == SIZE_UNLIMITED || lim == SIZE_UNLIMITED)
			bytes_value(SIZE_UNLIMITED, true, v, sizeof(v));
		else if (bytes > SIZE_LIMIT_MAX - lim)
			return -ERANGE; /* would wrap, or read back as "no limit" */
		else
			bytes_value(lim + bytes, true, v, sizeof(v));
		return write_in(cg->mem, "memory.memsw.limit_in_bytes", v);
	}
}

int cg_attach(const struct cg *cg, pid_t pid)
{
	char v[32];
	int r;

	xsnprintf(v, sizeof(v), "%d", (int)pid);
	r = write_in(cg->mem, "cgroup.procs", v);
	if (r < 0)
		return r;
	if (cg->v2[0] && !cg->mem_is_v2) {
		r = write_in(cg->v2, "cgroup.procs", v);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Read cgroup.procs of dir; calls fn for each pid. Returns the count or -errno. */
static int for_each_pid(const char *dir, void (*fn)(pid_t, void *), void *ud)
{
	char path[PATH_MAX];
	_cleanup_free_ char *buf = NULL;
	char *line;
	int n = 0, r;

	if ((r = path_join(path, sizeof(path), dir, "cgroup.procs")) < 0)
		return r;
	if (read_file_alloc(path, &buf) < 0)
		return -errno ? -errno : -EIO;
	line = buf;
	while (*line) {
		char *nl = strchr(line, '\n');
		uint64_t pid;
		if (nl)
			*nl = '\0';
		if (*line && parse_u64(line, &pid) == 0 && pid > 0 && pid < INT32_MAX) {
			if (fn)
				fn((pid_t)pid, ud);
			n++;
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	return n;
}

int cg_count_procs(const struct cg *cg)
{
	return for_each_pid(cg->mem, NULL, NULL);
}

static void kill_pid(pid_t pid, void *ud)
{
	(void)ud;
	kill(pid, SIGKILL);
}

/* a workload can nest cgroups; the kernel limits depth (cgroup.max.depth), we stop at 32 */
#define SUBTREE_DEPTH_MAX 32

/* SIGKILL every pid of every cgroup.procs in dir's subtree; returns how many were seen */
static int kill_tree(const char *dir, int depth)
{
	DIR *d;
	struct dirent *de;
	int n, k;

	n = for_each_pid(dir, kill_pid, NULL);
	if (n == -ENOENT)
		n = 0;
	if (n < 0)
		return n;
	if (depth >= SUBTREE_DEPTH_MAX || !(d = opendir(dir)))
		return n;
	while ((de = readdir(d))) {
		char sub[PATH_MAX];
		if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (path_join(sub, sizeof(sub), dir, de->d_name) < 0)
			continue;
		k = kill_tree(sub, depth + 1);
		if (k > 0)
			n += k;
	}
	closedir(d);
	return n;
}

/* Kill and wait for everything below dir (including child cgroups a workload made) */
static int kill_all(const char *dir, bool has_cgroup_kill, uint64_t deadline)
{
	int n;

	if (has_cgroup_kill && write_in(dir, "cgroup.kill", "1") == 0) {
		/* cgroup.kill takes the whole subtree; wait for cgroup.events populated 0 (pollable) */
		char path[PATH_MAX], buf[256];
		_cleanup_close_ int fd = -1;
		if (path_join(path, sizeof(path), dir, "cgroup.events") < 0)
			return -ENAMETOOLONG;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		while (fd >= 0) {
			ssize_t r;
			uint64_t pop = 1;
			if (lseek(fd, 0, SEEK_SET) < 0)
				break;
			r = read(fd, buf, sizeof(buf) - 1);
			if (r <= 0)
				break;
			buf[r] = '\0';
			if (kv_get(buf, "populated", &pop) < 0 || pop == 0)
				return 0;
			if (now_us() >= deadline)
				return -ETIMEDOUT;
			struct pollfd pfd = { .fd = fd, .events = POLLPRI };
			uint64_t left = (deadline - now_us()) / 1000 + 1;
			poll(&pfd, 1, (int)(left > 1000 ? 1000 : left));
		}
	}
	/* v1 (or no cgroup.kill): SIGKILL every pid of the subtree, repeat until all are empty
	 * (forks race with us; there is no "became empty" event on v1) */
	for (;;) {
		n = kill_tree(dir, 0);
		if (n <= 0)
			return n < 0 ? n : 0;
		if (now_us() >= deadline)
			return -ETIMEDOUT;
		struct timespec ts = { 0, 2 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
}

/*
 * Remove dir's subtree, children first; the first directory that stays is copied to fail.
 * Only ever called on a directory we created (or proved stale).
 */
static int rmdir_tree(const char *dir, int depth, uint64_t deadline, char *fail, size_t fsz)
{
	DIR *d = depth < SUBTREE_DEPTH_MAX ? opendir(dir) : NULL;
	struct dirent *de;
	int r = 0, k;

	if (d) {
		while ((de = readdir(d))) {
			char sub[PATH_MAX];
			if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			if (path_join(sub, sizeof(sub), dir, de->d_name) < 0)
				continue;
			k = rmdir_tree(sub, depth + 1, deadline, fail, fsz);
			if (k < 0 && r == 0)
				r = k;
		}
		closedir(d);
	}
	k = rmdir_retry(dir, deadline);
	if (k < 0) {
		if (r == 0) {
			r = k;
			xsnprintf(fail, fsz, "%s", dir);
		}
	}
	return r;
}

static bool file_exists_in(const char *dir, const char *f)
{
	char path[PATH_MAX];
	if (path_join(path, sizeof(path), dir, f) < 0)
		return false;
	return access(path, F_OK) == 0;
}

int cg_destroy(struct cg *cg, uint64_t timeout_us)
{
	uint64_t deadline = now_us() + timeout_us;
	int r = 0, k;

	cg->fail_dir[0] = '\0';
	if (cg->created_v2 && cg->v2[0]) {
		k = kill_all(cg->v2, file_exists_in(cg->v2, "cgroup.kill"), deadline);
		if (k < 0 && r == 0) {
			r = k;
			xsnprintf(cg->fail_dir, sizeof(cg->fail_dir), "%s", cg->v2);
		}
	}
	if (cg->created_mem && !cg->mem_is_v2) {
		k = kill_all(cg->mem, false, deadline);
		if (k < 0 && r == 0) {
			r = k;
			xsnprintf(cg->fail_dir, sizeof(cg->fail_dir), "%s", cg->mem);
		}
	}
	if (cg->created_mem) {
		k = rmdir_tree(cg->mem, 0, deadline, cg->fail_dir[0] ? NULL : cg->fail_dir,
			       cg->fail_dir[0] ? 0 : sizeof(cg->fail_dir));
		if (k < 0 && r == 0)
			r = k;
		else if (k == 0)
			cg->created_mem = false;
	}
	if (cg->created_v2 && !cg->mem_is_v2) {
		k = rmdir_tree(cg->v2, 0, deadline, cg->fail_dir[0] ? NULL : cg->fail_dir,
			       cg->fail_dir[0] ? 0 : sizeof(cg->fail_dir));
		if (k < 0 && r == 0)
			r = k;
		else if (k == 0)
			cg->created_v2 = false;
	}
	if (cg->mem_is_v2 && !cg->created_mem)
		cg->created_v2 = false;
	/* the lock goes last: until the directories are gone they are provably ours */
	if (!cg->created_mem && cg->locked_mem) {
		close(cg->lockfd_mem);
		cg->locked_mem = false;
	}
	if (!cg->created_v2 && cg->locked_v2) {
		close(cg->lockfd_v2);
		cg->locked_v2 = false;
	}
	return r;
}

int cg_read_u64(const char *dir, const char *file, uint64_t *ret)
{
	char buf[64];
	int r = cg_read_text(dir, file, buf, sizeof(buf));
	if (r < 0)
		return r;
	strip_trailing(buf);
	if (strcmp(buf, "max") == 0) {
		*ret = SIZE_UNLIMITED;
		return 0;
	}
	return parse_u64(buf, ret);
}

int cg_read_text(const char *dir, const char *file, char *buf, size_t sz)
{
	char path[PATH_MAX];
	ssize_t n;
	int r = path_join(path, sizeof(path), dir, file);
	if (r < 0)
		return r;
	n = read_file(path, buf, sz);
	return n < 0 ? (int)n : 0;
}

int cg_sample(const struct cg *cg, struct cg_sample *ret)
{
	struct cg_sample s = { 0 };
	char buf[8192]; /* memory.stat is about 1.5 KiB (v1 ~2 KiB) */
	int r;

	s.t_us = now_us();
	s.high = SIZE_UNLIMITED;
	if (cg->mem_is_v2) {
		r = cg_read_u64(cg->mem, "memory.current", &s.current);
		if (r < 0)
			return r;
		if (cg_read_u64(cg->mem, "memory.max", &s.max) < 0)
			s.max = SIZE_UNLIMITED;
		if (cg_read_u64(cg->mem, "memory.high", &s.high) == 0)
			s.has_high = true;
		if (cg_read_u64(cg->mem, "memory.peak", &s.peak) == 0)
			s.has_peak = true;
		if (cg_read_u64(cg->mem, "memory.swap.current", &s.swap_current) == 0)
			s.has_swap = true;
		if (cg_read_text(cg->mem, "memory.stat", buf, sizeof(buf)) == 0 &&
		    memcg_stat_parse(buf, true, &s.stat) == 0)
			s.has_stat = true;
		if (cg_read_text(cg->mem, "memory.events", buf, sizeof(buf)) == 0) {
			struct memcg_events e;
			if (memcg_events_parse(buf, &e) == 0) {
				s.oom_kill = e.oom_kill;
				s.oom = e.oom;
				s.high_events = e.high;
				s.max_events = e.max;
				s.has_oom_kill = s.has_high_events = true;
			}
		}
	} else {
		r = cg_read_u64(cg->mem, "memory.usage_in_bytes", &s.current);
		if (r < 0)
			return r;
		if (cg_read_u64(cg->mem, "memory.limit_in_bytes", &s.max) < 0)
			s.max = SIZE_UNLIMITED;
		s.max = cg_v1_normalize_limit(s.max);
		if (cg_read_u64(cg->mem, "memory.max_usage_in_bytes", &s.peak) == 0)
			s.has_peak = true;
		cg_read_u64(cg->mem, "memory.failcnt", &s.max_events);
		if (cg_read_text(cg->mem, "memory.stat", buf, sizeof(buf)) == 0 &&
		    memcg_stat_parse(buf, false, &s.stat) == 0)
			s.has_stat = true;
		if (cg_read_text(cg->mem, "memory.oom_control", buf, sizeof(buf)) == 0) {
			struct memcg_oom_control o;
			if (memcg_oom_control_parse(buf, &o) == 0) {
				s.under_oom = o.under_oom;
				s.oom_kill = o.oom_kill;
				s.has_oom_kill = o.has_oom_kill;
			}
		}
	}
	if (cg->v2[0]) {
		char path[PATH_MAX];
		if (path_join(path, sizeof(path), cg->v2, "memory.pressure") >= 0)
			s.psi_err = psi_read(path, &s.psi);
		else
			s.psi_err = -ENAMETOOLONG;
	} else {
		s.psi_err = -ENOENT;
	}
	*ret = s;
	return 0;
}

int cg_parse_owned_name(const char *name, pid_t *ret_pid)
{
	const char *p, *dash;
	uint64_t pid, n;

	if (!startswith(name, "oomlab-"))
		return -EINVAL;
	p = name + 7;
	dash = strchr(p, '-');
	if (!dash)
		return -EINVAL;
	if (parse_u64_n(p, (size_t)(dash - p), &pid) < 0 || pid == 0 || pid > INT32_MAX)
		return -EINVAL;
	if (parse_u64(dash + 1, &n) < 0)
		return -EINVAL;
	*ret_pid = (pid_t)pid;
	return 0;
}

/* Start time of pid as the sweeper's /proc (in h) sees it; 0 when there is no such process */
static uint64_t proc_start_of(const struct host *h, pid_t pid)
{
	struct proc_stat ps;
	return proc_read_stat(h, pid, &ps) == 0 ? (ps.starttime ? ps.starttime : 1) : 0;
}

struct sweep_ctx {
	const struct host *h;
	const struct cg_layout *l;
	struct cg_owner self;
	int self_err;
	cg_sweep_fn fn;
	void *ud;
	struct cg_sweep_stats st;
	int err;
};

static void report(struct sweep_ctx *c, const char *dir, enum cg_sweep_action a, const char *why,
		   int err, const char *fail_dir)
{
	struct cg_sweep_entry e = {
		.dir = dir, .action = a, .reason = why, .err = err, .fail_dir = fail_dir
	};
	switch (a) {
	case CG_SWEEP_KEPT:
		c->st.kept++;
		break;
	case CG_SWEEP_REMOVED:
		c->st.removed++;
		break;
	case CG_SWEEP_WOULD_REMOVE:
		c->st.would_remove++;
		break;
	case CG_SWEEP_FAILED:
		c->st.failed++;
		if (c->err == 0)
			c->err = err;
		break;
	}
	if (c->fn)
		c->fn(&e, c->ud);
}

/*
 * A directory whose name proves it was made by pid P of our boot and pid namespace
 * (cg_owned_name_proved) but that has no record: its maker was stopped between mkdir and the
 * record. It is gone when nobody holds the lock (taken here, LOCK_EX, kept by fd until it is
 * closed) and P does not exist or started after the directory was made (a reused pid).
 */
static bool recordless_gone(struct sweep_ctx *c, int fd, const char *dname, char *why, size_t sz)
{
	struct proc_stat ps;
	struct stat st;
	struct timespec rt, bt;
	pid_t pid = 0;
	int lk;
	long hz = sysconf(_SC_CLK_TCK);

	cg_owned_name_parse(dname, &pid);
	lk = cg_owner_trylock_sweep(fd);
	if (lk != 1) {
		xsnprintf(why, sz,
			  lk == 0 ? "no owner record yet, and its maker (pid %d) holds its lock" :
				    "no owner record, and its lock cannot be tested",
			  (int)pid);
		return false;
	}
	if (proc_read_stat(c->h, pid, &ps) < 0) {
		xsnprintf(
			why, sz,
			"no owner record, but its name proves its maker (pid %d) made it and is gone",
			(int)pid);
		return true;
	}
	/* when was the directory made, in clock ticks after boot? */
	if (fstat(fd, &st) < 0 || clock_gettime(CLOCK_REALTIME, &rt) < 0 ||
	    clock_gettime(CLOCK_BOOTTIME, &bt) < 0 || hz <= 0) {
		xsnprintf(why, sz, "no owner record, and pid %d lives (cannot date the directory)",
			  (int)pid);
		return false;
	}
	{
		double made = (double)st.st_ctim.tv_sec + st.st_ctim.tv_nsec / 1e9 -
			      ((double)rt.tv_sec + rt.tv_nsec / 1e9) +
			      ((double)bt.tv_sec + bt.tv_nsec / 1e9);
		double started = (double)ps.starttime / (double)hz;

		if (started > made + 2.0 / (double)hz) {
			xsnprintf(
				why, sz,
				"no owner record, but its name proves its maker (pid %d) made it and is gone: that pid is now a process started later",
				(int)pid);
			return true;
		}
	}
	xsnprintf(why, sz, "no owner record yet, and its maker (pid %d) may be alive (stopped?)",
		  (int)pid);
	return false;
}

static void sweep_one(struct sweep_ctx *c, const char *base, const char *dir, const char *dname)
{
	struct cg_owner rec;
	char val[512], why[256];
	_cleanup_close_ int fd = -1;
	enum cg_owner_state v;
	ssize_t n;
	int lk;

	if (cg_owned_name_parse(dname, NULL) < 0) {
		/* the legacy "oomlab-<pid>-<n>": no record, cannot be proved ours */
		report(c, dir, CG_SWEEP_KEPT,
		       "no owner record (an older oomlab, or not oomlab at all): remove it by hand if you know it is stale",
		       0, NULL);
		return;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno != ENOENT)
			report(c, dir, CG_SWEEP_KEPT, "cannot be opened", -errno, NULL);
		return;
	}
	n = fgetxattr(fd, CG_OWNER_XATTR, val, sizeof(val) - 1);
	if (n < 0 && errno == ENODATA && c->self_err == 0 &&
	    cg_owned_name_proved(dname, &c->self)) {
		if (!recordless_gone(c, fd, dname, why, sizeof(why))) {
			report(c, dir, CG_SWEEP_KEPT, why, 0, NULL);
			return;
		}
		goto gone;
	}
	if (n < 0) {
		report(c, dir, CG_SWEEP_KEPT,
		       errno == ENODATA	   ? "no owner record: not provably oomlab's" :
		       errno == EOPNOTSUPP ? "the filesystem keeps no owner records (xattrs)" :
					     "its owner record cannot be read",
		       -errno, NULL);
		return;
	}
	val[n] = '\0';
	if (cg_owner_parse(val, (size_t)n, &rec) < 0) {
		report(c, dir, CG_SWEEP_KEPT, "its owner record is not oomlab's", 0, NULL);
		return;
	}
	if (c->self_err < 0) {
		report(c, dir, CG_SWEEP_KEPT, "cannot read our own identity (/proc, boot id)",
		       c->self_err, NULL);
		return;
	}
	/* LOCK_EX while we judge and remove: the owner (LOCK_SH) and other sweepers wait */
	lk = cg_owner_trylock_sweep(fd);
	if (lk < 0) {
		report(c, dir, CG_SWEEP_KEPT, "cannot test its lock", lk, NULL);
		return;
	}
	v = cg_owner_judge(&rec, dname, lk == 0, &c->self, proc_start_of(c->h, rec.pid), why,
			   sizeof(why));
	if (v != CG_OWNER_GONE) {
		report(c, dir, CG_SWEEP_KEPT, why, 0, NULL);
		return;
	}
gone:
	if (!host_is_live(c->h)) {
		report(c, dir, CG_SWEEP_WOULD_REMOVE, why, 0, NULL);
		return;
	}
	{
		struct cg cg = { .layout = c->l };
		char msg[512];
		int r;

		xsnprintf(cg.mem, sizeof(cg.mem), "%s", dir);
		cg.mem_is_v2 = c->l->v2[0] && strcmp(base, c->l->v2) == 0;
		if (cg.mem_is_v2)
			memcpy(cg.v2, cg.mem, sizeof(cg.v2));
		cg.created_mem = true;
		cg.created_v2 = cg.mem_is_v2;
		r = cg_destroy(&cg, 2 * 1000 * 1000);
		if (r == 0) {
			report(c, dir, CG_SWEEP_REMOVED, why, 0, NULL);
		} else {
			xsnprintf(msg, sizeof(msg), "%s, but %s", why,
				  r == -ETIMEDOUT ? "processes inside did not die in 2 s" :
						    "a directory could not be removed");
			report(c, dir, CG_SWEEP_FAILED, msg, r, cg.fail_dir[0] ? cg.fail_dir : dir);
		}
	}
}

static int sweep_tree(struct sweep_ctx *c, const char *base, const char *parent)
{
	char dir[PATH_MAX], pn[PATH_MAX];
	DIR *d;
	struct dirent *de;
	int r;

	if ((r = join_name(pn, sizeof(pn), parent, NULL)) < 0)
		return r;
	if ((r = path_join(dir, sizeof(dir), base, pn)) < 0)
		return r;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		char sub[PATH_MAX];
		pid_t pid;

		if (de->d_type != DT_DIR)
			continue;
		if (cg_owned_name_parse(de->d_name, &pid) < 0 &&
		    cg_parse_owned_name(de->d_name, &pid) < 0)
			continue; /* not named like ours: not even looked at */
		if (path_join(sub, sizeof(sub), dir, de->d_name) < 0)
			continue;
		sweep_one(c, base, sub, de->d_name);
	}
	closedir(d);
	return 0;
}

int cg_sweep(const struct host *h, const struct cg_layout *l, const char *parent, cg_sweep_fn fn,
	     void *userdata, struct cg_sweep_stats *ret)
{
	struct sweep_ctx c = { .h = h, .l = l, .fn = fn, .ud = userdata };
	int r = 0, k;

	if (cg_parent_valid(parent ? parent : "") < 0)
		return -EINVAL;
	c.self_err = cg_owner_self(&c.self);
	if (l->v1_memory[0] && (k = sweep_tree(&c, l->v1_memory, parent)) < 0)
		r = k;
	if (l->v2[0] && (k = sweep_tree(&c, l->v2, parent)) < 0 && r == 0)
		r = k;
	if (ret)
		*ret = c.st;
	return r < 0 ? r : c.err;
}

int cg_clean_stale(const struct host *h, const struct cg_layout *l, const char *parent,
		   int *ret_removed)
{
	struct cg_sweep_stats st = { 0 };
	int r = cg_sweep(h, l, parent, NULL, NULL, &st);

	*ret_removed = st.removed;
	return r;
}

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
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "banned.h"

/* v1 prints PAGE_COUNTER_MAX * PAGE_SIZE for "no limit" (9223372036854771712 on x86_64). */
#define V1_UNLIMITED_THRESHOLD (1ULL << 62)

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

uint64_t cg_v1_normalize_limit(uint64_t v)
{
	return v >= V1_UNLIMITED_THRESHOLD ? SIZE_UNLIMITED : v;
}

/* mountinfo escapes blanks and backslashes as \ooo */
static void unescape_octal(const char *s, size_t len, char *out, size_t sz)
{
	size_t o = 0;
	for (size_t i = 0; i < len && o + 1 < sz; i++) {
		if (s[i] == '\\' && i + 3 < len && s[i + 1] >= '0' &&
		    s[i + 1] <= '3' && s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' &&
		    s[i + 3] <= '7') {
			out[o++] = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
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
				   has_word(tok[sep + 3], tl[sep + 3], "memory") && !l.v1_memory[0]) {
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
	if (startswith(name, "cgroup.") || startswith(name, "memory.") || startswith(name, "cpu.") ||
	    startswith(name, "io.") || startswith(name, "pids."))
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

int cg_create(const struct cg_layout *l, const char *parent, const char *name, struct cg *ret)
{
	struct cg cg = { .layout = l };
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
		/* enable memory in every ancestor below the root */
		{
			char pn[PATH_MAX];
			if ((r = join_name(pn, sizeof(pn), parent, NULL)) < 0)
				return r;
			if ((r = path_join(pdir, sizeof(pdir), l->v2, pn)) < 0)
				return r;
			r = v2_enable_memory(pdir);
			if (r < 0)
				return r;
		}
		if (mkdir(cg.mem, 0755) < 0)
			return -errno;
		cg.created_mem = cg.created_v2 = true;
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
		if (cg.v2[0]) {
			if (mkdir(cg.v2, 0755) < 0) {
				r = -errno;
				rmdir(cg.mem);
				return r;
			}
			cg.created_v2 = true;
		}
		break;
	default:
		return -EOPNOTSUPP;
	}
	*ret = cg;
	return 0;
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
		if (read_file(path, buf, sizeof(buf)) < 0 || parse_u64(strip_trailing(buf), &lim) < 0)
			return -EIO;
		lim = cg_v1_normalize_limit(lim);
		if (bytes == SIZE_UNLIMITED || lim == SIZE_UNLIMITED)
			bytes_value(SIZE_UNLIMITED, true, v, sizeof(v));
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

/* Kill and wait for everything below dir (including child cgroups a workload made) */
static int kill_all(const struct cg *cg, const char *dir, bool has_cgroup_kill, uint64_t deadline)
{
	int n;

	if (has_cgroup_kill && write_in(dir, "cgroup.kill", "1") == 0) {
		/* wait for cgroup.events populated 0 (pollable) */
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
	/* v1 (or no cgroup.kill): SIGKILL every pid, repeat until empty (forks race with us) */
	for (;;) {
		n = for_each_pid(dir, kill_pid, NULL);
		if (n <= 0)
			return n < 0 ? n : 0;
		if (now_us() >= deadline)
			return -ETIMEDOUT;
		struct timespec ts = { 0, 2 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	(void)cg;
}

/* Remove child directories the workload made (depth first). Only inside our own cgroup. */
static void rmdir_children(const char *dir, uint64_t deadline)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char sub[PATH_MAX];
		if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (path_join(sub, sizeof(sub), dir, de->d_name) < 0)
			continue;
		rmdir_children(sub, deadline);
		rmdir_retry(sub, deadline);
	}
	closedir(d);
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

	if (cg->created_v2 && cg->v2[0]) {
		k = kill_all(cg, cg->v2, file_exists_in(cg->v2, "cgroup.kill"), deadline);
		if (k < 0 && r == 0)
			r = k;
	}
	if (cg->created_mem && !cg->mem_is_v2) {
		k = kill_all(cg, cg->mem, false, deadline);
		if (k < 0 && r == 0)
			r = k;
	}
	if (cg->created_mem) {
		rmdir_children(cg->mem, deadline);
		k = rmdir_retry(cg->mem, deadline);
		if (k < 0 && r == 0)
			r = k;
		else if (k == 0)
			cg->created_mem = false;
	}
	if (cg->created_v2 && !cg->mem_is_v2) {
		rmdir_children(cg->v2, deadline);
		k = rmdir_retry(cg->v2, deadline);
		if (k < 0 && r == 0)
			r = k;
		else if (k == 0)
			cg->created_v2 = false;
	}
	if (cg->mem_is_v2 && !cg->created_mem)
		cg->created_v2 = false;
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

/* Is pid a live oomlab process? (comm "oomlab"; pid reuse by another program is not ours) */
static bool owner_alive(const struct host *h, pid_t pid)
{
	char path[PATH_MAX], rel[64], buf[64];
	xsnprintf(rel, sizeof(rel), "/proc/%d/comm", (int)pid);
	if (host_path(h, rel, path, sizeof(path)) < 0)
		return true; /* cannot tell: keep */
	if (read_file(path, buf, sizeof(buf)) < 0)
		return errno != ENOENT && access(path, F_OK) == 0;
	strip_trailing(buf);
	return strcmp(buf, "oomlab") == 0;
}

static int clean_tree(const struct host *h, const struct cg_layout *l, const char *base,
		      const char *parent, int *removed)
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
		pid_t owner;
		struct cg cg = { .layout = l };
		if (de->d_type != DT_DIR || cg_parse_owned_name(de->d_name, &owner) < 0)
			continue;
		if (owner_alive(h, owner))
			continue;
		if (path_join(cg.mem, sizeof(cg.mem), dir, de->d_name) < 0)
			continue;
		cg.mem_is_v2 = strcmp(base, l->v2) == 0;
		if (cg.mem_is_v2)
			memcpy(cg.v2, cg.mem, sizeof(cg.v2));
		cg.created_mem = true;
		cg.created_v2 = cg.mem_is_v2;
		if (cg_destroy(&cg, 2 * 1000 * 1000) == 0)
			(*removed)++;
	}
	closedir(d);
	return 0;
}

int cg_clean_stale(const struct host *h, const struct cg_layout *l, const char *parent,
		   int *ret_removed)
{
	int removed = 0, r = 0, k;

	if (cg_parent_valid(parent ? parent : "") < 0)
		return -EINVAL;
	if (l->v1_memory[0] && (k = clean_tree(h, l, l->v1_memory, parent, &removed)) < 0)
		r = k;
	if (l->v2[0] && (k = clean_tree(h, l, l->v2, parent, &removed)) < 0 && r == 0)
		r = k;
	*ret_removed = removed;
	return r;
}

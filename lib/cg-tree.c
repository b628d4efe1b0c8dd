// SPDX-License-Identifier: MIT
#include "cg-tree.h"
#include "cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "memory-stat.h"
#include "util.h"
#include "banned.h"

ssize_t host_read_file(const struct host *h, const char *path, char *buf, size_t sz)
{
	if (!host_is_live(h)) {
		char marker[PATH_MAX];
		/* fixture convention: <file>.eopnotsupp stands for a read failing with EOPNOTSUPP */
		if (xsnprintf(marker, sizeof(marker), "%s.eopnotsupp", path) >= 0 &&
		    access(marker, F_OK) == 0)
			return -EOPNOTSUPP;
	}
	return read_file(path, buf, sz);
}

int host_psi_read(const struct host *h, const char *path, struct psi *ret)
{
	char buf[512]; /* two lines of at most ~90 bytes */
	ssize_t n = host_read_file(h, path, buf, sizeof(buf));

	if (n == -ENOENT && strncmp(path, "/proc/pressure/", 15) == 0) {
		char line[4096];

		if (host_read_file(h, "/proc/cmdline", line, sizeof(line)) > 0 &&
		    psi_cmdline_disables(line))
			return -EOPNOTSUPP;
	}
	if (n < 0)
		return (int)n;
	return psi_parse(buf, ret);
}

static bool id_char_eq(char a, char b)
{
	/* systemd escapes '-' in pod uids as '_' inside slice names */
	if (a == '_')
		a = '-';
	if (b == '_')
		b = '-';
	return a == b;
}

bool cgw_component_matches_id(const char *comp, const char *id)
{
	static const char *const prefixes[] = { "docker-", "cri-containerd-", "crio-", "libpod-" };
	size_t cl = strlen(comp), il = strlen(id);
	const char *core = comp;

	if (il < 12)
		return false;
	/* container ids are hex, pod uids hex with '-' (or '_' in systemd slice names) */
	for (size_t i = 0; i < il; i++) {
		char ch = id[i];
		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
		      (ch >= 'A' && ch <= 'F') || ch == '-' || ch == '_'))
			return false;
	}
	if (cl > 6 &&
	    (strcmp(comp + cl - 6, ".scope") == 0 || strcmp(comp + cl - 6, ".slice") == 0))
		cl -= 6;
	for (size_t i = 0; i < ELEMENTSOF(prefixes); i++) {
		if (startswith(comp, prefixes[i])) {
			core = comp + strlen(prefixes[i]);
			break;
		}
	}
	if (core == comp) {
		/* kubepods: "pod<uid>" (cgroupfs driver) or "kubepods-burstable-pod<uid>.slice" */
		for (const char *p = comp; (p = strstr(p, "pod")); p++) {
			if (p == comp || p[-1] == '-')
				core = p + 3;
		}
	}
	if ((size_t)(core - comp) >= cl || cl - (size_t)(core - comp) < il)
		return false;
	for (size_t i = 0; i < il; i++)
		if (!id_char_eq(core[i], id[i]))
			return false;
	return true;
}

int cgw_sample(const struct host *h, const char *mem, bool mem_is_v2, const char *psi_path,
	       struct cgw_sample *ret)
{
	struct cgw_sample s = { .max = SIZE_UNLIMITED, .high = SIZE_UNLIMITED };
	char buf[512]; /* memory.events: 6 short lines; memory.oom_control: 3-4 */
	int r;

	s.t_us = now_us();
	if (mem && *mem) {
		if (mem_is_v2) {
			r = cg_read_u64(mem, "memory.current", &s.usage);
			s.ok = r == 0;
			if (cg_read_u64(mem, "memory.max", &s.max) < 0)
				s.max = SIZE_UNLIMITED;
			s.has_high = cg_read_u64(mem, "memory.high", &s.high) == 0;
			if (!s.has_high)
				s.high = SIZE_UNLIMITED;
			s.has_peak = cg_read_u64(mem, "memory.peak", &s.peak) == 0;
			if (cg_read_text(mem, "memory.events", buf, sizeof(buf)) == 0) {
				struct memcg_events e;
				if (memcg_events_parse(buf, &e) == 0) {
					s.oom_kill = e.oom_kill;
					s.high_events = e.high;
					s.max_events = e.max;
					s.has_oom_kill = s.has_high_events = true;
					s.has_max_events = true;
				}
			}
		} else {
			r = cg_read_u64(mem, "memory.usage_in_bytes", &s.usage);
			s.ok = r == 0;
			if (cg_read_u64(mem, "memory.limit_in_bytes", &s.max) < 0)
				s.max = SIZE_UNLIMITED;
			s.max = cg_v1_normalize_limit(s.max);
			s.has_peak = cg_read_u64(mem, "memory.max_usage_in_bytes", &s.peak) == 0;
			if (cg_read_text(mem, "memory.oom_control", buf, sizeof(buf)) == 0) {
				struct memcg_oom_control o;
				if (memcg_oom_control_parse(buf, &o) == 0 && o.has_oom_kill) {
					s.oom_kill = o.oom_kill;
					s.has_oom_kill = true;
				}
			}
		}
		if (!s.ok && r == -ENOENT) {
			/* the directory itself may have gone (rmdir between walk and sample) */
			struct stat st;
			if (stat(mem, &st) < 0)
				return -ENOENT;
		}
	}
	if (psi_path && *psi_path)
		s.psi_err = host_psi_read(h, psi_path, &s.psi);
	else
		s.psi_err = -ENOENT;
	*ret = s;
	return 0;
}

void cgw_files_init(struct cgw_files *f)
{
	f->populated = -1;
	f->use_populated = false;
	f->has_last_psi = false;
	f->has_limits = f->has_high = false;
	f->max = f->high = SIZE_UNLIMITED;
	for (int i = 0; i < CGW_NFILES; i++)
		f->fd[i] = -1;
}

/*
 * Files kept open by every cgw_files of the process, against a budget below RLIMIT_NOFILE.
 * Without it, 4,000 cgroups per hierarchy took every fd (5-7 per cgroup against 20,000 here)
 * and the open/read/close fallback for the rest failed with EMFILE too: those rows read as
 * missing. Past the budget a file is read without being kept.
 */
static long kept_fds, kept_budget = -1;

static bool keep_one_more(void)
{
	if (kept_budget < 0) {
		struct rlimit rl;
		kept_budget = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY ?
				      (long)rl.rlim_cur - 256 :
				      1000;
	}
	return kept_fds < kept_budget;
}

void cgw_files_close(struct cgw_files *f)
{
	for (int i = 0; i < CGW_NFILES; i++) {
		if (f->fd[i] >= 0) {
			close(f->fd[i]);
			kept_fds--;
		}
		f->fd[i] = -1;
	}
	f->has_limits = false;
	f->has_last_psi = false;
	f->populated = -1;
}

int cgw_files_count(const struct cgw_files *f)
{
	int n = 0;
	for (int i = 0; i < CGW_NFILES; i++)
		n += f->fd[i] >= 0;
	return n;
}

/* pread the whole (small) file at offset 0 from a kept fd; opens it on first use. */
static ssize_t cached_read(struct cgw_files *f, int slot, const char *dir, const char *file,
			   char *buf, size_t sz)
{
	ssize_t n;

	if (f->fd[slot] == -2)
		return -ENOENT;
	if (f->fd[slot] < 0) {
		char path[PATH_MAX];
		/* file NULL: dir is the full path */
		if (xsnprintf(path, sizeof(path), "%s%s%s", dir, file ? "/" : "",
			      file ? file : "") < 0)
			return -ENAMETOOLONG;
		if (!keep_one_more())
			return read_file(path, buf, sz);
		f->fd[slot] = open(path, O_RDONLY | O_CLOEXEC);
		if (f->fd[slot] < 0) {
			int e = errno;
			f->fd[slot] = e == ENOENT ? -2 : -1;
			return -e;
		}
		kept_fds++;
	}
	/* these files are a few hundred bytes at most: one read fills the buffer */
	do
		n = pread(f->fd[slot], buf, sz - 1, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

static int cached_u64(struct cgw_files *f, int slot, const char *dir, const char *file,
		      uint64_t *ret)
{
	char buf[64];
	ssize_t n = cached_read(f, slot, dir, file, buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	strip_trailing(buf);
	if (strcmp(buf, "max") == 0) {
		*ret = SIZE_UNLIMITED;
		return 0;
	}
	return parse_u64(buf, ret);
}

static bool psi_idle(const struct psi *p)
{
	return !p->some.avg10 && !p->some.avg60 && !p->some.avg300 && !p->full.avg10 &&
	       !p->full.avg60 && !p->full.avg300;
}

/* populated of the cgroup2 directory holding psi_path: 1, 0, or 1 when unknown (safe side) */
static int read_populated(struct cgw_files *f, const char *psi_path)
{
	char path[PATH_MAX], buf[128];
	const char *slash = strrchr(psi_path, '/');
	uint64_t v;

	if (!slash || strcmp(slash, "/memory.pressure") != 0 ||
	    xsnprintf(path, sizeof(path), "%.*s/cgroup.events", (int)(slash - psi_path), psi_path) <
		    0)
		return 1;
	/* the fd stays open: kernfs notifies only files whose inode is cached */
	if (cached_read(f, 6, path, NULL, buf, sizeof(buf)) < 0 || kv_get(buf, "populated", &v) < 0)
		return 1;
	return v ? 1 : 0;
}

int cgw_sample_cached(const char *mem, bool mem_is_v2, const char *psi_path, struct cgw_files *f,
		      bool reread_limits, struct cgw_sample *ret)
{
	struct cgw_sample s = { .max = SIZE_UNLIMITED, .high = SIZE_UNLIMITED };
	char buf[512];
	int r = 0;

	s.t_us = now_us();
	if (mem && *mem) {
		if (mem_is_v2) {
			r = cached_u64(f, 0, mem, "memory.current", &s.usage);
			s.ok = r == 0;
			if (reread_limits || !f->has_limits) {
				if (cached_u64(f, 1, mem, "memory.max", &f->max) < 0)
					f->max = SIZE_UNLIMITED;
				f->has_high = cached_u64(f, 2, mem, "memory.high", &f->high) == 0;
				if (!f->has_high)
					f->high = SIZE_UNLIMITED;
				f->has_limits = s.ok;
			}
			s.max = f->max;
			s.high = f->high;
			s.has_high = f->has_high;
			s.has_peak = cached_u64(f, 3, mem, "memory.peak", &s.peak) == 0;
			if (cached_read(f, 4, mem, "memory.events", buf, sizeof(buf)) >= 0) {
				struct memcg_events e;
				if (memcg_events_parse(buf, &e) == 0) {
					s.oom_kill = e.oom_kill;
					s.high_events = e.high;
					s.max_events = e.max;
					s.has_oom_kill = s.has_high_events = true;
					s.has_max_events = true;
				}
			}
		} else {
			r = cached_u64(f, 0, mem, "memory.usage_in_bytes", &s.usage);
			s.ok = r == 0;
			if (reread_limits || !f->has_limits) {
				if (cached_u64(f, 1, mem, "memory.limit_in_bytes", &f->max) < 0)
					f->max = SIZE_UNLIMITED;
				f->max = cg_v1_normalize_limit(f->max);
				f->has_limits = s.ok;
			}
			s.max = f->max;
			s.has_peak =
				cached_u64(f, 3, mem, "memory.max_usage_in_bytes", &s.peak) == 0;
			if (cached_read(f, 4, mem, "memory.oom_control", buf, sizeof(buf)) >= 0) {
				struct memcg_oom_control o;
				if (memcg_oom_control_parse(buf, &o) == 0 && o.has_oom_kill) {
					s.oom_kill = o.oom_kill;
					s.has_oom_kill = true;
				}
			}
		}
		/* ENODEV: the file belongs to a removed cgroup */
		if (r == -ENODEV || (r == -ENOENT && access(mem, F_OK) < 0))
			return -ENOENT;
	}
	if (psi_path && *psi_path) {
		ssize_t n;
		if (f->use_populated && f->populated < 0)
			f->populated = read_populated(f, psi_path);
		if (f->use_populated && f->populated == 0 && f->has_last_psi &&
		    psi_idle(&f->last_psi)) {
			s.psi = f->last_psi; /* no task, averages at zero: nothing can change */
			s.psi_err = 0;
		} else {
			n = cached_read(f, 5, psi_path, NULL, buf, sizeof(buf));
			if (n == -ENODEV)
				return -ENOENT;
			s.psi_err = n < 0 ? (int)n : psi_parse(buf, &s.psi);
			f->has_last_psi = s.psi_err == 0;
			if (f->has_last_psi)
				f->last_psi = s.psi;
		}
	} else {
		s.psi_err = -ENOENT;
	}
	*ret = s;
	return 0;
}

int cgw_read_unreclaimable(const struct host *h, const char *mem, bool mem_is_v2, uint64_t *ret)
{
	char path[PATH_MAX], buf[8192]; /* memory.stat: ~1.5 KiB (v2), ~2 KiB (v1) */
	struct memcg_stat st;
	ssize_t n;
	int r;

	if ((r = path_join(path, sizeof(path), mem, "memory.stat")) < 0)
		return r;
	n = host_read_file(h, path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	if ((r = memcg_stat_parse(buf, mem_is_v2, &st)) < 0)
		return r;
	*ret = st.anon + st.shmem;
	return 0;
}

uint64_t cgw_binding_limit(const char *root, const char *mem, bool mem_is_v2)
{
	char dir[PATH_MAX];
	size_t rl = strlen(root);
	uint64_t best = SIZE_UNLIMITED;

	if (xsnprintf(dir, sizeof(dir), "%s", mem) < 0)
		return SIZE_UNLIMITED;
	while (rl > 1 && root[rl - 1] == '/')
		rl--;
	for (;;) {
		uint64_t v;
		size_t dl = strlen(dir);
		if (dl <= rl)
			break; /* the root has no limit file (v2) or an unlimited one (v1) */
		if (cg_read_u64(dir, mem_is_v2 ? "memory.max" : "memory.limit_in_bytes", &v) == 0) {
			if (!mem_is_v2)
				v = cg_v1_normalize_limit(v);
			if (v < best)
				best = v;
		}
		char *slash = strrchr(dir, '/');
		if (!slash || (size_t)(slash - dir) < rl)
			break;
		*slash = '\0';
	}
	return best;
}

/* ---- the tree walk ---- */

struct child {
	char *name;
	unsigned flags; /* 1: memory tree, 2: cgroup2 tree */
};

static int child_cmp(const void *a, const void *b)
{
	return strcmp(((const struct child *)a)->name, ((const struct child *)b)->name);
}

static int list_children(const char *dir, unsigned flag, struct child **v, size_t *n, size_t *cap)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
	while ((de = readdir(d))) {
		if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (*n == *cap) {
			size_t nc = *cap ? *cap * 2 : 16;
			struct child *nv = realloc(*v, nc * sizeof(**v));
			if (!nv) {
				closedir(d);
				return -ENOMEM;
			}
			*v = nv;
			*cap = nc;
		}
		(*v)[*n].name = strdup(de->d_name);
		if (!(*v)[*n].name) {
			closedir(d);
			return -ENOMEM;
		}
		(*v)[*n].flags = flag;
		(*n)++;
	}
	closedir(d);
	return 0;
}

static int tree_add(struct cgw_tree *t, const char *name, int parent, bool in_mem, bool in_v2)
{
	if (t->n == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 64;
		struct cgw_node *nv = realloc(t->v, nc * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		t->v = nv;
		t->cap = nc;
	}
	t->v[t->n].name = strdup(name);
	if (!t->v[t->n].name)
		return -ENOMEM;
	t->v[t->n].parent = parent;
	t->v[t->n].in_mem = in_mem;
	t->v[t->n].in_v2 = in_v2;
	return (int)t->n++;
}

#define WATCH_MASK (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY | IN_ONLYDIR)

/* The previous tree, to reuse listings of directories that did not change. */
struct reuse {
	const struct cgw_tree *old;
	size_t *byname;	  /* old indices sorted by name */
	int *first_child; /* old index -> first child, -1 */
	int *next_sib;	  /* old index -> next sibling, -1 */
	struct cgw_watch *w;
};

static const struct cgw_tree *g_sort_tree;

static int byname_cmp(const void *a, const void *b)
{
	return strcmp(g_sort_tree->v[*(const size_t *)a].name,
		      g_sort_tree->v[*(const size_t *)b].name);
}

static int old_find(const struct reuse *u, const char *name)
{
	size_t lo = 0, hi = u->old->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(u->old->v[u->byname[mid]].name, name);
		if (c == 0)
			return (int)u->byname[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static bool is_dirty(const struct cgw_watch *w, const char *name)
{
	for (size_t i = 0; i < w->ndirty; i++)
		if (strcmp(w->dirty[i], name) == 0)
			return true;
	return false;
}

static void watch_dir(struct cgw_watch *w, const char *dir, const char *name)
{
	int wd;

	if (!w || w->fd < 0)
		return;
	wd = inotify_add_watch(w->fd, dir, WATCH_MASK);
	if (wd < 0)
		return; /* best effort: ENOSPC (max_user_watches) leaves this one unwatched */
	if ((size_t)wd >= w->wd_cap) {
		size_t nc = w->wd_cap ? w->wd_cap : 256;
		char **nv;
		while (nc <= (size_t)wd)
			nc *= 2;
		nv = realloc(w->wd_name, nc * sizeof(*nv));
		if (!nv) {
			w->full = true;
			return;
		}
		memset(nv + w->wd_cap, 0, (nc - w->wd_cap) * sizeof(*nv));
		w->wd_name = nv;
		w->wd_cap = nc;
	}
	if (!w->wd_name[wd] || strcmp(w->wd_name[wd], name) != 0) {
		free(w->wd_name[wd]);
		w->wd_name[wd] = strdup(name);
	}
}

static int walk_rec(const char *memroot, const char *v2root, struct cgw_tree *t, const char *name,
		    int self, bool in_mem, bool in_v2, int depth, struct reuse *u)
{
	char dir[PATH_MAX], sub[PATH_MAX];
	struct child *v = NULL;
	size_t n = 0, cap = 0;
	int r = 0, oi = -1;

	if (depth > 64) /* cgroup.max.depth is unlimited by default; stay sane */
		return 0;
	if (u && u->old && !u->w->full && !is_dirty(u->w, name))
		oi = old_find(u, name);
	if (oi >= 0 && u->old->v[oi].in_mem == in_mem && u->old->v[oi].in_v2 == in_v2) {
		/* unchanged directory: the old listing, no readdir */
		for (int k = u->first_child[oi]; k >= 0; k = u->next_sib[k]) {
			const struct cgw_node *o = &u->old->v[k];
			const char *leaf = strrchr(o->name, '/') + 1;
			if (n == cap) {
				size_t nc = cap ? cap * 2 : 16;
				struct child *nv = realloc(v, nc * sizeof(*v));
				if (!nv) {
					r = -ENOMEM;
					goto out;
				}
				v = nv;
				cap = nc;
			}
			v[n].name = strdup(leaf);
			if (!v[n].name) {
				r = -ENOMEM;
				goto out;
			}
			v[n++].flags = (o->in_mem ? 1 : 0) | (o->in_v2 ? 2 : 0);
		}
	} else {
		if (in_mem && memroot && path_join(dir, sizeof(dir), memroot, name) >= 0) {
			watch_dir(u ? u->w : NULL, dir, name);
			r = list_children(dir, memroot == v2root ? 3 : 1, &v, &n, &cap);
		}
		if (r >= 0 && in_v2 && v2root && v2root != memroot &&
		    path_join(dir, sizeof(dir), v2root, name) >= 0) {
			watch_dir(u ? u->w : NULL, dir, name);
			r = list_children(dir, 2, &v, &n, &cap);
		}
	}
	if (r < 0)
		goto out;
	if (n > 1)
		qsort(v, n, sizeof(*v), child_cmp);
	for (size_t i = 0; i < n; i++) {
		unsigned flags = v[i].flags;
		int idx;
		while (i + 1 < n && strcmp(v[i].name, v[i + 1].name) == 0)
			flags |= v[++i].flags;
		if (xsnprintf(sub, sizeof(sub), "%s/%s", strcmp(name, "/") == 0 ? "" : name,
			      v[i].name) < 0)
			continue;
		idx = tree_add(t, sub, self, flags & 1, flags & 2);
		if (idx < 0) {
			r = idx;
			goto out;
		}
		r = walk_rec(memroot, v2root, t, sub, idx, flags & 1, flags & 2, depth + 1, u);
		if (r < 0)
			goto out;
	}
out:
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
	return r;
}

static int walk_impl(const struct cg_layout *l, struct reuse *u, struct cgw_tree *ret)
{
	struct cgw_tree t = { 0 };
	const char *memroot = NULL, *v2root = NULL;
	int r;

	if (cg_layout_roots(l, &memroot, &v2root) < 0)
		return -EOPNOTSUPP;
	r = tree_add(&t, "/", -1, memroot != NULL, v2root != NULL);
	if (r >= 0)
		r = walk_rec(memroot, v2root, &t, "/", 0, memroot != NULL, v2root != NULL, 0, u);
	if (r < 0) {
		cgw_tree_free(&t);
		return r;
	}
	/* on v2 the memory tree and the cgroup2 tree are the same directories */
	if (l->mode == CG_MODE_V2)
		for (size_t i = 0; i < t.n; i++)
			t.v[i].in_mem = memroot != NULL;
	*ret = t;
	return 0;
}

int cgw_walk(const struct cg_layout *l, struct cgw_tree *ret)
{
	return walk_impl(l, NULL, ret);
}

int cgw_walk_incremental(const struct cg_layout *l, struct cgw_watch *w, const struct cgw_tree *old,
			 struct cgw_tree *ret)
{
	struct reuse u = { .old = old, .w = w };
	int r;

	if (old && old->n && !w->full) {
		u.byname = malloc(old->n * sizeof(*u.byname));
		u.first_child = malloc(old->n * sizeof(*u.first_child));
		u.next_sib = malloc(old->n * sizeof(*u.next_sib));
		if (!u.byname || !u.first_child || !u.next_sib) {
			u.old = NULL;
		} else {
			for (size_t i = 0; i < old->n; i++) {
				u.byname[i] = i;
				u.first_child[i] = u.next_sib[i] = -1;
			}
			/* children linked in reverse walk order, then reversed by walking from
			 * the end: keep the listing order stable (it is re-sorted anyway) */
			for (size_t i = old->n; i-- > 1;) {
				int p = old->v[i].parent;
				if (p >= 0) {
					u.next_sib[i] = u.first_child[p];
					u.first_child[p] = (int)i;
				}
			}
			g_sort_tree = old;
			qsort(u.byname, old->n, sizeof(*u.byname), byname_cmp);
		}
	} else {
		u.old = NULL;
	}
	r = walk_impl(l, &u, ret);
	free(u.byname);
	free(u.first_child);
	free(u.next_sib);
	if (r >= 0) {
		for (size_t i = 0; i < w->ndirty; i++)
			free(w->dirty[i]);
		w->ndirty = 0;
		w->full = false;
	}
	return r;
}

int cgw_watch_init(struct cgw_watch *w)
{
	memset(w, 0, sizeof(*w));
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0)
		return -errno;
	return 0;
}

void cgw_watch_free(struct cgw_watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	for (size_t i = 0; i < w->wd_cap; i++)
		free(w->wd_name[i]);
	free(w->wd_name);
	for (size_t i = 0; i < w->ndirty; i++)
		free(w->dirty[i]);
	free(w->dirty);
	cgw_watch_clear_events(w);
	free(w->events);
	memset(w, 0, sizeof(*w));
	w->fd = -1;
}

static void add_name(char ***v, size_t *n, size_t *cap, const char *name, bool *full)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i], name) == 0)
			return;
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		char **nv = realloc(*v, nc * sizeof(*nv));
		if (!nv) {
			*full = true;
			return;
		}
		*v = nv;
		*cap = nc;
	}
	(*v)[*n] = strdup(name);
	if (!(*v)[*n])
		*full = true;
	else
		(*n)++;
}

void cgw_watch_clear_events(struct cgw_watch *w)
{
	for (size_t i = 0; i < w->nevents; i++)
		free(w->events[i]);
	w->nevents = 0;
}

static void mark_dirty(struct cgw_watch *w, const char *name)
{
	if (is_dirty(w, name))
		return;
	if (w->ndirty == w->dcap) {
		size_t nc = w->dcap ? w->dcap * 2 : 16;
		char **nv = realloc(w->dirty, nc * sizeof(*nv));
		if (!nv) {
			w->full = true;
			return;
		}
		w->dirty = nv;
		w->dcap = nc;
	}
	w->dirty[w->ndirty] = strdup(name);
	if (!w->dirty[w->ndirty])
		w->full = true;
	else
		w->ndirty++;
}

bool cgw_watch_drain(struct cgw_watch *w)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));

	if (w->fd < 0)
		return true;
	for (;;) {
		ssize_t n = read(w->fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			p += sizeof(*ev) + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				w->full = true;
				w->limits_changed = true;
				continue;
			}
			if (ev->mask & IN_IGNORED)
				continue;
			if (ev->mask & IN_MODIFY) {
				if (ev->len && strcmp(ev->name, "cgroup.events") == 0 &&
				    ev->wd >= 0 && (size_t)ev->wd < w->wd_cap && w->wd_name[ev->wd])
					add_name(&w->events, &w->nevents, &w->ecap,
						 w->wd_name[ev->wd], &w->full);
				if (ev->len && (strcmp(ev->name, "memory.max") == 0 ||
						strcmp(ev->name, "memory.high") == 0 ||
						strcmp(ev->name, "memory.limit_in_bytes") == 0))
					w->limits_changed = true;
				continue;
			}
			if (!(ev->mask & IN_ISDIR))
				continue;
			if (ev->wd < 0 || (size_t)ev->wd >= w->wd_cap || !w->wd_name[ev->wd])
				w->full = true;
			else
				mark_dirty(w, w->wd_name[ev->wd]);
		}
	}
	return w->full || w->ndirty > 0;
}

void cgw_tree_free(struct cgw_tree *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].name);
	free(t->v);
	t->v = NULL;
	t->n = t->cap = 0;
}

int cgw_node_paths(const struct host *h, const struct cg_layout *l, const struct cgw_node *n,
		   char *mem, size_t msz, bool *mem_is_v2, char *psi, size_t psz)
{
	int r;

	mem[0] = psi[0] = '\0';
	*mem_is_v2 = l->mode == CG_MODE_V2;
	if (n->in_mem) {
		r = path_join(mem, msz, *mem_is_v2 ? l->v2 : l->v1_memory, n->name);
		if (r < 0)
			return r;
	}
	if (n->in_v2 && l->v2[0]) {
		char dir[PATH_MAX];
		r = path_join(dir, sizeof(dir), l->v2, n->name);
		if (r < 0)
			return r;
		r = path_join(psi, psz, dir, "memory.pressure");
		if (r < 0)
			return r;
		/* the root cgroup's pressure is the system's (psi_system); older kernels have no
		 * memory.pressure in the root directory */
		if (strcmp(n->name, "/") == 0 && access(psi, F_OK) < 0)
			return host_path(h, "/proc/pressure/memory", psi, psz);
	} else if (strcmp(n->name, "/") == 0) {
		return host_path(h, "/proc/pressure/memory", psi, psz);
	}
	return 0;
}

bool cgw_has_cap_sys_resource(void)
{
	char buf[4096];
	const char *p;
	uint64_t caps = 0;

	if (read_file("/proc/self/status", buf, sizeof(buf)) < 0)
		return false;
	p = strstr(buf, "\nCapEff:\t");
	if (!p)
		return false;
	p += 9;
	for (; *p && *p != '\n'; p++) {
		int d;
		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else
			return false;
		caps = caps << 4 | (uint64_t)d;
	}
	return caps & (1ULL << 24); /* CAP_SYS_RESOURCE */
}

int psi_trigger_arm(const char *path, bool full, uint64_t stall_us, uint64_t window_us)
{
	char spec[96];
	int fd, r;

	fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* as in Documentation/accounting/psi.rst: one write, terminating NUL included */
	xsnprintf(spec, sizeof(spec), "%s %llu %llu", full ? "full" : "some",
		  (unsigned long long)stall_us, (unsigned long long)window_us);
	if (write(fd, spec, strlen(spec) + 1) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

uint64_t psi_window_unprivileged(uint64_t w)
{
	uint64_t n = (w + 1000000) / 2000000; /* nearest multiple of 2 s, ties up */

	if (n < 1)
		n = 1;
	if (n > 5)
		n = 5;
	return n * 2000000;
}

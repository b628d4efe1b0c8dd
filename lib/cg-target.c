// SPDX-License-Identifier: MIT
#include "cg-target.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cg-tree.h"
#include "util.h"
#include "proc.h"
#include "banned.h"

#ifndef RESOLVE_NO_XDEV
#define RESOLVE_NO_XDEV 0x01
#define RESOLVE_NO_SYMLINKS 0x04
#define RESOLVE_BENEATH 0x08
#endif

struct cgt_open_how {
	uint64_t flags, mode, resolve;
};

const char *cg_target_forms(void)
{
	return "accepted: /sys/fs/cgroup/NAME (or .../memory/NAME, .../unified/NAME), /NAME "
	       "(from the hierarchy root), a /proc/PID/cgroup line (0::/NAME, 4:memory:/NAME), a "
	       "unit or cgroup name (nginx.service), a container id (12+ hex digits), a pod uid, "
	       "--pid N";
}

const char *cg_target_form_to_string(enum cg_target_form f)
{
	switch (f) {
	case CGT_FORM_MOUNT_PATH:
		return "mount-path";
	case CGT_FORM_PATH:
		return "path";
	case CGT_FORM_PROC_LINE:
		return "proc-line";
	case CGT_FORM_NAME:
		return "name";
	case CGT_FORM_CONTAINER:
		return "container";
	case CGT_FORM_POD:
		return "pod";
	case CGT_FORM_PID:
		return "pid";
	default:
		return "none";
	}
}

int cg_target_normalize(const char *in, char *out, size_t sz)
{
	size_t o = 0;
	const char *p = in;

	if (!in || *p != '/')
		return -EINVAL;
	if (strchr(in, '\n'))
		return -EINVAL;
	while (*p) {
		const char *s;
		size_t n;
		while (*p == '/')
			p++;
		if (!*p)
			break;
		s = strchr(p, '/');
		n = s ? (size_t)(s - p) : strlen(p);
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return -EXDEV;
		if (o + 1 + n + 1 > sz)
			return -ENAMETOOLONG;
		out[o++] = '/';
		memcpy(out + o, p, n);
		o += n;
		p += n;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return 0;
}

int cg_target_parse_proc_line(const char *s, bool *ret_v2, bool *ret_memory, const char **ret_path)
{
	const char *c1, *c2, *p;
	bool mem = false;

	if (!s || !(*s >= '0' && *s <= '9'))
		return -EINVAL;
	for (p = s; *p >= '0' && *p <= '9'; p++)
		;
	if (*p != ':')
		return -EINVAL;
	c1 = p + 1;
	c2 = strchr(c1, ':');
	if (!c2 || c2[1] != '/')
		return -EINVAL;
	/* the controller list: comma separated, "name=systemd" allowed */
	for (const char *q = c1; q < c2;) {
		const char *e = memchr(q, ',', (size_t)(c2 - q));
		size_t n = e ? (size_t)(e - q) : (size_t)(c2 - q);
		if (n == 6 && memcmp(q, "memory", 6) == 0)
			mem = true;
		q += n + (e ? 1 : 0);
	}
	*ret_v2 = c2 == c1 && (p - s) == 1 && s[0] == '0';
	*ret_memory = mem;
	*ret_path = c2 + 1;
	return 0;
}

unsigned cg_target_distance(const char *a, const char *b, unsigned cap)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned row[256];

	if (la > 255 || lb > 255)
		return cap + 1;
	if ((la > lb ? la - lb : lb - la) > cap)
		return cap + 1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned prev = row[0], best;
		row[0] = (unsigned)i;
		best = row[0];
		for (size_t j = 1; j <= lb; j++) {
			unsigned cur = row[j];
			unsigned v = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < v)
				v = row[j] + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			prev = cur;
			if (v < best)
				best = v;
		}
		if (best > cap)
			return cap + 1;
	}
	return row[lb] > cap ? cap + 1 : row[lb];
}

/* the lstat() walk for kernels without openat2 (before 5.6): every component a directory */
static int open_beneath_fallback(const char *root, const char *name)
{
	char path[PATH_MAX];
	struct stat st, rst;
	size_t n;
	int fd;

	if (lstat(root, &rst) < 0)
		return -errno;
	n = strlen(root);
	if (n >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, root, n + 1);
	for (const char *p = name; *p;) {
		const char *e;
		size_t k;
		while (*p == '/')
			p++;
		if (!*p)
			break;
		e = strchr(p, '/');
		k = e ? (size_t)(e - p) : strlen(p);
		if (n + 1 + k >= sizeof(path))
			return -ENAMETOOLONG;
		path[n++] = '/';
		memcpy(path + n, p, k);
		n += k;
		path[n] = '\0';
		if (lstat(path, &st) < 0)
			return -errno;
		if (S_ISLNK(st.st_mode))
			return -EXDEV;
		if (!S_ISDIR(st.st_mode))
			return -ENOTDIR;
		if (st.st_dev != rst.st_dev)
			return -EXDEV;
		p += k;
	}
	fd = open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int cg_target_open_beneath(const char *root, const char *name)
{
	struct cgt_open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV,
	};
	const char *rel = name;
	int dfd, fd, r;

	if (!root[0])
		return -ENOENT;
	while (*rel == '/')
		rel++;
	dfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	if (!*rel)
		return dfd;
#ifdef SYS_openat2
	fd = (int)syscall(SYS_openat2, dfd, rel, &how, sizeof(how));
	r = fd < 0 ? -errno : fd;
#else
	r = -ENOSYS;
#endif
	close(dfd);
	if (r == -ENOSYS || r == -EPERM) /* no openat2, or a seccomp filter refusing it */
		return open_beneath_fallback(root, name);
	if (r == -ELOOP)
		return -EXDEV; /* a symlink on the way */
	return r;
}

/* Does name exist as a directory beneath root? 1 yes, 0 no, -EXDEV escapes. */
static int exists_beneath(const char *root, const char *name)
{
	int fd = cg_target_open_beneath(root, name);

	if (fd >= 0) {
		close(fd);
		return 1;
	}
	if (fd == -EXDEV)
		return -EXDEV;
	return 0;
}

static const char *memroot(const struct cg_layout *l, bool *is_v2)
{
	*is_v2 = l->mode == CG_MODE_V2;
	if (*is_v2)
		return l->v2_memory ? l->v2 : "";
	return l->v1_memory;
}

/* Fill the directories of t from its memory name and cgroup2 name (either may be NULL). */
static int fill_dirs(const struct cg_layout *l, const char *mname, const char *v2name,
		     struct cg_target *t)
{
	bool is_v2;
	const char *mr = memroot(l, &is_v2);
	int r;

	t->mem[0] = t->v2dir[0] = t->v2name[0] = '\0';
	t->mem_is_v2 = is_v2;
	t->exists = false;
	if (mname) {
		xsnprintf(t->name, sizeof(t->name), "%s", mname);
		if (mr[0]) {
			r = exists_beneath(mr, mname);
			if (r < 0)
				return r;
			if (r > 0) {
				if (path_join(t->mem, sizeof(t->mem), mr, mname) < 0)
					return -ENAMETOOLONG;
				t->exists = true;
			}
		}
	}
	if (v2name && l->v2[0]) {
		r = exists_beneath(l->v2, v2name);
		if (r < 0)
			return r;
		if (r > 0) {
			if (path_join(t->v2dir, sizeof(t->v2dir), l->v2, v2name) < 0)
				return -ENAMETOOLONG;
			xsnprintf(t->v2name, sizeof(t->v2name), "%s", v2name);
			t->exists = true;
			if (!mname)
				xsnprintf(t->name, sizeof(t->name), "%s", v2name);
		}
	}
	if (!mname && !t->v2name[0] && v2name)
		xsnprintf(t->name, sizeof(t->name), "%s", v2name);
	return 0;
}

/* The cgroup mount points without the sysroot prefix ("/sys/fs/cgroup/memory"). */
static const char *unprefixed(const struct host *h, const char *full)
{
	size_t n = strlen(h->root);

	if (!full[0])
		return "";
	if (n && strncmp(full, h->root, n) == 0)
		return full + n;
	return full;
}

static size_t prefix_len(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	if (!n || strncmp(s, prefix, n) != 0 || (s[n] != '/' && s[n] != '\0'))
		return 0;
	return n;
}

/* "/sys/fs/cgroup/memory/a" -> "/a": strip a cgroup mount point; 0 if none matched */
static size_t strip_mount(const struct host *h, const struct cg_layout *l, const char *s)
{
	static const char *const v1[] = {
		"memory",
		"unified",
		"systemd",
		"cpu",
		"cpuacct",
		"cpu,cpuacct",
		"cpuacct,cpu",
		"pids",
		"blkio",
		"devices",
		"freezer",
		"net_cls",
		"net_prio",
		"net_cls,net_prio",
		"net_prio,net_cls",
		"perf_event",
		"hugetlb",
		"cpuset",
		"rdma",
		"misc",
	};
	size_t n;

	if ((n = prefix_len(s, unprefixed(h, l->v1_memory))))
		return n;
	if ((n = prefix_len(s, unprefixed(h, l->v2))))
		return n;
	if (!(n = prefix_len(s, "/sys/fs/cgroup")))
		return 0;
	if (l->mode != CG_MODE_V2) {
		for (size_t i = 0; i < ELEMENTSOF(v1); i++) {
			size_t k = strlen(v1[i]);
			if (s[n] == '/' && strncmp(s + n + 1, v1[i], k) == 0 &&
			    (s[n + 1 + k] == '/' || s[n + 1 + k] == '\0'))
				return n + 1 + k;
		}
	}
	/* the v2 tutorial's /sys/fs/cgroup/NAME on a v1 or hybrid host: the cgroup /NAME */
	return n;
}

/* a container id or (a prefix of) a pod uid: 12+ characters of hex, '-' or '_' */
static bool is_idlike(const char *s)
{
	size_t n = 0, hex = 0;

	for (; s[n]; n++) {
		if ((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f') ||
		    (s[n] >= 'A' && s[n] <= 'F'))
			hex++;
		else if (s[n] != '-' && s[n] != '_')
			return false;
	}
	return n >= 12 && hex >= 8;
}

/* "pod<uid>" (cgroupfs driver) or "kubepods-<qos>-pod<uid>.slice" (systemd driver) */
static bool is_pod_component(const char *c)
{
	return startswith(c, "pod") || (startswith(c, "kubepods") && strstr(c, "-pod"));
}

static void hint_add(char *hint, size_t hsz, const char *name)
{
	size_t n;

	if (!hint || !hsz)
		return;
	n = strlen(hint);
	if (n + 2 >= hsz)
		return;
	xsnprintf(hint + n, hsz - n, "%s%s", n ? " " : "", name);
}

/* Search the tree: container/pod ids (id true) or exact component names. */
static int search_tree(const struct cg_layout *l, const char *word, bool id, char *found,
		       size_t fsz, size_t *ret_n, char *hint, size_t hsz)
{
	struct cgw_tree tree;
	size_t n = 0;
	int r;

	r = cgw_walk(l, &tree);
	if (r < 0)
		return r;
	for (size_t i = 1; i < tree.n; i++) {
		const char *last = strrchr(tree.v[i].name, '/') + 1;
		bool below = false;
		if (id ? !cgw_component_matches_id(last, word) : strcmp(last, word) != 0)
			continue;
		/* a pod's containers sit below the pod: the shallowest match wins */
		for (int p = tree.v[i].parent; id && p > 0; p = tree.v[p].parent)
			if (cgw_component_matches_id(strrchr(tree.v[p].name, '/') + 1, word))
				below = true;
		if (below)
			continue;
		if (n++ == 0)
			xsnprintf(found, fsz, "%s", tree.v[i].name);
		hint_add(hint, hsz, tree.v[i].name);
	}
	cgw_tree_free(&tree);
	*ret_n = n;
	return 0;
}

/* "did you mean": the one cgroup whose name (full path, or last component) is closest */
static void did_you_mean(const struct cg_layout *l, const char *word, bool full, char *hint,
			 size_t hsz)
{
	struct cgw_tree tree;
	unsigned best = UINT32_MAX, cap;
	size_t nbest = 0;
	char cand[PATH_MAX] = "";

	if (!hint || !hsz)
		return;
	hint[0] = '\0';
	cap = strlen(word) < 6 ? 1 : strlen(word) < 16 ? 2 : 3;
	if (cgw_walk(l, &tree) < 0)
		return;
	for (size_t i = 1; i < tree.n; i++) {
		const char *name = full ? tree.v[i].name : strrchr(tree.v[i].name, '/') + 1;
		unsigned d = cg_target_distance(word, name, cap);
		if (d > cap)
			continue;
		if (d < best) {
			best = d;
			nbest = 1;
			xsnprintf(cand, sizeof(cand), "%s", tree.v[i].name);
		} else if (d == best) {
			nbest++;
		}
	}
	cgw_tree_free(&tree);
	if (nbest == 1)
		xsnprintf(hint, hsz, "%s", cand);
}

static bool has_ctl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

int cg_target_from_pid(const struct host *h, const struct cg_layout *l, pid_t pid,
		       struct cg_target *ret)
{
	char rel[64], path[PATH_MAX], buf[4096], mname[PATH_MAX], v2name[PATH_MAX];
	struct cg_target t = { .form = CGT_FORM_PID, .pid = pid };
	bool has_m, has_2;
	int r;

	if (pid <= 0)
		return -EINVAL;
	if (l->mode == CG_MODE_NONE)
		return -EOPNOTSUPP;
	xsnprintf(rel, sizeof(rel), "/proc/%d/cgroup", (int)pid);
	if ((r = host_path(h, rel, path, sizeof(path))) < 0)
		return r;
	r = (int)read_file(path, buf, sizeof(buf));
	if (r < 0)
		return r == -ENOENT ? -ESRCH : r;
	has_2 = proc_cgroup_parse(buf, false, v2name, sizeof(v2name)) == 0;
	if (l->mode == CG_MODE_V2)
		has_m = has_2 && memcpy(mname, v2name, sizeof(mname));
	else
		has_m = proc_cgroup_parse(buf, true, mname, sizeof(mname)) == 0;
	if (!has_m && !has_2)
		return -ENOENT;
	/* the kernel's own text, but still: never leave the hierarchy */
	if ((has_m && cg_target_normalize(mname, mname, sizeof(mname)) < 0) ||
	    (has_2 && cg_target_normalize(v2name, v2name, sizeof(v2name)) < 0))
		return -EXDEV;
	r = fill_dirs(l, has_m ? mname : NULL, has_2 ? v2name : NULL, &t);
	if (r < 0)
		return r;
	if (!t.exists)
		return -ENOENT;
	*ret = t;
	return 0;
}

/* A name found from the path forms: both trees under the same name. */
static int resolve_name(const struct cg_layout *l, const char *name, enum cg_target_form form,
			unsigned flags, struct cg_target *ret, char *hint, size_t hsz)
{
	struct cg_target t = { .form = form };
	int r = fill_dirs(l, name, name, &t);

	if (r < 0)
		return r;
	if (!t.exists && !(flags & CGT_MAY_BE_GONE)) {
		did_you_mean(l, name, true, hint, hsz);
		return -ENOENT;
	}
	xsnprintf(t.name, sizeof(t.name), "%s", name);
	*ret = t;
	return 0;
}

int cg_target_resolve(const struct host *h, const struct cg_layout *l, const char *arg,
		      unsigned flags, struct cg_target *ret, char *hint, size_t hsz)
{
	static const char *const schemes[] = { "docker://", "containerd://", "cri-o://", "crio://",
					       "podman://" };
	char name[PATH_MAX], found[PATH_MAX];
	const char *word = arg;
	bool v2line, memline, scheme = false;
	const char *p;
	size_t n;
	int r;

	if (hint && hsz)
		hint[0] = '\0';
	if (!arg || !*arg || has_ctl(arg) || strlen(arg) >= PATH_MAX)
		return -EINVAL;
	/* without a cgroup mount only a path that may be gone can be matched (why --log) */
	if (l->mode == CG_MODE_NONE && !(flags & CGT_MAY_BE_GONE))
		return -EOPNOTSUPP;

	/* a pid */
	if ((flags & CGT_DIGITS_ARE_PID) && strlen(arg) <= 10 &&
	    strspn(arg, "0123456789") == strlen(arg)) {
		uint64_t pid;
		if (parse_u64(arg, &pid) < 0 || pid == 0 || pid > INT32_MAX)
			return -EINVAL;
		return cg_target_from_pid(h, l, (pid_t)pid, ret);
	}

	/* a line of /proc/PID/cgroup */
	if (cg_target_parse_proc_line(arg, &v2line, &memline, &p) == 0) {
		struct cg_target t = { .form = CGT_FORM_PROC_LINE };
		if ((r = cg_target_normalize(p, name, sizeof(name))) < 0)
			return r;
		/* "0::/x": the cgroup2 path; on hybrid hosts its v1 memory sibling has the same
		 * name. "4:memory:/x" (or another v1 hierarchy): the same name in both trees. */
		r = fill_dirs(l, name, name, &t);
		if (r < 0)
			return r;
		if (!t.exists && !(flags & CGT_MAY_BE_GONE)) {
			did_you_mean(l, name, true, hint, hsz);
			return -ENOENT;
		}
		xsnprintf(t.name, sizeof(t.name), "%s", name);
		*ret = t;
		return 0;
	}

	/* a path: under a cgroup mount, or from the hierarchy root */
	if (arg[0] == '/') {
		char whole[PATH_MAX];
		enum cg_target_form form = CGT_FORM_PATH;
		/* "." and ".." anywhere are refused before any prefix is stripped */
		if ((r = cg_target_normalize(arg, whole, sizeof(whole))) < 0)
			return r;
		n = strip_mount(h, l, whole);
		if (n) {
			form = CGT_FORM_MOUNT_PATH;
			xsnprintf(name, sizeof(name), "%s", whole[n] ? whole + n : "/");
		} else {
			xsnprintf(name, sizeof(name), "%s", whole);
		}
		return resolve_name(l, name, form, flags, ret, hint, hsz);
	}

	/* kubectl's containerID: docker://<id>, containerd://<id>, cri-o://<id> */
	for (size_t i = 0; i < ELEMENTSOF(schemes); i++)
		if (startswith(arg, schemes[i])) {
			word = arg + strlen(schemes[i]);
			scheme = true;
			break;
		}
	if (strchr(word, '/')) {
		/* "system.slice/nginx.service": a path from the root, written without the '/' */
		if (scheme)
			return -EINVAL;
		xsnprintf(found, sizeof(found), "/%s", word);
		if ((r = cg_target_normalize(found, name, sizeof(name))) < 0)
			return r;
		return resolve_name(l, name, CGT_FORM_PATH, flags, ret, hint, hsz);
	}
	if (strcmp(word, ".") == 0 || strcmp(word, "..") == 0)
		return -EXDEV;

	/* a container id or a pod uid */
	if (is_idlike(word)) {
		r = search_tree(l, word, true, found, sizeof(found), &n, hint, hsz);
		if (r < 0)
			return r;
		if (n > 1)
			return -ENOTUNIQ;
		if (n == 1) {
			const char *last = strrchr(found, '/') + 1;
			bool pod = is_pod_component(last);
			if (hint && hsz)
				hint[0] = '\0';
			r = resolve_name(l, found, pod ? CGT_FORM_POD : CGT_FORM_CONTAINER, 0, ret,
					 NULL, 0);
			if (r == 0)
				xsnprintf(ret->matched, sizeof(ret->matched), "%s %s",
					  pod ? "pod" : "container", word);
			return r;
		}
		if (hint && hsz)
			hint[0] = '\0';
		if (scheme)
			return -ENOENT;
	} else if (scheme) {
		return -EINVAL;
	}

	/* a unit or cgroup name: one path component found anywhere in the tree */
	r = search_tree(l, word, false, found, sizeof(found), &n, hint, hsz);
	if (r < 0)
		return r;
	if (n > 1)
		return -ENOTUNIQ;
	if (n == 0) {
		did_you_mean(l, word, false, hint, hsz);
		return -ENOENT;
	}
	if (hint && hsz)
		hint[0] = '\0';
	r = resolve_name(l, found, CGT_FORM_NAME, 0, ret, NULL, 0);
	if (r == 0)
		xsnprintf(ret->matched, sizeof(ret->matched), "%s %s",
			  strchr(word, '.') ? "unit" : "name", word);
	return r;
}

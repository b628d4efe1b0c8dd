// SPDX-License-Identifier: MIT
/*
 * The processes of a cgroup oomlab created: list them, signal them all, kill them all now.
 * `run` forwards a signal to every process of its cgroup (not only the command's pid) and ends
 * everything with cgroup.kill (v2, or the v2 sibling on a hybrid host) or a SIGKILL of every pid
 * (v1). Only directories of a struct cg are read: these never touch another cgroup's processes.
 */
#include "cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "banned.h"

/* a workload that builds a deeper tree than this inside its own cgroup is not one we name */
#define CG_PROCS_MAX_DEPTH 16

typedef void (*pid_fn)(pid_t pid, void *ud);

/* Call fn for every pid of dir/cgroup.procs and of the directories below; count them. */
static int walk(const char *dir, unsigned depth, pid_fn fn, void *ud)
{
	char path[PATH_MAX];
	_cleanup_free_ char *buf = NULL;
	DIR *d;
	struct dirent *de;
	int n = 0, r;

	if ((r = path_join(path, sizeof(path), dir, "cgroup.procs")) < 0)
		return r;
	if ((r = (int)read_file_alloc(path, &buf)) < 0)
		return r;
	for (char *line = buf; *line;) {
		char *nl = strchr(line, '\n');
		uint64_t pid;
		if (nl)
			*nl = '\0';
		if (*line && parse_u64(line, &pid) == 0 && pid > 0 && pid < INT32_MAX) {
			fn((pid_t)pid, ud);
			n++;
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	if (depth >= CG_PROCS_MAX_DEPTH || !(d = opendir(dir)))
		return n;
	while ((de = readdir(d))) {
		char sub[PATH_MAX];
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (path_join(sub, sizeof(sub), dir, de->d_name) < 0)
			continue;
		r = walk(sub, depth + 1, fn, ud);
		if (r > 0)
			n += r;
	}
	closedir(d);
	return n;
}

struct list_ctx {
	pid_t *pids;
	size_t max, n;
};

static void add_pid(pid_t pid, void *ud)
{
	struct list_ctx *c = ud;
	for (size_t i = 0; i < c->n; i++)
		if (c->pids[i] == pid)
			return;
	if (c->n < c->max)
		c->pids[c->n++] = pid;
}

int cg_list_procs(const struct cg *cg, pid_t *pids, size_t max, size_t *ret_n)
{
	struct list_ctx c = { pids, max, 0 };
	int r = walk(cg->mem, 0, add_pid, &c);

	if (r < 0)
		return r;
	*ret_n = c.n;
	return r;
}

/* every distinct pid of both trees (a hybrid host has each process in both) */
struct set_ctx {
	pid_t *v;
	size_t n, cap;
	bool oom;
};

static void set_add(pid_t pid, void *ud)
{
	struct set_ctx *c = ud;
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i] == pid)
			return;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		pid_t *nv = realloc(c->v, cap * sizeof(*nv));
		if (!nv) {
			c->oom = true;
			return;
		}
		c->v = nv;
		c->cap = cap;
	}
	c->v[c->n++] = pid;
}

int cg_signal_all(const struct cg *cg, int sig, pid_t skip_pgrp)
{
	struct set_ctx c = { 0 };
	int r = walk(cg->mem, 0, set_add, &c), sent = 0;

	if (r < 0) {
		free(c.v);
		return r;
	}
	/* hybrid: a process may have left the v1 directory but not the v2 sibling */
	if (cg->v2[0] && !cg->mem_is_v2)
		walk(cg->v2, 0, set_add, &c);
	for (size_t i = 0; i < c.n; i++) {
		if (skip_pgrp > 0 && getpgid(c.v[i]) == skip_pgrp)
			continue;
		if (kill(c.v[i], sig) == 0)
			sent++;
	}
	free(c.v);
	return sent;
}

int cg_kill_now(const struct cg *cg)
{
	char path[PATH_MAX];
	bool group = false;
	int r;

	if (cg->v2[0] && path_join(path, sizeof(path), cg->v2, "cgroup.kill") >= 0 &&
	    access(path, F_OK) == 0 && write_file(path, "1") == 0)
		group = true;
	/* v1, or a kernel before 5.14: SIGKILL each pid; cg_destroy repeats until empty */
	if (!group || !cg->mem_is_v2) {
		r = cg_signal_all(cg, SIGKILL, 0);
		if (r < 0 && !group)
			return r;
	}
	return group ? 1 : 0;
}

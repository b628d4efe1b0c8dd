// SPDX-License-Identifier: MIT
/* Loading an OOM scope (memcg subtree or whole host) and predicting the victim. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oom-scope.h"
#include "memory-stat.h"
#include "oomtasks.h"
#include "proc.h"
#include "util.h"
#include "banned.h"

static unsigned page_size(void)
{
	long p = sysconf(_SC_PAGESIZE);
	return p > 0 ? (unsigned)p : 4096;
}

static int global_totalpages(const struct host *h, unsigned ps, uint64_t *ret_total,
			     uint64_t *ret_swap_bytes)
{
	char path[PATH_MAX], buf[8192]; /* /proc/meminfo is ~1.5 KiB */
	struct meminfo mi;
	ssize_t n;
	int r;

	if ((r = host_path(h, "/proc/meminfo", path, sizeof(path))) < 0)
		return r;
	if ((n = read_file(path, buf, sizeof(buf))) < 0)
		return (int)n;
	if ((r = meminfo_parse(buf, &mi)) < 0)
		return r;
	/* MemTotal is totalram_pages(), SwapTotal is total_swap_pages (+ pages being swapped off) */
	*ret_total = mi.total / ps + mi.swap_total / ps;
	*ret_swap_bytes = mi.swap_total;
	return 0;
}

/* mem_cgroup_get_max() for the memory directory dir. -ERANGE: no limit there. */
static int dir_totalpages(const struct host *h, const struct cg_layout *l, const char *dir,
			  uint64_t swap_total, unsigned ps, uint64_t *ret, uint64_t *ret_limit,
			  uint64_t *ret_swap_pages)
{
	struct memcg_max_input in = { .total_swap = swap_total,
				      .swap_max = SIZE_UNLIMITED,
				      .memsw_max = SIZE_UNLIMITED };
	uint64_t v, total;
	int r;

	in.v2 = l->mode == CG_MODE_V2;
	if (in.v2) {
		char path[PATH_MAX], buf[32];
		if ((r = cg_read_u64(dir, "memory.max", &in.max)) < 0)
			return r;
		if (cg_read_u64(dir, "memory.swap.max", &v) >= 0)
			in.swap_max = v;
		else
			in.swap_max = 0; /* no swap controller: no swap for this memcg */
		/* cgroup2 has no per-cgroup swappiness: vm_swappiness applies */
		in.swappiness = 60;
		if (host_path(h, "/proc/sys/vm/swappiness", path, sizeof(path)) >= 0 &&
		    read_file(path, buf, sizeof(buf)) >= 0) {
			int s;
			strip_trailing(buf);
			if (parse_int(buf, &s) >= 0 && s >= 0)
				in.swappiness = (unsigned)s;
		}
	} else {
		if ((r = cg_read_u64(dir, "memory.limit_in_bytes", &v)) < 0)
			return r;
		in.max = cg_v1_normalize_limit(v);
		if (cg_read_u64(dir, "memory.memsw.limit_in_bytes", &v) >= 0)
			in.memsw_max = cg_v1_normalize_limit(v);
		else
			in.memsw_max = in.max; /* swap accounting off: no swap in the total */
		in.swappiness = 60;
		if (cg_read_u64(dir, "memory.swappiness", &v) >= 0)
			in.swappiness = (unsigned)v;
	}
	if ((r = memcg_totalpages(&in, ps, &total)) < 0)
		return r;
	*ret = total;
	*ret_limit = in.max;
	*ret_swap_pages = total - in.max / ps;
	return 0;
}

int oom_pid_memcg(const struct host *h, const struct cg_layout *l, pid_t pid, char *ret, size_t sz)
{
	return proc_read_memcg(h, pid, l->mode != CG_MODE_V2, ret, sz);
}

struct cand_vec {
	struct oom_cand *v;
	size_t n, cap;
};

static int cand_push(struct cand_vec *cv, struct oom_cand **ret)
{
	if (cv->n == cv->cap) {
		size_t nc = cv->cap ? cv->cap * 2 : 256;
		struct oom_cand *nv = realloc(cv->v, nc * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		cv->v = nv;
		cv->cap = nc;
	}
	*ret = &cv->v[cv->n++];
	return 0;
}

/* Read one pid from /proc into c; -errno when it vanished. */
static int read_proc_cand(int proc_fd, const struct host *h, pid_t pid, struct oom_cand *c)
{
	struct proc_oom_info info;
	struct proc_stat st;
	unsigned group = c->group;
	int r = proc_read_oom_info_at(proc_fd, pid, &info);

	if (r < 0)
		return r;
	oom_cand_from_proc(c, pid, &info);
	c->group = group;
	if (proc_read_stat(h, pid, &st) >= 0) {
		c->starttime = st.starttime;
		if (st.flags & PROC_PF_KTHREAD)
			c->unkillable = OOM_UNKILLABLE_KTHREAD;
	}
	return 0;
}

/*
 * Fill the candidates the walk collected (pid and group only), from the BPF table or /proc.
 * The table is read after the walk: a process listed in cgroup.procs that is not in it has
 * exited meanwhile, and is counted as vanished like a failed /proc read.
 */
static void fill_cands(const struct host *h, int proc_fd, const struct oom_task *tab, size_t ntab,
		       unsigned page_kb, struct cand_vec *cv, size_t *skipped)
{
	size_t k = 0;

	for (size_t i = 0; i < cv->n; i++) {
		struct oom_cand *c = &cv->v[i];
		unsigned group = c->group;
		pid_t pid = c->pid;
		int r = 0;

		if (tab) {
			const struct oom_task *t = oom_tasks_find(tab, ntab, pid);
			if (t) {
				oom_cand_from_task(c, t, page_kb);
				c->group = group;
			} else {
				r = -ESRCH;
			}
		} else {
			r = read_proc_cand(proc_fd, h, pid, c);
		}
		if (r < 0) {
			(*skipped)++;
			continue;
		}
		if (k != i)
			cv->v[k] = *c;
		k++;
	}
	cv->n = k;
}

const char *oom_source_name(const struct oom_rank *s)
{
	return s->from_bpf ? "bpf-task-iter" : "procfs";
}

/*
 * The BPF table for src, or none (/proc). With SCORES_SOURCE_AUTO every failure falls back to
 * /proc and leaves the reason in s->source_note; with SCORES_SOURCE_BPF it is an error.
 */
static int load_tasks(const struct host *h, enum scores_source src, struct oom_rank *s,
		      struct oom_task **ret, size_t *ret_n)
{
	int r;

	*ret = NULL;
	*ret_n = 0;
	if (src == SCORES_SOURCE_PROC)
		return 0;
	if (!host_is_live(h)) {
		xsnprintf(
			s->source_note, sizeof(s->source_note),
			"a --sysroot tree has no running kernel behind it for the BPF task iterator");
		return src == SCORES_SOURCE_BPF ? -EOPNOTSUPP : 0;
	}
	r = oom_tasks_read(ret, ret_n, s->source_note, sizeof(s->source_note));
	if (r < 0)
		return src == SCORES_SOURCE_BPF ? r : 0;
	s->from_bpf = true;
	s->source_note[0] = '\0';
	return 0;
}

/*
 * Pre-order walk of a memory cgroup directory, as for_each_mem_cgroup_tree() visits it: the
 * cgroup itself, then each child subtree (creation order in the kernel; readdir order here).
 */
static int walk_memcg(const char *dir, unsigned *group, int depth, struct cand_vec *cv)
{
	char path[PATH_MAX];
	_cleanup_free_ char *procs = NULL;
	unsigned my = (*group)++;
	struct dirent *de;
	ssize_t n;
	DIR *d;
	int r;

	if (depth > 64)
		return -ELOOP;
	if ((r = path_join(path, sizeof(path), dir, "cgroup.procs")) < 0)
		return r;
	n = read_file_alloc(path, &procs);
	if (n < 0)
		return (int)n;
	for (char *p = procs; *p;) {
		char *nl = strchr(p, '\n');
		uint64_t pid;
		if (nl)
			*nl = '\0';
		if (*p && parse_u64(p, &pid) >= 0 && pid > 0 && pid <= INT32_MAX) {
			struct oom_cand *c;
			if ((r = cand_push(cv, &c)) < 0)
				return r;
			memset(c, 0, sizeof(*c));
			c->pid = (pid_t)pid;
			c->group = my;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		struct stat st;
		if (de->d_name[0] == '.')
			continue;
		if (path_join(path, sizeof(path), dir, de->d_name) < 0)
			continue;
		if (de->d_type != DT_DIR &&
		    (de->d_type != DT_UNKNOWN || stat(path, &st) < 0 || !S_ISDIR(st.st_mode)))
			continue;
		if ((r = walk_memcg(path, group, depth + 1, cv)) < 0) {
			if (r == -ENOENT) /* removed while we walked */
				continue;
			closedir(d);
			return r;
		}
	}
	closedir(d);
	return 0;
}

static int open_proc(const struct host *h)
{
	char path[PATH_MAX];
	int r = host_path(h, "/proc", path, sizeof(path));
	if (r < 0)
		return r;
	r = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return r < 0 ? -errno : r;
}

/* Equal points at the top: the kernel keeps the LAST in iteration order. For the whole host
 * that order is fork order (the task list), which pid order only approximates: look at start
 * times of the tied tasks. */
static void break_global_tie(const struct host *h, struct oom_rank *s)
{
	int64_t top = s->c[s->victim].badness;
	size_t best = s->victim;

	for (size_t i = 0; i < s->n; i++) {
		struct oom_cand *c = &s->c[i];
		struct proc_stat st;
		if (c->unkillable != OOM_KILLABLE || c->badness != top || s->from_bpf)
			continue; /* the BPF table has the fork times already */
		if (proc_read_stat(h, c->pid, &st) >= 0)
			c->starttime = st.starttime;
	}
	for (size_t i = 0; i < s->n; i++) {
		struct oom_cand *c = &s->c[i];
		if (c->unkillable != OOM_KILLABLE || c->badness != top || i == best)
			continue;
		if (c->starttime > s->c[best].starttime ||
		    (c->starttime == s->c[best].starttime && c->pid > s->c[best].pid))
			best = i;
	}
	if (best != s->victim) {
		s->runner = s->victim;
		s->victim = best;
	}
}

void oom_scope_rescore(struct oom_rank *s)
{
	unsigned page_kb = s->page_size / 1024;

	if (!page_kb)
		page_kb = 4;
	for (size_t i = 0; i < s->n; i++) {
		struct oom_cand *c = &s->c[i];
		oom_cand_score(c, s->totalpages, page_kb);
		if (c->unkillable == OOM_KILLABLE) {
			int64_t g = oom_badness_points(c->rss_kb, c->swap_kb, c->pgtables_kb,
						       c->adj, s->global_totalpages, page_kb);
			c->oom_score_computed =
				oom_score_from_badness(g, true, s->global_totalpages);
		}
		if (s->from_bpf) {
			/* the iterator has no oom_score: proc_oom_score()'s formula over the same
			 * counters gives what the file would read (tests/integration/scores-bpf) */
			c->oom_score = (int)c->oom_score_computed;
			c->has_oom_score = true;
		}
	}
	s->has_victim = oom_select(s->c, s->n, &s->victim, &s->runner, &s->tie) >= 0;
}

static int finish(const struct host *h, struct oom_rank *s, bool global_order)
{
	s->oom_victims = 0;
	for (size_t i = 0; i < s->n; i++)
		s->oom_victims += s->c[i].oom_victim;
	if (!global_order)
		oom_cand_sort(s->c, s->n);
	oom_scope_rescore(s);
	if (s->has_victim && s->tie && global_order)
		break_global_tie(h, s);
	return 0;
}

int oom_scope_load_cgroup(const struct host *h, const struct cg_layout *l, const char *name,
			  enum scores_source src, struct oom_rank *ret)
{
	_cleanup_free_ struct oom_task *tab = NULL;
	size_t ntab = 0;
	struct oom_rank s = { .page_size = page_size() };
	struct cand_vec cv = { 0 };
	_cleanup_close_ int proc_fd = -1;
	uint64_t swap_bytes;
	char dom[PATH_MAX];
	struct cg cg;
	unsigned group = 0;
	int r;

	if ((r = cg_open(l, name, &cg)) < 0)
		return r;
	if ((r = global_totalpages(h, s.page_size, &s.global_totalpages, &swap_bytes)) < 0)
		return r;
	xsnprintf(s.asked, sizeof(s.asked), "%s", cg.name);

	/* the OOM domain: this cgroup if limited, else the nearest limited ancestor */
	xsnprintf(dom, sizeof(dom), "%s", cg.name);
	for (;;) {
		struct cg d;
		uint64_t total, limit, swp;
		if (cg_open(l, dom, &d) >= 0 && dir_totalpages(h, l, d.mem, swap_bytes, s.page_size,
							       &total, &limit, &swp) >= 0) {
			s.memcg = true;
			s.totalpages = total;
			s.limit_bytes = limit;
			s.swap_pages = swp;
			xsnprintf(s.domain, sizeof(s.domain), "%s", dom);
			s.domain_is_ancestor = strcmp(dom, cg.name) != 0;
			break;
		}
		if (strcmp(dom, "/") == 0)
			break;
		char *slash = strrchr(dom, '/');
		if (slash == dom)
			dom[1] = '\0';
		else
			*slash = '\0';
	}
	if (!s.memcg) {
		s.totalpages = s.global_totalpages;
		s.swap_pages = swap_bytes / s.page_size;
	}

	if ((proc_fd = open_proc(h)) < 0)
		return proc_fd;
	/* A memcg OOM scans the domain's whole subtree; show exactly those tasks. */
	{
		struct cg walk;
		if ((r = cg_open(l, s.memcg ? s.domain : cg.name, &walk)) < 0)
			return r;
		r = walk_memcg(walk.mem, &group, 0, &cv);
		if (r >= 0)
			r = load_tasks(h, src, &s, &tab, &ntab);
		if (r < 0) {
			xsnprintf(ret->source_note, sizeof(ret->source_note), "%s", s.source_note);
			free(cv.v);
			return r;
		}
		fill_cands(h, proc_fd, tab, ntab, s.page_size / 1024 ? s.page_size / 1024 : 4, &cv,
			   &s.skipped);
	}
	s.c = cv.v;
	s.n = cv.n;
	finish(h, &s, false);
	*ret = s;
	return 0;
}

/*
 * Reading three /proc files costs about 2.7 µs each on 6.x (pid lookup, dentry, text
 * generation; status alone about 7 µs): 5,000 processes take ~55 ms of CPU. The kernel side
 * scales across CPUs, so large tables are read by one thread per CPU (at most 8). Work is handed
 * out in blocks of READ_BLOCK pids from a shared counter, not in fixed halves: on a busy host
 * one CPU may be taken by something else, and the other thread then simply reads more.
 * Each thread writes only the slots of the blocks it claimed.
 */
#define READ_BLOCK 64

struct read_work {
	int proc_fd;
	const pid_t *pids;
	size_t n;
	struct oom_cand *out; /* n slots */
	bool *ok;	      /* n flags */
	size_t next;	      /* next unclaimed index (atomic) */
};

static void *read_work_run(void *arg)
{
	struct read_work *w = arg;

	for (;;) {
		size_t from = __atomic_fetch_add(&w->next, READ_BLOCK, __ATOMIC_RELAXED);
		size_t to = from + READ_BLOCK < w->n ? from + READ_BLOCK : w->n;
		if (from >= w->n)
			break;
		for (size_t i = from; i < to; i++) {
			struct proc_oom_info info;
			if (proc_read_oom_info_at(w->proc_fd, w->pids[i], &info) < 0)
				continue;
			oom_cand_from_proc(&w->out[i], w->pids[i], &info);
			w->ok[i] = true;
		}
	}
	return NULL;
}

#define READ_THREADS_MAX 8
#define READ_THREADS_MIN_PIDS 512

/* The whole host from the BPF table: every process, in pid order (finish() re-checks ties by
 * fork time, the task list's order). */
static int load_all_bpf(const struct host *h, struct oom_rank *s, struct oom_task *tab, size_t ntab)
{
	unsigned page_kb = s->page_size / 1024 ? s->page_size / 1024 : 4;
	struct oom_cand *c = calloc(ntab ? ntab : 1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	for (size_t i = 0; i < ntab; i++)
		oom_cand_from_task(&c[i], &tab[i], page_kb);
	s->c = c;
	s->n = ntab;
	return finish(h, s, true);
}

int oom_scope_load_all(const struct host *h, enum scores_source src, struct oom_rank *ret)
{
	_cleanup_free_ struct oom_task *tab = NULL;
	size_t ntab = 0;
	struct oom_rank s = { .page_size = page_size() };
	struct read_work work;
	pthread_t th[READ_THREADS_MAX];
	bool started[READ_THREADS_MAX] = { false };
	_cleanup_close_ int proc_fd = -1;
	_cleanup_free_ pid_t *pids = NULL;
	_cleanup_free_ bool *ok = NULL;
	struct oom_cand *c;
	uint64_t swap_bytes;
	size_t np, nt, k = 0;
	long ncpu;
	int r;

	if ((r = global_totalpages(h, s.page_size, &s.global_totalpages, &swap_bytes)) < 0)
		return r;
	s.totalpages = s.global_totalpages;
	s.swap_pages = swap_bytes / s.page_size;
	if ((r = load_tasks(h, src, &s, &tab, &ntab)) < 0) {
		xsnprintf(ret->source_note, sizeof(ret->source_note), "%s", s.source_note);
		return r;
	}
	if (s.from_bpf) {
		if ((r = load_all_bpf(h, &s, tab, ntab)) < 0)
			return r;
		*ret = s;
		return 0;
	}
	if ((proc_fd = open_proc(h)) < 0)
		return proc_fd;
	if ((r = proc_list_pids(h, &pids, &np)) < 0)
		return r;
	c = calloc(np ? np : 1, sizeof(*c));
	ok = calloc(np ? np : 1, sizeof(*ok));
	if (!c || !ok) {
		free(c);
		return -ENOMEM;
	}
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	nt = np < READ_THREADS_MIN_PIDS || ncpu < 2 ?
		     1 :
		     (size_t)(ncpu < READ_THREADS_MAX ? ncpu : READ_THREADS_MAX);
	work = (struct read_work){ .proc_fd = proc_fd, .pids = pids, .n = np, .out = c, .ok = ok };
	/* this thread reads too; a failed pthread_create just leaves more blocks for the others */
	for (size_t t = 1; t < nt; t++)
		started[t] = pthread_create(&th[t], NULL, read_work_run, &work) == 0;
	read_work_run(&work);
	for (size_t t = 1; t < nt; t++)
		if (started[t])
			pthread_join(th[t], NULL);
	for (size_t i = 0; i < np; i++) {
		if (!ok[i]) {
			s.skipped++;
			continue;
		}
		if (k != i)
			c[k] = c[i];
		k++;
	}
	s.c = c;
	s.n = k;
	finish(h, &s, true);
	*ret = s;
	return 0;
}

void oom_scope_free(struct oom_rank *s)
{
	if (!s)
		return;
	free(s->c);
	s->c = NULL;
	s->n = 0;
}

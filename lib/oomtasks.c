// SPDX-License-Identifier: MIT
/* The BPF task-iterator reader. See oomtasks.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oomtasks.h"
#include "util.h"

#ifdef OOMLAB_HAVE_BPF
#include <sys/syscall.h>
/* the generated light skeleton: header-only, no libbpf at run time */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpointer-arith" /* generated: void * arithmetic */
#include "oomtasks.lskel.h"
#pragma GCC diagnostic pop
#endif

#include "banned.h"

static int cmp_task(const void *a, const void *b)
{
	const struct oom_task *x = a, *y = b;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

size_t oom_tasks_from_records(const struct ot_rec *rec, size_t n, struct oom_task *ret)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		const struct ot_rec *r = &rec[i];
		struct oom_task *t;

		if (r->tgid <= 0) /* the idle task */
			continue;
		t = &ret[k++];
		memset(t, 0, sizeof(*t));
		t->pid = r->tgid;
		memcpy(t->comm, r->comm, OT_COMM_LEN);
		t->comm[OT_COMM_LEN] = '\0';
		t->flags = r->flags;
		t->adj = r->oom_score_adj;
		t->adj_min = r->oom_score_adj_min;
		t->start_ns = r->start_ns;
		if (r->flags & OT_F_MM) {
			t->file = r->counters[OT_FILEPAGES] > 0 ?
					  (uint64_t)r->counters[OT_FILEPAGES] :
					  0;
			t->anon = r->counters[OT_ANONPAGES] > 0 ?
					  (uint64_t)r->counters[OT_ANONPAGES] :
					  0;
			t->swap = r->counters[OT_SWAPENTS] > 0 ?
					  (uint64_t)r->counters[OT_SWAPENTS] :
					  0;
			t->shmem = r->counters[OT_SHMEMPAGES] > 0 ?
					   (uint64_t)r->counters[OT_SHMEMPAGES] :
					   0;
			t->pgtables_bytes = r->pgtables_bytes > 0 ? (uint64_t)r->pgtables_bytes : 0;
		}
	}
	qsort(ret, k, sizeof(*ret), cmp_task);
	/*
	 * One entry per pid. A leader without an mm may be followed by records of its threads
	 * that lend theirs: keep the first entry that has an mm, else the leader's own.
	 */
	size_t w = 0;
	for (size_t i = 0; i < k;) {
		size_t j = i, pick = i;
		while (j < k && ret[j].pid == ret[i].pid) {
			if (!(ret[pick].flags & OT_F_MM) && (ret[j].flags & OT_F_MM))
				pick = j;
			j++;
		}
		struct oom_task chosen = ret[pick];
		/* the leader's own record names the process; a lending thread's copies it */
		for (size_t q = i; q < j; q++) {
			if (!(ret[q].flags & OT_F_MM_FROM_THREAD)) {
				memcpy(chosen.comm, ret[q].comm, sizeof(chosen.comm));
				chosen.start_ns = ret[q].start_ns;
				break;
			}
		}
		ret[w++] = chosen;
		i = j;
	}
	return w;
}

const struct oom_task *oom_tasks_find(const struct oom_task *t, size_t n, pid_t pid)
{
	struct oom_task key = { .pid = pid };
	return bsearch(&key, t, n, sizeof(*t), cmp_task);
}

#ifndef OOMLAB_HAVE_BPF

bool oom_tasks_bpf_compiled(void)
{
	return false;
}

int oom_tasks_read(struct oom_task **ret, size_t *ret_n, char *why, size_t whysz)
{
	xsnprintf(why, whysz, "BPF support was not compiled in (built with BPF=0)");
	return -EOPNOTSUPP;
}

#else

bool oom_tasks_bpf_compiled(void)
{
	return true;
}

/* read the iterator to its end into a growing buffer of whole records */
static int read_all(int fd, struct ot_rec **ret, size_t *ret_n)
{
	size_t cap = 1024, len = 0; /* records */
	struct ot_rec *v = malloc(cap * sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (;;) {
		if (len == cap) {
			struct ot_rec *nv = realloc(v, cap * 2 * sizeof(*v));
			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
			cap *= 2;
		}
		/* seq_file hands out whole records as long as the buffer holds one */
		ssize_t n = read(fd, (char *)v + len * sizeof(*v), (cap - len) * sizeof(*v));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = -errno;
			free(v);
			return e;
		}
		if (n == 0)
			break;
		if ((size_t)n % sizeof(*v)) {
			free(v);
			return -EPROTO;
		}
		len += (size_t)n / sizeof(*v);
	}
	*ret = v;
	*ret_n = len;
	return 0;
}

/*
 * Are we in the initial pid namespace? The iterator reports global pids and, in a child
 * namespace, only that namespace's tasks: /proc is right there, the iterator is not.
 */
static bool initial_pid_ns(void)
{
	char buf[4096];
	const char *p;

	if (read_file("/proc/self/status", buf, sizeof(buf)) < 0)
		return false;
	p = strstr(buf, "\nNSpid:");
	if (!p)
		return true; /* before 4.1: no NSpid line; namespaces cannot be told apart: assume */
	p += strlen("\nNSpid:");
	while (*p == ' ' || *p == '\t')
		p++;
	while (*p >= '0' && *p <= '9')
		p++;
	while (*p == ' ' || *p == '\t')
		p++;
	return *p == '\n' || *p == '\0'; /* one pid: the initial namespace */
}

int oom_tasks_read(struct oom_task **ret, size_t *ret_n, char *why, size_t whysz)
{
	_cleanup_free_ struct ot_rec *rec = NULL;
	_cleanup_close_ int iter_fd = -1;
	struct oomtasks *skel;
	struct oom_task *t;
	size_t n = 0;
	int r;

	if (!initial_pid_ns()) {
		xsnprintf(why, whysz,
			  "not in the initial pid namespace: the task iterator would "
			  "show global pids");
		return -EOPNOTSUPP;
	}
	skel = oomtasks__open();
	if (!skel) {
		xsnprintf(why, whysz, "cannot set up the BPF task iterator: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	if ((r = oomtasks__load(skel)) < 0) {
		/* bpf_load_and_run() returns -errno of the step that failed */
		xsnprintf(why, whysz, "the kernel refused the BPF task iterator (%s)%s",
			  strerror(-r),
			  r == -EPERM ? ": needs root, or CAP_BPF and CAP_PERFMON" : "");
		oomtasks__destroy(skel);
		return r;
	}
	if (oomtasks__attach(skel) < 0) {
		r = errno ? -errno : -EINVAL;
		xsnprintf(why, whysz, "cannot attach the BPF task iterator: %s", strerror(-r));
		oomtasks__destroy(skel);
		return r;
	}
	{
		union bpf_attr attr;
		memset(&attr, 0, sizeof(attr));
		attr.iter_create.link_fd = (__u32)skel->links.oomtasks_fd;
		iter_fd = skel_sys_bpf(BPF_ITER_CREATE, &attr, sizeof(attr));
	}
	if (iter_fd < 0) {
		r = errno ? -errno : -EINVAL;
		xsnprintf(why, whysz, "cannot start the BPF task iterator: %s", strerror(-r));
		oomtasks__destroy(skel);
		return r;
	}
	r = read_all(iter_fd, &rec, &n);
	oomtasks__destroy(skel);
	if (r < 0) {
		xsnprintf(why, whysz, "cannot read the BPF task iterator: %s", strerror(-r));
		return r;
	}
	for (size_t i = 0; i < n; i++) {
		if (rec[i].flags & OT_F_NO_PGTABLES) {
			xsnprintf(why, whysz,
				  "this kernel has no mm->pgtables_bytes (before 4.16): "
				  "page tables are read from /proc");
			return -EOPNOTSUPP;
		}
	}
	t = malloc((n ? n : 1) * sizeof(*t));
	if (!t) {
		xsnprintf(why, whysz, "out of memory");
		return -ENOMEM;
	}
	*ret_n = oom_tasks_from_records(rec, n, t);
	*ret = t;
	return 0;
}

#endif

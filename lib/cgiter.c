// SPDX-License-Identifier: MIT
/* The BPF cgroup-iterator reader and the snapshot built on it. See cgiter.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgiter.h"
#include "cgroup.h"
#include "util.h"

#ifdef OOMLAB_HAVE_BPF
#include <sys/syscall.h>
/* the generated light skeleton: header-only, no libbpf at run time */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpointer-arith" /* generated: void * arithmetic */
#include "cgiter.lskel.h"
#pragma GCC diagnostic pop
#endif

#include "banned.h"

const char cg_iter_source_detail[] =
	"usage, limits, peak, OOM kills and PSI of every cgroup but the root from one BPF "
	"cgroup-iterator pass per hierarchy (the kernel's page counters, memory_events and "
	"psi_group); PSI totals and averages as the kernel last folded them (up to 2 s behind "
	"reading memory.pressure); the root cgroup and anon+shmem (memory.stat) from files";

/* ---- pure parts ---- */

int cg_iter_paths(const struct cgi_rec *rec, size_t n, char **ret)
{
	/* pre-order: the parent of a record at level L is the last one seen at level L-1 */
	size_t *stack = NULL;
	size_t depth_cap = 0;
	unsigned base;

	if (!n)
		return 0;
	base = rec[0].level;
	for (size_t i = 0; i < n; i++)
		ret[i] = NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned d = rec[i].level - base;
		const char *pp;
		size_t pl, nl;
		char *p;

		if (rec[i].level < base || (i == 0 ? d != 0 : d == 0) ||
		    (i > 0 && d > rec[i - 1].level - base + 1) || rec[i].name_len >= CGI_NAME_LEN)
			goto proto;
		if (d >= depth_cap) {
			size_t nc = depth_cap ? depth_cap * 2 : 16;
			size_t *ns = realloc(stack, nc * sizeof(*ns));
			if (!ns)
				goto nomem;
			stack = ns;
			depth_cap = nc;
		}
		stack[d] = i;
		if (d == 0) {
			ret[i] = strdup("/");
			if (!ret[i])
				goto nomem;
			continue;
		}
		if (rec[i].name_len == 0 || memchr(rec[i].name, '/', rec[i].name_len))
			goto proto;
		pp = ret[stack[d - 1]];
		pl = d == 1 ? 0 : strlen(pp);
		nl = rec[i].name_len;
		p = malloc(pl + 1 + nl + 1);
		if (!p)
			goto nomem;
		memcpy(p, pp, pl);
		p[pl] = '/';
		memcpy(p + pl + 1, rec[i].name, nl);
		p[pl + 1 + nl] = '\0';
		ret[i] = p;
	}
	free(stack);
	return 0;
proto:
	free(stack);
	for (size_t i = 0; i < n; i++) {
		free(ret[i]);
		ret[i] = NULL;
	}
	return -EPROTO;
nomem:
	free(stack);
	for (size_t i = 0; i < n; i++) {
		free(ret[i]);
		ret[i] = NULL;
	}
	return -ENOMEM;
}

/* psi_group.avg: fixed point with 11 fractional bits, printed as LOAD_INT.LOAD_FRAC */
static uint32_t psi_centi(uint64_t x)
{
	return (uint32_t)((x >> 11) * 100 + (((x & 2047) * 100) >> 11));
}

/* bytes of a page_counter limit as its file prints it: PAGE_COUNTER_MAX is "max" (v2) or
 * LONG_MAX rounded down to pages (v1, which cg_v1_normalize_limit() makes unlimited) */
static uint64_t limit_bytes(uint64_t pages, uint64_t page_size, bool v2)
{
	if (v2)
		return pages >= (uint64_t)LONG_MAX / page_size ? SIZE_UNLIMITED : pages * page_size;
	return cg_v1_normalize_limit(pages * page_size);
}

void cg_iter_sample(const struct cgi_rec *mem, bool mem_is_v2, const struct cgi_rec *psi,
		    uint64_t page_size, int psi_missing, uint64_t t_us, struct cgw_sample *ret)
{
	struct cgw_sample s = { .max = SIZE_UNLIMITED, .high = SIZE_UNLIMITED, .t_us = t_us };

	if (mem && (mem->flags & CGI_F_MEMCG)) {
		s.ok = true;
		s.usage = mem->usage * page_size;
		s.max = limit_bytes(mem->max, page_size, mem_is_v2);
		s.has_peak = true;
		s.peak = mem->watermark * page_size;
		if (mem_is_v2 && (mem->flags & CGI_F_HIGH)) {
			s.has_high = true;
			s.high = limit_bytes(mem->high, page_size, true);
		}
		if (mem->ev_present & (1u << CGI_EV_OOM_KILL)) {
			s.has_oom_kill = true;
			s.oom_kill = mem->events[CGI_EV_OOM_KILL];
		}
		if (mem_is_v2 && (mem->ev_present & (1u << CGI_EV_HIGH))) {
			s.has_high_events = true;
			s.high_events = mem->events[CGI_EV_HIGH];
		}
		/* memory.events max (v2), memory.failcnt (v1): charges that hit the limit */
		s.has_max_events = mem_is_v2 ? (mem->ev_present & (1u << CGI_EV_MAX)) != 0 : true;
		s.max_events = mem_is_v2 ? mem->events[CGI_EV_MAX] : mem->failcnt;
	}
	if (psi && (psi->flags & CGI_F_PSI) && !(psi->flags & CGI_F_PSI_OFF)) {
		s.psi_err = 0;
		s.psi.some.present = s.psi.full.present = true;
		s.psi.some.total_us = psi->psi_total_ns[0] / 1000;
		s.psi.full.total_us = psi->psi_total_ns[1] / 1000;
		s.psi.some.avg10 = psi_centi(psi->psi_avg[0][0]);
		s.psi.some.avg60 = psi_centi(psi->psi_avg[0][1]);
		s.psi.some.avg300 = psi_centi(psi->psi_avg[0][2]);
		s.psi.full.avg10 = psi_centi(psi->psi_avg[1][0]);
		s.psi.full.avg60 = psi_centi(psi->psi_avg[1][1]);
		s.psi.full.avg300 = psi_centi(psi->psi_avg[1][2]);
	} else {
		/* cgroup.pressure 0 hides the file: the reader gets ENOENT too */
		s.psi_err = psi && (psi->flags & CGI_F_PSI_OFF) ? -ENOENT : psi_missing;
	}
	*ret = s;
}

/* ---- the snapshot: both hierarchies merged as cgw_walk() merges them ---- */

struct snap_ent {
	char *path;
	const struct cgi_rec *mem, *v2;
	/* the memory tree's part of the sample when its records were not kept (its walk's
	 * records are overwritten by the cgroup2 walk): mem is NULL then */
	const struct cgw_sample *mem_sample;
};

/* pre-order with siblings by strcmp of their names: '/' ends a component, so it sorts first */
static int path_cmp(const void *pa, const void *pb)
{
	const unsigned char *a = (const unsigned char *)((const struct snap_ent *)pa)->path;
	const unsigned char *b = (const unsigned char *)((const struct snap_ent *)pb)->path;

	for (;; a++, b++) {
		int x = *a == '/' ? 0 : *a ? *a + 1 : -1;
		int y = *b == '/' ? 0 : *b ? *b + 1 : -1;
		if (x != y)
			return x - y;
		if (x < 0)
			return 0;
	}
}

static unsigned path_depth(const char *p)
{
	unsigned d = 0;
	if (strcmp(p, "/") == 0)
		return 0;
	for (; *p; p++)
		d += *p == '/';
	return d;
}

#ifndef OOMLAB_HAVE_BPF

bool cg_iter_bpf_compiled(void)
{
	return false;
}

int cg_iter_open(struct cg_iter **ret, char *why, size_t whysz)
{
	*ret = NULL;
	xsnprintf(why, whysz, "BPF support was not compiled in (built with BPF=0)");
	return -EOPNOTSUPP;
}

void cg_iter_close(struct cg_iter *it)
{
	(void)it;
}

int cg_iter_walk(struct cg_iter *it, const char *dir, unsigned want, const struct cgi_rec **ret,
		 size_t *ret_n, char *why, size_t whysz)
{
	(void)it, (void)dir, (void)want, (void)ret, (void)ret_n;
	xsnprintf(why, whysz, "BPF support was not compiled in (built with BPF=0)");
	return -EOPNOTSUPP;
}

#else

bool cg_iter_bpf_compiled(void)
{
	return true;
}

struct cg_iter {
	struct cgiter *skel;
	struct cgi_rec *rec; /* the map, mmap'ed read-only */
	size_t rec_sz;
	/* one link per hierarchy walked (a link holds its start cgroup) */
	struct {
		dev_t dev;
		ino_t ino;
		int fd;
	} link[2];
};

int cg_iter_open(struct cg_iter **ret, char *why, size_t whysz)
{
	struct cg_iter *it = calloc(1, sizeof(*it));
	int r;

	*ret = NULL;
	if (!it || !(it->skel = cgiter__open())) {
		free(it);
		xsnprintf(why, whysz, "cannot set up the BPF cgroup iterator: %s",
			  strerror(ENOMEM));
		return -ENOMEM;
	}
	for (size_t i = 0; i < 2; i++)
		it->link[i].fd = -1;
	if ((r = cgiter__load(it->skel)) < 0) {
		/* bpf_load_and_run() returns -errno of the step that failed */
		xsnprintf(why, whysz, "the kernel refused the BPF cgroup iterator (%s)%s",
			  strerror(-r),
			  r == -EPERM ? ": needs root, or CAP_BPF and CAP_PERFMON" :
			  r == -EINVAL || r == -ENOENT ? ": cgroup iterators need Linux 6.1" :
							 "");
		cg_iter_close(it);
		return r;
	}
	it->rec_sz = sizeof(struct cgi_rec) * CGI_MAX;
	it->rec = mmap(NULL, it->rec_sz, PROT_READ, MAP_SHARED, it->skel->maps.recs.map_fd, 0);
	if (it->rec == MAP_FAILED) {
		r = -errno;
		it->rec = NULL;
		xsnprintf(why, whysz, "cannot map the BPF cgroup iterator's records: %s",
			  strerror(-r));
		cg_iter_close(it);
		return r;
	}
	*ret = it;
	return 0;
}

void cg_iter_close(struct cg_iter *it)
{
	if (!it)
		return;
	for (size_t i = 0; i < 2; i++)
		if (it->link[i].fd >= 0)
			close(it->link[i].fd);
	if (it->rec)
		munmap(it->rec, it->rec_sz);
	cgiter__destroy(it->skel);
	free(it);
}

static int link_for(struct cg_iter *it, const char *dir, char *why, size_t whysz)
{
	union bpf_iter_link_info li;
	union bpf_attr a;
	struct stat st;
	size_t slot;
	int dfd, fd;

	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fstat(dfd, &st) < 0) {
		int e = errno;
		if (dfd >= 0)
			close(dfd);
		xsnprintf(why, whysz, "cannot open '%s': %s", dir, strerror(e));
		return -e;
	}
	for (slot = 0; slot < 2; slot++)
		if (it->link[slot].fd >= 0 && it->link[slot].dev == st.st_dev &&
		    it->link[slot].ino == st.st_ino) {
			close(dfd);
			return it->link[slot].fd;
		}
	memset(&li, 0, sizeof(li));
	li.cgroup.cgroup_fd = (__u32)dfd;
	li.cgroup.order = BPF_CGROUP_ITER_DESCENDANTS_PRE;
	memset(&a, 0, sizeof(a));
	a.link_create.prog_fd = (__u32)it->skel->progs.cgiter.prog_fd;
	a.link_create.attach_type = BPF_TRACE_ITER;
	a.link_create.iter_info = (__u64)(unsigned long)&li;
	a.link_create.iter_info_len = sizeof(li);
	fd = skel_sys_bpf(BPF_LINK_CREATE, &a, sizeof(a));
	if (fd < 0) {
		int e = errno;
		close(dfd);
		xsnprintf(why, whysz, "cannot attach the BPF cgroup iterator to '%s': %s", dir,
			  strerror(e));
		return -e;
	}
	close(dfd);
	slot = it->link[0].fd < 0 ? 0 : 1;
	if (it->link[slot].fd >= 0)
		close(it->link[slot].fd);
	it->link[slot].fd = fd;
	it->link[slot].dev = st.st_dev;
	it->link[slot].ino = st.st_ino;
	return fd;
}

int cg_iter_walk(struct cg_iter *it, const char *dir, unsigned want, const struct cgi_rec **ret,
		 size_t *ret_n, char *why, size_t whysz)
{
	struct cgi_summary sum;
	union bpf_attr a;
	ssize_t n;
	int lfd, ifd;

	lfd = link_for(it, dir, why, whysz);
	if (lfd < 0)
		return lfd;
	it->skel->bss->nrec = 0;
	it->skel->bss->sflags = 0;
	it->skel->bss->want_memcg = !!(want & CGI_WANT_MEMCG);
	it->skel->bss->want_psi = !!(want & CGI_WANT_PSI);
	memset(&a, 0, sizeof(a));
	a.iter_create.link_fd = (__u32)lfd;
	ifd = skel_sys_bpf(BPF_ITER_CREATE, &a, sizeof(a));
	if (ifd < 0) {
		int e = errno;
		xsnprintf(why, whysz, "cannot start the BPF cgroup iterator: %s", strerror(e));
		return -e;
	}
	/* the whole walk happens in this read(): the records go to the map, the summary here */
	do
		n = read(ifd, &sum, sizeof(sum));
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		int e = errno;
		close(ifd);
		xsnprintf(why, whysz, "cannot read the BPF cgroup iterator: %s", strerror(e));
		return -e;
	}
	close(ifd);
	if (n != sizeof(sum) || sum.magic != CGI_MAGIC || sum.n > CGI_MAX) {
		xsnprintf(why, whysz, "the BPF cgroup iterator returned %zd bytes, not its summary",
			  n);
		return -EPROTO;
	}
	if (sum.flags & CGI_S_OVERFLOW) {
		xsnprintf(why, whysz,
			  "more than %u cgroups under '%s': the BPF cgroup iterator "
			  "holds %u",
			  CGI_MAX, dir, CGI_MAX);
		return -EOVERFLOW;
	}
	if ((want & CGI_WANT_PSI) && (sum.flags & CGI_S_NO_PSI_SHAPE)) {
		xsnprintf(why, whysz,
			  "this kernel's psi_group is not of the shape the BPF cgroup "
			  "iterator reads");
		return -EOPNOTSUPP;
	}
	*ret = it->rec;
	*ret_n = sum.n;
	return 0;
}

#endif

static void snap_free(struct snap_ent *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i].path);
	free(v);
}

/* append one walk's records to v (paths built from the pre-order); mem_samples: the memory part
 * of each record's sample, kept instead of the record */
static int snap_add(struct snap_ent **v, size_t *n, const struct cgi_rec *rec, size_t nrec,
		    bool is_mem, bool is_v2, const struct cgw_sample *mem_samples)
{
	char **paths;
	struct snap_ent *nv;
	int r;

	if (!nrec)
		return 0;
	paths = calloc(nrec, sizeof(*paths));
	nv = realloc(*v, (*n + nrec) * sizeof(**v));
	if (!paths || !nv) {
		free(paths);
		if (nv)
			*v = nv;
		return -ENOMEM;
	}
	*v = nv;
	r = cg_iter_paths(rec, nrec, paths);
	if (r < 0) {
		free(paths);
		return r;
	}
	for (size_t i = 0; i < nrec; i++) {
		struct snap_ent *e = &nv[(*n)++];
		e->path = paths[i];
		e->mem = is_mem && !mem_samples ? &rec[i] : NULL;
		e->v2 = is_v2 ? &rec[i] : NULL;
		e->mem_sample = mem_samples ? &mem_samples[i] : NULL;
	}
	free(paths);
	return 0;
}

/* cg_iter_sample() of an entry, the memory part precomputed or not */
static void snap_sample(const struct snap_ent *e, bool mem_is_v2, uint64_t page_size,
			int psi_missing, uint64_t t_us, struct cgw_sample *ret)
{
	struct cgw_sample p;

	if (!e->mem_sample) {
		cg_iter_sample(e->mem, mem_is_v2, e->v2, page_size, psi_missing, t_us, ret);
		return;
	}
	/* cg_iter_sample() fills psi and psi_err from the PSI record alone */
	cg_iter_sample(NULL, mem_is_v2, e->v2, page_size, psi_missing, t_us, &p);
	*ret = *e->mem_sample;
	ret->psi = p.psi;
	ret->psi_err = p.psi_err;
}

int cgw_snapshot_bpf(struct cg_iter *it, const struct host *h, const struct cg_layout *l,
		     struct cgw_tree *ret_tree, struct cgw_sample **ret_samples, char *why,
		     size_t whysz)
{
	struct cgw_tree t = { 0 };
	struct cgw_sample *s = NULL;
	struct snap_ent *v = NULL;
	struct cgw_sample *memsamples = NULL;
	const struct cgi_rec *rec;
	size_t n = 0, nrec = 0, w = 0;
	uint64_t page_size = (uint64_t)sysconf(_SC_PAGESIZE), t_us;
	int *stack = NULL, r, psi_missing = -ENOENT;
	const char *memroot = NULL, *v2root = NULL;
	bool mem_is_v2 = l->mode == CG_MODE_V2;

	if (!host_is_live(h)) {
		xsnprintf(why, whysz, "a --sysroot tree is read from its files");
		return -EOPNOTSUPP;
	}
	if (cg_layout_roots(l, &memroot, &v2root) < 0) {
		xsnprintf(why, whysz, "no cgroup hierarchy");
		return -EOPNOTSUPP;
	}
	t_us = now_us();
	if (memroot && memroot != v2root) {
		/*
		 * The map is reused by the next walk: keep this one's figures, as the memory part
		 * of each sample (about 150 bytes, not the 448-byte record with its name: at
		 * 10,000 cgroups a copy of the records was 4.5 MB of serve's peak RSS)
		 */
		r = cg_iter_walk(it, memroot, CGI_WANT_MEMCG, &rec, &nrec, why, whysz);
		if (r < 0)
			goto out;
		memsamples = malloc((nrec ? nrec : 1) * sizeof(*memsamples));
		if (!memsamples) {
			r = -ENOMEM;
			goto fail_nomem;
		}
		for (size_t i = 0; i < nrec; i++)
			cg_iter_sample(&rec[i], mem_is_v2, NULL, page_size, psi_missing, t_us,
				       &memsamples[i]);
		if ((r = snap_add(&v, &n, rec, nrec, true, false, memsamples)) < 0)
			goto fail_walk;
	}
	if (v2root) {
		unsigned want = CGI_WANT_PSI;
		if (memroot == v2root)
			want |= CGI_WANT_MEMCG;
		r = cg_iter_walk(it, v2root, want, &rec, &nrec, why, whysz);
		if (r < 0)
			goto out;
		if ((r = snap_add(&v, &n, rec, nrec, memroot == v2root, true, NULL)) < 0)
			goto fail_walk;
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), path_cmp);
	/* merge the two trees' records of one name */
	for (size_t i = 0; i < n; i++) {
		if (w && strcmp(v[w - 1].path, v[i].path) == 0) {
			if (v[i].mem)
				v[w - 1].mem = v[i].mem;
			if (v[i].mem_sample)
				v[w - 1].mem_sample = v[i].mem_sample;
			if (v[i].v2)
				v[w - 1].v2 = v[i].v2;
			free(v[i].path);
			continue;
		}
		v[w++] = v[i];
	}
	n = w;
	/*
	 * A cgroup2 cgroup without a psi_group (psi=0, or cgroup_disable=pressure): its file
	 * fails with EOPNOTSUPP (6.18) or does not exist (6.1). Read one such file and give
	 * every such cgroup what the file reader would get.
	 */
	for (size_t i = 1; i < n; i++) {
		char path[PATH_MAX];
		struct psi p;
		if (!v[i].v2 || (v[i].v2->flags & (CGI_F_PSI | CGI_F_PSI_OFF)))
			continue;
		if (xsnprintf(path, sizeof(path), "%s%s/memory.pressure", l->v2, v[i].path) >= 0 &&
		    (r = host_psi_read(h, path, &p)) < 0)
			psi_missing = r;
		break;
	}
	s = calloc(n ? n : 1, sizeof(*s));
	stack = calloc(n + 1, sizeof(*stack));
	if (!s || !stack) {
		r = -ENOMEM;
		goto fail_nomem;
	}
	t.v = calloc(n ? n : 1, sizeof(*t.v));
	if (!t.v) {
		r = -ENOMEM;
		goto fail_nomem;
	}
	t.cap = n ? n : 1;
	for (size_t i = 0; i < n; i++) {
		unsigned d = path_depth(v[i].path);
		struct cgw_node *nd = &t.v[t.n];

		if (d > n || (d == 0) != (i == 0)) {
			r = -EPROTO;
			xsnprintf(why, whysz, "the BPF cgroup iterator's walk is not a tree");
			goto fail;
		}
		stack[d] = (int)t.n;
		nd->name = v[i].path;
		v[i].path = NULL;
		nd->parent = d ? stack[d - 1] : -1;
		nd->in_mem = v[i].mem != NULL || v[i].mem_sample != NULL || (i == 0 && memroot);
		nd->in_v2 = v[i].v2 != NULL || (i == 0 && v2root);
		t.n++;
		if (i == 0) {
			/* the root from its files: see cgiter.h */
			char mem[PATH_MAX], psi[PATH_MAX];
			bool v2;
			if (cgw_node_paths(h, l, nd, mem, sizeof(mem), &v2, psi, sizeof(psi)) < 0 ||
			    cgw_sample(h, mem, v2, psi, &s[i]) < 0)
				snap_sample(&v[i], mem_is_v2, page_size, psi_missing, t_us, &s[i]);
			continue;
		}
		snap_sample(&v[i], mem_is_v2, page_size, psi_missing, t_us, &s[i]);
	}
	snap_free(v, n);
	free(memsamples);
	free(stack);
	*ret_tree = t;
	*ret_samples = s;
	return 0;
fail_nomem:
	xsnprintf(why, whysz, "out of memory");
	goto fail;
fail_walk:
	if (r == -ENOMEM)
		xsnprintf(why, whysz, "out of memory");
	else
		xsnprintf(why, whysz, "the BPF cgroup iterator's walk is not a tree (%s)",
			  strerror(-r));
fail:
out:
	snap_free(v, n);
	free(memsamples);
	free(stack);
	free(s);
	cgw_tree_free(&t);
	return r;
}

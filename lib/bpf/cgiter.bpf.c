// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * One pass over the cgroups of one hierarchy (a BPF cgroup iterator, 6.1+, started at the
 * hierarchy's root directory in pre-order): for each live cgroup, the memory controller's own
 * counters and the cgroup's PSI, read from the structures the cgroup files print:
 *
 *   memory.current / memory.usage_in_bytes      memcg->memory.usage (page_counter_read)
 *   memory.max / memory.limit_in_bytes          memcg->memory.max
 *   memory.high                                 memcg->memory.high
 *   memory.peak / memory.max_usage_in_bytes     memcg->memory.watermark
 *   memory.failcnt                              memcg->memory.failcnt
 *   memory.events, memory.oom_control oom_kill  memcg->memory_events[]
 *   memory.pressure total=, avg10/60/300=       cgroup->psi->total[PSI_AVGS][], ->avg[][]
 *
 * Two figures differ in freshness from a read of the file: reading memory.pressure first folds
 * the per-CPU stall times into total[PSI_AVGS] (collect_percpu_times) and may update the
 * averages; this program reads what the last fold left, which the kernel's averaging work
 * refreshes every 2 s while the group is active. The root of a v1 hierarchy computes
 * memory.usage_in_bytes from vmstats, not from its page counter: the reader takes the root
 * from its files.
 *
 * Records go into an mmap-able array map, not into the seq_file (a cgroup iterator has one
 * read() session; see cgiter.h). The seq_file carries only the summary, written when the
 * kernel calls the program with a NULL cgroup at the end of the walk. The program runs with
 * cgroup_mutex held.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "cgiter.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, CGI_MAX);
	__type(key, __u32);
	__type(value, struct cgi_rec);
} recs SEC(".maps");

/* set by user space (the mmap'ed .bss) before each walk */
__u32 nrec;
__u32 sflags;
__u32 want_memcg;
__u32 want_psi;

/*
 * One bpf_probe_read_kernel() per run of neighbouring fields: the helper call and the bytes
 * both cost (copy_from_kernel_nofault() was most of the walk with 20 calls per cgroup, and
 * still with whole-struct copies). Offsets are CO-RE relocated; a layout where the pairs are
 * not neighbours any more is read field by field.
 */
static __always_inline void read_counter(struct page_counter *pc, unsigned long long *usage,
					 unsigned long long *failcnt, unsigned long long *wm,
					 unsigned long long *high, unsigned long long *max)
{
	unsigned long v[2] = {};

	if (bpf_core_field_offset(struct page_counter, failcnt) ==
	    bpf_core_field_offset(struct page_counter, usage) + sizeof(long)) {
		bpf_probe_read_kernel(v, sizeof(v), &pc->usage);
		*usage = v[0];
		if (failcnt)
			*failcnt = v[1];
	} else {
		*usage = BPF_CORE_READ(pc, usage.counter);
		if (failcnt)
			*failcnt = BPF_CORE_READ(pc, failcnt);
	}
	if (wm)
		*wm = BPF_CORE_READ(pc, watermark);
	if (high && bpf_core_field_exists(pc->high) &&
	    bpf_core_field_offset(struct page_counter, max) ==
		    bpf_core_field_offset(struct page_counter, high) + sizeof(long)) {
		bpf_probe_read_kernel(v, sizeof(v), &pc->high);
		*high = v[0];
		*max = v[1];
	} else {
		if (high && bpf_core_field_exists(pc->high))
			*high = BPF_CORE_READ(pc, high);
		*max = BPF_CORE_READ(pc, max);
	}
}

static long ev_copy[16]; /* static: kept out of the skeleton */

/* one of memory_events[], copied into ev_copy */
#define EV(r, slot, name)                                                                          \
	do {                                                                                       \
		if (bpf_core_enum_value_exists(enum memcg_memory_event, name)) {                   \
			int i_ = bpf_core_enum_value(enum memcg_memory_event, name);               \
			if (i_ >= 0 && i_ < nev) {                                                 \
				long v_ = ev_copy[i_ & 15];                                        \
				(r)->events[slot] = v_ > 0 ? v_ : 0;                               \
				(r)->ev_present |= 1u << (slot);                                   \
			}                                                                          \
		}                                                                                  \
	} while (0)

static __always_inline void read_memcg(struct cgi_rec *r, struct cgroup *cg)
{
	struct cgroup_subsys_state *css = NULL;
	struct mem_cgroup *memcg;
	unsigned int evsz;
	int id, nev;
	void *ev;

	if (!bpf_core_enum_value_exists(enum cgroup_subsys_id, memory_cgrp_id))
		return;
	id = bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id);
	if (id < 0 || id >= 16)
		return;
	bpf_core_read(&css, sizeof(css), &cg->subsys[id]);
	if (!css)
		return;
	memcg = (struct mem_cgroup *)css; /* css is mem_cgroup's first member */
	r->flags |= CGI_F_MEMCG;
	read_counter(&memcg->memory, &r->usage, &r->failcnt, &r->watermark, &r->high, &r->max);
	if (bpf_core_field_exists(memcg->memory.high))
		r->flags |= CGI_F_HIGH;
	/* memory.events and memory.oom_control print memory_events[]: memcg_memory_event()
	 * stops propagating it to the parents on v1 and with memory_localevents */
	ev = &memcg->memory_events;
	evsz = bpf_core_field_size(memcg->memory_events);
	if (evsz > sizeof(ev_copy) || bpf_probe_read_kernel(ev_copy, evsz, ev) < 0)
		return;
	nev = evsz / sizeof(long);
	EV(r, CGI_EV_LOW, MEMCG_LOW);
	EV(r, CGI_EV_HIGH, MEMCG_HIGH);
	EV(r, CGI_EV_MAX, MEMCG_MAX);
	EV(r, CGI_EV_OOM, MEMCG_OOM);
	EV(r, CGI_EV_OOM_KILL, MEMCG_OOM_KILL);
	EV(r, CGI_EV_OOM_GROUP_KILL, MEMCG_OOM_GROUP_KILL);
}

static __always_inline void read_psi(struct cgi_rec *r, struct cgroup *cg)
{
	struct psi_group *g;
	unsigned int nstates, some, full, nagg;
	unsigned long long off;

	/* cgroup->psi is a pointer since 6.1 (embedded before): the size tells them apart */
	if (bpf_core_field_size(cg->psi) != sizeof(void *))
		goto bad_shape;
	g = BPF_CORE_READ(cg, psi);
	if (!g)
		return;
	/* avg[NR_PSI_STATES - 1][3], total[NR_PSI_AGGREGATORS][NR_PSI_STATES - 1] */
	nstates = bpf_core_field_size(g->avg) / (3 * sizeof(unsigned long));
	if (!bpf_core_enum_value_exists(enum psi_states, PSI_MEM_SOME) ||
	    !bpf_core_enum_value_exists(enum psi_states, PSI_MEM_FULL) || !nstates)
		goto bad_shape;
	nagg = bpf_core_field_size(g->total) / (nstates * sizeof(u64));
	some = bpf_core_enum_value(enum psi_states, PSI_MEM_SOME);
	full = bpf_core_enum_value(enum psi_states, PSI_MEM_FULL);
	/* the kernel prints total[PSI_AVGS][...], PSI_AVGS being the first aggregator (5.2+:
	 * PSI_AVGS, PSI_POLL); some and full of a resource are neighbours (res * 2 + full) */
	if (full != some + 1 || full >= nstates || nstates > 16 || nagg < 1 ||
	    bpf_core_field_size(g->total) != nagg * nstates * sizeof(u64))
		goto bad_shape;
	if (bpf_core_field_exists(g->enabled) && !BPF_CORE_READ(g, enabled))
		r->flags |= CGI_F_PSI_OFF;
	off = some * sizeof(u64);
	bpf_probe_read_kernel(r->psi_total_ns, 2 * sizeof(u64), (void *)g->total + off);
	off = some * 3 * sizeof(unsigned long);
	bpf_probe_read_kernel(r->psi_avg, 6 * sizeof(u64), (void *)g->avg + off);
	r->flags |= CGI_F_PSI;
	return;
bad_shape:
	sflags |= CGI_S_NO_PSI_SHAPE;
}

SEC("iter/cgroup")
int cgiter(struct bpf_iter__cgroup *ctx)
{
	struct cgroup *cg = ctx->cgroup;
	struct kernfs_node *kn;
	struct cgi_rec *r;
	const char *name;
	__u32 i = nrec;
	long n;

	if (!cg) {
		/* the end of the walk: the summary is all the seq_file carries */
		struct cgi_summary s = { CGI_MAGIC, nrec, sflags, CGI_MAX };
		bpf_seq_write(ctx->meta->seq, &s, sizeof(s));
		return 0;
	}
	if (i >= CGI_MAX) {
		sflags |= CGI_S_OVERFLOW;
		return 0;
	}
	r = bpf_map_lookup_elem(&recs, &i);
	if (!r)
		return 0;
	nrec = i + 1;
	/* the slot may hold a record of an earlier walk: every field is written */
	__builtin_memset(r, 0, offsetof(struct cgi_rec, name));
	/* a scalar of the iterator's trusted pointer: a plain load; pointers through
	 * BPF_CORE_READ (a typed pointer load makes the verifier search the BTF, see
	 * oomtasks.bpf.c). The parent is the last record one level up (pre-order). */
	r->level = cg->level;
	kn = BPF_CORE_READ(cg, kn);
	r->id = BPF_CORE_READ(kn, id);
	name = BPF_CORE_READ(kn, name);
	n = bpf_probe_read_kernel_str(r->name, sizeof(r->name), name);
	r->name_len = n > 0 ? n - 1 : 0;
	if (want_memcg)
		read_memcg(r, cg);
	if (want_psi)
		read_psi(r, cg);
	return 0;
}

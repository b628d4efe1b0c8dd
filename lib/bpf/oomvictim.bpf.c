// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * oomvictim: one ring-buffer record per oom:mark_victim, read from the kernel before the victim
 * is gone: the victim's mm counters, its memcg and every ancestor's counters and names (user
 * space builds the path and infers which memcg ran out), and the invoker's memcg chain.
 *
 * Entry points (user space enables exactly one mark_victim program, chosen at load time):
 *   tp_btf/mark_victim       typed arguments, cheapest (5.5+)
 *   raw_tp/mark_victim       same data, untyped arguments (4.17+)
 *   tracepoint/oom/mark_victim  the classic perf tracepoint: only what the record carries
 * each in two shapes: (task, uid) since 6.9 and stable backports, (int pid) before.
 *   fentry/oom_kill_process  optional: the exact constraint, OOMing memcg and totalpages. Refused
 *                            (EPERM) where trampolines are not allowed; user space then infers.
 *
 * Kernel differences are CO-RE relocations resolved at load time, never version checks:
 * mm->rss_stat (struct mm_rss_stat of atomics before 6.2, percpu_counter[] since), page_counter
 * ->limit (renamed ->max in 4.19), v1-only memcg fields (kmem, CONFIG_MEMCG_V1 since 6.11), the
 * shape of the tracepoint record. The memcg walk follows css.parent, which every kernel has, so
 * the kernfs_node parent -> __parent rename (6.15) never matters here.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "mm_counter.h"
#include "oomvictim.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024); /* ~80 records of 3 KiB: an oom.group kill of 80 tasks */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u64); /* pid_tgid of the task running oom_kill_process */
	__type(value, struct ov_oc);
} oc_by_task SEC(".maps");

/* never written: the zeroes a new record starts from */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ov_event);
} zero_event SEC(".maps");

/* fentry data older than this is not trusted for a mark_victim of the same task */
#define OC_MAX_AGE_NS 1000000000ULL

/* ---- compatibility types: only their names and fields matter (CO-RE) ---- */

/* before 4.19: page_counter->limit */
struct page_counter___pre419 {
	unsigned long limit;
} __attribute__((preserve_access_index));

/* 6.9+ record, and the pid-only record before it */
struct trace_event_raw_mark_victim___full {
	struct trace_entry ent;
	int pid;
	u32 __data_loc_comm;
	unsigned long total_vm;
	unsigned long anon_rss;
	unsigned long file_rss;
	unsigned long shmem_rss;
	uid_t uid;
	unsigned long pgtables;
	short oom_score_adj;
} __attribute__((preserve_access_index));

static __always_inline __u64 pc_max(struct page_counter *pc)
{
	if (bpf_core_field_exists(pc->max))
		return BPF_CORE_READ(pc, max);
	return BPF_CORE_READ((struct page_counter___pre419 *)pc, limit);
}

static __always_inline void fill_levels(struct task_struct *t, struct ov_memcg_level *lv,
					unsigned int *ret_depth, unsigned int *flags)
{
	int mem_id = bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id);
	struct cgroup_subsys_state *css, *parent;
	unsigned int i;

	if (mem_id < 0 || mem_id >= CGROUP_SUBSYS_COUNT)
		return;
	css = BPF_CORE_READ(t, cgroups, subsys[mem_id]);
	for (i = 0; i < OV_MAX_DEPTH; i++) {
		struct mem_cgroup *m;
		struct kernfs_node *kn;
		const char *name;
		long n;

		if (!css)
			break;
		parent = BPF_CORE_READ(css, parent);
		if (!parent) /* the root memcg: not recorded */
			break;
		m = (void *)css - bpf_core_field_offset(struct mem_cgroup, css);
		lv[i].usage_pages = BPF_CORE_READ(m, memory.usage.counter);
		lv[i].max_pages = pc_max(&m->memory);
		lv[i].memsw_max_pages = pc_max(&m->memsw);
		if (bpf_core_field_exists(m->kmem)) {
			lv[i].kmem_usage_pages = BPF_CORE_READ(m, kmem.usage.counter);
			*flags |= OV_F_KMEM;
		}
		lv[i].memcg_id = BPF_CORE_READ(m, id.id);
		kn = BPF_CORE_READ(css, cgroup, kn);
		bpf_core_read(&lv[i].cgroup_id, sizeof(lv[i].cgroup_id), &kn->id);
		name = BPF_CORE_READ(kn, name);
		n = bpf_probe_read_kernel_str(lv[i].name, sizeof(lv[i].name), name);
		if (n == sizeof(lv[i].name)) {
			char c = 0;

			bpf_probe_read_kernel(&c, 1, name + sizeof(lv[i].name) - 1);
			if (c)
				lv[i].flags |= OV_LVL_NAME_CUT;
		}
		css = parent;
	}
	*ret_depth = i;
	if (i == OV_MAX_DEPTH && css && BPF_CORE_READ(css, parent))
		*flags |= OV_F_DEPTH_CUT;
}

static __always_inline struct ov_event *start(void)
{
	struct task_struct *cur = (void *)bpf_get_current_task();
	struct ov_event *e, *zero;
	__u32 key = 0;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return NULL;
	/* ring-buffer memory is not zeroed and a 3 KiB memset does not compile: copy zeroes */
	zero = bpf_map_lookup_elem(&zero_event, &key);
	if (!zero) {
		bpf_ringbuf_discard(e, 0);
		return NULL;
	}
	bpf_probe_read_kernel(e, sizeof(*e), zero);
	e->ktime_ns = bpf_ktime_get_ns();
	e->invoker_pid = bpf_get_current_pid_tgid() >> 32;
	e->invoker_tid = (__u32)bpf_get_current_pid_tgid();
	bpf_get_current_comm(e->invoker_comm, sizeof(e->invoker_comm));
	fill_levels(cur, e->invoker_levels, &e->invoker_depth, &e->flags);
	e->flags |= OV_F_INVOKER_LEVELS;
	return e;
}

static __always_inline void add_oc(struct ov_event *e)
{
	__u64 key = bpf_get_current_pid_tgid();
	struct ov_oc *oc = bpf_map_lookup_elem(&oc_by_task, &key);

	if (!oc || e->ktime_ns - oc->ktime_ns > OC_MAX_AGE_NS)
		return;
	e->oc_totalpages = oc->totalpages;
	e->oc_memcg_cgroup_id = oc->memcg_cgroup_id;
	e->oc_constraint = oc->constraint;
	e->flags |= OV_F_OC;
}

static __always_inline int from_task(struct task_struct *t)
{
	struct ov_event *e = start();
	struct mm_struct *mm;

	if (!e)
		return 0;
	e->flags |= OV_F_TASK;
	e->pid = BPF_CORE_READ(t, pid);
	e->tgid = BPF_CORE_READ(t, tgid);
	e->uid = BPF_CORE_READ(t, real_cred, uid.val);
	e->oom_score_adj = BPF_CORE_READ(t, signal, oom_score_adj);
	bpf_probe_read_kernel_str(e->comm, sizeof(e->comm), &t->comm);
	mm = BPF_CORE_READ(t, mm);
	if (mm) {
		e->total_vm_pages = BPF_CORE_READ(mm, total_vm);
		e->file_pages = MM_COUNTER(mm, 0);  /* MM_FILEPAGES */
		e->anon_pages = MM_COUNTER(mm, 1);  /* MM_ANONPAGES */
		e->shmem_pages = MM_COUNTER(mm, 3); /* MM_SHMEMPAGES */
		if (bpf_core_field_exists(mm->pgtables_bytes))
			e->pgtables_bytes = BPF_CORE_READ(mm, pgtables_bytes.counter);
	} else {
		e->flags |= OV_F_NO_MM;
	}
	fill_levels(t, e->task_levels, &e->task_depth, &e->flags);
	e->flags |= OV_F_TASK_LEVELS;
	add_oc(e);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

static __always_inline int from_pid(int pid)
{
	struct ov_event *e = start();

	if (!e)
		return 0;
	e->pid = pid;
	add_oc(e);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* 6.9+: trace_mark_victim(struct task_struct *task, uid_t uid) */
SEC("tp_btf/mark_victim")
int BPF_PROG(mark_victim_btf, struct task_struct *task, uid_t uid)
{
	return from_task(task);
}

/* before 6.9: trace_mark_victim(int pid) */
SEC("tp_btf/mark_victim")
int BPF_PROG(mark_victim_btf_pid, int pid)
{
	return from_pid(pid);
}

SEC("raw_tp/mark_victim")
int BPF_PROG(mark_victim_raw, struct task_struct *task, uid_t uid)
{
	return from_task(task);
}

SEC("raw_tp/mark_victim")
int BPF_PROG(mark_victim_raw_pid, int pid)
{
	return from_pid(pid);
}

/*
 * The classic tracepoint: no task pointer, only the record. Returns 1: a tracepoint BPF program
 * that returns 0 drops the event for every perf user of the tracepoint (perf, bpftrace).
 */
SEC("tracepoint/oom/mark_victim")
int mark_victim_tp(struct trace_event_raw_mark_victim___full *ctx)
{
	struct ov_event *e = start();

	if (!e)
		return 1;
	e->pid = BPF_CORE_READ(ctx, pid);
	if (bpf_core_field_exists(ctx->total_vm)) {
		u32 loc = BPF_CORE_READ(ctx, __data_loc_comm);

		e->flags |= OV_F_TP_FIELDS;
		bpf_probe_read_kernel_str(e->comm, sizeof(e->comm), (void *)ctx + (loc & 0xffff));
		e->tp_total_vm_kb = BPF_CORE_READ(ctx, total_vm);
		e->tp_anon_kb = BPF_CORE_READ(ctx, anon_rss);
		e->tp_file_kb = BPF_CORE_READ(ctx, file_rss);
		e->tp_shmem_kb = BPF_CORE_READ(ctx, shmem_rss);
		e->tp_pgtables_kb = BPF_CORE_READ(ctx, pgtables);
		e->uid = BPF_CORE_READ(ctx, uid);
		e->oom_score_adj = BPF_CORE_READ(ctx, oom_score_adj);
	}
	add_oc(e);
	bpf_ringbuf_submit(e, 0);
	return 1;
}

SEC("fentry/oom_kill_process")
int BPF_PROG(oom_kill_process_entry, struct oom_control *oc, const char *message)
{
	__u64 key = bpf_get_current_pid_tgid();
	struct mem_cgroup *memcg = BPF_CORE_READ(oc, memcg);
	struct ov_oc v = {};

	v.ktime_ns = bpf_ktime_get_ns();
	v.totalpages = BPF_CORE_READ(oc, totalpages);
	v.constraint = BPF_CORE_READ(oc, constraint);
	v.chosen_pid = BPF_CORE_READ(oc, chosen, pid);
	if (memcg) {
		/* memcg came from a probe read (a scalar to the verifier): every further step
		 * must be a probe read too, never a direct dereference (6.1 rejects the program) */
		struct kernfs_node *kn = BPF_CORE_READ(memcg, css.cgroup, kn);

		bpf_core_read(&v.memcg_cgroup_id, sizeof(v.memcg_cgroup_id), &kn->id);
	}
	bpf_map_update_elem(&oc_by_task, &key, &v, BPF_ANY);
	return 0;
}

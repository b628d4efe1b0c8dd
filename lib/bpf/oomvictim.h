/* SPDX-License-Identifier: MIT */
/*
 * The record shared by oomvictim.bpf.c (kernel side) and lib/victim-bpf.c (user side): one
 * ring-buffer record per oom:mark_victim. Fixed-size types only: the same bytes are read by a
 * BPF program compiled with clang -target bpf and by the host compiler.
 */
#ifndef OOMLAB_BPF_OOMVICTIM_H
#define OOMLAB_BPF_OOMVICTIM_H

#define OV_COMM_LEN 16
/*
 * One memcg level: the kernfs name of its cgroup directory, cut to OV_NAME_LEN - 1 bytes
 * (OV_LVL_NAME_CUT says so). 64 bytes hold systemd and container ids (64 hex digits need 65:
 * those are cut and completed from cgroupfs by user space when the id is still there).
 */
#define OV_NAME_LEN 72
/* Levels below the root memcg recorded for the victim and for the invoker (current). */
#define OV_MAX_DEPTH 12

/* ov_event.flags */
#define OV_F_TASK 0x1		/* fields read from the victim's task_struct */
#define OV_F_TP_FIELDS 0x2	/* fields read from the 6.9+ tracepoint record (classic tp) */
#define OV_F_TASK_LEVELS 0x4	/* task_levels[] filled */
#define OV_F_INVOKER_LEVELS 0x8 /* invoker_levels[] filled */
#define OV_F_DEPTH_CUT 0x10	/* hierarchy deeper than OV_MAX_DEPTH: top levels missing */
#define OV_F_OC 0x20		/* oom_control from fentry/oom_kill_process: exact */
#define OV_F_NO_MM 0x40		/* the victim had no mm any more (already exiting) */
#define OV_F_KMEM 0x80		/* v1 kmem counter read (CONFIG_MEMCG_V1 kernel) */

/* ov_memcg_level.flags */
#define OV_LVL_NAME_CUT 0x1

struct ov_memcg_level {
	unsigned long long cgroup_id;	     /* kernfs node id = inode of the cgroup directory */
	unsigned long long usage_pages;	     /* page_counter memory.usage */
	unsigned long long max_pages;	     /* page_counter memory.max (v1 limit_in_bytes) */
	unsigned long long memsw_max_pages;  /* v1 memsw / v2 swap page_counter max */
	unsigned long long kmem_usage_pages; /* v1 only (OV_F_KMEM) */
	unsigned int memcg_id;		     /* mem_cgroup private id (memcg->id.id) */
	unsigned int flags;
	char name[OV_NAME_LEN];
};

struct ov_event {
	unsigned long long ktime_ns; /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	unsigned int flags;
	int pid;
	int tgid;
	unsigned int uid;
	int invoker_pid; /* tgid of the task that ran the OOM killer */
	int invoker_tid;
	int oom_score_adj;
	/* pages, except pgtables (bytes), like the kernel's mm counters */
	unsigned long long total_vm_pages;
	unsigned long long anon_pages;
	unsigned long long file_pages;
	unsigned long long shmem_pages;
	unsigned long long pgtables_bytes;
	/* kB as the 6.9+ tracepoint record carries them (OV_F_TP_FIELDS) */
	unsigned long long tp_total_vm_kb, tp_anon_kb, tp_file_kb, tp_shmem_kb, tp_pgtables_kb;
	/* from fentry/oom_kill_process (OV_F_OC) */
	unsigned long long oc_totalpages;
	unsigned long long oc_memcg_cgroup_id; /* 0: no memcg (global OOM) */
	int oc_constraint;		       /* enum oom_constraint */
	unsigned int task_depth; /* levels in task_levels[] (0: victim in the root memcg) */
	unsigned int invoker_depth;
	char comm[OV_COMM_LEN];
	char invoker_comm[OV_COMM_LEN];
	struct ov_memcg_level task_levels[OV_MAX_DEPTH]; /* [0] = victim's memcg, then up */
	struct ov_memcg_level invoker_levels[OV_MAX_DEPTH];
};

/* what fentry/oom_kill_process leaves for mark_victim, keyed by the current pid_tgid */
struct ov_oc {
	unsigned long long ktime_ns;
	unsigned long long totalpages;
	unsigned long long memcg_cgroup_id;
	int constraint;
	int chosen_pid;
};

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The record shared by oomtasks.bpf.c (a task iterator) and lib/oomtasks.c: one record per
 * process with the inputs of the kernel's oom_badness(), read from the task_struct and mm_struct
 * exactly as mm/oom_kill.c reads them. Fixed-size types only: the same bytes are read by a BPF
 * program compiled with clang -target bpf and by the host compiler.
 */
#ifndef OOMLAB_BPF_OOMTASKS_H
#define OOMLAB_BPF_OOMTASKS_H

#define OT_COMM_LEN 16

/* ot_rec.flags */
#define OT_F_KTHREAD 0x1 /* PF_KTHREAD */
#define OT_F_MM 0x2	 /* an mm was found (the counters are valid) */
#define OT_F_MM_FROM_THREAD                                                                        \
	0x4		     /* the leader has none: the mm of another thread (find_lock_task_mm) */
#define OT_F_OOM_SKIP 0x8    /* MMF_OOM_SKIP: already reaped, oom_badness() returns LONG_MIN */
#define OT_F_VFORK 0x10	     /* in_vfork(): shares its parent's mm, LONG_MIN */
#define OT_F_OOM_ORIGIN 0x20 /* signal->oom_flag_origin (swapoff, ksm): chosen first */
#define OT_F_OOM_VICTIM 0x40 /* signal->oom_mm set and not reaped: the kernel waits for it */
#define OT_F_NO_PGTABLES 0x80 /* kernel without mm->pgtables_bytes (before 4.16) */
#define OT_F_EXITING 0x100    /* PF_EXITING */

/* Indexes of ot_rec.counters: the kernel's MM_* order (stable since 4.5). */
#define OT_FILEPAGES 0
#define OT_ANONPAGES 1
#define OT_SWAPENTS 2
#define OT_SHMEMPAGES 3
#define OT_NR_COUNTERS 4

struct ot_rec {
	int tgid;
	int mm_tid; /* the thread whose mm was read (tgid unless OT_F_MM_FROM_THREAD) */
	unsigned int flags;
	short oom_score_adj;
	short oom_score_adj_min;
	unsigned long long start_ns; /* task->start_time: CLOCK_MONOTONIC at fork */
	/* get_mm_counter(): the per-mm count, negative values clamped to 0 (pages) */
	long long counters[OT_NR_COUNTERS];
	long long pgtables_bytes; /* mm_pgtables_bytes() */
	char comm[OT_COMM_LEN];
};

#endif

// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * One pass over every task in the kernel (a BPF task iterator, 5.8+): for each process, the
 * inputs of oom_badness() read as mm/oom_kill.c reads them, written to the iterator's seq_file
 * as fixed-size struct ot_rec records. User space (lib/oomtasks.c) reads the whole table with a
 * few read() calls instead of opening three /proc files per process.
 *
 * The rss counters are read like get_mm_counter(): the per-mm count of the percpu_counter
 * (6.2+) or of the atomic array (before), clamped at 0. That is what oom_badness(), dump_tasks()
 * and /proc/PID/oom_score use on kernels before the 2026 "precise sum" change; /proc/PID/status
 * sums the per-CPU deltas since 6.16 and may read higher (docs/KERNEL-SURPRISES.md).
 *
 * Loaded as a light skeleton: the kernel itself applies the CO-RE relocations, so user space
 * does not parse the 6 MB vmlinux BTF (28-37 ms here) before every `oomlab scores`.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "mm_counter.h"
#include "oomtasks.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

#define PF_EXITING_ 0x00000004
#define PF_KTHREAD_ 0x00200000
#define MMF_OOM_SKIP_ 21

/* mm->flags before 6.18: a plain unsigned long. A CO-RE read against the 6.18 type (the
 * mm_flags_t struct) does not relocate on such a kernel (struct vs integer): libbpf poisons
 * the instruction and the whole iterator is refused (seen on 6.1). Each flavour is read only
 * where its type matches; the other branch is dead code the verifier drops. */
struct mm_struct___ulflags {
	unsigned long flags;
} __attribute__((preserve_access_index));

static __always_inline unsigned long mm_flags_word(struct mm_struct *mm)
{
	struct mm_struct___ulflags *old = (void *)mm;
	unsigned long f = 0;

	if (bpf_core_field_exists(old->flags))
		bpf_core_read(&f, sizeof(f), &old->flags);
	else
		bpf_core_read(&f, sizeof(f), &mm->flags);
	return f;
}

static __always_inline void fill_mm(struct ot_rec *r, struct mm_struct *mm)
{
	unsigned long mmflags = 0;

	r->flags |= OT_F_MM;
	r->counters[OT_FILEPAGES] = MM_COUNTER(mm, 0);	/* MM_FILEPAGES */
	r->counters[OT_ANONPAGES] = MM_COUNTER(mm, 1);	/* MM_ANONPAGES */
	r->counters[OT_SWAPENTS] = MM_COUNTER(mm, 2);	/* MM_SWAPENTS */
	r->counters[OT_SHMEMPAGES] = MM_COUNTER(mm, 3); /* MM_SHMEMPAGES */
	if (bpf_core_field_exists(mm->pgtables_bytes))
		r->pgtables_bytes = BPF_CORE_READ(mm, pgtables_bytes.counter);
	else
		r->flags |= OT_F_NO_PGTABLES;
	/* mm->flags: an unsigned long, or (6.18+) mm_flags_t whose first word holds the same
	 * bits */
	mmflags = mm_flags_word(mm);
	if (mmflags & (1UL << MMF_OOM_SKIP_))
		r->flags |= OT_F_OOM_SKIP;
}

/*
 * How fields are read decides the load time. The task's own scalars (pid, flags, comm) are
 * plain loads through the iterator's trusted pointer. Every POINTER field (mm, signal, ...)
 * is read with BPF_CORE_READ, which yields a plain number: loading a pointer field through a
 * typed pointer makes the verifier search the kernel BTF by name three times
 * (btf_nested_type_is_trusted, linear scans), which made the load 2x slower (17 ms against
 * 10 ms for 5,000 tasks here, docs/BENCHMARKS.md).
 */
SEC("iter/task")
int oomtasks(struct bpf_iter__task *ctx)
{
	struct task_struct *t = ctx->task;
	struct task_struct *p;
	struct signal_struct *sig;
	struct mm_struct *mm, *oom_mm;
	struct ot_rec r = {};
	unsigned int pflags;

	if (!t)
		return 0;
	mm = BPF_CORE_READ(t, mm);
	if (t->pid != t->tgid) {
		/*
		 * A thread: it only matters when its leader has no mm any more (the leader exited,
		 * the threads live on). find_lock_task_mm() then takes the first thread with one;
		 * all threads share the same mm, so any of them gives the same counters.
		 */
		if (!mm || BPF_CORE_READ(t, group_leader, mm) || (t->flags & PF_KTHREAD_))
			return 0;
		p = BPF_CORE_READ(t, group_leader);
		r.flags |= OT_F_MM_FROM_THREAD;
		/* the process as the kernel's for_each_process() sees it: its leader */
		r.start_ns = BPF_CORE_READ(p, start_time);
		bpf_probe_read_kernel(r.comm, sizeof(r.comm),
				      __builtin_preserve_access_index(&p->comm));
	} else {
		r.start_ns = t->start_time;
		__builtin_memcpy(r.comm, t->comm, sizeof(r.comm));
	}
	r.tgid = t->tgid;
	r.mm_tid = t->pid;
	pflags = t->flags;
	if (pflags & PF_KTHREAD_)
		r.flags |= OT_F_KTHREAD;
	if (pflags & PF_EXITING_)
		r.flags |= OT_F_EXITING;
	sig = BPF_CORE_READ(t, signal);
	if (sig) {
		r.oom_score_adj = BPF_CORE_READ(sig, oom_score_adj);
		r.oom_score_adj_min = BPF_CORE_READ(sig, oom_score_adj_min);
		if (BPF_CORE_READ(sig, oom_flag_origin))
			r.flags |= OT_F_OOM_ORIGIN;
		/* tsk_is_oom_victim(): the kernel waits for it, unless its mm was already reaped
		 * (MMF_OOM_SKIP on signal->oom_mm: then it is skipped; a zombie nobody waits for
		 * stays in that state) */
		oom_mm = BPF_CORE_READ(sig, oom_mm);
		if (oom_mm) {
			unsigned long f = mm_flags_word(oom_mm);

			if (!(f & (1UL << MMF_OOM_SKIP_)))
				r.flags |= OT_F_OOM_VICTIM;
		}
	}
	if (mm) {
		fill_mm(&r, mm);
		/* in_vfork(): vfork_done set and the parent's mm is ours */
		if (BPF_CORE_READ(t, vfork_done) && BPF_CORE_READ(t, real_parent, mm) == mm)
			r.flags |= OT_F_VFORK;
	}
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}

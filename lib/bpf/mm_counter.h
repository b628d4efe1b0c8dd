/* SPDX-License-Identifier: MIT */
/*
 * get_mm_counter() for BPF programs (oomvictim.bpf.c, oomtasks.bpf.c): the per-mm count of an
 * rss counter, negative values clamped at 0, as oom_badness(), dump_tasks() and the kill line
 * read it on kernels that do not sum the per-CPU deltas.
 *
 * IDX must be a literal (0 MM_FILEPAGES, 1 MM_ANONPAGES, 2 MM_SWAPENTS, 3 MM_SHMEMPAGES). With a
 * variable index, even one an inline function receives as a constant, clang relocates only up
 * to rss_stat and steps between elements by the BUILD kernel's sizeof(struct percpu_counter),
 * which differs on kernels with lockdep or without CPU hotplug. A literal keeps the whole access
 * (rss_stat[IDX].count) in the CO-RE relocation, so the running kernel's layout is used.
 */
#ifndef OOMLAB_BPF_MM_COUNTER_H
#define OOMLAB_BPF_MM_COUNTER_H

/* before 6.2: mm->rss_stat was a struct of atomics (CO-RE flavor: only names and fields matter) */
struct mm_rss_stat___pre62 {
	atomic_long_t count[4];
} __attribute__((preserve_access_index));

struct mm_struct___pre62 {
	struct mm_rss_stat___pre62 rss_stat;
} __attribute__((preserve_access_index));

#define MM_COUNTER(mm, IDX)                                                                        \
	({                                                                                         \
		long v_;                                                                           \
		if (bpf_core_type_exists(struct mm_rss_stat___pre62))                              \
			v_ = BPF_CORE_READ((struct mm_struct___pre62 *)(mm),                       \
					   rss_stat.count[IDX].counter);                           \
		else /* percpu_counter_read_positive() */                                          \
			v_ = BPF_CORE_READ(mm, rss_stat[IDX].count);                               \
		v_ < 0 ? 0 : v_;                                                                   \
	})

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Every process's oom_badness() inputs in one pass: a BPF task iterator (lib/bpf/oomtasks.bpf.c)
 * reads them inside the kernel, as mm/oom_kill.c reads them, and user space reads the table with
 * a few read() calls. 5,000 processes: about 8 ms including the load, against 60-70 ms for
 * opening three /proc files per process (docs/BENCHMARKS.md).
 *
 * Needs a kernel with BPF task iterators, in-kernel CO-RE (light skeleton, 5.17+) and the
 * privilege to load tracing programs (root, or CAP_BPF + CAP_PERFMON: tested). Every failure is an error with a reason; callers fall back to /proc.
 */
#ifndef OOMLAB_OOMTASKS_H
#define OOMLAB_OOMTASKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "bpf/oomtasks.h"

struct oom_task {
	pid_t pid; /* tgid */
	char comm[OT_COMM_LEN + 1];
	unsigned flags; /* OT_F_* */
	int adj, adj_min;
	uint64_t start_ns; /* fork time, CLOCK_MONOTONIC: orders like the task list */
	uint64_t anon, file, shmem, swap; /* pages, as get_mm_counter() reads them */
	uint64_t pgtables_bytes;
};

/* Was the iterator compiled in (BPF=1)? */
bool oom_tasks_bpf_compiled(void);

/*
 * Read the table: one entry per process, sorted by pid. Threads only contribute when their
 * leader has no mm (then they lend theirs, as find_lock_task_mm() does). On failure returns
 * -errno and writes one line saying why into why.
 */
int oom_tasks_read(struct oom_task **ret, size_t *ret_n, char *why, size_t whysz);

/* Merge raw records (any order, leaders and lending threads) into ret (sorted by pid, one per
 * process). Pure: unit-tested. Returns the number of entries written (<= n). */
size_t oom_tasks_from_records(const struct ot_rec *rec, size_t n, struct oom_task *ret);

/* Binary search in a table from oom_tasks_read(). NULL if pid is not there. */
const struct oom_task *oom_tasks_find(const struct oom_task *t, size_t n, pid_t pid);

#endif

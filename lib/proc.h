/* SPDX-License-Identifier: MIT */
/*
 * /proc/PID readers for the OOM killer's inputs: the memory counters oom_badness() reads
 * (rss = anon + file + shmem, swap entries, page-table bytes), oom_score_adj, oom_score, the
 * memory cgroup and the start time. Every reader is a thin wrapper over a pure parser that
 * takes the file's text; every path goes through host_path() so fixture trees work.
 */
#ifndef OOMLAB_PROC_H
#define OOMLAB_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "host.h"

#define PROC_COMM_MAX 64 /* TASK_COMM_LEN is 16; escaped text can be 4x longer */

/* From /proc/PID/status. Sizes in kB, as the kernel prints them. */
struct proc_status {
	char comm[PROC_COMM_MAX]; /* Name:, unescaped */
	pid_t tgid;
	bool has_mm;	  /* the Vm* / Rss* lines exist: the task has an mm */
	bool kthread;	  /* Kthread: 1 (6.x), or PF_KTHREAD seen elsewhere */
	bool has_kthread; /* the Kthread: line exists (not on older kernels) */
	uint64_t rss_anon_kb, rss_file_kb, rss_shmem_kb; /* RssAnon/RssFile/RssShmem (4.5+) */
	uint64_t vmrss_kb;				 /* VmRSS (= the sum of the three) */
	uint64_t swap_kb;				 /* VmSwap: MM_SWAPENTS */
	uint64_t pte_kb;				 /* VmPTE: mm_pgtables_bytes() >> 10 */
	bool has_rss_split; /* RssAnon etc. present (4.5+); else rss comes from VmRSS */
};

/*
 * Parse /proc/PID/status text. Lines we do not know are ignored. Without the memory lines
 * (kernel thread, zombie) has_mm is false and the sizes are zero. -EINVAL on malformed numbers
 * or a missing Name: line.
 */
int proc_status_parse(const char *buf, struct proc_status *ret);

/* CapEff: of /proc/PID/status text (hex), for "may we lower oom_score_adj". */
int proc_status_capeff(const char *buf, uint64_t *ret);
#define PROC_CAP_SYS_RESOURCE 24
/* 1 if the calling process has cap in its effective set, 0 if not, -errno. */
int proc_self_has_cap(const struct host *h, unsigned cap);

/* One decimal integer and a newline (oom_score_adj, oom_score). -EINVAL otherwise. */
int proc_int_parse(const char *buf, int *ret);

/*
 * From /proc/PID/stat: the task flags (field 9, PF_KTHREAD = 0x00200000) and the start time in
 * clock ticks after boot (field 22). comm (field 2) may hold ')' and blanks: fields are counted
 * after the LAST ')'.
 */
struct proc_stat {
	char state;
	unsigned long flags;
	uint64_t starttime;
};
#define PROC_PF_KTHREAD 0x00200000UL
int proc_stat_parse(const char *buf, struct proc_stat *ret);

/*
 * The memory cgroup of a task from /proc/PID/cgroup text: the v1 line whose controller list
 * holds "memory" (v1=true), or the "0::" line (v1=false). ret gets the path ("/a/b").
 * -ENOENT if there is no such line.
 */
int proc_cgroup_parse(const char *buf, bool v1, char *ret, size_t sz);
/*
 * The one answer to "which memory cgroup is this task in" from /proc/PID/cgroup text: the v1
 * memory hierarchy's line where one is listed (hybrid and v1 hosts), else the cgroup2 "0::"
 * line. *ret_v1 says which. The only parser of that file is proc_cgroup_parse() above.
 */
int proc_cgroup_memory_path(const char *buf, char *ret, size_t sz, bool *ret_v1);

/* Readers. pid > 0. -ENOENT/-ESRCH when the process is gone. */
int proc_read_status(const struct host *h, pid_t pid, struct proc_status *ret);
int proc_read_oom_score_adj(const struct host *h, pid_t pid, int *ret);
int proc_read_oom_score(const struct host *h, pid_t pid, int *ret);
int proc_read_stat(const struct host *h, pid_t pid, struct proc_stat *ret);
int proc_read_memcg(const struct host *h, pid_t pid, bool v1, char *ret, size_t sz);

/*
 * Write /proc/PID/oom_score_adj (one write()). adj in [-1000, 1000] else -EINVAL.
 * Returns 0 or the write's -errno: -EACCES when adj is below the task's oom_score_adj_min and
 * the caller lacks CAP_SYS_RESOURCE (Docker's default; this is what "lowering is refused"
 * means), -ESRCH/-ENOENT when the process is gone, -EINVAL for a task without mm.
 * This is the function `oomlab run --adj` calls for the child it starts.
 */
int proc_set_oom_score_adj(const struct host *h, pid_t pid, int adj);
/*
 * The same, only if pid's memory cgroup is memcg or below it (never "/"), checked and written
 * through one open /proc/PID directory: a pid reused between the check and the write fails
 * (-ESRCH) instead of writing to another process. -ESRCH too when pid is outside memcg.
 */
int proc_set_oom_score_adj_within(const struct host *h, pid_t pid, int adj, bool v1,
				  const char *memcg);

/*
 * All numeric entries of <sysroot>/proc (processes, not threads), ascending. *ret is malloc'ed.
 */
int proc_list_pids(const struct host *h, pid_t **ret, size_t *ret_n);

/*
 * Read the three files a score needs in one go, relative to an open /proc directory fd
 * (openat: no path walk from / for each of thousands of pids). buf is scratch space.
 */
struct proc_oom_info {
	struct proc_status st;
	int oom_score_adj;
	int oom_score;
	bool has_oom_score;
	pid_t mm_tid; /* st's memory lines come from this thread: the leader has exited */
};
int proc_read_oom_info_at(int proc_fd, pid_t pid, struct proc_oom_info *ret);

#endif

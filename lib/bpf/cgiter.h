/* SPDX-License-Identifier: MIT */
/*
 * The record shared by cgiter.bpf.c (a cgroup iterator) and lib/cgiter.c: one record per cgroup
 * of one hierarchy with the memory controller's own counters (page_counter, memory_events[])
 * and the cgroup's PSI totals and averages, read where the cgroup files read them. Fixed-size
 * types only: the same bytes are read by a BPF program and by the host compiler.
 */
#ifndef OOMLAB_BPF_CGITER_H
#define OOMLAB_BPF_CGITER_H

#define CGI_NAME_LEN 256 /* NAME_MAX + 1: a kernfs name is never cut */
/*
 * Records are written into an mmap-able array map, not into the iterator's seq_file: a cgroup
 * iterator runs in one session of one read() (kernel/bpf/cgroup_iter.c: the 8-page seq buffer
 * holds about 70 of these, a second read() gets EOPNOTSUPP). More cgroups than this in one
 * hierarchy: the reader says so and the caller reads the files.
 */
#define CGI_MAX 16384

/* cgi_rec.events[]: memory_events[] (v2 memory.events, v1 memory.oom_control oom_kill) */
#define CGI_EV_LOW 0
#define CGI_EV_HIGH 1
#define CGI_EV_MAX 2
#define CGI_EV_OOM 3
#define CGI_EV_OOM_KILL 4
#define CGI_EV_OOM_GROUP_KILL 5
#define CGI_EV_N 6

/* cgi_rec.flags */
#define CGI_F_MEMCG 0x1	   /* the memory controller is on this cgroup: page counters valid */
#define CGI_F_HIGH 0x4	   /* page_counter.high exists (memory.high) */
#define CGI_F_PSI 0x8	   /* cgroup->psi read */
#define CGI_F_PSI_OFF 0x10 /* cgroup.pressure 0 (psi_group.enabled false) */

/* the last word of the seq_file: how the pass went */
#define CGI_MAGIC 0x63676931u  /* "cgi1" */
#define CGI_S_OVERFLOW 0x1     /* more than CGI_MAX cgroups: records are missing */
#define CGI_S_NO_PSI_SHAPE 0x2 /* psi_group.total/avg not of the expected shape: no PSI */

struct cgi_rec {
	unsigned long long id; /* cgroup id: the kernfs node id, stat -c %i of the directory */
	unsigned int level;    /* cgroup->level */
	unsigned int flags;    /* CGI_F_* */
	/* page_counter memcg->memory, in pages (failcnt: a count) */
	unsigned long long usage, max, high, watermark, failcnt;
	unsigned long long events[CGI_EV_N];
	unsigned int ev_present; /* bit i: this kernel has events[i] */
	unsigned int name_len;
	/* psi_group: total[PSI_AVGS][PSI_MEM_SOME/FULL] (ns), avg[PSI_MEM_SOME/FULL][10s,60s,300s]
	 * (fixed point, 11 fractional bits, as LOAD_INT/LOAD_FRAC print them) */
	unsigned long long psi_total_ns[2];
	unsigned long long psi_avg[2][3];
	char name[CGI_NAME_LEN]; /* the directory's name ("" for a hierarchy's root) */
};

struct cgi_summary {
	unsigned int magic; /* CGI_MAGIC */
	unsigned int n;	    /* records written */
	unsigned int flags; /* CGI_S_* */
	unsigned int cap;   /* CGI_MAX */
};

#endif

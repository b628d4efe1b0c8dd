/* SPDX-License-Identifier: MIT */
/* Between lib/victimsrc.c and its backends (victimsrc_bpf.c, victimsrc_tracefs.c, kmsg). */
#ifndef OOMLAB_VICTIMSRC_INTERNAL_H
#define OOMLAB_VICTIMSRC_INTERNAL_H

#include "victimsrc.h"

struct victim_source;

struct victim_backend {
	enum victim_source_kind kind;
	/* set s->priv and s->detail; on failure write a one-line reason into why */
	int (*open)(struct victim_source *s, char *why, size_t sz);
	int (*fd)(const struct victim_source *s);
	/* deliver pending events through victim_source_emit() */
	int (*consume)(struct victim_source *s);
	void (*close)(struct victim_source *s);
};

struct kmsg_check; /* the /dev/kmsg side channel that fills and checks the constraint */

struct victim_source {
	const struct victim_backend *be;
	struct host host;
	struct victim_source_opts opts;
	void *priv;
	char detail[512];
	struct kmsg_check *kc;
	/* during consume() */
	victim_event_fn fn;
	void *userdata;
	int delivered;
	int stop;	/* negative return of fn */
};

extern const struct victim_backend victim_backend_bpf;
extern const struct victim_backend victim_backend_tracefs;

/* The victim's memcg and its ancestors as read at the kill (BPF): [0] = the victim's memcg. */
#define VICTIM_CHAIN_MAX 16
struct victim_chain {
	unsigned int n;
	struct {
		char path[OOM_CGROUP_MAX];
		uint64_t id, usage_kb, limit_kb;
	} lv[VICTIM_CHAIN_MAX];
};

/*
 * Finish an event (kmsg check, timestamps) and deliver it. chain (may be NULL) lets the kmsg check
 * fill the counters of the memcg the kernel log names when it differs from the inferred one.
 */
void victim_source_emit(struct victim_source *s, struct oom_event *ev,
			const struct victim_chain *chain);

/*
 * Fill what the kernel did not give from /proc/PID and cgroupfs, now: comm, figures, uid, adj,
 * task_memcg and, walking up the memcg directories, the memcg that ran out (inferred). Sets
 * ev->after_the_fact when anything was read. Missing files (the victim is gone) are not errors.
 */
void victim_fill_after_the_fact(const struct host *h, struct oom_event *ev);

/* Register/unregister a tracefs instance directory (and its open trace_pipe fd) for
 * victim_source_signal_cleanup(). */
void victim_cleanup_register(const char *dir, int fd);
void victim_cleanup_unregister(const char *dir);

/* 2 MiB: a THP charge that did not fit; anything else is smaller */
#define OOM_MARGIN_BYTES (2ULL << 20)

#endif

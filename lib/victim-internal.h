/* SPDX-License-Identifier: MIT */
/* Between lib/victim.c and its backends (victim-bpf.c, victim-tracefs.c, _kmsg.c). */
#ifndef OOMLAB_VICTIMSRC_INTERNAL_H
#define OOMLAB_VICTIMSRC_INTERNAL_H

#include "victim.h"

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

struct kmsg_feed; /* /dev/kmsg into the report assembler (lib/victim-kmsg.c) */

struct victim_source {
	const struct victim_backend *be;
	struct host host;
	struct victim_source_opts opts;
	void *priv;
	char detail[512];
	struct kmsg_feed *kc; /* the side channel of a kernel-side source */
	/* during consume() */
	victim_event_fn fn;
	void *userdata;
	int delivered;
	int stop; /* negative return of fn */
};

extern const struct victim_backend victim_backend_bpf;
extern const struct victim_backend victim_backend_tracefs;
extern const struct victim_backend victim_backend_kmsg;

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
 * The side channel: the kernel log's report of each kill from the records that arrive after
 * open (NULL: not the live system, or /dev/kmsg unreadable). apply() merges the report of
 * ev's pid onto ev (oom_event_merge_log) and, where the log names another memcg than chain[0]
 * without figures, takes that memcg's from chain (may be NULL).
 */
struct kmsg_feed *kmsg_check_open(const struct host *h);
void kmsg_check_apply(struct kmsg_feed *kc, struct oom_event *ev, const struct victim_chain *chain);
void kmsg_check_close(struct kmsg_feed *kc);

/*
 * Fill what the kernel did not give from /proc/PID and cgroupfs, now: comm, figures, uid, adj,
 * task_memcg and, walking up the memcg directories, the memcg that ran out (inferred). Sets
 * ev->after_the_fact when anything was read. Missing files (the victim is gone) are not errors.
 */
void victim_fill_after_the_fact(const struct host *h, struct oom_event *ev);

/*
 * A directory fd on tracefs, without mounting anything others can see (lib/victim-tracefs.c):
 * the tracefs already mounted at /sys/kernel/tracing (or under debugfs), else a private,
 * detached tracefs mount (fsopen + fsmount, 5.2+: in no mount namespace, gone when the fd is
 * closed), else, on kernels without fsmount, tracefs mounted on a private temporary directory
 * only long enough to open it (then lazily unmounted and the directory removed).
 * *how (may be NULL) says which. Needs CAP_SYS_ADMIN unless tracefs is mounted. -errno, why set.
 */
enum tracefs_how { TRACEFS_MOUNTED, TRACEFS_DEBUGFS, TRACEFS_DETACHED, TRACEFS_TEMPDIR };
int tracefs_root_open(enum tracefs_how *how, char *why, size_t sz);
const char *tracefs_how_to_string(enum tracefs_how how);
/* Read events/<sys>/<event>/<file> under a tracefs_root_open() fd into buf. -errno. */
ssize_t tracefs_read_event_file(int root, const char *file, char *buf, size_t sz);

/* Register/unregister a tracefs instance directory (relative to the tracefs fd root, with its
 * open trace_pipe fd) for victim_source_signal_cleanup(). */
void victim_cleanup_register(int root, const char *dir, int fd);
void victim_cleanup_unregister(const char *dir);

/* 2 MiB: a THP charge that did not fit; anything else is smaller */
#define OOM_MARGIN_BYTES (2ULL << 20)

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Victim sources: where `oomlab watch` and `oomlab run` learn of an OOM kill as it happens, each
 * producing the one event model (struct oom_event) through a callback.
 *
 *   bpf      a libbpf CO-RE program on oom:mark_victim (lib/bpf/oomvictim.bpf.c): the full
 *            victim record, its memcg chain with limits and usage, read in the kernel before the
 *            victim is gone. Built only with BPF=1 (OOMLAB_HAVE_BPF).
 *   tracefs  a private tracefs instance with oom/mark_victim enabled, read from its trace_pipe:
 *            no libbpf; the cgroup and memcg figures are read from /proc and cgroupfs afterwards.
 *   kmsg     the kernel log: /dev/kmsg records after open, assembled into reports by the one
 *            decoder (lib/oom-report.h); works on a --sysroot tree's dev/kmsg too.
 *
 * Usage: victim_source_open() -> poll(victim_source_fd(), POLLIN) -> victim_source_consume()
 * (never blocks) -> ... -> victim_source_close(). The library never prints: why a source was not
 * used is written into the caller's buffer.
 */
#ifndef OOMLAB_VICTIMSRC_H
#define OOMLAB_VICTIMSRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host.h"
#include "oom-event.h"

enum victim_source_kind {
	VICTIM_SOURCE_AUTO = 0,
	VICTIM_SOURCE_BPF,
	VICTIM_SOURCE_TRACEFS,
	VICTIM_SOURCE_KMSG,
};

struct victim_source;

/* Called once per victim. A negative return stops consume() and is returned by it. */
typedef int (*victim_event_fn)(const struct oom_event *ev, void *userdata);

/* What the kmsg source reads besides kills, given to on_note during consume() with its userdata. */
enum victim_note_kind {
	VICTIM_NOTE_OVERWRITTEN, /* count records overwritten before they were read (EPIPE) */
	VICTIM_NOTE_IMITATION,	 /* a program's record (facility != 0) naming an OOM kill */
	VICTIM_NOTE_UNPARSED,	 /* a kernel "Killed process" line the decoder cannot read */
};
struct victim_note {
	enum victim_note_kind kind;
	int facility; /* IMITATION */
	uint64_t count;
};
typedef void (*victim_note_fn)(const struct victim_note *n, void *userdata);

struct victim_source_opts {
	const struct host *host; /* NULL: the live system */
	bool no_kmsg_check;	 /* do not read /dev/kmsg to fill and check the constraint */
	bool force_pid_only;	 /* BPF: behave as on a pre-6.9 kernel (tests of that path) */
	const char *bpf_attach;	 /* BPF: "tp_btf", "raw_tp" or "tracepoint"; NULL: best first */
	bool kernel_side_only;	 /* AUTO: bpf or tracefs, never kmsg (run reads the log itself) */
	victim_note_fn on_note;	 /* kmsg: what is not a kill (may be NULL) */
};

const char *victim_source_kind_to_string(enum victim_source_kind k);
/* "auto", "bpf", "tracefs", "kmsg" -> 0, else -EINVAL */
int victim_source_kind_from_string(const char *s, enum victim_source_kind *ret);
/* whether this binary was built with BPF support */
bool victim_source_bpf_compiled(void);

/*
 * Open a source. AUTO tries bpf, then tracefs, then kmsg and keeps the first that works.
 * why_not (may be NULL) receives "bpf: reason; tracefs: reason" for every source tried and not
 * used (on success and on failure; kmsg's reason is "cannot open 'PATH': ..."). Returns 0 or
 * -errno of the last failure (-EOPNOTSUPP: BPF not compiled in).
 */
int victim_source_open(enum victim_source_kind kind, const struct victim_source_opts *opts,
		       struct victim_source **ret, char *why_not, size_t sz);
enum victim_source_kind victim_source_get_kind(const struct victim_source *s);
/* How the source runs: "tp_btf/mark_victim (task record); fentry: ...", or kmsg's path */
const char *victim_source_detail(const struct victim_source *s);
/* A file descriptor that becomes readable (POLLIN) when consume() has something to do. */
int victim_source_fd(const struct victim_source *s);
/* Deliver every pending victim, without blocking. Returns the number delivered or -errno. */
int victim_source_consume(struct victim_source *s, victim_event_fn fn, void *userdata);
/* Stops tracing and removes what open() created (the tracefs instance). NULL is fine. */
void victim_source_close(struct victim_source *s);

/*
 * How this process reaches tracefs's oom/mark_victim (what the tracefs source and the BPF
 * source's classic-tracepoint attach use): tries it (opens tracefs the way they do, reads the
 * event's id, closes) and writes one line into how: "the tracefs mounted at /sys/kernel/tracing"
 * or "a private detached tracefs mount (...)", or why not. 0 or -errno. Mounts nothing that
 * outlives the call or that another process can see.
 */
int victim_source_tracefs_probe(char *how, size_t sz);
/*
 * Async-signal-safe emergency cleanup for fatal signals: removes the tracefs instance of every
 * open source (rmdir only). Call from a SIGINT/SIGTERM handler before re-raising.
 */
void victim_source_signal_cleanup(void);

/* ---- pure parts (unit-tested) ---- */

enum mark_victim_shape {
	MARK_VICTIM_PID_ONLY = 1, /* int pid (4.13 .. 6.8) */
	MARK_VICTIM_FULL,	  /* pid, comm, rss..., uid, pgtables, oom_score_adj (6.9+) */
};

/* Shape from the text of events/oom/mark_victim/format. -EINVAL if not recognized. */
int mark_victim_format_shape(const char *format);

/*
 * One trace_pipe line of a mark_victim event, both shapes:
 *   "  python3-2124 [001] d..1. 4521.881234: mark_victim: pid=2124"
 *   "  python3-2124 [001] ..... 4521.881234: mark_victim: pid=2124 comm=python3 total-vm=75164kB
 *    anon-rss=65152kB file-rss:6660kB shmem-rss:0kB uid=0 pgtables=188kB oom_score_adj=0"
 * Fills pid, comm, kernel_time_us (the trace clock, µs) and the record's figures with their
 * OOM_HAVE_* bits. -ENOMSG: not a mark_victim line; -EINVAL: malformed.
 */
int mark_victim_parse_line(const char *line, size_t len, struct oom_event *ev);

/* "/a/b" from kernfs names deepest first (names[0] = "b", names[1] = "a"), starting at from. */
int cgroup_path_from_names(const char *const *names, size_t n, size_t from, char *buf, size_t sz);

/* One memcg on the way up from the victim: levels[0] is the victim's memcg. */
struct memcg_level {
	uint64_t usage_bytes;
	uint64_t limit_bytes; /* cg_limit_is_none(): no limit */
};
/*
 * The memcg that ran out, as an index into levels, or -ENOENT (looks global). The kernel OOMs a
 * memcg when a charge of up to a THP (2 MiB) does not fit: the first level, walking up, with a
 * limit and usage within margin_bytes of it.
 */
int memcg_infer_oom_level(const struct memcg_level *levels, size_t n, uint64_t margin_bytes);

#endif

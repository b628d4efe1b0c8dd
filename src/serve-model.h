/* SPDX-License-Identifier: MIT */
/*
 * The exporter's state and rendering, shared by `oomlab serve` (the daemon) and `oomlab export`
 * (one snapshot): the kills seen since start (per label set, bounded), a ring of the most recent
 * ones (/events), and the per-cgroup figures read at scrape time from cgroupfs. docs/ARCHITECTURE.md
 * ("serve") and oomlab-serve(1) describe the metrics.
 */
#ifndef OOMLAB_SERVE_H
#define OOMLAB_SERVE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../lib/cgroup.h"
#include "../lib/cg-tree.h"
#include "../lib/cgiter.h"
#include "../lib/host.h"
#include "../lib/k8s-name.h"
#include "../lib/oom-event.h"
#include "../lib/prom-text.h"

/* MESSAGE_ID of oomlab's journal entries (one OOM kill each), generated once for oomlab */
#define OOMLAB_JOURNAL_MESSAGE_ID "f408794981404bdc81e2c7ebae66aab0"

struct serve_kill {
	uint64_t id;		  /* 1, 2, ... since the daemon started */
	uint64_t time_us;	  /* realtime when oomlab learnt of it */
	uint64_t counted_mono_us; /* CLOCK_MONOTONIC when the counters took it (latency) */
	struct oom_event ev;
	struct k8s_names k8s;
	char unit[128];
	char cgroup[OOM_CGROUP_MAX]; /* the label: task_memcg cut to --depth components */
	const char *limit_scope;
	const char *constraint;
};

struct serve_series;

struct serve {
	const struct host *host;
	struct cg_layout layout;
	bool have_layout;
	const char *root; /* --root: where the host's / is (runtime state dirs) */
	unsigned depth;	  /* --depth: cgroup levels tracked and used as the kill label */
	bool pods;	  /* track pod cgroups below --depth */
	size_t max_series;
	size_t retain;
	const char *source; /* "bpf", "tracefs", "kmsg", "none" */
	bool source_up;

	/* kill counters */
	uint64_t next_id;
	uint64_t by_constraint[5];
	struct serve_series *series;
	size_t nseries, cseries;
	struct serve_kill *ring;
	size_t ring_head, ring_n;
	struct serve_kill last;
	bool have_last;

	/* health of the input */
	uint64_t kmsg_lost, reports_unparsed, series_dropped, journal_errors;
	uint64_t scrapes, last_scrape_us;
	size_t tracked;
	struct k8s_cache *k8s_cache;
	/* the daemon keeps the cgroup tree between scrapes and walks again only directories
	 * inotify saw change (cgw_walk_incremental, as `top` does); export walks once */
	bool cache_tree, walked;
	struct cgw_watch watch;
	struct cgw_tree tree;
	/* the tracked cgroups' counters from one BPF cgroup-iterator pass (NULL: their files);
	 * why not, when it was tried and did not load or failed */
	struct cg_iter *it;
	char counters_note[256];
};

/* --depth, --max-series, --no-pods, --root (getopt_long letters 'd', 'm', 'P', 'r'): serve's and
 * export's */
struct serve_tree_opts {
	uint64_t depth, max_series;
	bool pods;
	const char *root;
};
#define SERVE_TREE_DEFAULTS                                                                        \
	{                                                                                          \
		.depth = 2, .max_series = 2000, .pods = true                                       \
	}
#define SERVE_TREE_OPTIONS                                                                         \
	{ "depth", required_argument, NULL, 'd' }, { "max-series", required_argument, NULL, 'm' }, \
		{ "no-pods", no_argument, NULL, 'P' },                                             \
	{                                                                                          \
		"root", required_argument, NULL, 'r'                                               \
	}
struct cli;
/* One of them (c): 0, or EXIT_USAGE after saying why. */
int serve_tree_option(struct cli *cli, int c, const char *arg, struct serve_tree_opts *o);

int serve_init(struct serve *s, const struct host *h, size_t retain,
	       const struct serve_tree_opts *o);
void serve_free(struct serve *s);
/* Keep the tree between scrapes (inotify; falls back to a full walk each scrape). */
void serve_cache_tree(struct serve *s);
/* Read the counters with the BPF cgroup iterator (lib/cgiter.h). -errno, the reason in
 * s->counters_note, when it cannot be used: the files are read then. */
int serve_use_bpf(struct serve *s);
/* A kill from any source: enriched, labelled, counted. Returns the stored record. */
const struct serve_kill *serve_add_kill(struct serve *s, const struct oom_event *ev);
/* The whole exposition (walks cgroupfs): the return of serve_scrape_end. */
int serve_render_metrics(struct serve *s, FILE *out, enum prom_format fmt);
/*
 * The same in pieces, for streaming: begin reads the tracked cgroups (NULL: out of memory);
 * each step writes the next bounded piece (a few lines) to out and returns false once the
 * exposition is complete; end frees it and returns 0 or the -errno of reading cgroupfs. The
 * pieces concatenated are byte for byte what serve_render_metrics writes. Steps read the kill
 * counters of s as they are then: s must outlive the scrape.
 */
struct serve_scrape;
struct serve_scrape *serve_scrape_begin(struct serve *s, enum prom_format fmt);
bool serve_scrape_step(struct serve_scrape *sc, FILE *out);
int serve_scrape_end(struct serve_scrape *sc);
/* /events: {"events": [...]} oldest first, OpenTelemetry attribute names. */
void serve_render_events(const struct serve *s, FILE *out);
/* One kill as a JSON object with OpenTelemetry attribute names. */
struct json;
void serve_kill_to_json(const struct serve_kill *k, struct json *j);

/* journald: one structured entry; 0 or -errno */
int serve_journal_kill(const struct serve_kill *k, int fd, const char *socket_path);

#endif

// SPDX-License-Identifier: MIT
/* oomlab top: every cgroup's memory pressure, usage and limits in one refreshing table. */
#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "color.h"
#include "oomlab.h"
#include "psi-view.h"
#include "cg-arg.h"
#include "../lib/proc.h"
#include "../lib/cg-tree.h"
#include "../lib/cgiter.h"
#include "../lib/verdict.h"
#include "../lib/out.h"
#include "../lib/banned.h"

enum sort_key { SORT_PRESSURE, SORT_USAGE, SORT_LIMIT, SORT_KILLS };

static void help(void)
{
	printf("Usage: oomlab top [CGROUP] [OPTIONS]\n\n"
	       "Every cgroup on the host (the cgroup2 tree, and on hybrid hosts the v1 memory tree\n"
	       "merged by name) in one refreshing table: memory pressure some/full (share over the\n"
	       "interval and avg10), usage, memory.high, limit, usage as %% of the binding limit,\n"
	       "peak, OOM kills, verdict (docs/VERDICT.md).\n\n"
	       "CGROUP: only this cgroup and its subtree: a path (/sys/fs/cgroup/NAME, /NAME), a\n"
	       "/proc/PID/cgroup line, a unit name, a container id, a pod uid or a pid.\n\n"
	       "Options:\n"
	       "  -i, --interval DUR     refresh every DUR (default 1s). With --json: measure the\n"
	       "                         stall share over DUR (default: one read, no share)\n"
	       "      --sort KEY         pressure (default), usage, limit (usage %% of the limit),\n"
	       "                         kills\n"
	       "  -n, --count N          stop after N frames (the first frame is immediate and has\n"
	       "                         no share yet)\n"
	       "  -J, --json             print one snapshot as JSON and exit\n"
	       "      --source SRC       where the numbers come from: bpf (one BPF cgroup-iterator\n"
	       "                         pass over the kernel's counters), files (the cgroup files),\n"
	       "                         auto (the default: bpf when it loads, else files)\n"
	       "      --thresholds SPEC  verdict thresholds, e.g. sick_some=25,critical_full=30\n"
	       "  -b, --batch            print frames one after another, no keys (as into a pipe)\n"
	       "  -h, --help             show this help\n\n"
	       "Keys on a terminal: q or Ctrl-C quit, P M L K sort by pressure, memory usage,\n"
	       "%% of limit, kills (< > s cycle), arrows PgUp PgDn Home End scroll, / filter,\n"
	       "Enter or e lists a cgroup's processes, h or ? help.\n"
	       "Exit status: 0 ok (also after q or Ctrl-C), 1 failure, 2 usage error,\n"
	       "128+N after SIGTERM or SIGHUP on a terminal.\n");
}

struct row {
	char *name; /* owned by the tree of this frame */
	size_t idx; /* tree index (files and paths in top_ctx.ent) */
	int parent;
	bool in_mem, in_v2;
	bool gone; /* vanished between walk and sample */
	struct cgw_sample s;
	bool has_share;
	uint32_t some_share, full_share;
	uint64_t limit; /* binding */
	uint64_t kills_delta, high_delta;
	bool has_unrecl;
	uint64_t unrecl; /* anon + shmem, read only near the limit */
	enum verdict v;
	char reason[96];
};

/* What survives between frames, parallel to the tree (walk order). */
struct ent {
	struct cgw_files files;
	struct cgw_sample s;
	bool has_s;
	char *mem; /* memory directory ("" none), malloc'ed: PATH_MAX each would cost 8 MiB */
	char *psi; /* pressure file ("" none) */
	bool mem_is_v2;
};

static void ent_release(struct ent *e)
{
	cgw_files_close(&e->files);
	free(e->mem);
	free(e->psi);
	e->mem = e->psi = NULL;
}

struct top_ctx {
	struct cli *cli;
	struct cg_layout layout;
	struct verdict_thresholds th;
	enum sort_key sort;
	struct cgw_tree tree;
	struct ent *ent;
	size_t *byname; /* tree indices sorted by name (for inotify notifications by name) */
	bool walked;
	struct cgw_watch
		watch; /* inotify on every cgroup directory: walk again only what changed */
	bool cached;   /* live host: keep files open (cgw_sample_cached) */
	struct psi sys;
	int sys_err;
	char sys_path[PATH_MAX];
	const char *target_arg; /* CGROUP: only this cgroup and its subtree */
	struct cg_target target;
	enum top_source { TOP_SOURCE_AUTO, TOP_SOURCE_BPF, TOP_SOURCE_FILES } source;
	struct cg_iter *it;	 /* the BPF cgroup iterator; NULL: the files */
	struct cgw_sample *snap; /* its samples of this frame, parallel to the tree */
	char source_note[256];	 /* why not bpf ("" when it is used or files were asked for) */
	/*
	 * With the BPF snapshot, PSI still comes from memory.pressure when shares are shown: the
	 * kernel folds its per-CPU stall times into the totals BPF reads only when the file is
	 * read or every 2 s (psi_avgs_work), so BPF totals over a 1 s interval read as 0 % or
	 * as a double share (docs/KERNEL-SURPRISES.md).
	 */
	bool psi_files;
};

static const struct cgw_tree *g_old_tree;

static int old_idx_cmp(const void *a, const void *b)
{
	return strcmp(g_old_tree->v[*(const size_t *)a].name,
		      g_old_tree->v[*(const size_t *)b].name);
}

static void ents_free(struct ent *e, size_t n)
{
	for (size_t i = 0; e && i < n; i++)
		ent_release(&e[i]);
	free(e);
}

/* The memory directory and pressure file of tree node i, made when first needed (a BPF
 * snapshot reads no file of most cgroups: 10,000 path pairs were 8 % of a snapshot). */
static int ent_paths(struct top_ctx *c, size_t i)
{
	struct ent *e = &c->ent[i];
	char mem[PATH_MAX], psi[PATH_MAX];

	if (e->mem)
		return 0;
	if (cgw_node_paths(&c->cli->host, &c->layout, &c->tree.v[i], mem, sizeof(mem),
			   &e->mem_is_v2, psi, sizeof(psi)) < 0)
		mem[0] = psi[0] = '\0';
	e->mem = strdup(mem);
	e->psi = strdup(psi);
	if (!e->mem || !e->psi) {
		free(e->mem);
		free(e->psi);
		e->mem = e->psi = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* Take a new tree and carry open files and last samples over to it by name. */
static int adopt_tree(struct top_ctx *c, struct cgw_tree nt)
{
	struct ent *ne;
	size_t *idx = NULL;
	bool *taken = NULL;

	ne = calloc(nt.n ? nt.n : 1, sizeof(*ne));
	if (c->tree.n) {
		idx = malloc(c->tree.n * sizeof(*idx));
		taken = calloc(c->tree.n, sizeof(*taken));
	}
	if (!ne || (c->tree.n && (!idx || !taken))) {
		free(ne);
		free(idx);
		free(taken);
		cgw_tree_free(&nt);
		return -ENOMEM;
	}
	for (size_t i = 0; i < c->tree.n; i++)
		idx[i] = i;
	g_old_tree = &c->tree;
	if (c->tree.n)
		qsort(idx, c->tree.n, sizeof(*idx), old_idx_cmp);
	for (size_t i = 0; i < nt.n; i++) {
		struct ent *e = &ne[i];
		size_t lo = 0, hi = c->tree.n;
		cgw_files_init(&e->files);
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			const struct cgw_node *o = &c->tree.v[idx[mid]];
			int k = strcmp(o->name, nt.v[i].name);
			if (k == 0) {
				/* same name, same trees: keep files and the last sample */
				if (o->in_mem == nt.v[i].in_mem && o->in_v2 == nt.v[i].in_v2) {
					ne[i] = c->ent[idx[mid]];
					taken[idx[mid]] = true;
				}
				break;
			}
			if (k < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	for (size_t i = 0; i < c->tree.n; i++)
		if (!taken[i])
			ent_release(&c->ent[i]);
	free(c->ent);
	free(idx);
	free(taken);
	cgw_tree_free(&c->tree);
	c->tree = nt;
	c->ent = ne;
	c->walked = true;
	if (!c->it) /* the files: every cgroup's paths are needed now */
		for (size_t i = 0; i < nt.n; i++)
			ent_paths(c, i);
	for (size_t i = 0; i < nt.n; i++)
		ne[i].files.use_populated = c->watch.fd >= 0;
	free(c->byname);
	c->byname = malloc((nt.n ? nt.n : 1) * sizeof(*c->byname));
	if (c->byname) {
		for (size_t i = 0; i < nt.n; i++)
			c->byname[i] = i;
		g_old_tree = &c->tree;
		qsort(c->byname, nt.n, sizeof(*c->byname), old_idx_cmp);
	}
	return 0;
}

/* Walk again (only what inotify saw change) and take the new tree. */
static int rewalk(struct top_ctx *c)
{
	struct cgw_tree nt = { 0 };
	int r;

	r = cgw_walk_incremental(&c->layout, &c->watch, c->walked ? &c->tree : NULL, &nt);
	if (r < 0)
		return r;
	return adopt_tree(c, nt);
}

/*
 * The tree and every sample from one BPF pass per hierarchy. With --source auto a failure
 * switches to the files for good (the reason goes to source_note); with --source bpf it is
 * the frame's error (-EPROTONOSUPPORT, the reason in source_note).
 */
static int snapshot(struct top_ctx *c)
{
	struct cgw_tree nt = { 0 };
	struct cgw_sample *snap = NULL;
	int r;

	r = cgw_snapshot_bpf(c->it, &c->cli->host, &c->layout, &nt, &snap, c->source_note,
			     sizeof(c->source_note));
	if (r >= 0) {
		r = adopt_tree(c, nt);
		if (r < 0) {
			free(snap);
			return r;
		}
		free(c->snap);
		c->snap = snap;
		return 0;
	}
	cg_iter_close(c->it);
	c->it = NULL;
	free(c->snap);
	c->snap = NULL;
	if (c->source == TOP_SOURCE_BPF)
		return -EPROTONOSUPPORT;
	c->walked = false;
	return 0;
}

/* cgroup.events changed (a task came or the last one left): read populated again */
static void forward_events(struct top_ctx *c)
{
	for (size_t k = 0; k < c->watch.nevents; k++) {
		size_t lo = 0, hi = c->byname ? c->tree.n : 0;
		bool found = false;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			int r = strcmp(c->tree.v[c->byname[mid]].name, c->watch.events[k]);
			if (r == 0) {
				c->ent[c->byname[mid]].files.populated = -1;
				found = true;
				break;
			}
			if (r < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		/* unknown name: a cgroup not walked yet; it starts with populated unknown anyway */
		(void)found;
	}
	cgw_watch_clear_events(&c->watch);
}

static enum sort_key g_sort;

static uint32_t row_pressure(const struct row *r, bool full)
{
	if (r->s.psi_err)
		return 0;
	if (r->has_share)
		return full ? r->full_share : r->some_share;
	return full ? r->s.psi.full.avg10 : r->s.psi.some.avg10;
}

static int row_cmp(const void *pa, const void *pb)
{
	const struct row *a = pa, *b = pb;
	uint64_t x = 0, y = 0;

	switch (g_sort) {
	case SORT_PRESSURE:
		x = row_pressure(a, false);
		y = row_pressure(b, false);
		if (x == y) {
			x = row_pressure(a, true);
			y = row_pressure(b, true);
		}
		if (x == y) {
			x = a->s.psi_err ? 0 : a->s.psi.some.avg10;
			y = b->s.psi_err ? 0 : b->s.psi.some.avg10;
		}
		break;
	case SORT_USAGE:
		x = a->s.ok ? a->s.usage : 0;
		y = b->s.ok ? b->s.usage : 0;
		break;
	case SORT_LIMIT: {
		uint32_t ua = a->s.ok ? verdict_share_of(a->s.usage, a->limit) : UINT32_MAX;
		uint32_t ub = b->s.ok ? verdict_share_of(b->s.usage, b->limit) : UINT32_MAX;
		/* unlimited sorts last */
		x = ua == UINT32_MAX ? 0 : (uint64_t)ua + 1;
		y = ub == UINT32_MAX ? 0 : (uint64_t)ub + 1;
		break;
	}
	case SORT_KILLS:
		x = a->s.has_oom_kill ? a->s.oom_kill + 1 : 0;
		y = b->s.has_oom_kill ? b->s.oom_kill + 1 : 0;
		break;
	}
	if (x != y)
		return x > y ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* the BPF row's PSI from its memory.pressure (kept open between frames) */
static void psi_from_file(struct top_ctx *c, const struct cgw_node *n, struct ent *e,
			  struct cgw_sample *s)
{
	char mem[PATH_MAX], psi[PATH_MAX];
	struct cgw_sample f;
	bool v2;

	if (cgw_node_paths(&c->cli->host, &c->layout, n, mem, sizeof(mem), &v2, psi, sizeof(psi)) <
		    0 ||
	    !psi[0] || cgw_sample_cached("", false, psi, &e->files, false, &f) < 0 ||
	    f.psi_err != 0)
		return; /* the BPF figures stay */
	s->psi = f.psi;
	s->psi_err = 0;
	s->t_us = f.t_us;
}

/* One frame: sample every cgroup (walking again only when the tree changed), shares against
 * the previous frame. rows[i] belongs to tree node i until the next frame. */
static int frame(struct top_ctx *c, struct row **ret_rows, size_t *ret_n)
{
	struct row *rows;
	bool again = false;
	int r;

	bool reread_limits = c->watch.fd < 0 || !c->walked;

	if (c->it && (r = snapshot(c)) < 0)
		return r;
	if (c->it)
		goto sampled;
	if (c->watch.fd >= 0)
		cgw_watch_drain(&c->watch);
	reread_limits |= c->watch.limits_changed;
	c->watch.limits_changed = false;
	if (c->watch.full) {
		/* events were lost: nothing cached can be trusted */
		reread_limits = true;
		for (size_t i = 0; i < c->tree.n; i++)
			c->ent[i].files.populated = -1;
	}
	if (!c->walked || c->watch.fd < 0 || c->watch.full || c->watch.ndirty) {
		r = rewalk(c);
		if (r < 0)
			return r;
	}
	forward_events(c);
sampled:
	rows = calloc(c->tree.n ? c->tree.n : 1, sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	c->sys_err = host_psi_read(&c->cli->host, c->sys_path, &c->sys);
	for (size_t i = 0; i < c->tree.n; i++) {
		struct row *w = &rows[i];
		const struct cgw_node *n = &c->tree.v[i];
		struct ent *e = &c->ent[i];
		const struct cgw_sample *p = e->has_s ? &e->s : NULL;
		struct verdict_in in = { 0 };

		w->name = n->name;
		w->idx = i;
		w->parent = n->parent;
		w->in_mem = n->in_mem;
		w->in_v2 = n->in_v2;
		if (c->it) {
			w->s = c->snap[i], r = 0;
			if (c->psi_files && n->in_v2)
				psi_from_file(c, n, e, &w->s);
		} else if (!e->mem)
			r = -ENOMEM;
		else if (c->cached)
			r = cgw_sample_cached(e->mem, e->mem_is_v2, e->psi, &e->files,
					      reread_limits, &w->s);
		else
			r = cgw_sample(&c->cli->host, e->mem, e->mem_is_v2, e->psi, &w->s);
		if (r < 0) {
			/* removed since the walk: gone from this frame, walk again next time */
			w->gone = true;
			again = true;
			continue;
		}
		/* the root has no limit; children inherit the smallest limit above them */
		w->limit = w->s.ok ? w->s.max : SIZE_UNLIMITED;
		if (w->parent >= 0 && !rows[w->parent].gone && rows[w->parent].limit < w->limit)
			w->limit = rows[w->parent].limit;
		if (p && p->psi_err == 0 && w->s.psi_err == 0) {
			uint64_t dt = w->s.t_us - p->t_us;
			w->has_share = true;
			w->some_share = psi_share(p->psi.some.total_us, w->s.psi.some.total_us, dt);
			w->full_share = psi_share(p->psi.full.total_us, w->s.psi.full.total_us, dt);
		}
		if (p && p->has_oom_kill && w->s.oom_kill > p->oom_kill)
			w->kills_delta = w->s.oom_kill - p->oom_kill;
		if (p && p->has_high_events && w->s.high_events > p->high_events)
			w->high_delta = w->s.high_events - p->high_events;
		in.has_psi = w->s.psi_err == 0;
		in.has_full = w->s.psi.full.present;
		in.some_share = row_pressure(w, false);
		in.full_share = row_pressure(w, true);
		in.usage = w->s.ok ? w->s.usage : 0;
		in.limit = w->s.ok ? w->limit : SIZE_UNLIMITED;
		in.high = w->s.has_high ? w->s.high : SIZE_UNLIMITED;
		in.high_events = w->high_delta;
		in.oom_kills = w->kills_delta;
		/* memory.stat is expensive for a thousand cgroups: read it only where the
		 * unreclaimable rule can fire (anon+shmem <= usage, so usage below the strained
		 * threshold of the limit cannot be strained by it) */
		if (w->s.ok && w->limit != SIZE_UNLIMITED &&
		    verdict_share_of(w->s.usage, w->limit) >= c->th.strained_unreclaimable &&
		    ent_paths(c, i) == 0 &&
		    cgw_read_unreclaimable(&c->cli->host, e->mem, e->mem_is_v2, &w->unrecl) == 0)
			w->has_unrecl = true;
		in.has_unreclaimable = w->has_unrecl;
		in.unreclaimable = w->unrecl;
		w->v = verdict_explain(&in, &c->th, w->reason, sizeof(w->reason));
		e->s = w->s;
		e->has_s = true;
	}
	/* without inotify, walk again; with it, the rmdir already queued an event for the parent */
	if (again && c->watch.fd < 0)
		c->walked = false;
	*ret_rows = rows;
	*ret_n = c->tree.n;
	return 0;
}

static const char *trees_of(const struct top_ctx *c, const struct row *w)
{
	if (c->layout.mode != CG_MODE_HYBRID)
		return c->layout.mode == CG_MODE_V1 ? "v1" : "v2";
	if (w->in_mem && w->in_v2)
		return "v1+v2";
	return w->in_mem ? "v1" : "v2";
}

/* One PSI problem that applies to the whole host, or NULL: said once, not per row. */
static const char *host_psi_note(struct top_ctx *c, char *buf, size_t sz)
{
	if (c->sys_err == -EOPNOTSUPP)
		return psi_missing_text(-EOPNOTSUPP, &c->layout, "", c->sys_path, buf, sz);
	if (c->layout.mode == CG_MODE_V1)
		return psi_missing_text(-ENOENT, &c->layout, "", "", buf, sz);
	return NULL;
}

#define NAME_W 36

static const char *pct_cell(const struct row *w, bool full, char *buf, size_t sz)
{
	if (w->s.psi_err || (full && !w->s.psi.full.present) || !w->has_share)
		return "-";
	return fmt_centi(full ? w->full_share : w->some_share, buf, sz);
}

/* one cgroup: a row of the table, or an element of "cgroups" (the same calls) */
static void print_row(struct top_ctx *c, struct out *o, const struct row *w)
{
	const struct cgw_sample *s = &w->s;
	uint32_t us = s->ok ? verdict_share_of(s->usage, w->limit) : UINT32_MAX;
	bool t = !out_json(o);
	char a[16], b[16], d[16], name[PATH_MAX];

	open_json_object(o, NULL);
	print_str(o, PRINT_JSON, "name", NULL, w->name);
	print_str(o, PRINT_JSON, "trees", NULL, trees_of(c, w));
	if (t) {
		/* a cgroup name may hold ESC or CR: never raw to the terminal; the tail is kept
		 * when it is too long (the leaf is what tells cgroups apart) */
		size_t nl = strlen(term_safe(w->name, name, sizeof(name)));
		print_text(o, "%-*s %6s %6s %6s", NAME_W,
			   nl > NAME_W ?
				   (memcpy(name + nl - NAME_W, "...", 3), name + nl - NAME_W) :
				   name,
			   pct_cell(w, false, a, 16), pct_cell(w, true, b, 16),
			   s->psi_err ? "-" : fmt_centi(s->psi.some.avg10, d, 16));
	} else if (s->psi_err == 0) {
		open_json_object(o, "psi");
		psi_line_to_json(o->j, "some", &s->psi.some, w->has_share, w->some_share);
		psi_line_to_json(o->j, "full", &s->psi.full, w->has_share, w->full_share);
		close_json_object(o);
	} else {
		print_null(o, PRINT_JSON, "psi", NULL, NULL);
		print_str(o, PRINT_JSON, "psi_missing", NULL,
			  psi_missing_code(s->psi_err, &c->layout, w->in_v2));
	}
	print_u64_as(o, PRINT_ANY, "usage", " %7s", s->ok, s->usage,
		     t ? fmt_size_short(s->usage, s->ok, a, 16) : "");
	print_u64_as(o, PRINT_ANY, "high", " %7s", s->has_high && s->high != SIZE_UNLIMITED,
		     s->high, t ? fmt_size_short(s->high, s->has_high, a, 16) : "");
	print_u64_opt(o, PRINT_JSON, "max", NULL, s->ok && s->max != SIZE_UNLIMITED, s->max);
	print_u64_as(o, PRINT_ANY, "binding_limit", " %7s", s->ok && w->limit != SIZE_UNLIMITED,
		     w->limit, t ? fmt_size_short(w->limit, s->ok, a, 16) : "");
	if (t) {
		print_text(o, " %7s", us == UINT32_MAX ? "-" : fmt_centi(us, a, 16));
	} else if (us == UINT32_MAX) {
		print_null(o, PRINT_JSON, "usage_share", NULL, NULL);
	} else {
		json_key(o->j, "usage_share");
		json_centi(o->j, us);
	}
	print_u64_opt(o, PRINT_JSON, "unreclaimable", NULL, w->has_unrecl, w->unrecl);
	print_u64_as(o, PRINT_ANY, "peak", " %7s", s->has_peak, s->peak,
		     t ? fmt_size_short(s->peak, s->has_peak, a, 16) : "");
	print_u64_as(o, PRINT_ANY, "oom_kill", " %5s", s->has_oom_kill, s->oom_kill,
		     s->has_oom_kill ?
			     (xsnprintf(a, 16, "%llu", (unsigned long long)s->oom_kill), a) :
			     "-");
	print_str(o, PRINT_JSON, "verdict", NULL, verdict_to_string(w->v));
	print_str(o, PRINT_JSON, "reason", NULL, w->reason);
	close_json_object(o);
	if (t) {
		/* the verdict ends the row: colour cannot shift a column */
		fputc(' ', o->f);
		color_fputs(o->f, color_wanted(fileno(o->f)), color_verdict(w->v),
			    verdict_to_string(w->v));
		fputc('\n', o->f);
	}
}

static void render_json(struct top_ctx *c, struct row *rows, size_t n, uint64_t interval_us)
{
	struct json j;
	struct out o;
	char buf[512];
	const char *note = host_psi_note(c, buf, sizeof(buf));
	size_t live = 0;

	for (size_t i = 0; i < n; i++)
		live += !rows[i].gone;
	json_init(&j, stdout, false);
	o = OUT_JSON(&j);
	json_obj_open(&j);
	json_kv_str(&j, "layout", cg_mode_to_string(c->layout.mode));
	json_kv_str(&j, "source", c->it ? "bpf" : "files");
	json_key(&j, "source_note");
	json_str(&j,
		 c->it && c->psi_files ?
			 "usage, limits, peak and OOM kills of every cgroup but the root from one "
			 "BPF cgroup-iterator pass per hierarchy (the kernel's page counters and "
			 "memory_events); PSI from memory.pressure (reading it folds the kernel's "
			 "per-CPU stall times: the interval shares are exact); the root cgroup and "
			 "anon+shmem (memory.stat) from files" :
		 c->it		   ? cg_iter_source_detail :
		 c->source_note[0] ? c->source_note :
				     NULL);
	if (c->target_arg)
		cli_cgroup_target_json(&j, c->target_arg, &c->target);
	json_kv_u64_opt(&j, "interval_us", interval_us > 0, interval_us);
	json_kv_u64(&j, "count", live);
	json_key(&j, "system");
	if (c->sys_err == 0) {
		json_obj_open(&j);
		psi_line_to_json(&j, "some", &c->sys.some, false, 0);
		psi_line_to_json(&j, "full", &c->sys.full, false, 0);
		json_obj_close(&j);
	} else {
		json_null(&j);
	}
	json_key(&j, "psi_note");
	json_str(&j, note);
	json_key(&j, "cgroups");
	json_arr_open(&j);
	for (size_t i = 0; i < n; i++)
		if (!rows[i].gone)
			print_row(c, &o, &rows[i]);
	json_arr_close(&j);
	json_obj_close(&j);
	json_end(&j);
}

static const char *sort_name(enum sort_key k)
{
	static const char *const n[] = { "pressure", "usage", "limit", "kills" };
	return n[k];
}

static void render_text(struct top_ctx *c, struct row *rows, size_t n, uint64_t interval_us,
			bool tty, int max_rows)
{
	char a[16], b[16], buf[512], ts[16];
	const char *note = host_psi_note(c, buf, sizeof(buf));
	size_t live = 0;
	int shown = 0;
	struct out o = OUT_TEXT(stdout);

	for (size_t i = 0; i < n; i++)
		live += !rows[i].gone;
	if (tty) {
		time_t t = time(NULL);
		struct tm tm;
		localtime_r(&t, &tm);
		strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
		fputs("\033[H\033[2J", stdout);
		printf("oomlab top %s  ", ts);
	} else {
		printf("oomlab top  ");
	}
	/* "bpf": the numbers are the kernel's counters from one pass (docs/BPF.md); the files
	 * are the default and say nothing, so the golden outputs of fixture trees stand */
	printf("%zu cgroups (%s%s)  sort %s  ", live, cg_mode_to_string(c->layout.mode),
	       c->it ? ", bpf" : "", sort_name(c->sort));
	if (c->target_arg)
		printf("in %s  ", cli_quote_n(c->target.name, 0, (char[PATH_MAX]){ 0 }, PATH_MAX));
	if (interval_us)
		printf("share over %llums", (unsigned long long)(interval_us / 1000));
	else
		printf("first frame: no share yet");
	if (c->sys_err == 0)
		printf("  system some %s%% full %s%% (avg10)", fmt_centi(c->sys.some.avg10, a, 16),
		       fmt_centi(c->sys.full.avg10, b, 16));
	printf("\n");
	if (note)
		printf("note: %s\n", note);
	printf("%-*s %6s %6s %6s %7s %7s %7s %7s %7s %5s %s\n", NAME_W, "CGROUP", "SOME%", "FULL%",
	       "AVG10", "USAGE", "HIGH", "LIMIT", "%LIM", "PEAK", "KILLS", "VERDICT");
	for (size_t i = 0; i < n && !(max_rows > 0 && shown >= max_rows); i++) {
		if (rows[i].gone)
			continue;
		print_row(c, &o, &rows[i]);
		shown++;
	}
	if (max_rows > 0 && (size_t)shown < live)
		printf("... %zu more\n", live - (size_t)shown);
	fflush(stdout);
}

static int sleep_until(uint64_t deadline_us)
{
	struct timespec ts = { (time_t)(deadline_us / 1000000),
			       (long)(deadline_us % 1000000) * 1000 };
	int r;
	while ((r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL)) == EINTR)
		;
	return -r;
}

static bool name_under(const char *name, const char *cg)
{
	size_t n = strlen(cg);

	if (strcmp(cg, "/") == 0)
		return true;
	return strncmp(name, cg, n) == 0 && (name[n] == '\0' || name[n] == '/');
}

/* CGROUP: rows outside its subtree are left out of this frame */
static void filter_rows(const struct top_ctx *c, struct row *rows, size_t n)
{
	const struct cg_target *t = &c->target;

	for (size_t i = 0; i < n; i++)
		if (!name_under(rows[i].name, t->name) &&
		    !(t->v2name[0] && name_under(rows[i].name, t->v2name)))
			rows[i].gone = true;
}

/* ------------------------------------------------------------------ interactive mode */

/*
 * On a terminal (stdin and stdout both ttys, no --batch/--json): raw keys, a cursor, scrolling,
 * a filter, sort keys, a process list per cgroup, help. The terminal is put back on every way
 * out: q, Ctrl-C (SIGINT), SIGTERM/SIGHUP/SIGQUIT (through a signalfd), an error, exit()
 * (atexit), and a crash signal (a handler that only calls async-signal-safe functions).
 * SIGTSTP (Ctrl-Z) puts the terminal back before stopping; SIGCONT raw again and redraw.
 */
static struct {
	bool saved, raw;
	struct termios orig;
} g_term;

static const char term_on_seq[] = "\033[?1049h\033[?25l\033[H\033[2J"; /* alt screen, no cursor */
static const char term_off_seq[] = "\033[0m\033[?25h\033[?1049l";

static void write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static void term_leave(void)
{
	if (!g_term.raw)
		return;
	fflush(stdout);
	write_all(STDOUT_FILENO, term_off_seq, sizeof(term_off_seq) - 1);
	tcsetattr(STDIN_FILENO, TCSADRAIN, &g_term.orig);
	g_term.raw = false;
}

static void crash_handler(int sig)
{
	/* async-signal-safe only; SA_RESETHAND made the action default again */
	if (g_term.raw) {
		write_all(STDOUT_FILENO, term_off_seq, sizeof(term_off_seq) - 1);
		tcsetattr(STDIN_FILENO, TCSANOW, &g_term.orig);
	}
	raise(sig);
}

static int term_enter(void)
{
	struct termios t;

	if (!g_term.saved) {
		static const int crash[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL };
		struct sigaction sa = { .sa_handler = crash_handler, .sa_flags = SA_RESETHAND };
		if (tcgetattr(STDIN_FILENO, &g_term.orig) < 0)
			return -errno;
		g_term.saved = true;
		atexit(term_leave);
		sigemptyset(&sa.sa_mask);
		for (size_t i = 0; i < ELEMENTSOF(crash); i++)
			sigaction(crash[i], &sa, NULL);
	}
	t = g_term.orig;
	/* no echo, no line editing, Ctrl-S/Ctrl-Q are keys; ISIG stays: Ctrl-C is SIGINT and
	 * Ctrl-Z SIGTSTP, handled below like the same signals sent with kill(1) */
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO | IEXTEN);
	t.c_iflag &= ~(tcflag_t)(IXON | ICRNL);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSADRAIN, &t) < 0)
		return -errno;
	g_term.raw = true;
	fflush(stdout);
	write_all(STDOUT_FILENO, term_on_seq, sizeof(term_on_seq) - 1);
	return 0;
}

/* A screen line: bytes, display columns, cut at max columns (never wraps). */
struct lbuf {
	char b[2048];
	size_t len;
	int w, max;
};

static void lb_init(struct lbuf *l, int max)
{
	l->len = 0;
	l->w = 0;
	l->max = max;
}

/* s: printable ASCII plus whole UTF-8 sequences (one column each: only our ellipsis) */
static void lb_puts(struct lbuf *l, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		bool cont = (ch & 0xc0) == 0x80;
		if (!cont && l->w >= l->max)
			return;
		if (l->len + 1 >= sizeof(l->b))
			return;
		l->b[l->len++] = *s;
		if (!cont)
			l->w++;
	}
}

static void lb_sgr(struct lbuf *l, const char *seq)
{
	size_t n = strlen(seq);
	if (l->len + n < sizeof(l->b)) {
		memcpy(l->b + l->len, seq, n);
		l->len += n;
	}
}

static void lb_pad(struct lbuf *l, int upto)
{
	while (l->w < upto && l->w < l->max)
		lb_puts(l, " ");
}

/* right-aligned cell of width w, after one space */
static void lb_cell(struct lbuf *l, const char *s, int w)
{
	int n = (int)strlen(s);
	lb_puts(l, " ");
	for (int i = n; i < w; i++)
		lb_puts(l, " ");
	lb_puts(l, s);
}

static const char *g_ell = "~"; /* "…" in a UTF-8 locale */

static int text_width(const char *s)
{
	int w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

static bool is_idhex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || ch == '_';
}

/* Container ids (64 hex digits) and pod UIDs as their first 12 characters, as watch and
 * docker ps show them: "cri-containerd-9e8d7c6b5a4f….scope". */
static void shorten_ids(const char *s, char *buf, size_t sz)
{
	size_t o = 0;
	while (*s && o + 8 < sz) {
		size_t run = 0;
		while (is_idhex(s[run]))
			run++;
		if (run >= 32) {
			size_t keep = 12;
			memcpy(buf + o, s, keep);
			o += keep;
			o += (size_t)xsnprintf(buf + o, sz - o, "%s", g_ell) >= 0 ? strlen(g_ell) :
										    0;
			s += run;
			continue;
		}
		if (run == 0)
			run = 1;
		while (run-- && *s && o + 8 < sz)
			buf[o++] = *s++;
	}
	buf[o] = '\0';
}

/* Display width of UTF-8 text s cut to its first n columns / last n columns */
static size_t bytes_head(const char *s, int n)
{
	size_t i = 0;
	int w = 0;
	while (s[i]) {
		if (((unsigned char)s[i] & 0xc0) != 0x80) {
			if (w == n)
				break;
			w++;
		}
		i++;
	}
	return i;
}

static const char *tail_cols(const char *s, int n)
{
	int w = text_width(s);
	const char *p = s;
	while (w > n && *p) {
		p++;
		while (((unsigned char)*p & 0xc0) == 0x80)
			p++;
		w--;
	}
	return p;
}

/*
 * A cgroup path in at most width columns, keeping what tells it apart: the whole path when it
 * fits; else ids shortened; else "…" and the last path components that fit; else the leaf with
 * an ellipsis in its middle (its kind at the start, .scope/.service at the end).
 */
static void fit_name(const char *name, int width, char *out, size_t sz)
{
	char esc[1024], sh[1024];
	const char *leaf, *p;

	term_safe(name, esc, sizeof(esc));
	if (text_width(esc) <= width) {
		xsnprintf(out, sz, "%s", esc);
		return;
	}
	shorten_ids(esc, sh, sizeof(sh));
	if (text_width(sh) <= width) {
		xsnprintf(out, sz, "%s", sh);
		return;
	}
	leaf = strrchr(sh, '/');
	leaf = leaf ? leaf : sh;
	/* the longest tail starting at a '/' that fits after the ellipsis */
	for (p = sh + 1; *p; p++) {
		if (*p == '/' && text_width(p) <= width - 1) {
			xsnprintf(out, sz, "%s%s", g_ell, p);
			return;
		}
	}
	if (*leaf == '/' && text_width(leaf) > width)
		leaf++;
	if (text_width(leaf) <= width) {
		xsnprintf(out, sz, "%s", leaf);
		return;
	}
	/* a leaf with a (shortened) id: the id stays whole, what is before it is cut first */
	{
		const char *ell = strstr(leaf, g_ell);
		if (ell && ell - leaf >= 12 && width >= 13) {
			const char *id = ell - 12, *rest = ell + strlen(g_ell);
			int rw = text_width(rest), room = width - 12 - 1;
			if (rw > room - 3)
				rw = 0; /* drop ".scope" before the id's prefix */
			room -= rw;
			if (room >= (int)(id - leaf)) {
				xsnprintf(out, sz, "%.*s%.*s", (int)(id - leaf), leaf, 12, id);
			} else {
				xsnprintf(out, sz, "%.*s%s%.*s",
					  room > 0 ? (int)bytes_head(leaf, room) : 0, leaf, g_ell,
					  12, id);
			}
			if (rw)
				xsnprintf(out + strlen(out), sz - strlen(out), "%s", rest);
			return;
		}
	}
	if (width < 3) {
		xsnprintf(out, sz, "%.*s", (int)bytes_head(leaf, width), leaf);
		return;
	}
	{
		int tail = (width - 1) / 2, head = width - 1 - tail;
		xsnprintf(out, sz, "%.*s%s%s", (int)bytes_head(leaf, head), leaf, g_ell,
			  tail_cols(leaf, tail));
	}
}

enum col_id {
	C_SOME,
	C_FULL,
	C_AVG10,
	C_USAGE,
	C_HIGH,
	C_LIMIT,
	C_PLIM,
	C_PEAK,
	C_KILLS,
	C_VERDICT,
	NCOLS
};

static const struct {
	const char *hdr;
	int w;
	int prio; /* dropped lowest first when the terminal is narrow */
} cols[NCOLS] = {
	[C_SOME] = { "SOME%", 6, 6 },  [C_FULL] = { "FULL%", 6, 4 },
	[C_AVG10] = { "AVG10", 6, 3 }, [C_USAGE] = { "USAGE", 7, 9 },
	[C_HIGH] = { "HIGH", 7, 1 },   [C_LIMIT] = { "LIMIT", 7, 5 },
	[C_PLIM] = { "%LIM", 7, 8 },   [C_PEAK] = { "PEAK", 7, 2 },
	[C_KILLS] = { "KILLS", 5, 7 }, [C_VERDICT] = { "VERDICT", 8, 10 },
};

#define NAME_MIN 24
#define PROCS_MAX 256

struct uproc {
	pid_t pid;
	char comm[PROC_COMM_MAX * 4];
	uint64_t rss_kb;
	bool has_rss;
	int adj;
	bool has_adj;
};

struct ui {
	struct top_ctx *c;
	struct row *rows;
	size_t nrows;
	size_t *vis; /* rows shown (live, filter matched), in sort order */
	size_t nvis;
	size_t sel; /* index into vis */
	size_t top; /* first screen line of the list */
	char sel_name[PATH_MAX];
	char filter[128];
	bool editing;
	char edit[128];
	bool help;
	bool color;
	char *expanded; /* name of the cgroup whose processes are listed */
	struct uproc *procs;
	size_t nprocs;
	int procs_err;
	uint64_t iv;
	int width, height;
	bool show[NCOLS];
	int name_w;
	char msg[160];
};

static void ui_layout(struct ui *u)
{
	int fixed = 0, longest = 6;

	for (int i = 0; i < NCOLS; i++) {
		u->show[i] = true;
		fixed += cols[i].w + 1;
	}
	/* HIGH means nothing where memory.high does not exist */
	if (!u->c->layout.v2_memory) {
		u->show[C_HIGH] = false;
		fixed -= cols[C_HIGH].w + 1;
	}
	while (u->width - fixed < NAME_MIN) {
		int lo = -1;
		for (int i = 0; i < NCOLS; i++)
			if (u->show[i] && i != C_VERDICT &&
			    (lo < 0 || cols[i].prio < cols[lo].prio))
				lo = i;
		if (lo < 0)
			break;
		u->show[lo] = false;
		fixed -= cols[lo].w + 1;
	}
	for (size_t i = 0; i < u->nvis; i++) {
		int l = (int)strlen(u->rows[u->vis[i]].name);
		if (l > longest)
			longest = l;
	}
	u->name_w = u->width - fixed;
	if (u->name_w > longest)
		u->name_w = longest;
	if (u->name_w < 1)
		u->name_w = 1;
}

static bool match_filter(const struct ui *u, const struct row *w)
{
	return !u->filter[0] || strstr(w->name, u->filter) != NULL;
}

/* vis from rows (already sorted); the cursor stays on the same cgroup when it is still shown */
static void ui_rebuild(struct ui *u)
{
	size_t n = 0;

	free(u->vis);
	u->vis = malloc((u->nrows ? u->nrows : 1) * sizeof(*u->vis));
	if (!u->vis) {
		u->nvis = 0;
		return;
	}
	for (size_t i = 0; i < u->nrows; i++)
		if (!u->rows[i].gone && match_filter(u, &u->rows[i]))
			u->vis[n++] = i;
	u->nvis = n;
	if (u->sel_name[0]) {
		for (size_t i = 0; i < n; i++) {
			if (strcmp(u->rows[u->vis[i]].name, u->sel_name) == 0) {
				u->sel = i;
				return;
			}
		}
	}
	if (u->sel >= n)
		u->sel = n ? n - 1 : 0;
}

static void ui_remember_sel(struct ui *u)
{
	if (u->nvis)
		xsnprintf(u->sel_name, sizeof(u->sel_name), "%s", u->rows[u->vis[u->sel]].name);
	else
		u->sel_name[0] = '\0';
}

static int uproc_cmp(const void *pa, const void *pb)
{
	const struct uproc *a = pa, *b = pb;
	if (a->rss_kb != b->rss_kb)
		return a->rss_kb > b->rss_kb ? -1 : 1;
	return a->pid < b->pid ? -1 : a->pid > b->pid;
}

/* The processes of the expanded cgroup: cgroup.procs of its memory (or cgroup2) directory. */
static void ui_load_procs(struct ui *u)
{
	const struct row *w = NULL;
	char dir[PATH_MAX], path[PATH_MAX], *buf = NULL, *line, *save = NULL;
	const struct ent *e;
	ssize_t n;

	free(u->procs);
	u->procs = NULL;
	u->nprocs = 0;
	u->procs_err = 0;
	if (!u->expanded)
		return;
	for (size_t i = 0; i < u->nvis; i++)
		if (strcmp(u->rows[u->vis[i]].name, u->expanded) == 0)
			w = &u->rows[u->vis[i]];
	if (!w)
		return;
	e = &u->c->ent[w->idx];
	ent_paths(u->c, w->idx);
	if (e->mem && e->mem[0]) {
		xsnprintf(dir, sizeof(dir), "%s", e->mem);
	} else if (e->psi && e->psi[0]) {
		char *slash;
		xsnprintf(dir, sizeof(dir), "%s", e->psi);
		slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
	} else {
		u->procs_err = -ENOENT;
		return;
	}
	if (path_join(path, sizeof(path), dir, "cgroup.procs") < 0) {
		u->procs_err = -ENAMETOOLONG;
		return;
	}
	n = read_file_alloc(path, &buf);
	if (n < 0) {
		u->procs_err = (int)n;
		return;
	}
	u->procs = calloc(PROCS_MAX, sizeof(*u->procs));
	if (!u->procs) {
		free(buf);
		u->procs_err = -ENOMEM;
		return;
	}
	for (line = strtok_r(buf, "\n", &save); line && u->nprocs < PROCS_MAX;
	     line = strtok_r(NULL, "\n", &save)) {
		struct uproc *p = &u->procs[u->nprocs];
		struct proc_status st;
		int pid;
		if (parse_int(line, &pid) < 0 || pid <= 0)
			continue;
		p->pid = pid;
		if (proc_read_status(&u->c->cli->host, pid, &st) == 0) {
			term_safe(st.comm, p->comm, sizeof(p->comm));
			p->has_rss = st.has_mm;
			p->rss_kb = st.vmrss_kb;
		} else {
			xsnprintf(p->comm, sizeof(p->comm), "?");
		}
		p->has_adj = proc_read_oom_score_adj(&u->c->cli->host, pid, &p->adj) == 0;
		u->nprocs++;
	}
	free(buf);
	qsort(u->procs, u->nprocs, sizeof(*u->procs), uproc_cmp);
}

static void out_line(int y, struct lbuf *l)
{
	printf("\033[%d;1H", y);
	fwrite(l->b, 1, l->len, stdout);
	fputs("\033[0m\033[K", stdout);
}

static const char *const help_text[] = {
	"oomlab top: keys",
	"",
	"  q, Ctrl-C        quit",
	"  P / M / L / K    sort by pressure / memory usage / % of limit / OOM kills",
	"  < > or s         previous / next sort key",
	"  Up Down j k      move the cursor",
	"  PgUp PgDn        a page up / down (also Ctrl-B / Ctrl-F, space)",
	"  Home End g G     first / last cgroup",
	"  Enter, e         list the cgroup's processes (pid, comm, rss, oom_score_adj);",
	"                   again to close",
	"  /                filter: type a substring of the path, Enter applies, Esc clears",
	"  Esc              clear the filter",
	"  h, ?             this help (any key closes it)",
	"",
	"SOME% FULL%: share of the last interval stalled on memory; AVG10: the kernel's",
	"10 s average; %LIM: usage as a share of the binding limit. Verdicts: docs/VERDICT.md.",
	"Columns are dropped when the terminal is narrow (HIGH, PEAK, AVG10, FULL% first).",
};

static void ui_draw(struct ui *u)
{
	struct top_ctx *c = u->c;
	struct lbuf l;
	char a[16], b[16], d[16], e[16], f[16], g[16], h[16], k[16], buf[1024], ts[16];
	const char *note;
	size_t total = 0;
	int y = 1, list_h, line_of_sel, nlines;
	time_t t = time(NULL);
	struct tm tm;

	for (size_t i = 0; i < u->nrows; i++)
		total += !u->rows[i].gone;
	fputs("\033[H", stdout);
	localtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
	lb_init(&l, u->width);
	xsnprintf(buf, sizeof(buf), "oomlab top %s  %zu cgroups (%s%s)  sort %s  ", ts, total,
		  cg_mode_to_string(c->layout.mode), c->it ? ", bpf" : "", sort_name(c->sort));
	lb_puts(&l, buf);
	if (u->iv)
		xsnprintf(buf, sizeof(buf), "share over %llums",
			  (unsigned long long)(u->iv / 1000));
	else
		xsnprintf(buf, sizeof(buf), "first frame: no share yet");
	lb_puts(&l, buf);
	if (c->sys_err == 0) {
		xsnprintf(buf, sizeof(buf), "  system some %s%% full %s%%",
			  fmt_centi(c->sys.some.avg10, a, 16), fmt_centi(c->sys.full.avg10, b, 16));
		lb_puts(&l, buf);
	}
	out_line(y++, &l);
	note = host_psi_note(c, buf, sizeof(buf));
	lb_init(&l, u->width);
	if (u->filter[0] || u->editing) {
		char fe[300];
		term_safe(u->editing ? u->edit : u->filter, fe, sizeof(fe));
		xsnprintf(buf, sizeof(buf), "%s%s%s  (%zu of %zu shown)%s",
			  u->editing ? "filter (Enter applies, Esc clears): " : "filter: ", fe,
			  u->editing ? "_" : "", u->nvis, total, u->editing ? "" : "  Esc clears");
		lb_puts(&l, buf);
		out_line(y++, &l);
	} else if (note) {
		lb_puts(&l, "note: ");
		lb_puts(&l, note);
		out_line(y++, &l);
	}
	ui_layout(u);
	/* column header */
	lb_init(&l, u->width);
	lb_sgr(&l, u->color ? "\033[30;46m" : "\033[7m");
	lb_puts(&l, "CGROUP");
	lb_pad(&l, u->name_w);
	for (int i = 0; i < NCOLS; i++) {
		if (!u->show[i])
			continue;
		if (i == C_VERDICT) {
			lb_puts(&l, " ");
			lb_puts(&l, cols[i].hdr);
		} else {
			lb_cell(&l, cols[i].hdr, cols[i].w);
		}
	}
	lb_pad(&l, u->width);
	out_line(y++, &l);

	list_h = u->height - y; /* the last line is the status line */
	if (list_h < 1)
		list_h = 1;
	if (u->help) {
		for (size_t i = 0; i < ELEMENTSOF(help_text) && y < u->height; i++) {
			lb_init(&l, u->width);
			lb_puts(&l, help_text[i]);
			out_line(y++, &l);
		}
		goto bottom;
	}
	/* which screen lines: cgroup rows, the expanded one followed by its processes */
	{
		size_t exp_at = SIZE_MAX, extra = 0;
		if (u->expanded) {
			for (size_t i = 0; i < u->nvis; i++)
				if (strcmp(u->rows[u->vis[i]].name, u->expanded) == 0)
					exp_at = i;
			if (exp_at != SIZE_MAX)
				extra = u->nprocs ? u->nprocs + 1 : 1;
		}
		nlines = (int)(u->nvis + extra);
		line_of_sel =
			(int)u->sel + (exp_at != SIZE_MAX && u->sel > exp_at ? (int)extra : 0);
		/* keep the cursor in view; an expanded cursor row shows its processes too */
		if ((size_t)line_of_sel < u->top)
			u->top = (size_t)line_of_sel;
		{
			int want = line_of_sel + (exp_at == u->sel ? (int)extra : 0);
			if (want >= (int)u->top + list_h)
				u->top = (size_t)(want - list_h + 1);
			if ((size_t)line_of_sel < u->top)
				u->top = (size_t)line_of_sel;
		}
		if (nlines <= list_h)
			u->top = 0;
		else if ((int)u->top > nlines - list_h)
			u->top = (size_t)(nlines - list_h);
		for (int ln = (int)u->top; ln < nlines && y < u->height; ln++) {
			size_t ri;
			int sub = -1; /* process line index, -1: a cgroup row */
			if (exp_at != SIZE_MAX && ln > (int)exp_at && ln <= (int)(exp_at + extra)) {
				sub = ln - (int)exp_at - 1;
				ri = exp_at;
			} else {
				ri = (size_t)ln -
				     (exp_at != SIZE_MAX && ln > (int)exp_at ? extra : 0);
			}
			lb_init(&l, u->width);
			if (sub >= 0) {
				if (u->nprocs == 0) {
					if (u->procs_err)
						xsnprintf(buf, sizeof(buf),
							  "    cannot list processes: %s",
							  strerror(-u->procs_err));
					else
						xsnprintf(buf, sizeof(buf),
							  "    no process in this cgroup");
					lb_sgr(&l, "\033[2m");
					lb_puts(&l, buf);
				} else if (sub == 0) {
					lb_sgr(&l, "\033[1m");
					xsnprintf(buf, sizeof(buf), "    %7s %-16s %8s %7s", "PID",
						  "COMM", "RSS", "OOM_ADJ");
					lb_puts(&l, buf);
				} else {
					const struct uproc *p = &u->procs[sub - 1];
					char rb[16], ab[16];
					xsnprintf(ab, sizeof(ab), "%d", p->adj);
					xsnprintf(buf, sizeof(buf), "    %7d %-16s %8s %7s",
						  (int)p->pid, p->comm,
						  fmt_size_short(p->rss_kb * 1024, p->has_rss, rb,
								 16),
						  p->has_adj ? ab : "-");
					lb_puts(&l, buf);
				}
				out_line(y++, &l);
				continue;
			}
			{
				const struct row *w = &u->rows[u->vis[ri]];
				const struct cgw_sample *s = &w->s;
				bool cur = ri == u->sel;
				uint32_t us =
					s->ok ? verdict_share_of(s->usage, w->limit) : UINT32_MAX;
				char nm[1024];
				if (cur)
					lb_sgr(&l, "\033[7m");
				fit_name(w->name, u->name_w, nm, sizeof(nm));
				lb_puts(&l, nm);
				lb_pad(&l, u->name_w);
				for (int i = 0; i < NCOLS; i++) {
					const char *v = "";
					if (!u->show[i])
						continue;
					switch (i) {
					case C_SOME:
						v = pct_cell(w, false, a, 16);
						break;
					case C_FULL:
						v = pct_cell(w, true, b, 16);
						break;
					case C_AVG10:
						v = s->psi_err ?
							    "-" :
							    fmt_centi(s->psi.some.avg10, d, 16);
						break;
					case C_USAGE:
						v = fmt_size_short(s->usage, s->ok, e, 16);
						break;
					case C_HIGH:
						v = fmt_size_short(s->high, s->has_high, f, 16);
						break;
					case C_LIMIT:
						v = fmt_size_short(w->limit, s->ok, g, 16);
						break;
					case C_PLIM:
						v = us == UINT32_MAX ? "-" : fmt_centi(us, h, 16);
						break;
					case C_PEAK:
						v = fmt_size_short(s->peak, s->has_peak, k, 16);
						break;
					case C_KILLS:
						if (s->has_oom_kill)
							xsnprintf(buf, 32, "%llu",
								  (unsigned long long)s->oom_kill);
						v = s->has_oom_kill ? buf : "-";
						break;
					}
					if (i == C_VERDICT) {
						lb_puts(&l, " ");
						if (u->color && !cur)
							lb_sgr(&l, color_verdict(w->v));
						lb_puts(&l, verdict_to_string(w->v));
						if (u->color && !cur)
							lb_sgr(&l, COLOR_RESET);
					} else {
						lb_cell(&l, v, cols[i].w);
					}
				}
				if (cur)
					lb_pad(&l, u->width);
				out_line(y++, &l);
			}
		}
	}
bottom:
	while (y < u->height) {
		lb_init(&l, u->width);
		out_line(y++, &l);
	}
	/* status line: the last one, never longer than width - 1 (no scroll at the corner) */
	lb_init(&l, u->width > 1 ? u->width - 1 : 1);
	if (u->msg[0]) {
		lb_puts(&l, u->msg);
	} else if (u->help) {
		lb_puts(&l, "any key closes the help");
	} else {
		size_t first = u->nvis ? u->top + 1 : 0;
		xsnprintf(buf, sizeof(buf),
			  "%zu/%zu  q quit  h help  / filter  P M L K sort  Enter procs",
			  u->nvis ? u->sel + 1 : 0, u->nvis);
		(void)first;
		lb_puts(&l, buf);
	}
	printf("\033[%d;1H", u->height);
	lb_sgr(&l, "");
	fwrite(l.b, 1, l.len, stdout);
	fputs("\033[0m\033[K", stdout);
	fflush(stdout);
}

static void ui_size(struct ui *u)
{
	struct winsize ws;
	u->width = 80;
	u->height = 24;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
		u->width = ws.ws_col;
		u->height = ws.ws_row;
	}
	if (u->width > (int)sizeof(((struct lbuf *)0)->b) / 4)
		u->width = (int)sizeof(((struct lbuf *)0)->b) / 4;
}

enum {
	K_NONE = 0,
	K_UP = 0x1000,
	K_DOWN,
	K_PGUP,
	K_PGDN,
	K_HOME,
	K_END,
	K_ESC,
	K_LEFT,
	K_RIGHT,
};

/* One key from buf[*pos..n): ESC sequences of xterm/vt100/tmux; a lone ESC is Esc. */
static int next_key(const unsigned char *buf, size_t n, size_t *pos)
{
	size_t i = *pos;
	int ch = buf[i++];

	if (ch == 0x1b && i < n && (buf[i] == '[' || buf[i] == 'O')) {
		size_t j = i + 1;
		int num = 0;
		while (j < n && buf[j] >= '0' && buf[j] <= '9')
			num = num * 10 + (buf[j++] - '0');
		while (j < n && buf[j] == ';') /* modifiers: ignored */
			for (j++; j < n && buf[j] >= '0' && buf[j] <= '9'; j++)
				;
		if (j < n) {
			int fin = buf[j++];
			*pos = j;
			switch (fin) {
			case 'A':
				return K_UP;
			case 'B':
				return K_DOWN;
			case 'C':
				return K_RIGHT;
			case 'D':
				return K_LEFT;
			case 'H':
				return K_HOME;
			case 'F':
				return K_END;
			case '~':
				return num == 5		    ? K_PGUP :
				       num == 6		    ? K_PGDN :
				       num == 1 || num == 7 ? K_HOME :
				       num == 4 || num == 8 ? K_END :
							      K_NONE;
			}
			return K_NONE;
		}
		*pos = n;
		return K_NONE;
	}
	*pos = i;
	if (ch == 0x1b)
		return K_ESC;
	return ch;
}

static const enum sort_key sort_cycle[] = { SORT_PRESSURE, SORT_USAGE, SORT_LIMIT, SORT_KILLS };

/* true: quit */
static bool ui_key(struct ui *u, int key, bool *resort)
{
	int page = u->height - 4 > 1 ? u->height - 4 : 1;

	u->msg[0] = '\0';
	if (u->help) {
		u->help = false;
		return false;
	}
	if (u->editing) {
		size_t len = strlen(u->edit);
		if (key == '\r' || key == '\n') {
			xsnprintf(u->filter, sizeof(u->filter), "%s", u->edit);
			u->editing = false;
			u->sel = 0;
			u->top = 0;
			ui_rebuild(u);
			ui_remember_sel(u);
		} else if (key == K_ESC) {
			u->editing = false;
			u->filter[0] = '\0';
			ui_rebuild(u);
		} else if (key == 0x7f || key == 0x08) {
			if (len)
				u->edit[len - 1] = '\0';
		} else if (key == 0x15) { /* Ctrl-U */
			u->edit[0] = '\0';
		} else if (key >= 0x20 && key < 0x7f && len + 1 < sizeof(u->edit)) {
			u->edit[len] = (char)key;
			u->edit[len + 1] = '\0';
		}
		return false;
	}
	switch (key) {
	case 'q':
	case 'Q':
		return true;
	case 'h':
	case '?':
		u->help = true;
		break;
	case K_UP:
	case 'k':
		if (u->sel > 0)
			u->sel--;
		break;
	case K_DOWN:
	case 'j':
		if (u->sel + 1 < u->nvis)
			u->sel++;
		break;
	case K_PGUP:
	case 0x02: /* Ctrl-B */
		u->sel = u->sel > (size_t)page ? u->sel - (size_t)page : 0;
		break;
	case K_PGDN:
	case 0x06: /* Ctrl-F */
	case ' ':
		u->sel += (size_t)page;
		if (u->sel >= u->nvis)
			u->sel = u->nvis ? u->nvis - 1 : 0;
		break;
	case K_HOME:
	case 'g':
		u->sel = 0;
		break;
	case K_END:
	case 'G':
		u->sel = u->nvis ? u->nvis - 1 : 0;
		break;
	case 'P':
		u->c->sort = SORT_PRESSURE;
		*resort = true;
		break;
	case 'M':
		u->c->sort = SORT_USAGE;
		*resort = true;
		break;
	case 'L':
		u->c->sort = SORT_LIMIT;
		*resort = true;
		break;
	case 'K':
		u->c->sort = SORT_KILLS;
		*resort = true;
		break;
	case '<':
	case '>':
	case 's':
	case K_LEFT:
	case K_RIGHT: {
		size_t i = 0, nk = ELEMENTSOF(sort_cycle);
		while (i < nk && sort_cycle[i] != u->c->sort)
			i++;
		i = (key == '<' || key == K_LEFT) ? (i + nk - 1) % nk : (i + 1) % nk;
		u->c->sort = sort_cycle[i];
		*resort = true;
		break;
	}
	case '/':
		u->editing = true;
		xsnprintf(u->edit, sizeof(u->edit), "%s", u->filter);
		break;
	case K_ESC:
		if (u->filter[0]) {
			u->filter[0] = '\0';
			ui_rebuild(u);
		}
		break;
	case '\r':
	case '\n':
	case 'e':
		if (!u->nvis)
			break;
		if (u->expanded && strcmp(u->expanded, u->rows[u->vis[u->sel]].name) == 0) {
			free(u->expanded);
			u->expanded = NULL;
		} else {
			free(u->expanded);
			u->expanded = strdup(u->rows[u->vis[u->sel]].name);
		}
		ui_load_procs(u);
		break;
	case 0x0c: /* Ctrl-L: redraw */
		fputs("\033[2J", stdout);
		break;
	default:
		if (key > 0 && key < 0x100)
			xsnprintf(u->msg, sizeof(u->msg), "unknown key (h for help)");
		break;
	}
	ui_remember_sel(u);
	return false;
}

static void ui_sort(struct ui *u)
{
	g_sort = u->c->sort;
	qsort(u->rows, u->nrows, sizeof(*u->rows), row_cmp);
	ui_rebuild(u);
}

/* The interactive loop; returns the exit status. */
static int top_interactive(struct top_ctx *c, uint64_t interval_us, uint64_t count)
{
	struct ui u = { .c = c };
	sigset_t mask, old;
	int sfd, r = EXIT_OK;
	uint64_t next = now_us();
	const char *cs;

	setlocale(LC_CTYPE, "");
	cs = nl_langinfo(CODESET);
	if (cs && strcmp(cs, "UTF-8") == 0)
		g_ell = "\xe2\x80\xa6";
	u.color = color_wanted(STDOUT_FILENO);
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGQUIT);
	sigaddset(&mask, SIGTSTP);
	sigaddset(&mask, SIGCONT);
	sigaddset(&mask, SIGWINCH);
	sigprocmask(SIG_BLOCK, &mask, &old);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		r = cli_error(c->cli, "cannot create a signalfd: %s", strerror(errno));
		goto out;
	}
	if (term_enter() < 0) {
		r = cli_error(c->cli, "cannot set the terminal mode: %s", strerror(errno));
		goto out;
	}
	ui_size(&u);
	for (uint64_t fno = 0;; fno++) {
		bool redraw = true;
		free(u.rows);
		u.rows = NULL;
		r = frame(c, &u.rows, &u.nrows);
		if (r < 0) {
			term_leave();
			r = cli_error(c->cli, "cannot walk the cgroup tree: %s", strerror(-r));
			goto out;
		}
		if (c->target_arg)
			filter_rows(c, u.rows, u.nrows);
		u.iv = fno == 0 ? 0 : interval_us;
		ui_sort(&u);
		if (u.expanded)
			ui_load_procs(&u);
		if (!u.sel_name[0])
			ui_remember_sel(&u);
		next += interval_us;
		if (now_us() > next + interval_us)
			next = now_us() + interval_us;
		/* keys and signals until the next frame is due */
		for (;;) {
			struct pollfd pf[2] = { { .fd = STDIN_FILENO, .events = POLLIN },
						{ .fd = sfd, .events = POLLIN } };
			uint64_t now;
			int timeout;
			if (redraw) {
				ui_draw(&u);
				redraw = false;
			}
			if (count && fno + 1 >= count) {
				r = EXIT_OK;
				goto out;
			}
			now = now_us();
			if (now >= next)
				break;
			timeout = (int)((next - now + 999) / 1000);
			if (poll(pf, 2, timeout) < 0) {
				if (errno == EINTR)
					continue;
				term_leave();
				r = cli_error(c->cli, "poll: %s", strerror(errno));
				goto out;
			}
			if (pf[1].revents & POLLIN) {
				struct signalfd_siginfo si;
				while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
					switch (si.ssi_signo) {
					case SIGINT:
					case SIGQUIT:
						r = EXIT_OK; /* Ctrl-C quits like q */
						goto out;
					case SIGTERM:
					case SIGHUP:
						r = 128 + (int)si.ssi_signo;
						goto out;
					case SIGTSTP:
						term_leave();
						kill(getpid(), SIGSTOP);
						/* continued: the shell may have changed the modes */
						term_enter();
						ui_size(&u);
						redraw = true;
						break;
					case SIGCONT:
						if (!g_term.raw)
							term_enter();
						else
							fputs("\033[2J", stdout);
						ui_size(&u);
						redraw = true;
						break;
					case SIGWINCH:
						ui_size(&u);
						fputs("\033[2J", stdout);
						redraw = true;
						break;
					}
				}
			}
			if (pf[0].revents & (POLLHUP | POLLERR)) {
				r = EXIT_OK;
				goto out;
			}
			if (pf[0].revents & POLLIN) {
				unsigned char kb[256];
				ssize_t n = read(STDIN_FILENO, kb, sizeof(kb));
				size_t pos = 0;
				if (n > 0 && kb[n - 1] == 0x1b) {
					/* a lone Esc or the start of a sequence: wait briefly for the rest */
					struct pollfd p1 = { .fd = STDIN_FILENO, .events = POLLIN };
					if (poll(&p1, 1, 30) > 0) {
						ssize_t m = read(STDIN_FILENO, kb + n,
								 sizeof(kb) - (size_t)n);
						if (m > 0)
							n += m;
					}
				}
				while (n > 0 && pos < (size_t)n) {
					bool resort = false;
					int key = next_key(kb, (size_t)n, &pos);
					if (key == K_NONE)
						continue;
					if (ui_key(&u, key, &resort)) {
						r = EXIT_OK;
						goto out;
					}
					if (resort)
						ui_sort(&u);
					redraw = true;
				}
			}
		}
	}
out:
	term_leave();
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(u.rows);
	free(u.vis);
	free(u.procs);
	free(u.expanded);
	return r;
}

int cmd_top(struct cli *cli, int argc, char **argv)
{
	enum { OPT_THRESH = 0x100, OPT_SOURCE };
	static const struct option opts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "sort", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'J' },
		{ "thresholds", required_argument, NULL, OPT_THRESH },
		{ "batch", no_argument, NULL, 'b' },
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct top_ctx c = { .cli = cli, .th = verdict_default_thresholds, .watch = { .fd = -1 } };
	uint64_t interval_us = 1000000, count = 0, next;
	bool interval_set = false, tty, batch = false;
	int o, r;

	optind = 0;
	opterr = 0; /* one message per error, ours; TARGET may come before the options */
	while ((o = getopt_long(argc, argv, ":i:n:Jbh", opts, NULL)) != -1) {
		switch (o) {
		case 'i':
			if (cli_parse_duration(cli, "--interval", optarg, &interval_us))
				return EXIT_USAGE;
			if (interval_us < 10000)
				return cli_usage_error(cli, "--interval must be at least 10ms");
			interval_set = true;
			break;
		case 's':
			if (strcmp(optarg, "pressure") == 0)
				c.sort = SORT_PRESSURE;
			else if (strcmp(optarg, "usage") == 0)
				c.sort = SORT_USAGE;
			else if (strcmp(optarg, "limit") == 0)
				c.sort = SORT_LIMIT;
			else if (strcmp(optarg, "kills") == 0)
				c.sort = SORT_KILLS;
			else
				return cli_usage_error(
					cli,
					"invalid sort key '%s': expected pressure, usage, "
					"limit or kills",
					optarg);
			break;
		case 'n':
			if (parse_u64(optarg, &count) < 0 || count == 0 || count > 1000000000)
				return cli_usage_error(cli, "invalid count '%s' for --count",
						       optarg);
			break;
		case 'J':
			cli->json = true;
			break;
		case OPT_THRESH:
			if (cli_parse_thresholds(cli, optarg, &c.th))
				return EXIT_USAGE;
			break;
		case 'b':
			batch = true;
			break;
		case OPT_SOURCE:
			if (strcmp(optarg, "auto") == 0)
				c.source = TOP_SOURCE_AUTO;
			else if (strcmp(optarg, "bpf") == 0)
				c.source = TOP_SOURCE_BPF;
			else if (strcmp(optarg, "files") == 0)
				c.source = TOP_SOURCE_FILES;
			else
				return cli_usage_error(
					cli,
					"invalid source '%s' for --source (auto, bpf "
					"or files)",
					optarg);
			break;
		case 'h':
			help();
			return EXIT_OK;
		default:
			return cli_option_error(cli, argv, o);
		}
	}
	if (optind < argc)
		c.target_arg = argv[optind++];
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	g_sort = c.sort;
	r = cg_layout_detect(&cli->host, &c.layout);
	if (r < 0)
		return cli_error(cli, "cannot read the cgroup mounts: %s", strerror(-r));
	if (c.layout.mode == CG_MODE_NONE)
		return cli_error(cli, "no cgroup filesystem is mounted: nothing to show");
	if (c.target_arg && (r = cli_resolve_cgroup(cli, &c.layout, "CGROUP", c.target_arg,
						    CGT_DIGITS_ARE_PID, &c.target)))
		return r;
	r = host_path(&cli->host, "/proc/pressure/memory", c.sys_path, sizeof(c.sys_path));
	if (r < 0)
		return cli_error(cli, "sysroot path too long");
	tty = isatty(STDOUT_FILENO) && !cli->json && !batch;
	/* a frame is a thousand lines: one write per frame, not one per line (main() made stdout
	 * line-buffered; nothing has been written yet, so it may be changed here) */
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	next = now_us();
	c.cached = host_is_live(&cli->host);
	if (c.cached) {
		/* one fd per file per cgroup is kept open: raise the soft limit to the hard one
		 * (without it, files past the limit are read with open/read/close instead) */
		struct rlimit rl;
		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
		}
	}
	if (c.source != TOP_SOURCE_FILES) {
		if (!c.cached)
			xsnprintf(c.source_note, sizeof(c.source_note),
				  "a --sysroot tree is read from its files");
		else
			cg_iter_open(&c.it, c.source_note, sizeof(c.source_note));
		/* one --json read without --interval shows no share: BPF's PSI is enough */
		c.psi_files = !(cli->json && !interval_set);
		if (!c.it && c.source == TOP_SOURCE_BPF)
			return cli_error(cli, "--source bpf: %s", c.source_note);
	}
	if (c.cached && !cli->json && !c.it) {
		if (cgw_watch_init(&c.watch) < 0)
			c.watch.fd = -1; /* no inotify: walk and read limits every frame */
	}
	if (tty && isatty(STDIN_FILENO)) {
		r = top_interactive(&c, interval_us, count);
		goto done;
	}
	for (uint64_t fno = 0;; fno++) {
		struct row *rows = NULL;
		size_t nrows = 0;
		uint64_t iv = fno == 0 ? 0 : interval_us;
		int max_rows = 0;

		r = frame(&c, &rows, &nrows);
		if (r == -EPROTONOSUPPORT) {
			r = cli_error(cli, "--source bpf: %s", c.source_note);
			break;
		}
		if (r < 0) {
			r = cli_error(cli, "cannot walk the cgroup tree: %s", strerror(-r));
			break;
		}
		if (c.target_arg)
			filter_rows(&c, rows, nrows);
		if (cli->json && interval_set && fno == 0) {
			/* --json with --interval: the snapshot carries shares over the interval */
			free(rows);
			next += interval_us;
			sleep_until(next);
			continue;
		}
		qsort(rows, nrows, sizeof(*rows), row_cmp);
		if (cli->json) {
			render_json(&c, rows, nrows, interval_set ? interval_us : 0);
			free(rows);
			r = EXIT_OK;
			break;
		}
		if (tty) {
			struct winsize ws;
			if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 5)
				max_rows = ws.ws_row - 4;
		}
		render_text(&c, rows, nrows, iv, tty, max_rows);
		free(rows);
		if (count && fno + 1 >= count) {
			r = EXIT_OK;
			break;
		}
		if (!tty)
			printf("\n");
		next += interval_us;
		if (now_us() > next + interval_us)
			next = now_us();
		sleep_until(next);
	}
done:
	cg_iter_close(c.it);
	free(c.snap);
	ents_free(c.ent, c.tree.n);
	free(c.byname);
	cgw_tree_free(&c.tree);
	cgw_watch_free(&c.watch);
	return r;
}

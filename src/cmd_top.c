// SPDX-License-Identifier: MIT
/* oomlab top: every cgroup's memory pressure, usage and limits in one refreshing table. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "oomlab.h"
#include "psiview.h"
#include "cgarg.h"
#include "../lib/cgwalk.h"
#include "../lib/verdict.h"
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
	       "      --thresholds SPEC  verdict thresholds, e.g. sick_some=25,critical_full=30\n"
	       "  -h, --help             show this help\n\n"
	       "Keys on a terminal: none; Ctrl-C quits. Exit status: 0 ok, 1 failure, 2 usage error.\n");
}

struct row {
	char *name;      /* owned by the tree of this frame */
	int parent;
	bool in_mem, in_v2;
	bool gone;       /* vanished between walk and sample */
	struct cgw_sample s;
	bool has_share;
	uint32_t some_share, full_share;
	uint64_t limit;  /* binding */
	uint64_t kills_delta, high_delta;
	bool has_unrecl;
	uint64_t unrecl;  /* anon + shmem, read only near the limit */
	enum verdict v;
	char reason[96];
};

/* What survives between frames, parallel to the tree (walk order). */
struct ent {
	struct cgw_files files;
	struct cgw_sample s;
	bool has_s;
	char *mem;  /* memory directory ("" none), malloc'ed: PATH_MAX each would cost 8 MiB */
	char *psi;  /* pressure file ("" none) */
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
	size_t *byname;   /* tree indices sorted by name (for inotify notifications by name) */
	bool walked;
	struct cgw_watch watch; /* inotify on every cgroup directory: walk again only what changed */
	bool cached;      /* live host: keep files open (cgw_sample_cached) */
	struct psi sys;
	int sys_err;
	char sys_path[PATH_MAX];
	const char *target_arg; /* CGROUP: only this cgroup and its subtree */
	struct cg_target target;
};

static const struct cgw_tree *g_old_tree;

static int old_idx_cmp(const void *a, const void *b)
{
	return strcmp(g_old_tree->v[*(const size_t *)a].name, g_old_tree->v[*(const size_t *)b].name);
}

static void ents_free(struct ent *e, size_t n)
{
	for (size_t i = 0; e && i < n; i++)
		ent_release(&e[i]);
	free(e);
}

/* Walk again and carry open files and last samples over to the new tree by name. */
static int rewalk(struct top_ctx *c)
{
	struct cgw_tree nt = { 0 };
	struct ent *ne;
	size_t *idx = NULL;
	bool *taken = NULL;
	int r;

	r = cgw_walk_incremental(&c->layout, &c->watch, c->walked ? &c->tree : NULL, &nt);
	if (r < 0)
		return r;
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
		if (!e->mem) {
			char mem[PATH_MAX], psi[PATH_MAX];
			if (cgw_node_paths(&c->cli->host, &c->layout, &nt.v[i], mem, sizeof(mem),
					   &e->mem_is_v2, psi, sizeof(psi)) < 0)
				mem[0] = psi[0] = '\0';
			e->mem = strdup(mem);
			e->psi = strdup(psi);
			if (!e->mem || !e->psi) {
				free(e->mem);
				free(e->psi);
				e->mem = e->psi = NULL;
			}
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

/* One frame: sample every cgroup (walking again only when the tree changed), shares against
 * the previous frame. rows[i] belongs to tree node i until the next frame. */
static int frame(struct top_ctx *c, struct row **ret_rows, size_t *ret_n)
{
	struct row *rows;
	bool again = false;
	int r;

	bool reread_limits = c->watch.fd < 0 || !c->walked;

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
		w->parent = n->parent;
		w->in_mem = n->in_mem;
		w->in_v2 = n->in_v2;
		if (!e->mem)
			r = -ENOMEM;
		else if (c->cached)
			r = cgw_sample_cached(e->mem, e->mem_is_v2, e->psi, &e->files, reread_limits,
					      &w->s);
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

static void render_json(struct top_ctx *c, struct row *rows, size_t n, uint64_t interval_us)
{
	struct json j;
	char buf[512];
	const char *note = host_psi_note(c, buf, sizeof(buf));
	size_t live = 0;

	for (size_t i = 0; i < n; i++)
		live += !rows[i].gone;
	json_init(&j, stdout, false);
	json_obj_open(&j);
	json_kv_str(&j, "layout", cg_mode_to_string(c->layout.mode));
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
	for (size_t i = 0; i < n; i++) {
		const struct row *w = &rows[i];
		const struct cgw_sample *s = &w->s;
		uint32_t us;
		if (w->gone)
			continue;
		json_obj_open(&j);
		json_kv_str(&j, "name", w->name);
		json_kv_str(&j, "trees", trees_of(c, w));
		json_key(&j, "psi");
		if (s->psi_err == 0) {
			json_obj_open(&j);
			psi_line_to_json(&j, "some", &s->psi.some, w->has_share, w->some_share);
			psi_line_to_json(&j, "full", &s->psi.full, w->has_share, w->full_share);
			json_obj_close(&j);
		} else {
			json_null(&j);
			json_kv_str(&j, "psi_missing",
				    psi_missing_code(s->psi_err, &c->layout, w->in_v2));
		}
		json_kv_u64_opt(&j, "usage", s->ok, s->usage);
		json_kv_u64_opt(&j, "high", s->has_high && s->high != SIZE_UNLIMITED, s->high);
		json_kv_u64_opt(&j, "max", s->ok && s->max != SIZE_UNLIMITED, s->max);
		json_kv_u64_opt(&j, "binding_limit", s->ok && w->limit != SIZE_UNLIMITED, w->limit);
		us = s->ok ? verdict_share_of(s->usage, w->limit) : UINT32_MAX;
		json_key(&j, "usage_share");
		if (us == UINT32_MAX)
			json_null(&j);
		else
			json_centi(&j, us);
		json_kv_u64_opt(&j, "unreclaimable", w->has_unrecl, w->unrecl);
		json_kv_u64_opt(&j, "peak", s->has_peak, s->peak);
		json_kv_u64_opt(&j, "oom_kill", s->has_oom_kill, s->oom_kill);
		json_kv_str(&j, "verdict", verdict_to_string(w->v));
		json_kv_str(&j, "reason", w->reason);
		json_obj_close(&j);
	}
	json_arr_close(&j);
	json_obj_close(&j);
	json_end(&j);
}

static const char *pct_cell(const struct row *w, bool full, char *buf, size_t sz)
{
	if (w->s.psi_err || (full && !w->s.psi.full.present) || !w->has_share)
		return "-";
	return fmt_centi(full ? w->full_share : w->some_share, buf, sz);
}

static const char *sort_name(enum sort_key k)
{
	static const char *const n[] = { "pressure", "usage", "limit", "kills" };
	return n[k];
}

#define NAME_W 36

static void render_text(struct top_ctx *c, struct row *rows, size_t n, uint64_t interval_us,
			bool tty, int max_rows)
{
	char a[16], b[16], d[16], e[16], f[16], g[16], h[16], k[16], buf[512], ts[16];
	const char *note = host_psi_note(c, buf, sizeof(buf));
	size_t live = 0;
	int shown = 0;

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
	printf("%zu cgroups (%s)  sort %s  ", live, cg_mode_to_string(c->layout.mode),
	       sort_name(c->sort));
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
	for (size_t i = 0; i < n; i++) {
		const struct row *w = &rows[i];
		const struct cgw_sample *s = &w->s;
		char safe[PATH_MAX];
		const char *name;
		size_t nl;
		uint32_t us;
		char nb[NAME_W + 1];
		if (w->gone)
			continue;
		if (max_rows > 0 && shown >= max_rows)
			break;
		/* a cgroup name may hold ESC or CR: never raw to the terminal */
		name = term_safe(w->name, safe, sizeof(safe));
		nl = strlen(name);
		if (nl > NAME_W) {
			/* keep the tail: the leaf is what tells cgroups apart */
			xsnprintf(nb, sizeof(nb), "...%s", name + nl - (NAME_W - 3));
			name = nb;
		}
		us = s->ok ? verdict_share_of(s->usage, w->limit) : UINT32_MAX;
		printf("%-*s %6s %6s %6s %7s %7s %7s %7s %7s %5s %s\n", NAME_W, name,
		       pct_cell(w, false, a, 16), pct_cell(w, true, b, 16),
		       s->psi_err ? "-" : fmt_centi(s->psi.some.avg10, d, 16),
		       fmt_size_short(s->usage, s->ok, e, 16),
		       fmt_size_short(s->high, s->has_high, f, 16),
		       fmt_size_short(w->limit, s->ok, g, 16),
		       us == UINT32_MAX ? "-" : fmt_centi(us, h, 16),
		       fmt_size_short(s->peak, s->has_peak, k, 16),
		       s->has_oom_kill ? (xsnprintf(buf, 32, "%llu", (unsigned long long)s->oom_kill),
					  buf)
				       : "-",
		       verdict_to_string(w->v));
		shown++;
	}
	if (max_rows > 0 && (size_t)shown < live)
		printf("... %zu more\n", live - (size_t)shown);
	fflush(stdout);
}

static int sleep_until(uint64_t deadline_us)
{
	struct timespec ts = { (time_t)(deadline_us / 1000000), (long)(deadline_us % 1000000) * 1000 };
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

int cmd_top(struct cli *cli, int argc, char **argv)
{
	enum { OPT_THRESH = 0x100 };
	static const struct option opts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "sort", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'J' },
		{ "thresholds", required_argument, NULL, OPT_THRESH },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct top_ctx c = { .cli = cli, .th = verdict_default_thresholds, .watch = { .fd = -1 } };
	uint64_t interval_us = 1000000, count = 0, next;
	bool interval_set = false, tty;
	int o, r;

	optind = 0;
	opterr = 0; /* one message per error, ours; TARGET may come before the options */
	while ((o = getopt_long(argc, argv, ":i:n:Jh", opts, NULL)) != -1) {
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
				return cli_usage_error(cli,
						       "invalid sort key '%s': expected pressure, usage, "
						       "limit or kills",
						       optarg);
			break;
		case 'n':
			if (parse_u64(optarg, &count) < 0 || count == 0 || count > 1000000000)
				return cli_usage_error(cli, "invalid count '%s' for --count", optarg);
			break;
		case 'J':
			cli->json = true;
			break;
		case OPT_THRESH:
			if (cli_parse_thresholds(cli, optarg, &c.th))
				return EXIT_USAGE;
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
	tty = isatty(STDOUT_FILENO) && !cli->json;
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
	if (c.cached && !cli->json) {
		if (cgw_watch_init(&c.watch) < 0)
			c.watch.fd = -1; /* no inotify: walk and read limits every frame */
	}
	for (uint64_t fno = 0;; fno++) {
		struct row *rows = NULL;
		size_t nrows = 0;
		uint64_t iv = fno == 0 ? 0 : interval_us;
		int max_rows = 0;

		r = frame(&c, &rows, &nrows);
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
	ents_free(c.ent, c.tree.n);
	free(c.byname);
	cgw_tree_free(&c.tree);
	cgw_watch_free(&c.watch);
	return r;
}

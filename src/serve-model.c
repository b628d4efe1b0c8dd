// SPDX-License-Identifier: MIT
/*
 * The exporter's model (serve-model.h): kills in, metrics, events and journal entries out.
 *
 * Cardinality: every labelled series belongs to a "label set" (a tracked cgroup, or a kill
 * series keyed by namespace/pod/container/unit/cgroup/limit_scope/constraint). --max-series
 * bounds the label sets: kill series first (they are the product, and cannot be read back
 * later), tracked cgroups fill the rest of the budget in walk order. A kill that finds the
 * budget full is counted in the series {cgroup="overflow"} and in oomlab_series_dropped_total.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>

#include "oomlab.h"
#include "explain.h"
#include "serve-model.h"
#include "../lib/cg-name.h"
#include "../lib/journal-send.h"
#include "../lib/json.h"
#include "../lib/memory-stat.h"
#include "../lib/banned.h"

struct serve_series {
	char ns[128], pod[256], container[128], unit[128], cgroup[OOM_CGROUP_MAX];
	const char *limit_scope, *constraint;
	uint64_t count;
	uint64_t last_id, last_time_us;
	pid_t last_pid;
};

/* pod uid -> names, so a scrape reads each pod's config.json once */
#define K8S_CACHE_MAX 512
struct k8s_cache_ent {
	char key[72];
	struct k8s_names names;
	bool found;
};
struct k8s_cache {
	struct k8s_cache_ent v[K8S_CACHE_MAX];
	size_t n, next;
};

static const char *const constraint_names[] = { "memcg", "none", "cpuset", "memory_policy",
						"unknown" };

static size_t constraint_index(const char *label)
{
	for (size_t i = 0; i < ELEMENTSOF(constraint_names); i++)
		if (strcmp(label, constraint_names[i]) == 0)
			return i;
	return ELEMENTSOF(constraint_names) - 1;
}

int serve_tree_option(struct cli *cli, int c, const char *arg, struct serve_tree_opts *o)
{
	if (c == 'P')
		o->pods = false;
	else if (c == 'r')
		o->root = arg;
	else if (c == 'd' && (parse_u64(arg, &o->depth) < 0 || o->depth > 16))
		return cli_usage_error(cli, "invalid depth '%s' for --depth: expected 0..16", arg);
	else if (c == 'm' && (parse_u64(arg, &o->max_series) < 0 || o->max_series == 0 ||
			      o->max_series > 1000000))
		return cli_usage_error(
			cli, "invalid count '%s' for --max-series: expected 1..1000000", arg);
	return 0;
}

int serve_init(struct serve *s, const struct host *h, size_t retain,
	       const struct serve_tree_opts *o)
{
	memset(s, 0, sizeof(*s));
	s->host = h;
	s->depth = (unsigned)o->depth;
	s->pods = o->pods;
	s->root = o->root;
	s->retain = retain;
	s->max_series = (size_t)o->max_series;
	s->source = "none";
	s->next_id = 1;
	if (retain) {
		s->ring = calloc(retain, sizeof(*s->ring));
		if (!s->ring)
			return -ENOMEM;
	}
	s->k8s_cache = calloc(1, sizeof(*s->k8s_cache));
	if (!s->k8s_cache)
		return -ENOMEM;
	s->have_layout = cg_layout_detect(h, &s->layout) == 0 && s->layout.mode != CG_MODE_NONE;
	return 0;
}

void serve_cache_tree(struct serve *s)
{
	if (!host_is_live(s->host) || !s->have_layout)
		return;
	if (cgw_watch_init(&s->watch) < 0)
		s->watch.fd = -1;
	s->cache_tree = s->watch.fd >= 0;
}

int serve_use_bpf(struct serve *s)
{
	if (!host_is_live(s->host)) {
		xsnprintf(s->counters_note, sizeof(s->counters_note),
			  "a --sysroot tree is read from its files");
		return -EOPNOTSUPP;
	}
	if (!s->have_layout)
		return -EOPNOTSUPP;
	return cg_iter_open(&s->it, s->counters_note, sizeof(s->counters_note));
}

void serve_free(struct serve *s)
{
	cg_iter_close(s->it);
	if (s->cache_tree) {
		cgw_watch_free(&s->watch);
		cgw_tree_free(&s->tree);
	}
	free(s->ring);
	free(s->series);
	free(s->k8s_cache);
	memset(s, 0, sizeof(*s));
}

/* names of a pod (by its uid) or container (by id) through the cache */
static const struct k8s_names *k8s_cached(struct serve *s, const char *key, const char *cid)
{
	struct k8s_cache *c = s->k8s_cache;
	struct k8s_cache_ent *e;

	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].key, key) == 0)
			return c->v[i].found ? &c->v[i].names : NULL;
	e = &c->v[c->n < K8S_CACHE_MAX ? c->n++ : (c->next++ % K8S_CACHE_MAX)];
	memset(e, 0, sizeof(*e));
	xsnprintf(e->key, sizeof(e->key), "%s", key);
	e->found = cid && k8s_names_lookup(s->root, cid, &e->names) > 0;
	return e->found ? &e->names : NULL;
}

/* k8s names for a cgroup path: the path's ids, then the runtime's annotations */
static void name_cgroup(struct serve *s, const char *cgroup, struct k8s_names *k)
{
	const struct k8s_names *n;

	if (k8s_names_from_cgroup(cgroup, k) != 1)
		return;
	if (k->container_id[0]) {
		n = k8s_cached(s, k->container_id, k->container_id);
		if (n) {
			xsnprintf(k->namespace, sizeof(k->namespace), "%s", n->namespace);
			xsnprintf(k->pod, sizeof(k->pod), "%s", n->pod);
			xsnprintf(k->container, sizeof(k->container), "%s", n->container);
			k->sandbox = n->sandbox;
		}
	}
}

/* a pod cgroup's names from any of its containers' annotations */
static void name_pod(struct serve *s, const char *memdir, struct k8s_names *k)
{
	const struct k8s_names *n = NULL;
	struct k8s_cache *c = s->k8s_cache;
	DIR *d;
	struct dirent *de;

	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].key, k->pod_uid) == 0) {
			n = c->v[i].found ? &c->v[i].names : NULL;
			goto have;
		}
	d = opendir(memdir);
	if (d) {
		while ((de = readdir(d))) {
			struct k8s_names ck;
			if (de->d_type != DT_DIR || de->d_name[0] == '.')
				continue;
			k8s_names_from_cgroup(de->d_name, &ck);
			if (!ck.container_id[0])
				continue;
			n = k8s_cached(s, ck.container_id, ck.container_id);
			if (n && n->pod[0])
				break;
		}
		closedir(d);
	}
	{
		/* remember the pod itself, found or not (containers come and go; the names stay) */
		struct k8s_cache_ent *e =
			&c->v[c->n < K8S_CACHE_MAX ? c->n++ : (c->next++ % K8S_CACHE_MAX)];
		memset(e, 0, sizeof(*e));
		xsnprintf(e->key, sizeof(e->key), "%s", k->pod_uid);
		if (n) {
			e->names = *n;
			e->found = true;
			n = &e->names;
		}
	}
have:
	if (n) {
		xsnprintf(k->namespace, sizeof(k->namespace), "%s", n->namespace);
		xsnprintf(k->pod, sizeof(k->pod), "%s", n->pod);
	}
}

static struct serve_series *series_find(struct serve *s, const struct serve_kill *k)
{
	const char *ns = k->k8s.namespace, *pod = k->k8s.pod[0] ? k->k8s.pod : k->k8s.pod_uid;
	const char *ctr = k->k8s.container;
	struct serve_series *se;

	for (size_t i = 0; i < s->nseries; i++) {
		se = &s->series[i];
		if (se->limit_scope == k->limit_scope && se->constraint == k->constraint &&
		    strcmp(se->ns, ns) == 0 && strcmp(se->pod, pod) == 0 &&
		    strcmp(se->container, ctr) == 0 && strcmp(se->unit, k->unit) == 0 &&
		    strcmp(se->cgroup, k->cgroup) == 0)
			return se;
	}
	if (s->nseries >= s->max_series) {
		s->series_dropped++;
		for (size_t i = 0; i < s->nseries; i++)
			if (strcmp(s->series[i].cgroup, "overflow") == 0)
				return &s->series[i];
	}
	if (s->nseries == s->cseries) {
		size_t nc = s->cseries ? s->cseries * 2 : 16;
		struct serve_series *nv = realloc(s->series, nc * sizeof(*nv));
		if (!nv)
			return NULL;
		s->series = nv;
		s->cseries = nc;
	}
	se = &s->series[s->nseries++];
	memset(se, 0, sizeof(*se));
	se->limit_scope = k->limit_scope;
	se->constraint = k->constraint;
	if (s->nseries > s->max_series) {
		/* the one series past the budget collects everything that did not fit */
		xsnprintf(se->cgroup, sizeof(se->cgroup), "overflow");
		se->limit_scope = "unknown";
		se->constraint = "unknown";
		return se;
	}
	xsnprintf(se->ns, sizeof(se->ns), "%s", ns);
	xsnprintf(se->pod, sizeof(se->pod), "%s", pod);
	xsnprintf(se->container, sizeof(se->container), "%s", ctr);
	xsnprintf(se->unit, sizeof(se->unit), "%s", k->unit);
	xsnprintf(se->cgroup, sizeof(se->cgroup), "%s", k->cgroup);
	return se;
}

const struct serve_kill *serve_add_kill(struct serve *s, const struct oom_event *ev)
{
	struct serve_kill k = { 0 };
	struct serve_series *se;
	struct cgname cn;
	const char *cg;

	k.id = s->next_id++;
	k.time_us = realtime_us();
	k.ev = *ev;
	explain_enrich(&k.ev, s->host,
		       ENRICH_NAME | ENRICH_LIMIT | (host_is_live(s->host) ? ENRICH_PROC : 0));
	k.constraint = oom_constraint_label(&k.ev);
	k.limit_scope = oom_limit_scope(&k.ev);
	cg = k.ev.task_memcg[0] ? k.ev.task_memcg : "";
	name_cgroup(s, cg, &k.k8s);
	if (!k.k8s.kube) {
		cgname_parse(cg, &cn);
		xsnprintf(k.unit, sizeof(k.unit), "%s", cn.unit);
		if (!k.unit[0] && cg[0])
			cgroup_cut_depth(cg, s->depth, k.cgroup, sizeof(k.cgroup));
		else if (!cg[0])
			xsnprintf(k.cgroup, sizeof(k.cgroup), "unknown");
	}
	k.counted_mono_us = now_us();
	s->by_constraint[constraint_index(k.constraint)]++;
	se = series_find(s, &k);
	if (se) {
		se->count++;
		se->last_id = k.id;
		se->last_pid = k.ev.pid;
		se->last_time_us = k.time_us;
	}
	s->last = k;
	s->have_last = true;
	if (!s->retain)
		return &s->last;
	s->ring[s->ring_head] = k;
	{
		const struct serve_kill *stored = &s->ring[s->ring_head];
		s->ring_head = (s->ring_head + 1) % s->retain;
		if (s->ring_n < s->retain)
			s->ring_n++;
		return stored;
	}
}

/* ---- scrape: the tracked cgroups ---- */

static const char *last_component(const char *p)
{
	const char *c = strrchr(p, '/');
	return c ? c + 1 : p;
}

/*
 * One tracked cgroup of a scrape, 72 bytes: the figures, and where its labels are in the
 * scrape's string table (struct tracked_set): "name\0namespace\0pod\0qos\0unit\0" back to
 * back, so 10,000 cgroups take about a megabyte rather than 9 (a k8s_names and a unit array
 * each, 890 bytes).
 */
struct tracked {
	size_t labels; /* offset in tracked_set.str */
	uint64_t usage, limit, oom_kill, max_events, unrecl;
	uint64_t psi_some_us, psi_full_us;
	bool has_usage, has_limit, has_oom_kill, has_max_events, has_psi, has_unrecl, psi_full;
};

struct tracked_set {
	struct tracked *v;
	size_t n;
	char *str;
	size_t len, cap;
};

/* appends the strings (NULL: "") to set->str; -ENOMEM */
static int tracked_strings(struct tracked_set *set, struct tracked *t, const char *const *v,
			   size_t nv)
{
	size_t need = 0;

	for (size_t i = 0; i < nv; i++)
		need += strlen(v[i] ? v[i] : "") + 1;
	if (set->len + need > set->cap) {
		size_t nc = set->cap ? set->cap : 4096;
		char *ns;
		while (nc < set->len + need)
			nc *= 2;
		ns = realloc(set->str, nc);
		if (!ns)
			return -ENOMEM;
		set->str = ns;
		set->cap = nc;
	}
	t->labels = set->len;
	for (size_t i = 0; i < nv; i++) {
		size_t l = strlen(v[i] ? v[i] : "") + 1;
		memcpy(set->str + set->len, v[i] ? v[i] : "", l);
		set->len += l;
	}
	return 0;
}

static unsigned path_depth(const char *p)
{
	unsigned n = 0;
	for (; *p; p++)
		if (*p == '/' && p[1] && p[1] != '/')
			n++;
	return n;
}

static bool is_tracked(const struct serve *s, const char *name, struct k8s_names *k)
{
	unsigned d = path_depth(name);

	if (strcmp(name, "/") == 0 || d == 0)
		return false;
	k8s_names_from_cgroup(name, k);
	if (k->kube && k->pod_uid[0])
		/* the pod level only: its counters are hierarchical and outlive the containers */
		return s->pods && !k->container_id[0];
	return d <= s->depth;
}

static void sample_tracked(const struct serve *s, const char *mem, bool v2, const char *psi_path,
			   struct tracked *t)
{
	char buf[512]; /* memory.events: 6 short lines; memory.oom_control: 3-4 */

	if (mem[0]) {
		if (v2) {
			t->has_usage = cg_read_u64(mem, "memory.current", &t->usage) == 0;
			t->has_limit = cg_read_u64(mem, "memory.max", &t->limit) == 0 &&
				       t->limit != SIZE_UNLIMITED;
			if (cg_read_text(mem, "memory.events", buf, sizeof(buf)) == 0) {
				struct memcg_events e;
				if (memcg_events_parse(buf, &e) == 0) {
					t->oom_kill = e.oom_kill;
					t->max_events = e.max;
					t->has_oom_kill = t->has_max_events = true;
				}
			}
		} else {
			t->has_usage = cg_read_u64(mem, "memory.usage_in_bytes", &t->usage) == 0;
			t->has_limit =
				cg_read_u64(mem, "memory.limit_in_bytes", &t->limit) == 0 &&
				(t->limit = cg_v1_normalize_limit(t->limit)) != SIZE_UNLIMITED;
			if (cg_read_text(mem, "memory.oom_control", buf, sizeof(buf)) == 0) {
				struct memcg_oom_control o;
				if (memcg_oom_control_parse(buf, &o) == 0 && o.has_oom_kill) {
					t->oom_kill = o.oom_kill;
					t->has_oom_kill = true;
				}
			}
			t->has_max_events = cg_read_u64(mem, "memory.failcnt", &t->max_events) == 0;
		}
		/* memory.stat is the one large file: only where a limit makes headroom mean something */
		if (t->has_limit)
			t->has_unrecl = cgw_read_unreclaimable(s->host, mem, v2, &t->unrecl) == 0;
	}
	if (psi_path[0]) {
		struct psi p;
		if (host_psi_read(s->host, psi_path, &p) == 0 && p.some.present) {
			t->has_psi = true;
			t->psi_some_us = p.some.total_us;
			t->psi_full = p.full.present;
			t->psi_full_us = p.full.total_us;
		}
	}
}

/* the same figures from a sample of the BPF snapshot (memory.stat still from its file) */
static void tracked_from_sample(const struct serve *s, const struct cgw_sample *x, const char *mem,
				bool v2, struct tracked *t)
{
	t->has_usage = x->ok;
	t->usage = x->usage;
	t->has_limit = x->ok && x->max != SIZE_UNLIMITED;
	t->limit = x->max;
	t->has_oom_kill = x->has_oom_kill;
	t->oom_kill = x->oom_kill;
	t->has_max_events = x->has_max_events;
	t->max_events = x->max_events;
	if (x->psi_err == 0 && x->psi.some.present) {
		t->has_psi = true;
		t->psi_some_us = x->psi.some.total_us;
		t->psi_full = x->psi.full.present;
		t->psi_full_us = x->psi.full.total_us;
	}
	if (t->has_limit && mem[0])
		t->has_unrecl = cgw_read_unreclaimable(s->host, mem, v2, &t->unrecl) == 0;
}

/* labels of a tracked cgroup: cgroup, plus namespace/pod or unit when known */
static size_t tracked_labels(const struct tracked_set *set, const struct tracked *t,
			     struct prom_label *l)
{
	static const char *const names[] = { "cgroup", "namespace", "pod", "qos", "unit" };
	const char *p = set->str + t->labels;

	for (size_t i = 0; i < ELEMENTSOF(names); i++) {
		l[i] = (struct prom_label){ names[i], p };
		p += strlen(p) + 1;
	}
	return ELEMENTSOF(names);
}

static int walk(struct serve *s, struct cgw_tree *tree)
{
	struct cgw_tree nt = { 0 };
	int r;

	if (!s->cache_tree)
		return cgw_walk(&s->layout, tree);
	cgw_watch_drain(&s->watch);
	if (!s->walked || s->watch.full || s->watch.ndirty) {
		r = cgw_walk_incremental(&s->layout, &s->watch, s->walked ? &s->tree : NULL, &nt);
		if (r < 0)
			return r;
		cgw_tree_free(&s->tree);
		s->tree = nt;
		s->walked = true;
	}
	cgw_watch_clear_events(&s->watch);
	s->watch.limits_changed = false;
	*tree = s->tree;
	return 0;
}

static bool has_kill_series(const struct serve *s, const char *cgroup)
{
	for (size_t i = 0; i < s->nseries; i++)
		if (strcmp(s->series[i].cgroup, cgroup) == 0)
			return true;
	return false;
}

static void free_tracked(struct tracked_set *set)
{
	free(set->v);
	free(set->str);
	memset(set, 0, sizeof(*set));
}

static int collect_tracked(struct serve *s, struct tracked_set *set, size_t budget)
{
	struct cgw_tree tree = { 0 };
	struct cgw_sample *snap = NULL;
	bool own_tree = !s->cache_tree;
	size_t n = 0;
	int r = -1;

	memset(set, 0, sizeof(*set));
	if (!s->have_layout)
		return 0;
	if (s->it) {
		r = cgw_snapshot_bpf(s->it, s->host, &s->layout, &tree, &snap, s->counters_note,
				     sizeof(s->counters_note));
		if (r < 0) {
			/* read the files from now on; the metric and the note say so */
			cg_iter_close(s->it);
			s->it = NULL;
		}
		own_tree = r >= 0 || own_tree;
	}
	if (!snap) {
		r = walk(s, &tree);
		if (r < 0)
			return r;
	}
	set->v = calloc(tree.n ? tree.n : 1, sizeof(*set->v));
	if (!set->v) {
		if (own_tree)
			cgw_tree_free(&tree);
		free(snap);
		return -ENOMEM;
	}
	/*
	 * Over the budget, the cgroups that had a kill come first (pass 0: the snapshot of the
	 * cgroup a user is looking at because of its kill), then the rest in walk order (pass 1).
	 */
	bool split = tree.n > budget; /* else one pass: every tracked cgroup fits */
	for (size_t k = 0; k < (split ? 2 : 1) * tree.n; k++) {
		size_t i = k % tree.n;
		bool killed = !split || has_kill_series(s, tree.v[i].name);
		struct tracked *t = &set->v[n];
		const char *name = tree.v[i].name;
		char mem[PATH_MAX], psi[PATH_MAX];
		bool v2 = false;
		struct cgname cn;
		struct k8s_names k8s;
		const char *strs[5];

		if (killed != (k < tree.n))
			continue;
		memset(t, 0, sizeof(*t));
		if (!is_tracked(s, name, &k8s))
			continue;
		if (n >= budget) {
			s->series_dropped++;
			continue;
		}
		if (cgw_node_paths(s->host, &s->layout, &tree.v[i], mem, sizeof(mem), &v2, psi,
				   sizeof(psi)) < 0)
			continue;
		if (k8s.kube && mem[0] && k8s.pod_uid[0])
			name_pod(s, mem, &k8s);
		if (k8s.kube && !k8s.pod_uid[0] &&
		    (strcmp(last_component(name), "kubepods") == 0 ||
		     strcmp(last_component(name), "kubepods.slice") == 0))
			k8s.qos[0] = '\0'; /* node allocatable, not the guaranteed class */
		cn.unit[0] = '\0';
		if (!k8s.kube)
			cgname_parse(name, &cn);
		strs[0] = name;
		strs[1] = k8s.namespace;
		strs[2] = k8s.pod[0] ? k8s.pod : k8s.pod_uid;
		strs[3] = k8s.qos;
		strs[4] = cn.unit;
		if (tracked_strings(set, t, strs, ELEMENTSOF(strs)) < 0)
			continue;
		if (snap)
			tracked_from_sample(s, &snap[i], mem, v2, t);
		else
			sample_tracked(s, mem, v2, psi, t);
		n++;
	}
	if (own_tree)
		cgw_tree_free(&tree);
	free(snap);
	set->n = n;
	return 0;
}

/* /proc/meminfo figures the node-level estimate needs (bytes) */
struct node_mem {
	bool ok;
	uint64_t total, available, anon, shmem, sunreclaim, pagetables, kstack;
};

static void read_node_mem(const struct host *h, struct node_mem *m)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "MemTotal:", offsetof(struct node_mem, total) },
		{ "MemAvailable:", offsetof(struct node_mem, available) },
		{ "AnonPages:", offsetof(struct node_mem, anon) },
		{ "Shmem:", offsetof(struct node_mem, shmem) },
		{ "SUnreclaim:", offsetof(struct node_mem, sunreclaim) },
		{ "PageTables:", offsetof(struct node_mem, pagetables) },
		{ "KernelStack:", offsetof(struct node_mem, kstack) },
	};
	char path[PATH_MAX], buf[8192]; /* /proc/meminfo is ~1.5 KiB */

	memset(m, 0, sizeof(*m));
	if (host_path(h, "/proc/meminfo", path, sizeof(path)) < 0 ||
	    read_file(path, buf, sizeof(buf)) < 0)
		return;
	for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
		const char *p = strstr(buf, keys[i].key);
		uint64_t v = 0;
		if (!p)
			continue;
		p += strlen(keys[i].key);
		while (*p == ' ')
			p++;
		for (; *p >= '0' && *p <= '9'; p++)
			v = v * 10 + (uint64_t)(*p - '0');
		*(uint64_t *)((char *)m + keys[i].off) = v * 1024;
	}
	m->ok = m->total > 0;
}

/* the per-cgroup families, in the order of the exposition */
enum tracked_fig {
	FIG_OOM_KILL,
	FIG_MAX_EVENTS,
	FIG_PSI_SOME,
	FIG_PSI_FULL,
	FIG_USAGE,
	FIG_LIMIT,
	FIG_UNRECL,
	FIG_HEADROOM,
};

static const struct tracked_family {
	const char *name;
	enum prom_type type;
	const char *help;
} tracked_families[] = {
	[FIG_OOM_KILL] = { "oomlab_cgroup_oom_kill_events", PROM_COUNTER,
			   "OOM kills in the cgroup: memory.events oom_kill (v2, hierarchical) or memory.oom_control oom_kill (v1, this cgroup only)." },
	[FIG_MAX_EVENTS] = { "oomlab_cgroup_memory_max_events", PROM_COUNTER,
			     "Times the cgroup's usage hit its limit: memory.events max (v2) or memory.failcnt (v1)." },
	[FIG_PSI_SOME] = { "oomlab_cgroup_memory_pressure_waiting_seconds", PROM_COUNTER,
			   "Time some task in the cgroup waited for memory (memory.pressure some total)." },
	[FIG_PSI_FULL] = { "oomlab_cgroup_memory_pressure_stalled_seconds", PROM_COUNTER,
			   "Time all tasks in the cgroup stalled on memory (memory.pressure full total)." },
	[FIG_USAGE] = { "oomlab_cgroup_memory_usage_bytes", PROM_GAUGE,
			"Memory charged to the cgroup (memory.current / memory.usage_in_bytes)." },
	[FIG_LIMIT] = { "oomlab_cgroup_memory_limit_bytes", PROM_GAUGE,
			"The cgroup's own hard limit (memory.max / memory.limit_in_bytes), only where set." },
	[FIG_UNRECL] = { "oomlab_cgroup_memory_unreclaimable_bytes", PROM_GAUGE,
			 "Memory the OOM killer counts and reclaim cannot free without swap: anon + shmem of memory.stat (limited cgroups)." },
	[FIG_HEADROOM] = { "oomlab_cgroup_memory_headroom_bytes", PROM_GAUGE,
			   "Limit minus the unreclaimable estimate: how much more anonymous memory fits before an OOM kill." },
};

/* one sample of family f for x, if x has it */
static void tracked_sample(struct prom *p, const struct tracked_set *set, const struct tracked *x,
			   enum tracked_fig f)
{
	struct prom_label l[5];
	size_t n;
	bool us = false, have = false;
	uint64_t v = 0;

	switch (f) {
	case FIG_OOM_KILL:
		have = x->has_oom_kill;
		v = x->oom_kill;
		break;
	case FIG_MAX_EVENTS:
		have = x->has_max_events;
		v = x->max_events;
		break;
	case FIG_PSI_SOME:
		have = x->has_psi;
		v = x->psi_some_us;
		us = true;
		break;
	case FIG_PSI_FULL:
		have = x->has_psi && x->psi_full;
		v = x->psi_full_us;
		us = true;
		break;
	case FIG_USAGE:
		have = x->has_usage;
		v = x->usage;
		break;
	case FIG_LIMIT:
		have = x->has_limit;
		v = x->limit;
		break;
	case FIG_UNRECL:
		have = x->has_unrecl;
		v = x->unrecl;
		break;
	case FIG_HEADROOM:
		have = x->has_unrecl;
		v = x->limit > x->unrecl ? x->limit - x->unrecl : 0;
		break;
	}
	if (!have)
		return;
	n = tracked_labels(set, x, l);
	if (us)
		prom_sample_us(p, l, n, v);
	else
		prom_sample_u64(p, l, n, v, NULL);
}

/*
 * A scrape in steps: the tracked cgroups are read once (serve_scrape_begin), then each step
 * writes a bounded piece of the exposition: the kill families, one sample line of a tracked
 * family, or the closing families. The daemon streams it, so no scrape holds the whole body.
 */
enum scrape_phase {
	PHASE_HEAD,
	PHASE_TRACKED, /* family fam, cgroup i (i == nt: the family's header is next) */
	PHASE_TAIL,
	PHASE_DONE,
};

struct serve_scrape {
	struct serve *s;
	struct prom p;
	struct tracked_set set;
	int r;
	enum scrape_phase phase;
	size_t fam, i;
	bool header_done;
	uint64_t busy_us; /* reading cgroupfs and rendering, not waiting for the client */
};

static void render_head(struct serve_scrape *sc)
{
	struct serve *s = sc->s;
	struct prom *p = &sc->p;
	struct prom_label l[8];

	prom_family(
		p, "oomlab_oom_events", PROM_COUNTER,
		"OOM kills on this host seen by oomlab since it started, by the kernel's constraint.");
	for (size_t i = 0; i < ELEMENTSOF(constraint_names); i++) {
		l[0] = (struct prom_label){ "constraint", constraint_names[i] };
		prom_sample_u64(p, l, 1, s->by_constraint[i], NULL);
	}

	prom_family(
		p, "oomlab_oom_kills", PROM_COUNTER,
		"OOM kills by victim (pod/container, systemd unit or cgroup cut to --depth) and the limit that fired.");
	for (size_t i = 0; i < s->nseries; i++) {
		const struct serve_series *se = &s->series[i];
		char id[24], pid[24];
		struct prom_label el[2] = { { "kill_id", id }, { "pid", pid } };
		struct prom_exemplar ex = { el, 2, 1, se->last_time_us };
		size_t n = 0;

		xsnprintf(id, sizeof(id), "%llu", (unsigned long long)se->last_id);
		xsnprintf(pid, sizeof(pid), "%d", (int)se->last_pid);
		l[n++] = (struct prom_label){ "namespace", se->ns };
		l[n++] = (struct prom_label){ "pod", se->pod };
		l[n++] = (struct prom_label){ "container", se->container };
		l[n++] = (struct prom_label){ "unit", se->unit };
		l[n++] = (struct prom_label){ "cgroup", se->cgroup };
		l[n++] = (struct prom_label){ "limit_scope", se->limit_scope };
		l[n++] = (struct prom_label){ "constraint", se->constraint };
		prom_sample_u64(p, l, n, se->count, &ex);
	}

	if (s->have_last) {
		const struct oom_event *e = &s->last.ev;
		prom_family(p, "oomlab_last_oom_kill_timestamp_seconds", PROM_GAUGE,
			    "When oomlab learnt of the last OOM kill (Unix time).");
		prom_sample_us(p, NULL, 0, s->last.time_us);
		prom_family(
			p, "oomlab_last_oom_kill_rss_bytes", PROM_GAUGE,
			"Resident memory (anon + file + shmem) of the last OOM victim when it was killed.");
		prom_sample_u64(p, NULL, 0,
				(e->anon_rss_kb + e->file_rss_kb + e->shmem_rss_kb) * 1024, NULL);
		if ((e->have & OOM_HAVE_MEMCG_LIMIT) && e->scope != OOM_SCOPE_GLOBAL) {
			prom_family(
				p, "oomlab_last_oom_kill_limit_bytes", PROM_GAUGE,
				"Memory limit of the cgroup that ran out in the last OOM kill.");
			prom_sample_u64(p, NULL, 0, e->memcg_limit_kb * 1024, NULL);
		}
	}
}

static void render_tail(struct serve_scrape *sc, uint64_t t_step)
{
	struct serve *s = sc->s;
	struct prom *p = &sc->p;
	struct prom_label l[1];
	struct node_mem nm;

	read_node_mem(s->host, &nm);
	if (nm.ok) {
		uint64_t u = nm.anon + nm.shmem + nm.sunreclaim + nm.pagetables + nm.kstack;
		prom_family(
			p, "oomlab_memory_unreclaimable_bytes", PROM_GAUGE,
			"Host memory reclaim cannot free without swap: AnonPages + Shmem + SUnreclaim + PageTables + KernelStack.");
		prom_sample_u64(p, NULL, 0, u, NULL);
		prom_family(
			p, "oomlab_memory_headroom_bytes", PROM_GAUGE,
			"MemTotal minus the unreclaimable estimate: room before a node-level OOM kill.");
		prom_sample_u64(p, NULL, 0, nm.total > u ? nm.total - u : 0, NULL);
	}

	prom_family(p, "oomlab_kmsg_records_lost", PROM_COUNTER,
		    "Kernel log records overwritten before oomlab read them (/dev/kmsg EPIPE).");
	prom_sample_u64(p, NULL, 0, s->kmsg_lost, NULL);
	prom_family(p, "oomlab_oom_reports_unparsed", PROM_COUNTER,
		    "Kernel log kill lines ('Killed process') oomlab could not decode.");
	prom_sample_u64(p, NULL, 0, s->reports_unparsed, NULL);
	prom_family(p, "oomlab_event_source_up", PROM_GAUGE,
		    "1 while the kill source (bpf, tracefs or kmsg) is open and read.");
	l[0] = (struct prom_label){ "source", s->source };
	prom_sample_u64(p, l, 1, s->source_up, NULL);
	prom_family(p, "oomlab_journal_write_errors", PROM_COUNTER,
		    "Journal entries that could not be sent (--journal).");
	prom_sample_u64(p, NULL, 0, s->journal_errors, NULL);
	prom_family(
		p, "oomlab_cgroup_counters_bpf", PROM_GAUGE,
		"1 when this scrape's cgroup counters came from one BPF cgroup-iterator pass (PSI up to 2 s behind memory.pressure), 0 from the cgroup files.");
	prom_sample_u64(p, NULL, 0, s->it != NULL, NULL);
	prom_family(p, "oomlab_tracked_cgroups", PROM_GAUGE,
		    "Cgroups exported in this scrape (units and slices to --depth, pods).");
	prom_sample_u64(p, NULL, 0, sc->set.n, NULL);
	prom_family(
		p, "oomlab_series_dropped", PROM_COUNTER,
		"Label sets left out because of --max-series (cgroups per scrape, kills folded into cgroup=\"overflow\").");
	prom_sample_u64(p, NULL, 0, s->series_dropped, NULL);
	prom_family(p, "oomlab_build", PROM_INFO, "oomlab's version.");
	l[0] = (struct prom_label){ "version", OOMLAB_VERSION };
	prom_sample_u64(p, l, 1, 1, NULL);
	s->scrapes++;
	s->last_scrape_us = sc->busy_us + (now_us() - t_step);
	prom_family(p, "oomlab_scrape_duration_seconds", PROM_GAUGE,
		    "Time this scrape took to read cgroupfs and render, up to this line.");
	prom_sample_us(p, NULL, 0, s->last_scrape_us);
	prom_finish(p);
}

struct serve_scrape *serve_scrape_begin(struct serve *s, enum prom_format fmt)
{
	uint64_t t0 = now_us();
	struct serve_scrape *sc = calloc(1, sizeof(*sc));
	size_t budget;

	if (!sc)
		return NULL;
	sc->s = s;
	budget = s->max_series > s->nseries ? s->max_series - s->nseries : 0;
	sc->r = collect_tracked(s, &sc->set, budget);
	s->tracked = sc->set.n;
	prom_init(&sc->p, NULL, fmt);
	sc->busy_us = now_us() - t0;
	return sc;
}

bool serve_scrape_step(struct serve_scrape *sc, FILE *out)
{
	uint64_t t0 = now_us();

	sc->p.out = out;
	switch (sc->phase) {
	case PHASE_HEAD:
		render_head(sc);
		sc->phase = PHASE_TRACKED;
		break;
	case PHASE_TRACKED:
		if (!sc->header_done) {
			const struct tracked_family *f = &tracked_families[sc->fam];
			prom_family(&sc->p, f->name, f->type, f->help);
			sc->header_done = true;
		}
		/* a few cgroups per step: their lines, or nothing for those without the figure */
		for (size_t k = 0; k < 16 && sc->i < sc->set.n; k++, sc->i++)
			tracked_sample(&sc->p, &sc->set, &sc->set.v[sc->i], sc->fam);
		if (sc->i == sc->set.n) {
			sc->i = 0;
			sc->header_done = false;
			if (++sc->fam == ELEMENTSOF(tracked_families))
				sc->phase = PHASE_TAIL;
		}
		break;
	case PHASE_TAIL:
		render_tail(sc, t0);
		sc->phase = PHASE_DONE;
		break;
	case PHASE_DONE:
		return false;
	}
	sc->busy_us += now_us() - t0;
	return sc->phase != PHASE_DONE;
}

int serve_scrape_end(struct serve_scrape *sc)
{
	int r;

	if (!sc)
		return -ENOMEM;
	r = sc->r;
	free_tracked(&sc->set);
	free(sc);
	return r;
}

int serve_render_metrics(struct serve *s, FILE *out, enum prom_format fmt)
{
	struct serve_scrape *sc = serve_scrape_begin(s, fmt);

	if (!sc)
		return -ENOMEM;
	while (serve_scrape_step(sc, out))
		;
	return serve_scrape_end(sc);
}

/* ---- events and the journal ---- */

static const char *pod_label(const struct serve_kill *k)
{
	return k->k8s.pod[0] ? k->k8s.pod : k->k8s.pod_uid;
}

void serve_kill_to_json(const struct serve_kill *k, struct json *j)
{
	const struct oom_event *e = &k->ev;
	uint32_t h = e->have;

	json_obj_open(j);
	json_kv_u64(j, "oomlab.kill.id", k->id);
	json_kv_u64(j, "time_unix_us", k->time_us);
	json_kv_str(j, "oomlab.constraint", k->constraint);
	json_kv_str(j, "oomlab.limit_scope", k->limit_scope);
	json_kv_str(j, "oomlab.oom_cgroup", e->oom_memcg[0] ? e->oom_memcg : NULL);
	json_kv_str(j, "oomlab.victim_cgroup", e->task_memcg[0] ? e->task_memcg : NULL);
	json_kv_i64_opt(j, "process.pid", h & OOM_HAVE_PID, e->pid);
	json_kv_str(j, "process.executable.name", e->comm[0] ? e->comm : NULL);
	json_kv_i64_opt(j, "oomlab.trigger.pid", h & OOM_HAVE_INVOKER_PID, e->invoker_pid);
	json_kv_str(j, "oomlab.trigger.executable.name",
		    e->invoker_comm[0] ? e->invoker_comm : NULL);
	json_kv_u64_opt(j, "oomlab.anon_bytes", h & OOM_HAVE_ANON_RSS, e->anon_rss_kb * 1024);
	json_kv_u64_opt(j, "oomlab.file_bytes", h & OOM_HAVE_FILE_RSS, e->file_rss_kb * 1024);
	json_kv_u64_opt(j, "oomlab.shmem_bytes", h & OOM_HAVE_SHMEM_RSS, e->shmem_rss_kb * 1024);
	json_kv_u64_opt(j, "oomlab.limit_bytes",
			(h & OOM_HAVE_MEMCG_LIMIT) && e->scope != OOM_SCOPE_GLOBAL,
			e->memcg_limit_kb * 1024);
	json_kv_i64_opt(j, "oomlab.oom_score_adj", h & OOM_HAVE_ADJ, e->oom_score_adj);
	json_kv_str(j, "oomlab.source", oom_source_to_string(e->source));
	/* kill-to-counter latency: the kernel's time stamp (BPF/tracefs: CLOCK_MONOTONIC; kmsg:
	 * the printk clock, about 1 ms off) and CLOCK_MONOTONIC when the counters took the kill */
	json_kv_u64_opt(j, "oomlab.kernel_time_us", h & OOM_HAVE_KTIME, e->kernel_time_us);
	json_kv_u64(j, "oomlab.counted_monotonic_us", k->counted_mono_us);
	json_kv_str(j, "k8s.namespace.name", k->k8s.namespace[0] ? k->k8s.namespace : NULL);
	json_kv_str(j, "k8s.pod.name", k->k8s.pod[0] ? k->k8s.pod : NULL);
	json_kv_str(j, "k8s.pod.uid", k->k8s.pod_uid[0] ? k->k8s.pod_uid : NULL);
	json_kv_str(j, "k8s.container.name", k->k8s.container[0] ? k->k8s.container : NULL);
	json_kv_str(j, "container.id", k->k8s.container_id[0] ? k->k8s.container_id : NULL);
	json_kv_str(j, "container.runtime", k->k8s.runtime[0] ? k->k8s.runtime : NULL);
	json_kv_str(j, "systemd.unit", k->unit[0] ? k->unit : NULL);
	json_obj_close(j);
}

void serve_render_events(const struct serve *s, FILE *out)
{
	struct json j;
	size_t start = (s->ring_head + s->retain - s->ring_n) % (s->retain ? s->retain : 1);

	json_init(&j, out, false);
	json_obj_open(&j);
	json_kv_u64(&j, "retain", s->retain);
	json_kv_u64(&j, "kills_total", s->next_id - 1);
	json_key(&j, "events");
	json_arr_open(&j);
	for (size_t i = 0; i < s->ring_n; i++)
		serve_kill_to_json(&s->ring[(start + i) % s->retain], &j);
	json_arr_close(&j);
	json_obj_close(&j);
	json_end(&j);
}

int serve_journal_kill(const struct serve_kill *k, int fd, const char *socket_path)
{
	const struct oom_event *e = &k->ev;
	struct journal_entry je;
	int r;

	journal_entry_init(&je);
	journal_entry_addf(
		&je, "MESSAGE", "OOM kill: pid %d (%s) in %s, %s limit (%s)", (int)e->pid, e->comm,
		e->task_memcg[0] ? e->task_memcg : "unknown cgroup", k->limit_scope, k->constraint);
	journal_entry_add(&je, "MESSAGE_ID", OOMLAB_JOURNAL_MESSAGE_ID, 32);
	journal_entry_add(&je, "PRIORITY", "4", 1); /* warning: the kernel logs the kill at err */
	journal_entry_add(&je, "SYSLOG_IDENTIFIER", "oomlab", 6);
	journal_entry_addf(&je, "OOMLAB_KILL_ID", "%llu", (unsigned long long)k->id);
	journal_entry_addf(&je, "OOMLAB_CONSTRAINT", "%s", k->constraint);
	journal_entry_addf(&je, "OOMLAB_LIMIT_SCOPE", "%s", k->limit_scope);
	if (e->oom_memcg[0])
		journal_entry_addf(&je, "OOMLAB_OOM_CGROUP", "%s", e->oom_memcg);
	if (e->task_memcg[0])
		journal_entry_addf(&je, "OOMLAB_VICTIM_CGROUP", "%s", e->task_memcg);
	journal_entry_addf(&je, "OOMLAB_VICTIM_PID", "%d", (int)e->pid);
	journal_entry_addf(&je, "OOMLAB_VICTIM_COMM", "%s", e->comm);
	if (e->have & OOM_HAVE_INVOKER_PID)
		journal_entry_addf(&je, "OOMLAB_TRIGGER_PID", "%d", (int)e->invoker_pid);
	if (e->invoker_comm[0])
		journal_entry_addf(&je, "OOMLAB_TRIGGER_COMM", "%s", e->invoker_comm);
	if (e->have & OOM_HAVE_ANON_RSS)
		journal_entry_addf(&je, "OOMLAB_ANON_BYTES", "%llu",
				   (unsigned long long)e->anon_rss_kb * 1024);
	if (e->have & OOM_HAVE_FILE_RSS)
		journal_entry_addf(&je, "OOMLAB_FILE_BYTES", "%llu",
				   (unsigned long long)e->file_rss_kb * 1024);
	if (e->have & OOM_HAVE_SHMEM_RSS)
		journal_entry_addf(&je, "OOMLAB_SHMEM_BYTES", "%llu",
				   (unsigned long long)e->shmem_rss_kb * 1024);
	if ((e->have & OOM_HAVE_MEMCG_LIMIT) && e->scope != OOM_SCOPE_GLOBAL)
		journal_entry_addf(&je, "OOMLAB_LIMIT_BYTES", "%llu",
				   (unsigned long long)e->memcg_limit_kb * 1024);
	if (e->have & OOM_HAVE_ADJ)
		journal_entry_addf(&je, "OOMLAB_OOM_SCORE_ADJ", "%d", e->oom_score_adj);
	journal_entry_addf(&je, "OOMLAB_SOURCE", "%s", oom_source_to_string(e->source));
	if (k->k8s.namespace[0])
		journal_entry_addf(&je, "OOMLAB_K8S_NAMESPACE", "%s", k->k8s.namespace);
	if (pod_label(k)[0] && k->k8s.pod[0])
		journal_entry_addf(&je, "OOMLAB_K8S_POD", "%s", k->k8s.pod);
	if (k->k8s.pod_uid[0])
		journal_entry_addf(&je, "OOMLAB_K8S_POD_UID", "%s", k->k8s.pod_uid);
	if (k->k8s.container[0])
		journal_entry_addf(&je, "OOMLAB_K8S_CONTAINER", "%s", k->k8s.container);
	if (k->k8s.container_id[0])
		journal_entry_addf(&je, "OOMLAB_CONTAINER_ID", "%s", k->k8s.container_id);
	if (k->unit[0])
		journal_entry_addf(&je, "OOMLAB_UNIT", "%s", k->unit);
	r = journal_send(fd, socket_path, &je);
	journal_entry_free(&je);
	return r;
}

// SPDX-License-Identifier: MIT
/*
 * The lab's results as JSON and back: `oomlab lab --json` carries everything the HTML report
 * draws (samples, limits, the warning window, the ranking, the kill line), so a saved run can
 * be rendered again (`oomlab lab --from-json FILE --report OUT.html`) without root, cgroups or
 * waiting, and the report's test is deterministic. The reader is a small recursive-descent
 * parser for this document (objects, arrays, strings with escapes, integers, decimals, true,
 * false, null), with a depth limit; it does not need to be a general JSON library.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"
#include "../lib/json.h"
#include "../lib/banned.h"

void lab_item_json(struct json *j, const struct lab_item *it)
{
	json_kv_str(j, "exercise_kind", it->exercise ? "exercise" : "step");
	json_kv_str(j, "detail", it->detail);
	json_kv_str(j, "kill_line", it->kill_line);
	json_key(j, "plot");
	json_obj_open(j);
	json_kv_u64_opt(j, "max", it->plot_max != SIZE_UNLIMITED, it->plot_max);
	json_kv_u64_opt(j, "high", it->plot_high != SIZE_UNLIMITED, it->plot_high);
	json_kv_i64_opt(j, "warn_from_us", it->warn_from_us >= 0, it->warn_from_us);
	json_kv_i64_opt(j, "warn_to_us", it->warn_to_us >= 0, it->warn_to_us);
	/* one array per sample, in this order (hundredths of a percent for shares; -1: none) */
	json_key(j, "point_fields");
	json_arr_open(j);
	static const char *const f[] = { "t_us",       "current",    "anon",
					 "file",       "some_share", "full_share",
					 "some_avg10", "full_avg10", "peer_some_share" };
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		json_str(j, f[i]);
	json_arr_close(j);
	json_key(j, "points");
	json_arr_open(j);
	for (size_t i = 0; i < it->npoints; i++) {
		const struct run_point *p = &it->points[i];
		json_arr_open(j);
		json_u64(j, p->t_us);
		json_u64(j, p->current);
		json_u64(j, p->anon);
		json_u64(j, p->file);
		json_i64(j, p->has_psi ? (int64_t)p->some_share : -1);
		json_i64(j, p->has_psi ? (int64_t)p->full_share : -1);
		json_i64(j, p->has_psi ? (int64_t)p->some_avg10 : -1);
		json_i64(j, p->has_psi ? (int64_t)p->full_avg10 : -1);
		json_i64(j, p->has_peer ? (int64_t)p->peer_some_share : -1);
		json_arr_close(j);
	}
	json_arr_close(j);
	json_obj_close(j);
	json_key(j, "ranking");
	json_arr_open(j);
	for (size_t i = 0; i < it->nbars; i++) {
		const struct lab_bar *b = &it->bars[i];
		json_obj_open(j);
		json_kv_i64(j, "pid", b->pid);
		json_kv_str(j, "comm", b->comm);
		json_kv_i64(j, "oom_score_adj", b->adj);
		json_kv_i64(j, "badness_without_adj", b->before);
		json_kv_i64(j, "badness", b->after);
		json_kv_bool(j, "predicted_victim", b->victim);
		json_kv_bool(j, "protected", b->protected_);
		json_obj_close(j);
	}
	json_arr_close(j);
	json_kv_i64_opt(j, "killed_pid", it->killed_pid > 0, it->killed_pid);
}

/* ---------------------------------------------------------------- reader */

enum jt { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jv {
	enum jt t;
	bool b;
	double num;
	bool is_int;
	int64_t i;
	char *s;      /* J_STR; keys of J_OBJ in keys[] */
	struct jv *v; /* J_ARR / J_OBJ members */
	char **keys;
	size_t n;
};

struct jp {
	const char *p;
	const char *err;
	int depth;
};

static void jv_free(struct jv *v)
{
	if (!v)
		return;
	free(v->s);
	for (size_t i = 0; i < v->n; i++) {
		jv_free(&v->v[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->v);
	free(v->keys);
}

static void ws(struct jp *p)
{
	while (*p->p == ' ' || *p->p == '\n' || *p->p == '\t' || *p->p == '\r')
		p->p++;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static char *parse_str(struct jp *p)
{
	size_t cap = 64, n = 0;
	char *o;

	if (*p->p != '"') {
		p->err = "expected a string";
		return NULL;
	}
	p->p++;
	o = malloc(cap);
	if (!o) {
		p->err = "out of memory";
		return NULL;
	}
	while (*p->p && *p->p != '"') {
		unsigned cp;
		char c = *p->p++;
		if (n + 8 >= cap) {
			char *nb = realloc(o, cap *= 2);
			if (!nb) {
				free(o);
				p->err = "out of memory";
				return NULL;
			}
			o = nb;
		}
		if (c != '\\') {
			o[n++] = c;
			continue;
		}
		c = *p->p++;
		switch (c) {
		case 'n':
			o[n++] = '\n';
			break;
		case 't':
			o[n++] = '\t';
			break;
		case 'r':
			o[n++] = '\r';
			break;
		case 'b':
			o[n++] = '\b';
			break;
		case 'f':
			o[n++] = '\f';
			break;
		case '"':
		case '\\':
		case '/':
			o[n++] = c;
			break;
		case 'u':
			cp = 0;
			for (int k = 0; k < 4; k++) {
				int h = hexval(p->p[k]);
				if (h < 0) {
					free(o);
					p->err = "bad \\u escape";
					return NULL;
				}
				cp = cp * 16 + (unsigned)h;
			}
			p->p += 4;
			/* surrogates (not written by oomlab's writer) become U+FFFD */
			if (cp >= 0xd800 && cp <= 0xdfff)
				cp = 0xfffd;
			if (cp < 0x80) {
				o[n++] = (char)cp;
			} else if (cp < 0x800) {
				o[n++] = (char)(0xc0 | (cp >> 6));
				o[n++] = (char)(0x80 | (cp & 0x3f));
			} else {
				o[n++] = (char)(0xe0 | (cp >> 12));
				o[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
				o[n++] = (char)(0x80 | (cp & 0x3f));
			}
			break;
		default:
			free(o);
			p->err = "bad escape in a string";
			return NULL;
		}
	}
	if (*p->p != '"') {
		free(o);
		p->err = "unterminated string";
		return NULL;
	}
	p->p++;
	o[n] = '\0';
	return o;
}

static int parse_val(struct jp *p, struct jv *v);

static int add_member(struct jp *p, struct jv *v, size_t *cap, char *key)
{
	if (v->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		struct jv *nv = realloc(v->v, nc * sizeof(*nv));
		char **nk;
		if (!nv)
			goto oom;
		v->v = nv;
		if (v->t == J_OBJ) {
			nk = realloc(v->keys, nc * sizeof(*nk));
			if (!nk)
				goto oom;
			v->keys = nk;
		}
		*cap = nc;
	}
	memset(&v->v[v->n], 0, sizeof(v->v[0]));
	if (v->t == J_OBJ)
		v->keys[v->n] = key;
	v->n++;
	return parse_val(p, &v->v[v->n - 1]);
oom:
	free(key);
	p->err = "out of memory";
	return -ENOMEM;
}

static int parse_val(struct jp *p, struct jv *v)
{
	size_t cap = 0;

	ws(p);
	if (++p->depth > 64) {
		p->err = "nested too deeply";
		return -EINVAL;
	}
	memset(v, 0, sizeof(*v));
	if (*p->p == '{' || *p->p == '[') {
		char close = *p->p == '{' ? '}' : ']';
		v->t = *p->p == '{' ? J_OBJ : J_ARR;
		p->p++;
		ws(p);
		if (*p->p == close) {
			p->p++;
			p->depth--;
			return 0;
		}
		for (;;) {
			char *key = NULL;
			ws(p);
			if (v->t == J_OBJ) {
				key = parse_str(p);
				if (!key)
					return -EINVAL;
				ws(p);
				if (*p->p != ':') {
					free(key);
					p->err = "expected ':'";
					return -EINVAL;
				}
				p->p++;
			}
			if (add_member(p, v, &cap, key) < 0)
				return -EINVAL;
			ws(p);
			if (*p->p == ',') {
				p->p++;
				continue;
			}
			if (*p->p == close) {
				p->p++;
				break;
			}
			p->err = v->t == J_OBJ ? "expected ',' or '}'" : "expected ',' or ']'";
			return -EINVAL;
		}
	} else if (*p->p == '"') {
		v->t = J_STR;
		v->s = parse_str(p);
		if (!v->s)
			return -EINVAL;
	} else if (!strncmp(p->p, "true", 4) || !strncmp(p->p, "false", 5)) {
		v->t = J_BOOL;
		v->b = p->p[0] == 't';
		p->p += v->b ? 4 : 5;
	} else if (!strncmp(p->p, "null", 4)) {
		v->t = J_NULL;
		p->p += 4;
	} else if (*p->p == '-' || (*p->p >= '0' && *p->p <= '9')) {
		const char *s = p->p;
		char *end;
		v->t = J_NUM;
		v->num = strtod(s, &end);
		if (end == s) {
			p->err = "bad number";
			return -EINVAL;
		}
		v->is_int = true;
		for (const char *q = s; q < end; q++)
			if (*q == '.' || *q == 'e' || *q == 'E')
				v->is_int = false;
		if (v->is_int) {
			uint64_t u;
			bool neg = *s == '-';
			if (parse_u64_n(s + neg, (size_t)(end - s - neg), &u) < 0 || u > INT64_MAX)
				v->is_int = false;
			else
				v->i = neg ? -(int64_t)u : (int64_t)u;
		}
		if (!v->is_int)
			v->i = (int64_t)v->num;
		p->p = end;
	} else {
		p->err = *p->p ? "unexpected character" : "unexpected end of input";
		return -EINVAL;
	}
	p->depth--;
	return 0;
}

static const struct jv *get(const struct jv *o, const char *k)
{
	if (!o || o->t != J_OBJ)
		return NULL;
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->keys[i], k) == 0)
			return &o->v[i];
	return NULL;
}

static void gstr(const struct jv *o, const char *k, char *buf, size_t sz)
{
	const struct jv *v = get(o, k);
	if (v && v->t == J_STR)
		xsnprintf(buf, sz, "%s", v->s);
}

static bool gint(const struct jv *o, const char *k, int64_t *ret)
{
	const struct jv *v = get(o, k);
	if (!v || v->t != J_NUM)
		return false;
	*ret = v->i;
	return true;
}

static bool gbool(const struct jv *o, const char *k)
{
	const struct jv *v = get(o, k);
	return v && v->t == J_BOOL && v->b;
}

static int64_t aint(const struct jv *a, size_t i)
{
	return a && a->t == J_ARR && i < a->n && a->v[i].t == J_NUM ? a->v[i].i : -1;
}

static int load_item(const struct jv *o, bool exercise, struct lab_item *it, char *err,
		     size_t errsz)
{
	const struct jv *plot = get(o, "plot"), *pts = get(plot, "points"), *rk = get(o, "ranking");
	const struct jv *fields = get(plot, "point_fields");
	int64_t x;
	char st[16] = "";
	int col[9];
	static const char *const f[] = { "t_us",       "current",    "anon",
					 "file",       "some_share", "full_share",
					 "some_avg10", "full_avg10", "peer_some_share" };

	memset(it, 0, sizeof(*it));
	it->exercise = exercise;
	it->plot_max = it->plot_high = SIZE_UNLIMITED;
	it->kill_t_us = it->warn_from_us = it->warn_to_us = -1;
	gstr(o, "id", it->id, sizeof(it->id));
	gstr(o, "title", it->title, sizeof(it->title));
	gstr(o, "status", st, sizeof(st));
	gstr(o, "reason", it->reason, sizeof(it->reason));
	gstr(o, "expected", it->expected, sizeof(it->expected));
	gstr(o, "observed", it->observed, sizeof(it->observed));
	gstr(o, "detail", it->detail, sizeof(it->detail));
	gstr(o, "kill_line", it->kill_line, sizeof(it->kill_line));
	if (!it->id[0] || (strcmp(st, "PASS") && strcmp(st, "FAIL") && strcmp(st, "SKIPPED"))) {
		xsnprintf(err, errsz, "an item without an id or a PASS/FAIL/SKIPPED status");
		return -EINVAL;
	}
	it->status = !strcmp(st, "PASS") ? LAB_PASS : !strcmp(st, "FAIL") ? LAB_FAIL : LAB_SKIPPED;
	if (gint(o, "kill_t_us", &x))
		it->kill_t_us = x;
	if (gint(o, "killed_pid", &x))
		it->killed_pid = (int)x;
	if (gint(plot, "max", &x))
		it->plot_max = (uint64_t)x;
	if (gint(plot, "high", &x))
		it->plot_high = (uint64_t)x;
	if (gint(plot, "warn_from_us", &x))
		it->warn_from_us = x;
	if (gint(plot, "warn_to_us", &x))
		it->warn_to_us = x;
	/* the columns by name, so fields can be added later */
	for (size_t k = 0; k < 9; k++) {
		col[k] = -1;
		for (size_t i = 0; fields && fields->t == J_ARR && i < fields->n; i++)
			if (fields->v[i].t == J_STR && strcmp(fields->v[i].s, f[k]) == 0)
				col[k] = (int)i;
	}
	if (pts && pts->t == J_ARR && pts->n) {
		if (col[0] < 0 || col[1] < 0) {
			xsnprintf(err, errsz,
				  "item '%s': points without point_fields t_us and current",
				  it->id);
			return -EINVAL;
		}
		it->points = calloc(pts->n, sizeof(*it->points));
		if (!it->points) {
			xsnprintf(err, errsz, "out of memory");
			return -ENOMEM;
		}
		for (size_t i = 0; i < pts->n; i++) {
			const struct jv *a = &pts->v[i];
			struct run_point *p = &it->points[it->npoints];
			int64_t v[9];
			for (size_t k = 0; k < 9; k++)
				v[k] = col[k] >= 0 ? aint(a, (size_t)col[k]) : -1;
			if (v[0] < 0 || v[1] < 0)
				continue;
			p->t_us = (uint64_t)v[0];
			p->current = (uint64_t)v[1];
			p->anon = v[2] > 0 ? (uint64_t)v[2] : 0;
			p->file = v[3] > 0 ? (uint64_t)v[3] : 0;
			p->has_psi = v[4] >= 0;
			p->some_share = v[4] > 0 ? (uint32_t)v[4] : 0;
			p->full_share = v[5] > 0 ? (uint32_t)v[5] : 0;
			p->some_avg10 = v[6] > 0 ? (uint32_t)v[6] : 0;
			p->full_avg10 = v[7] > 0 ? (uint32_t)v[7] : 0;
			p->has_peer = v[8] >= 0;
			p->peer_some_share = v[8] > 0 ? (uint32_t)v[8] : 0;
			it->npoints++;
		}
	}
	for (size_t i = 0; rk && rk->t == J_ARR && i < rk->n && it->nbars < ELEMENTSOF(it->bars);
	     i++) {
		const struct jv *b = &rk->v[i];
		struct lab_bar *o2 = &it->bars[it->nbars++];
		if (gint(b, "pid", &x))
			o2->pid = (int)x;
		gstr(b, "comm", o2->comm, sizeof(o2->comm));
		if (gint(b, "oom_score_adj", &x))
			o2->adj = (int)x;
		gint(b, "badness_without_adj", &o2->before);
		gint(b, "badness", &o2->after);
		o2->victim = gbool(b, "predicted_victim");
		o2->protected_ = gbool(b, "protected");
	}
	return 0;
}

int lab_load_json(const char *text, struct lab_saved *ret, char *err, size_t errsz)
{
	struct jp p = { .p = text };
	struct jv root;
	const struct jv *host;
	int64_t x;
	int r = 0;

	memset(ret, 0, sizeof(*ret));
	if (parse_val(&p, &root) < 0) {
		xsnprintf(err, errsz, "not valid JSON at byte %zu: %s", (size_t)(p.p - text),
			  p.err ? p.err : "?");
		jv_free(&root);
		return -EINVAL;
	}
	ws(&p);
	host = get(&root, "host");
	if (root.t != J_OBJ || !host || !get(&root, "steps")) {
		xsnprintf(err, errsz, "not the output of 'oomlab lab --json' (no host and steps)");
		jv_free(&root);
		return -EINVAL;
	}
	gstr(host, "kernel", ret->host.kernel, sizeof(ret->host.kernel));
	gstr(host, "cgroup_mode", ret->host.mode, sizeof(ret->host.mode));
	gstr(host, "hostname", ret->host.hostname, sizeof(ret->host.hostname));
	gstr(host, "date", ret->host.date, sizeof(ret->host.date));
	gstr(host, "limit_file", ret->host.limit_file, sizeof(ret->host.limit_file));
	ret->host.memory_high = gbool(host, "memory_high");
	ret->host.psi = gbool(host, "psi_per_cgroup");
	ret->host.cap_sys_resource = gbool(host, "cap_sys_resource");
	ret->host.kmsg = gbool(host, "kmsg_readable");
	if (gint(host, "mem_total_bytes", &x))
		ret->host.mem_total = (uint64_t)x;
	if (gint(host, "mem_available_bytes", &x))
		ret->host.mem_available = (uint64_t)x;
	if (!ret->host.limit_file[0]) /* saved by an older oomlab */
		xsnprintf(ret->host.limit_file, sizeof(ret->host.limit_file), "%s",
			  strcmp(ret->host.mode, "v2") == 0 ? "memory.max" :
							      "memory.limit_in_bytes");
	if (gint(&root, "box_max_bytes", &x))
		ret->max = (uint64_t)x;
	ret->has_high = gint(&root, "box_high_bytes", &x);
	if (ret->has_high)
		ret->high = (uint64_t)x;
	for (int ex = 0; ex <= 1 && r == 0; ex++) {
		const struct jv *a = get(&root, ex ? "exercises" : "steps");
		for (size_t i = 0; a && a->t == J_ARR && i < a->n && r == 0; i++) {
			if (ret->n >= ELEMENTSOF(ret->items)) {
				xsnprintf(err, errsz, "more than %zu steps and exercises",
					  ELEMENTSOF(ret->items));
				r = -EINVAL;
				break;
			}
			r = load_item(&a->v[i], ex, &ret->items[ret->n], err, errsz);
			if (r == 0)
				ret->n++;
		}
	}
	jv_free(&root);
	if (r < 0) {
		for (size_t i = 0; i < ret->n; i++)
			free(ret->items[i].points);
		ret->n = 0;
	}
	return r;
}

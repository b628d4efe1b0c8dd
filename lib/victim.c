// SPDX-License-Identifier: MIT
/*
 * Victim sources: the dispatcher, the pure parsers they share and the after-the-fact reader of
 * /proc and cgroupfs. The kernel log (the kmsg source, and the side channel that fills and
 * checks the constraint) is lib/victim-kmsg.c.
 */
#include "victim.h"
#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "victim-internal.h"
#include "proc.h"
#include "banned.h"

const char *victim_source_kind_to_string(enum victim_source_kind k)
{
	switch (k) {
	case VICTIM_SOURCE_AUTO:
		return "auto";
	case VICTIM_SOURCE_BPF:
		return "bpf";
	case VICTIM_SOURCE_TRACEFS:
		return "tracefs";
	case VICTIM_SOURCE_KMSG:
		return "kmsg";
	}
	return NULL;
}

int victim_source_kind_from_string(const char *s, enum victim_source_kind *ret)
{
	for (int k = VICTIM_SOURCE_AUTO; k <= VICTIM_SOURCE_KMSG; k++) {
		if (strcmp(s, victim_source_kind_to_string(k)) == 0) {
			*ret = k;
			return 0;
		}
	}
	return -EINVAL;
}

/* ---- pure parts ---- */

int cgroup_path_from_names(const char *const *names, size_t n, size_t from, char *buf, size_t sz)
{
	size_t len = 0;

	if (sz < 2)
		return -ENAMETOOLONG;
	buf[0] = '\0';
	for (size_t i = n; i > from; i--) {
		size_t l = strlen(names[i - 1]);

		if (len + 1 + l + 1 > sz)
			return -ENAMETOOLONG;
		buf[len++] = '/';
		memcpy(buf + len, names[i - 1], l);
		len += l;
		buf[len] = '\0';
	}
	if (len == 0) {
		buf[0] = '/';
		buf[1] = '\0';
	}
	return 0;
}

int memcg_infer_oom_level(const struct memcg_level *levels, size_t n, uint64_t margin_bytes)
{
	for (size_t i = 0; i < n; i++) {
		const struct memcg_level *l = &levels[i];

		if (cg_limit_is_none(l->limit_bytes))
			continue;
		if (l->usage_bytes + margin_bytes >= l->limit_bytes)
			return (int)i;
	}
	return -ENOENT;
}

int mark_victim_format_shape(const char *format)
{
	bool pid = false, rss = false;

	for (const char *p = format; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		const char *f = memmem(p, len, "field:", 6);

		if (f) {
			const char *semi = memchr(f, ';', len - (size_t)(f - p));
			const char *name = semi;

			/* "field:unsigned long anon_rss;": the name is the last word */
			while (name && name > f && name[-1] != ' ' && name[-1] != '\t' &&
			       name[-1] != ':')
				name--;
			if (semi && name) {
				size_t nl = (size_t)(semi - name);

				if (nl == 3 && memcmp(name, "pid", 3) == 0)
					pid = true;
				if (nl == 8 && memcmp(name, "anon_rss", 8) == 0)
					rss = true;
			}
		}
		p = eol ? eol + 1 : NULL;
	}
	if (!pid)
		return -EINVAL;
	return rss ? MARK_VICTIM_FULL : MARK_VICTIM_PID_ONLY;
}

/* "key=VALUE" (or "key:VALUE") in s[0..len) starting right at s; value up to a blank */
static int kv_u64(const char *s, const char *end, const char *key, const char *unit, uint64_t *ret,
		  const char **ret_next)
{
	size_t kl = strlen(key), ul = strlen(unit);
	const char *v, *e;

	if ((size_t)(end - s) < kl + 1 || memcmp(s, key, kl) != 0 || (s[kl] != '=' && s[kl] != ':'))
		return -EINVAL;
	v = s + kl + 1;
	e = v;
	while (e < end && *e != ' ')
		e++;
	if ((size_t)(e - v) < ul || memcmp(e - ul, unit, ul) != 0)
		return -EINVAL;
	if (parse_u64_n(v, (size_t)(e - v) - ul, ret) < 0)
		return -EINVAL;
	*ret_next = e < end ? e + 1 : e;
	return 0;
}

int mark_victim_parse_line(const char *line, size_t len, struct oom_event *ev)
{
	static const char tag[] = ": mark_victim: pid=";
	const char *end = line + len, *m, *p, *ts, *dot, *comm_end;
	uint64_t sec, usec, pid, v;
	struct oom_event e = { 0 };
	size_t usec_digits;

	while (end > line && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	/*
	 * The line starts with the current task's comm (up to 15 bytes: it cannot hold the 19-byte
	 * tag), so the first tag is the real one. The victim's comm comes after it and may contain
	 * anything; its end is found from the fixed-format fields on its right.
	 */
	m = memmem(line, (size_t)(end - line), tag, sizeof(tag) - 1);
	if (!m)
		return -ENOMSG;
	/* timestamp "SECONDS.MICROS" right before the tag */
	ts = m;
	while (ts > line && ts[-1] != ' ')
		ts--;
	dot = memchr(ts, '.', (size_t)(m - ts));
	if (!dot || parse_u64_n(ts, (size_t)(dot - ts), &sec) < 0)
		return -EINVAL;
	usec_digits = (size_t)(m - dot - 1);
	if (usec_digits < 1 || usec_digits > 9 || parse_u64_n(dot + 1, usec_digits, &usec) < 0)
		return -EINVAL;
	while (usec_digits < 6) {
		usec *= 10;
		usec_digits++;
	}
	while (usec_digits > 6) { /* ns clocks print 9 digits */
		usec /= 10;
		usec_digits--;
	}
	e.kernel_time_us = sec * 1000000 + usec;
	e.have |= OOM_HAVE_KTIME;

	p = m + sizeof(tag) - 1;
	comm_end = p;
	while (comm_end < end && *comm_end != ' ')
		comm_end++;
	if (parse_u64_n(p, (size_t)(comm_end - p), &pid) < 0 || pid == 0 || pid > INT32_MAX)
		return -EINVAL;
	e.pid = (pid_t)pid;
	e.have |= OOM_HAVE_PID;
	if (comm_end < end) {
		/* full shape: " comm=C total-vm=NkB anon-rss=NkB file-rss:NkB shmem-rss:NkB uid=N
		 * pgtables=NkB oom_score_adj=N" (the = / : mix is the kernel's own) */
		static const char tv[] = " total-vm=";
		const char *c = comm_end + 1, *t = NULL, *q;
		int64_t adj;
		size_t cl;

		if ((size_t)(end - c) < 5 || memcmp(c, "comm=", 5) != 0)
			return -EINVAL;
		c += 5;
		/* last " total-vm=": a comm may contain the text, the fields after it cannot */
		for (q = c; (q = memmem(q, (size_t)(end - q), tv, sizeof(tv) - 1)); q++)
			t = q;
		if (!t)
			return -EINVAL;
		cl = (size_t)(t - c);
		if (cl >= sizeof(e.comm))
			cl = sizeof(e.comm) - 1;
		memcpy(e.comm, c, cl);
		e.comm[cl] = '\0';
		p = t + 1;
		if (kv_u64(p, end, "total-vm", "kB", &e.total_vm_kb, &p) < 0 ||
		    kv_u64(p, end, "anon-rss", "kB", &e.anon_rss_kb, &p) < 0 ||
		    kv_u64(p, end, "file-rss", "kB", &e.file_rss_kb, &p) < 0 ||
		    kv_u64(p, end, "shmem-rss", "kB", &e.shmem_rss_kb, &p) < 0 ||
		    kv_u64(p, end, "uid", "", &v, &p) < 0 || v > UINT32_MAX ||
		    kv_u64(p, end, "pgtables", "kB", &e.pgtables_kb, &p) < 0)
			return -EINVAL;
		e.uid = (uint32_t)v;
		if ((size_t)(end - p) < 14 || memcmp(p, "oom_score_adj=", 14) != 0)
			return -EINVAL;
		{
			char num[16];
			size_t nl = (size_t)(end - p - 14);

			if (nl == 0 || nl >= sizeof(num))
				return -EINVAL;
			memcpy(num, p + 14, nl);
			num[nl] = '\0';
			if (parse_i64(num, &adj) < 0 || adj < -1000 || adj > 1000)
				return -EINVAL;
		}
		e.oom_score_adj = (int)adj;
		e.have |= OOM_HAVE_TOTAL_VM | OOM_HAVE_ANON_RSS | OOM_HAVE_FILE_RSS |
			  OOM_HAVE_SHMEM_RSS | OOM_HAVE_UID | OOM_HAVE_PGTABLES | OOM_HAVE_ADJ;
	}
	*ev = e;
	return 0;
}

/* ---- after the fact: /proc and cgroupfs ---- */

static int status_kb(const char *status, const char *key, uint64_t *ret)
{
	const char *p = strstr(status, key), *v, *e;

	if (!p || (p != status && p[-1] != '\n'))
		return -ENOENT;
	v = p + strlen(key);
	while (*v == ' ' || *v == '\t')
		v++;
	e = v;
	while (*e >= '0' && *e <= '9')
		e++;
	return parse_u64_n(v, (size_t)(e - v), ret);
}

/* v1 memory hierarchy root, or the v2 root where it has the memory controller; "" if none
 * (the layout module knows the mount points) */
static void memcg_root(const struct host *h, bool v1, char *buf, size_t sz)
{
	struct cg_layout l;

	buf[0] = '\0';
	if (cg_layout_detect(h, &l) < 0)
		return;
	if (v1)
		xsnprintf(buf, sz, "%s", l.v1_memory);
	else if (l.v2_memory)
		xsnprintf(buf, sz, "%s", l.v2);
}

static void fill_memcg_from_fs(const struct host *h, struct oom_event *ev, bool v1)
{
	struct memcg_level lv[32];
	char paths[32][OOM_CGROUP_MAX];
	char root[PATH_MAX], dir[PATH_MAX + OOM_CGROUP_MAX];
	const char *usage_f = v1 ? "memory.usage_in_bytes" : "memory.current";
	const char *limit_f = v1 ? "memory.limit_in_bytes" : "memory.max";
	size_t n = 0;
	struct stat st;
	int i;

	memcg_root(h, v1, root, sizeof(root));
	if (!root[0] || strcmp(ev->task_memcg, "/") == 0)
		return;
	xsnprintf(paths[0], sizeof(paths[0]), "%s", ev->task_memcg);
	while (n < ELEMENTSOF(lv)) {
		char *slash;

		if (xsnprintf(dir, sizeof(dir), "%s%s", root, paths[n]) < 0)
			return;
		if (cg_read_u64(dir, usage_f, &lv[n].usage_bytes) < 0 ||
		    cg_read_u64(dir, limit_f, &lv[n].limit_bytes) < 0)
			break;
		if (n == 0) {
			ev->task_memcg_usage_kb = lv[0].usage_bytes / 1024;
			ev->task_memcg_limit_kb = lv[0].limit_bytes / 1024;
			ev->have |= OOM_HAVE_TASK_MEMCG_USAGE | OOM_HAVE_TASK_MEMCG_LIMIT;
			if (stat(dir, &st) == 0) {
				ev->task_memcg_id = st.st_ino;
				ev->have |= OOM_HAVE_TASK_MEMCG_ID;
			}
		}
		n++;
		if (n == ELEMENTSOF(lv))
			break;
		memcpy(paths[n], paths[n - 1], sizeof(paths[n]));
		slash = strrchr(paths[n], '/');
		if (!slash || slash == paths[n])
			break; /* the parent is the root memcg: not a candidate */
		*slash = '\0';
	}
	ev->after_the_fact = true;
	if (ev->oom_memcg[0])
		return;
	i = memcg_infer_oom_level(lv, n, OOM_MARGIN_BYTES);
	if (i < 0) {
		/* read late, the victim may have uncharged already: the nearest limited memcg */
		for (i = 0; i < (int)n && cg_limit_is_none(lv[i].limit_bytes); i++)
			;
		if (i == (int)n)
			return;
	}
	xsnprintf(ev->oom_memcg, sizeof(ev->oom_memcg), "%s", paths[i]);
	ev->memcg_usage_kb = lv[i].usage_bytes / 1024;
	ev->memcg_limit_kb = lv[i].limit_bytes / 1024;
	ev->have |= OOM_HAVE_MEMCG_USAGE | OOM_HAVE_MEMCG_LIMIT;
	ev->inferred_oom_memcg = true;
	ev->scope = OOM_SCOPE_MEMCG;
	if (xsnprintf(dir, sizeof(dir), "%s%s", root, paths[i]) >= 0 && stat(dir, &st) == 0) {
		ev->oom_memcg_id = st.st_ino;
		ev->have |= OOM_HAVE_OOM_MEMCG_ID;
	}
}

void victim_fill_after_the_fact(const struct host *h, struct oom_event *ev)
{
	char p[PATH_MAX], rel[64], buf[4096], cg[4096] = "";
	bool v1 = false, have_cg = false, have_mm = false;
	uint64_t v;

	if (!(ev->have & OOM_HAVE_PID))
		return;
	/*
	 * cgroup first, then status: an exiting task drops its mm (exit_mm) before it leaves its
	 * cgroups (cgroup_exit, after which /proc/PID/cgroup reads "/"). A status that still shows
	 * the mm proves the cgroup read came before the move.
	 */
	xsnprintf(rel, sizeof(rel), "/proc/%d/cgroup", (int)ev->pid);
	if (!ev->task_memcg[0] && host_path(h, rel, p, sizeof(p)) >= 0 &&
	    read_file(p, buf, sizeof(buf)) > 0 &&
	    proc_cgroup_memory_path(buf, cg, sizeof(cg), &v1) == 0)
		have_cg = true;

	xsnprintf(rel, sizeof(rel), "/proc/%d/status", (int)ev->pid);
	if (host_path(h, rel, p, sizeof(p)) >= 0 && read_file(p, buf, sizeof(buf)) > 0) {
		const uint32_t figs = OOM_HAVE_TOTAL_VM | OOM_HAVE_ANON_RSS | OOM_HAVE_FILE_RSS |
				      OOM_HAVE_SHMEM_RSS | OOM_HAVE_PGTABLES;
		bool fill = (ev->have & figs) == 0;
		uint64_t vm;

		have_mm = status_kb(buf, "VmSize:", &vm) == 0;
		if (!ev->comm[0] && startswith(buf, "Name:")) {
			const char *n = buf + 5, *e;

			while (*n == '\t' || *n == ' ')
				n++;
			e = strchr(n, '\n');
			if (e && (size_t)(e - n) < sizeof(ev->comm)) {
				memcpy(ev->comm, n, (size_t)(e - n));
				ev->comm[e - n] = '\0';
			}
		}
		if (!(ev->have & OOM_HAVE_TGID) && status_kb(buf, "Tgid:", &v) == 0) {
			ev->tgid = (pid_t)v;
			ev->have |= OOM_HAVE_TGID;
		}
		if (!(ev->have & OOM_HAVE_UID) && status_kb(buf, "Uid:", &v) == 0) {
			ev->uid = (uint32_t)v;
			ev->have |= OOM_HAVE_UID;
		}
		/* a task that already dropped its mm has no Vm lines: leave them null */
		if (fill && have_mm && status_kb(buf, "RssAnon:", &ev->anon_rss_kb) == 0 &&
		    status_kb(buf, "RssFile:", &ev->file_rss_kb) == 0 &&
		    status_kb(buf, "RssShmem:", &ev->shmem_rss_kb) == 0 &&
		    status_kb(buf, "VmPTE:", &ev->pgtables_kb) == 0) {
			ev->total_vm_kb = vm;
			ev->have |= figs;
		}
		ev->after_the_fact = true;
	}
	if (!(ev->have & OOM_HAVE_ADJ)) {
		int adj;

		xsnprintf(rel, sizeof(rel), "/proc/%d/oom_score_adj", (int)ev->pid);
		if (host_path(h, rel, p, sizeof(p)) >= 0 && read_file(p, buf, sizeof(buf)) > 0 &&
		    parse_int(strip_trailing(buf), &adj) == 0) {
			ev->oom_score_adj = adj;
			ev->have |= OOM_HAVE_ADJ;
			ev->after_the_fact = true;
		}
	}
	/*
	 * "/" is where an exiting task is moved (cgroup_exit), and where a reused pid's new owner
	 * may live: read after the fact it proves nothing, so it stays unknown (null), never "/".
	 * (The kernel log's oom-kill line, when it comes, names the real task_memcg.)
	 */
	(void)have_mm;
	if (!have_cg || strcmp(cg, "/") == 0)
		return;
	xsnprintf(ev->task_memcg, sizeof(ev->task_memcg), "%s", cg);
	ev->after_the_fact = true;
	fill_memcg_from_fs(h, ev, v1);
}

/* ---- dispatcher ---- */

void victim_source_emit(struct victim_source *s, struct oom_event *ev,
			const struct victim_chain *chain)
{
	int r;

	if (s->stop < 0)
		return;
	if (s->kc)
		kmsg_check_apply(s->kc, ev, chain);
	if (s->be->kind != VICTIM_SOURCE_KMSG) { /* a log record carries its own time */
		ev->seen_time_us = now_us();
		ev->have |= OOM_HAVE_SEEN_TIME;
	}
	r = s->fn(ev, s->userdata);
	if (r < 0)
		s->stop = r;
	else
		s->delivered++;
}

static void why_append(char *why, size_t sz, const char *name, const char *reason)
{
	size_t l;

	if (!why || !sz)
		return;
	l = strlen(why);
	xsnprintf(why + l, sz - l, "%s%s: %s", l ? "; " : "", name, reason);
}

int victim_source_open(enum victim_source_kind kind, const struct victim_source_opts *opts,
		       struct victim_source **ret, char *why_not, size_t sz)
{
	/* auto's order: the fastest first */
	static const struct victim_backend *const order[] = { &victim_backend_bpf,
							      &victim_backend_tracefs,
							      &victim_backend_kmsg };
	int r = -ENOENT;

	if (why_not && sz)
		why_not[0] = '\0';
	for (size_t i = 0; i < ELEMENTSOF(order); i++) {
		const struct victim_backend *be = order[i];
		struct victim_source *s;
		char why[PATH_MAX + 128] = "";

		if (kind != VICTIM_SOURCE_AUTO && kind != be->kind)
			continue;
		if (kind == VICTIM_SOURCE_AUTO && be->kind == VICTIM_SOURCE_KMSG && opts &&
		    opts->kernel_side_only)
			continue;
		s = calloc(1, sizeof(*s));
		if (!s)
			return -ENOMEM;
		s->be = be;
		if (opts) {
			s->opts = *opts;
			if (opts->host)
				s->host = *opts->host;
		}
		s->opts.host = &s->host;
		r = be->open(s, why, sizeof(why));
		if (r < 0) {
			why_append(why_not, sz, victim_source_kind_to_string(be->kind),
				   why[0] ? why : strerror(-r));
			free(s);
			continue;
		}
		if (!s->opts.no_kmsg_check && be->kind != VICTIM_SOURCE_KMSG)
			s->kc = kmsg_check_open(&s->host);
		*ret = s;
		return 0;
	}
	return r;
}

enum victim_source_kind victim_source_get_kind(const struct victim_source *s)
{
	return s->be->kind;
}

const char *victim_source_detail(const struct victim_source *s)
{
	return s->detail;
}

int victim_source_fd(const struct victim_source *s)
{
	return s->be->fd(s);
}

int victim_source_consume(struct victim_source *s, victim_event_fn fn, void *userdata)
{
	int r;

	s->fn = fn;
	s->userdata = userdata;
	s->delivered = 0;
	s->stop = 0;
	r = s->be->consume(s);
	if (s->stop < 0)
		return s->stop;
	return r < 0 ? r : s->delivered;
}

void victim_source_close(struct victim_source *s)
{
	if (!s)
		return;
	s->be->close(s);
	kmsg_check_close(s->kc);
	free(s);
}

/* ---- signal-time cleanup of tracefs instances ---- */

#define CLEANUP_SLOTS 4
static char cleanup_dirs[CLEANUP_SLOTS][PATH_MAX];
static int cleanup_fds[CLEANUP_SLOTS], cleanup_roots[CLEANUP_SLOTS];
static volatile sig_atomic_t cleanup_used[CLEANUP_SLOTS];

void victim_cleanup_register(int root, const char *dir, int fd)
{
	for (int i = 0; i < CLEANUP_SLOTS; i++) {
		if (!cleanup_used[i]) {
			xsnprintf(cleanup_dirs[i], sizeof(cleanup_dirs[i]), "%s", dir);
			cleanup_fds[i] = fd;
			cleanup_roots[i] = root;
			cleanup_used[i] = 1;
			return;
		}
	}
}

void victim_cleanup_unregister(const char *dir)
{
	for (int i = 0; i < CLEANUP_SLOTS; i++) {
		if (cleanup_used[i] && strcmp(cleanup_dirs[i], dir) == 0)
			cleanup_used[i] = 0;
	}
}

void victim_source_signal_cleanup(void)
{
	/* close() and unlinkat() are async-signal-safe; an instance whose trace_pipe is open is
	 * busy (EBUSY), so the pipe goes first */
	for (int i = 0; i < CLEANUP_SLOTS; i++) {
		if (cleanup_used[i]) {
			if (cleanup_fds[i] >= 0)
				close(cleanup_fds[i]);
			unlinkat(cleanup_roots[i], cleanup_dirs[i], AT_REMOVEDIR);
		}
	}
}

// SPDX-License-Identifier: MIT
/* Rendering and explaining OOM kills (see explain.h). */
#include "explain.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/cg-name.h"
#include "../lib/cgroup.h"
#include <sys/stat.h>
#include <time.h>

#include "../lib/kmsg.h"
#include "../lib/log-form.h"
#include "../lib/oom-report.h"
#include "../lib/out.h"
#include "../lib/util.h"
#include "../lib/proc.h"
#include "../lib/banned.h"

void kill_list_free(struct kill_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

/*
 * Kills are handed on in log order once no later line can change them: only an oom_reaper
 * line, which names the victim's pid after its kill line, still can (it sets reaped). The last
 * PENDING_MAX kills wait for it; the one before them is final. So what is kept does not grow
 * with the number of kills (docs/OOM-REPORT.md, "Speed").
 */
#define PENDING_MAX 256

struct collect {
	const struct collect_sink *sink;
	int err;
	struct oomreport *rep;
	struct oom_event *pend; /* a ring of PENDING_MAX */
	size_t head, n;
	bool have_boot;
	int64_t boot_us;
};

static void final_kill(struct collect *c, struct oom_event *ev)
{
	int r;

	/* the live buffer: kernel time on the wall clock */
	if (c->have_boot && (ev->have & OOM_HAVE_KTIME) && !(ev->have & OOM_HAVE_TIME)) {
		ev->time_us = c->boot_us + (int64_t)ev->kernel_time_us;
		ev->have |= OOM_HAVE_TIME;
	}
	r = c->sink->on_kill(ev, c->sink->userdata);
	if (r < 0 && !c->err)
		c->err = r;
}

static void collect_kill(const struct oom_event *ev, void *userdata)
{
	struct collect *c = userdata;

	if (c->n == PENDING_MAX) {
		final_kill(c, &c->pend[c->head]);
		c->head = (c->head + 1) % PENDING_MAX;
		c->n--;
	}
	c->pend[(c->head + c->n++) % PENDING_MAX] = *ev;
}

static void collect_reap(const struct oom_reap *reap, void *userdata)
{
	struct collect *c = userdata;

	for (size_t i = c->n; i-- > 0;) {
		struct oom_event *ev = &c->pend[(c->head + i) % PENDING_MAX];
		if (ev->pid == reap->pid) {
			ev->reaped = true;
			return;
		}
	}
}

/* the kills still waiting for a reaper line: final now */
static void collect_drain(struct collect *c)
{
	while (c->n) {
		final_kill(c, &c->pend[c->head]);
		c->head = (c->head + 1) % PENDING_MAX;
		c->n--;
	}
}

struct kmsg_feed {
	struct oomreport *rep;
	uint64_t overwritten;
};

static int feed_record(const struct kmsg_record *rec, void *userdata)
{
	struct kmsg_feed *kf = userdata;

	/* only the kernel writes facility 0: a record of any other is a program's write */
	if (rec->facility != 0)
		oomreport_note_imitation(kf->rep, rec->text, rec->len, "facility");
	else
		oomreport_feed_text(kf->rep, rec->text, rec->len, true, rec->ts_us, true);
	return 0;
}

static void local_clock(int year_of, int *year, long *tz_min)
{
	time_t t = year_of;
	struct tm tm;

	if (localtime_r(&t, &tm)) {
		*year = tm.tm_year + 1900;
		*tz_min = tm.tm_gmtoff / 60;
	}
}

int explain_collect_stream(const struct host *h, const struct collect_opts *o,
			   const struct collect_sink *sink, struct collect_info *info)
{
	struct collect c = { .sink = sink };
	struct oomreport_ops ops = { .on_kill = collect_kill,
				     .on_reap = collect_reap,
				     .userdata = &c };
	struct logform *lf = NULL;
	const char *path = o->path;
	int r;

	memset(info, 0, sizeof(*info));
	c.pend = malloc(PENDING_MAX * sizeof(*c.pend));
	if (!c.pend)
		return -ENOMEM;
	r = oomreport_new(path || o->journal ? OOM_SOURCE_LOG : OOM_SOURCE_KMSG, &ops, &c.rep);
	if (r < 0) {
		free(c.pend);
		return r;
	}
	if (o->journal) {
		r = explain_journal(c.rep, o, info);
		oomreport_flush(c.rep);
	} else if (path) {
		char p[PATH_MAX];
		const char *rp = path;
		struct stat st;
		int year = 1970;
		long tz = 0;

		if (strcmp(path, "-") != 0 && path[0] == '/' && !host_is_live(h)) {
			r = host_path(h, path, p, sizeof(p));
			rp = p;
		}
		/* year-less syslog dates: the year the file was last written, local time */
		local_clock((int)time(NULL), &year, &tz);
		if (r >= 0 && strcmp(rp, "-") != 0 && stat(rp, &st) == 0 && S_ISREG(st.st_mode))
			local_clock((int)st.st_mtime, &year, &tz);
		oomreport_set_clock(c.rep, year, tz, 0);
		if (r >= 0)
			r = logform_new(c.rep, &lf);
		if (r >= 0) {
			r = logread(rp, o->follow, lf, &info->container);
			if (r >= 0 || r == -EBADMSG)
				logform_end(lf);
			info->form = logform_kind(lf);
			logform_free(lf);
		}
	} else {
		char p[PATH_MAX];
		int fd;

		r = host_path(h, "/dev/kmsg", p, sizeof(p));
		if (r >= 0) {
			/* a sysroot's dev/kmsg is a saved text file of raw records */
			fd = host_is_live(h) ? kmsg_open(p, false) : -ENOTSUP;
			if (fd == -ENOTSUP) {
				r = logform_new(c.rep, &lf);
				if (r >= 0) {
					r = logread(p, false, lf, &info->container);
					if (r >= 0)
						logform_end(lf);
					logform_free(lf);
				}
			} else if (fd < 0) {
				r = fd;
			} else {
				struct kmsg_feed kf = { .rep = c.rep };
				struct timespec rt, mono;

				/* printk time is local_clock(): CLOCK_MONOTONIC within about 1 ms;
				 * read before the records, since each kill is handed on as it comes */
				clock_gettime(CLOCK_REALTIME, &rt);
				clock_gettime(CLOCK_MONOTONIC, &mono);
				info->boot_us = ((int64_t)rt.tv_sec - mono.tv_sec) * 1000000 +
						((int64_t)rt.tv_nsec - mono.tv_nsec) / 1000;
				info->have_boot = true;
				c.have_boot = true;
				c.boot_us = info->boot_us;
				info->live = true;
				r = kmsg_read_all(fd, feed_record, &kf, &kf.overwritten);
				close(fd);
				info->overwritten = kf.overwritten;
			}
		}
		oomreport_flush(c.rep);
	}
	collect_drain(&c);
	if (r > 0)
		r = 0;
	oomreport_get_stats(c.rep, &info->stats);
	oomreport_free(c.rep);
	free(c.pend);
	if (r == 0 && c.err)
		r = c.err;
	return r;
}

int kill_list_add(struct kill_list *l, const struct oom_event *ev)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct oom_event *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *ev;
	return 0;
}

static int list_kill(struct oom_event *ev, void *userdata)
{
	return kill_list_add(userdata, ev);
}

int explain_collect_ex(const struct host *h, const struct collect_opts *o, struct kill_list *ret,
		       struct collect_info *info)
{
	struct collect_sink s = { .on_kill = list_kill, .userdata = ret };

	return explain_collect_stream(h, o, &s, info);
}

int explain_collect(const struct host *h, const char *path, struct kill_list *ret)
{
	struct collect_opts o = { .path = path };
	struct collect_info info;

	return explain_collect_ex(h, &o, ret, &info);
}

static bool under(const char *path, const char *cg)
{
	size_t n = strlen(cg);

	if (strcmp(cg, "/") == 0)
		return path[0] == '/';
	return strncmp(path, cg, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

bool explain_match(const struct oom_event *ev, pid_t pid, const char *cgroup)
{
	if (pid > 0 && (!(ev->have & OOM_HAVE_PID) || ev->pid != pid))
		return false;
	if (cgroup) {
		if (ev->task_memcg[0] && under(ev->task_memcg, cgroup))
			return true;
		if (ev->oom_memcg[0] && !ev->task_memcg[0] && under(ev->oom_memcg, cgroup))
			return true;
		return false;
	}
	return true;
}

/*
 * The directories of cgroup cg (a name from the hierarchy root) in this host's layout: mem, the
 * one that carries the memory controller (v1 memory hierarchy, else cgroup2 with memory), and
 * v2, the cgroup2 directory (PSI on a hybrid host). The layout module alone knows the mount
 * points. -ENOENT when there is no memory controller at all.
 */
static int cg_dirs(const struct host *h, const char *cg, char *mem, char *v2, size_t sz,
		   bool *mem_v1)
{
	struct cg_layout l;
	const char *rel = strcmp(cg, "/") ? cg : "";

	mem[0] = v2[0] = '\0';
	if (cg_layout_detect(h, &l) < 0)
		return -ENOENT;
	if (l.v2[0] && xsnprintf(v2, sz, "%s%s", l.v2, rel) < 0)
		v2[0] = '\0';
	if (l.v1_memory[0]) {
		*mem_v1 = true;
		return xsnprintf(mem, sz, "%s%s", l.v1_memory, rel) < 0 ? -ENAMETOOLONG : 0;
	}
	*mem_v1 = false;
	if (l.v2[0] && l.v2_memory)
		return xsnprintf(mem, sz, "%s%s", l.v2, rel) < 0 ? -ENAMETOOLONG : 0;
	return -ENOENT;
}

/* the cgroup's hard limit now: v1 memory.limit_in_bytes or v2 memory.max (SIZE_UNLIMITED none) */
static int cgroup_limit(const struct host *h, const char *cg, uint64_t *ret)
{
	char mem[PATH_MAX], v2[PATH_MAX];
	bool v1;
	uint64_t v;
	int r;

	if ((r = cg_dirs(h, cg, mem, v2, sizeof(mem), &v1)) < 0)
		return r;
	if ((r = cg_read_u64(mem, v1 ? "memory.limit_in_bytes" : "memory.max", &v)) < 0)
		return r;
	*ret = v1 ? cg_v1_normalize_limit(v) : v;
	return 0;
}

void explain_enrich(struct oom_event *ev, const struct host *h, unsigned flags)
{
	struct cgname n;
	const char *cg = ev->task_memcg[0] ? ev->task_memcg : ev->oom_memcg;
	uint64_t lim;

	if (!ev->task_memcg[0] && (flags & ENRICH_PROC) && (ev->have & OOM_HAVE_PID)) {
		/* rate-limited report: the victim may still be exiting; its memory cgroup line */
		char rel[64], path[PATH_MAX], buf[4096];
		xsnprintf(rel, sizeof(rel), "/proc/%d/cgroup", (int)ev->pid);
		if (host_path(h, rel, path, sizeof(path)) >= 0 &&
		    read_file(path, buf, sizeof(buf)) > 0) {
			bool v1;
			if (proc_cgroup_memory_path(buf, ev->task_memcg, sizeof(ev->task_memcg),
						    &v1) == 0)
				ev->inferred_task_memcg = true;
			else
				ev->task_memcg[0] = '\0';
			/* a victim already gone reads "/" */
			if (ev->inferred_task_memcg && strcmp(ev->task_memcg, "/") == 0) {
				ev->task_memcg[0] = '\0';
				ev->inferred_task_memcg = false;
			}
		}
		cg = ev->task_memcg[0] ? ev->task_memcg : ev->oom_memcg;
	}
	if ((flags & ENRICH_NAME) && cg[0] && cgname_parse(cg, &n) > 0)
		cgname_format(&n, ev->container, sizeof(ev->container));
	if ((flags & ENRICH_LIMIT) && cg[0] &&
	    cgroup_limit(h, ev->oom_memcg[0] ? ev->oom_memcg : cg, &lim) == 0) {
		ev->limit_now_kb = lim == SIZE_UNLIMITED ? UINT64_MAX : lim / 1024;
		ev->have |= OOM_HAVE_LIMIT_NOW;
	}
}

void explain_kill_line(FILE *out, const struct oom_event *ev)
{
	struct out o = OUT_TEXT(out);

	oom_event_print(&o, NULL, ev);
}

void explain_kill_json_line(FILE *out, const struct oom_event *ev)
{
	struct json j;

	json_init(&j, out, false);
	oom_event_to_json(ev, &j);
	json_end(&j);
}

static void advice(struct out *o, const struct oom_event *ev)
{
	uint64_t rss = ev->anon_rss_kb + ev->file_rss_kb + ev->shmem_rss_kb;

	print_text(o, "  next:    ");
	if (ev->scope == OOM_SCOPE_GLOBAL) {
		print_text(o,
			   "the whole host ran out of memory, no cgroup limit was involved. Put "
			   "limits on the large consumers so a kill stays inside one cgroup, add "
			   "memory, or protect critical services with a lower oom_score_adj.\n");
	} else if (ev->have & OOM_HAVE_MEMCG_LIMIT) {
		print_kb(o, PRINT_TEXT, NULL, "if %s is below what the workload really needs, ",
			 true, ev->memcg_limit_kb);
		print_str(o, PRINT_TEXT, NULL, "raise the limit of %s ",
			  ev->oom_memcg[0] ? ev->oom_memcg : "the cgroup");
		print_text(o, "(memory.max on cgroup v2, memory.limit_in_bytes on v1); if its use "
			      "grows without bound, find the leak first (oomlab run shows the "
			      "growth).\n");
	} else {
		print_text(
			o,
			"the kernel's report was rate-limited or cut, so the limit is not in the "
			"log; check the cgroup's limit and memory.events (oomlab why --cgroup "
			"PATH on a live cgroup).\n");
	}
	if ((ev->have & OOM_HAVE_ANON_RSS) && rss > 0) {
		if (ev->shmem_rss_kb * 2 > rss)
			print_text(o,
				   "           most of it was shmem (tmpfs, /dev/shm, shared "
				   "memory): it is charged to the cgroup and cannot be reclaimed "
				   "without swap; remove files from tmpfs or size it.\n");
		else if (ev->anon_rss_kb * 2 > rss)
			print_text(
				o,
				"           most of it was anonymous memory (heap, stacks): "
				"without swap it cannot be reclaimed. Swap or zram would turn the "
				"kill into slowness; that is a trade-off, not a fix.\n");
		else
			print_text(o, "           most of it was file-backed: page cache is "
				      "reclaimable, so the rest of the cgroup (other tasks, kernel "
				      "memory, shmem) filled the limit.\n");
	}
	if (ev->victim_rank > 1)
		print_text(o,
			   "           it was not the largest task: oom_score_adj decided. Lower "
			   "the adj of what must survive (needs CAP_SYS_RESOURCE) or raise it on "
			   "the real culprit.\n");
	else if ((ev->have & OOM_HAVE_ADJ) && ev->oom_score_adj > 0)
		print_text(o, "           its oom_score_adj %d made it a preferred victim.\n",
			   ev->oom_score_adj);
	if (ev->oom_group)
		print_str(o, PRINT_TEXT, NULL,
			  "           memory.oom.group is set on %s: the whole group is killed "
			  "together.\n",
			  ev->oom_memcg[0] ? ev->oom_memcg : "its cgroup");
}

void explain_kill_text(FILE *out, const struct oom_event *ev)
{
	struct out o1 = OUT_TEXT(out), *o = &o1;
	uint32_t h = ev->have;

	print_i64_opt(o, PRINT_TEXT, NULL, "OOM kill of pid %s", h & OOM_HAVE_PID, ev->pid);
	print_str(o, PRINT_TEXT, NULL, " (%s)", ev->comm[0] ? ev->comm : NULL);
	if (h & OOM_HAVE_UID)
		print_text(o, ", uid %u", ev->uid);
	if (h & OOM_HAVE_KTIME)
		print_text(o, ", kernel time %llu.%06llu s",
			   (unsigned long long)(ev->kernel_time_us / 1000000),
			   (unsigned long long)(ev->kernel_time_us % 1000000));
	if (ev->scope == OOM_SCOPE_GLOBAL)
		print_str(o, PRINT_TEXT, NULL, "\n  cause:   the host ran out of memory (%s)",
			  ev->constraint[0] ? ev->constraint : "global OOM");
	else if (ev->oom_memcg[0])
		print_str(o, PRINT_TEXT, NULL, "\n  cause:   memory cgroup %s reached its limit",
			  ev->oom_memcg);
	else if (ev->scope == OOM_SCOPE_MEMCG)
		print_text(o,
			   "\n  cause:   a memory cgroup reached its limit (the log does not say "
			   "which)");
	else
		print_text(o, "\n  cause:   unknown (only the kill line is in the log)");
	if (h & OOM_HAVE_MEMCG_LIMIT) {
		print_kb(o, PRINT_TEXT, NULL, ": usage %s", h & OOM_HAVE_MEMCG_USAGE,
			 ev->memcg_usage_kb);
		print_kb(o, PRINT_TEXT, NULL, " of a %s limit", true, ev->memcg_limit_kb);
	}
	print_text(o, "\n");
	if (ev->task_memcg[0]) {
		print_str(o, PRINT_TEXT, NULL, "  cgroup:  %s", ev->task_memcg);
		if (ev->oom_memcg[0] && strcmp(ev->oom_memcg, ev->task_memcg) != 0)
			print_str(
				o, PRINT_TEXT, NULL,
				" (the limit hit was its ancestor %s's, shared with its siblings)",
				ev->oom_memcg);
		else if (ev->oom_memcg[0])
			print_text(o, " (its own limit)");
		print_text(o, "%s\n",
			   ev->inferred_task_memcg ? " (read from /proc, not in the log)" : "");
	}
	if (ev->container[0])
		print_str(o, PRINT_TEXT, NULL, "  belongs: %s\n", ev->container);
	if (h & OOM_HAVE_ANON_RSS) {
		print_kb(o, PRINT_TEXT, NULL, "  victim:  anon %s", true, ev->anon_rss_kb);
		print_kb(o, PRINT_TEXT, NULL, ", file %s", h & OOM_HAVE_FILE_RSS, ev->file_rss_kb);
		if (h & OOM_HAVE_SHMEM_RSS)
			print_kb(o, PRINT_TEXT, NULL, ", shmem %s", true, ev->shmem_rss_kb);
		else
			print_text(o, ", shmem (not logged)");
		if (h & OOM_HAVE_TOTAL_VM)
			print_kb(o, PRINT_TEXT, NULL, " (total-vm %s", true, ev->total_vm_kb);
		if (h & OOM_HAVE_PGTABLES)
			print_kb(o, PRINT_TEXT, NULL, ", page tables %s", true, ev->pgtables_kb);
		print_text(o, "%s\n", (h & OOM_HAVE_TOTAL_VM) ? ")" : "");
	}
	if (ev->victim_rank == 1)
		print_text(o, "  rank:    the largest of %u task(s) in the report's table",
			   ev->tasks_listed);
	else if (ev->victim_rank > 1)
		print_text(o, "  rank:    number %u by size of %u task(s) in the report's table",
			   ev->victim_rank, ev->tasks_listed);
	else
		print_text(o, "  rank:    unknown (no task table in the log)");
	if (h & OOM_HAVE_ADJ)
		print_text(o, "; oom_score_adj %d", ev->oom_score_adj);
	if (h & OOM_HAVE_SCORE)
		print_text(o, "; badness score %llu", (unsigned long long)ev->score);
	if (ev->invoker_comm[0]) {
		print_str(o, PRINT_TEXT, NULL, "\n  trigger: %s", ev->invoker_comm);
		if (h & OOM_HAVE_INVOKER_PID)
			print_text(o, " (pid %d)", (int)ev->invoker_pid);
		print_text(o, " asked for memory");
		if (ev->gfp_mask[0])
			print_str(o, PRINT_TEXT, NULL, ", gfp_mask=%s", ev->gfp_mask);
		if (h & OOM_HAVE_ORDER)
			print_text(o, ", order=%d", ev->order);
		print_text(o, "\n");
	} else {
		print_text(o, "\n  trigger: not logged (the kernel rate-limits the report header "
			      "during bursts)\n");
	}
	if (ev->oom_group)
		print_str(o, PRINT_TEXT, NULL,
			  "  group:   killed with the rest of %s (memory.oom.group)\n",
			  ev->oom_memcg);
	if (ev->reaped)
		print_text(o, "  reaped:  the oom_reaper freed its memory\n");
	advice(o, ev);
}

/* ---- live cgroup state ---- */

enum cgfile_dir { IN_V1, IN_V2, IN_PSI };

struct cgfile {
	enum cgfile_dir dir; /* v1 memory directory, v2 memory directory, the cgroup2 directory */
	const char *file, *label;
	bool limit; /* a limit: "max" or v1's PAGE_COUNTER_MAX is unlimited (JSON null) */
};

static const struct cgfile cgfiles[] = {
	{ IN_V1, "memory.limit_in_bytes", "limit", true },
	{ IN_V1, "memory.usage_in_bytes", "usage", false },
	{ IN_V1, "memory.max_usage_in_bytes", "peak", false },
	{ IN_V1, "memory.failcnt", "failcnt", false },
	{ IN_V1, "memory.oom_control", "oom_control", false },
	{ IN_V2, "memory.max", "max", true },
	{ IN_V2, "memory.high", "high", true },
	{ IN_V2, "memory.current", "current", false },
	{ IN_V2, "memory.peak", "peak", false },
	{ IN_V2, "memory.events", "events", false },
	{ IN_PSI, "memory.pressure", "pressure", false },
};

struct cgdirs {
	char mem[PATH_MAX], v2[PATH_MAX];
	bool v1;
};

static int read_cgfile(const struct cgdirs *d, const struct cgfile *f, char *buf, size_t sz)
{
	const char *dir = f->dir == IN_PSI ? d->v2 : d->mem;

	if ((f->dir == IN_V1) != d->v1 && f->dir != IN_PSI)
		return -ENOENT;
	if (!dir[0])
		return -ENOENT;
	return cg_read_text(dir, f->file, buf, sz) < 0 ? -ENOENT : (strip_trailing(buf), 0);
}

/* unlimited for a limit file: "max" (v2) or v1's PAGE_COUNTER_MAX * PAGE_SIZE */
static bool cg_unlimited(const struct cgfile *f, const char *buf, uint64_t *v)
{
	if (!f->limit)
		return false;
	if (strcmp(buf, "max") == 0)
		return true;
	return parse_u64(buf, v) == 0 && f->dir == IN_V1 &&
	       cg_v1_normalize_limit(*v) == SIZE_UNLIMITED;
}

static int cgroup_open_dirs(const struct host *h, const char *cg, struct cgdirs *d)
{
	char p[PATH_MAX + 32];

	if (cg_dirs(h, cg, d->mem, d->v2, sizeof(d->mem), &d->v1) < 0)
		return -ENOENT;
	xsnprintf(p, sizeof(p), "%s/%s", d->mem,
		  d->v1 ? "memory.usage_in_bytes" : "memory.current");
	return access(p, R_OK) == 0 ? 0 : -ENOENT;
}

static int explain_cgroup(struct out *o, const struct host *h, const char *cg)
{
	char buf[4096];
	struct cgdirs d;

	if (cgroup_open_dirs(h, cg, &d) < 0)
		return -ENOENT;
	open_json_object(o, NULL);
	print_str(o, PRINT_ANY, "path", "cgroup %s now:\n", cg);
	for (size_t i = 0; i < ELEMENTSOF(cgfiles); i++) {
		const struct cgfile *f = &cgfiles[i];
		uint64_t v;

		if (read_cgfile(&d, f, buf, sizeof(buf)) < 0)
			continue;
		if (cg_unlimited(f, buf, &v)) {
			print_null(o, PRINT_ANY, f->file, "  %-8s unlimited", f->label);
		} else if (parse_u64(buf, &v) == 0) {
			print_text(o, "  %-8s ", f->label);
			if (strcmp(f->label, "failcnt") == 0)
				print_u64(o, PRINT_ANY, f->file, "%s", v);
			else
				print_bytes(o, PRINT_ANY, f->file, "%s", v);
		} else if (out_json(o) || !(strchr(buf, '\n') || strchr(buf, ' '))) {
			print_str(o, PRINT_JSON, f->file, NULL, buf);
			print_text(o, "  %-8s %s", f->label, buf);
		} else {
			print_text(o, "  %s (%s):\n", f->label, f->file);
			for (char *l = buf; l && *l;) {
				char *nl = strchr(l, '\n');
				if (nl)
					*nl = '\0';
				print_text(o, "    %s\n", l);
				l = nl ? nl + 1 : NULL;
			}
			continue;
		}
		print_text(o, " (%s)\n", f->file);
	}
	close_json_object(o);
	return 0;
}

int explain_cgroup_text(FILE *out, const struct host *h, const char *cg)
{
	struct out o = OUT_TEXT(out);

	return explain_cgroup(&o, h, cg);
}

int explain_cgroup_json(struct json *j, const struct host *h, const char *cg)
{
	struct out o = OUT_JSON(j);

	return explain_cgroup(&o, h, cg);
}

int explain_account(FILE *out, struct json *j, const struct host *h, pid_t pid, const char *cgroup)
{
	struct kill_list kills = { 0 };
	struct out o = j ? OUT_JSON(j) : OUT_TEXT(out);
	int r, n = 0;

	r = explain_collect(h, NULL, &kills);
	if (r < 0)
		return r;
	open_json_array(&o, "kills");
	for (size_t i = 0; i < kills.n; i++) {
		struct oom_event *ev = &kills.v[i];
		if (!explain_match(ev, pid, cgroup))
			continue;
		explain_enrich(ev, h, ENRICH_NAME | ENRICH_LIMIT);
		print_text(&o, "%s", n++ ? "\n" : "");
		if (j)
			oom_event_print(&o, NULL, ev);
		else
			explain_kill_text(out, ev);
	}
	close_json_array(&o);
	kill_list_free(&kills);
	return n;
}

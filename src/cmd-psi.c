// SPDX-License-Identifier: MIT
/* oomlab psi: memory pressure of the system, a cgroup, a pid or a container, read at a glance. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "color.h"
#include "oomlab.h"
#include "psi-view.h"
#include "cg-arg.h"
#include "../lib/cg-tree.h"
#include "../lib/memory-stat.h"
#include "../lib/out.h"
#include "../lib/verdict.h"
#include "../lib/banned.h"

/* exit status of --wait when the cgroup went away or the trigger could not be armed */
#define EXIT_GONE 3

static void help(void)
{
	printf("Usage: oomlab psi [TARGET] [OPTIONS]\n"
	       "       oomlab psi --wait 'some 150ms/2s' [--timeout DUR] [--strict] [TARGET]\n\n"
	       "Memory pressure (PSI) of the whole system, a cgroup, a pid or a container, with a\n"
	       "verdict: healthy, strained, sick or critical (docs/VERDICT.md).\n\n"
	       "TARGET: nothing (the whole system), a cgroup path (/a/b), a pid (its cgroup), or a\n"
	       "container id / pod uid found in a cgroup path (unique prefix, at least 12 chars).\n\n"
	       "Options:\n"
	       "  -i, --interval DUR     measure the stall share over DUR (default 1s; 0: one read,\n"
	       "                         no share, the verdict then uses avg10)\n"
	       "  -w, --watch            keep sampling: redraw on a terminal, one line per interval\n"
	       "                         when piped (one JSON object per line with --json)\n"
	       "  -n, --count N          stop after N samples (with --watch)\n"
	       "  -l, --log FILE         append every sample to FILE as one JSON object per line\n"
	       "  -J, --json             JSON output\n"
	       "      --thresholds SPEC  verdict thresholds, e.g. sick_some=25,critical_full=30\n"
	       "      --wait SPEC        arm a kernel PSI trigger ('some 150ms/2s' or 'full 100000\n"
	       "                         2000000') and exit 0 when it fires\n"
	       "      --timeout DUR      with --wait: give up after DUR, exit 1\n"
	       "      --strict           with --wait: do not round a window the kernel refuses\n"
	       "  -h, --help             show this help\n\n"
	       "Exit status: 0 ok / trigger fired, 1 failure / --wait timed out, 2 usage error or\n"
	       "window refused with --strict, 3 --wait: the cgroup went away.\n");
}

struct psi_ctx {
	struct cli *cli;
	struct cg_layout layout;
	bool has_layout;
	struct cgw_target t;
	struct cg_target cgt; /* what TARGET resolved to (none for the system) */
	bool has_cgt;
	/* the pressure file is the host's although a cgroup was asked: its cgroup2 path is the
	 * root (a pid whose v1 memory cgroup has no cgroup2 sibling on a hybrid host) */
	bool host_pressure;
	const char *target_arg;
	struct verdict_thresholds th;
	uint64_t interval_us;
	bool watch, tty;
	FILE *log;
};

struct view {
	struct cgw_sample s;
	bool has_share;
	uint32_t some_share, full_share;
	uint64_t interval_us;
	uint64_t kills_delta, high_delta;
	uint64_t limit; /* binding */
	bool has_mem;
	bool has_unrecl;
	uint64_t unrecl; /* anon + shmem (system: MemTotal - MemAvailable) */
	struct verdict_in in;
	enum verdict v;
	char reason[160];
	bool lag; /* avg10 disagrees with the live share */
};

/* system: usage from /proc/meminfo (MemTotal - MemAvailable of MemTotal) */
static void system_memory(struct psi_ctx *c, struct cgw_sample *s)
{
	char path[PATH_MAX], buf[8192];
	struct meminfo mi;

	if (host_path(&c->cli->host, "/proc/meminfo", path, sizeof(path)) < 0 ||
	    read_file(path, buf, sizeof(buf)) < 0 || meminfo_parse(buf, &mi) < 0 ||
	    !mi.has_available)
		return;
	s->ok = true;
	s->usage = mi.total - (mi.available < mi.total ? mi.available : mi.total);
	s->max = mi.total;
}

/* system: what the kernel cannot easily get back is MemTotal - MemAvailable */
static void system_unreclaimable(struct psi_ctx *c, const struct cgw_sample *s, struct view *v)
{
	(void)c;
	if (s->ok) {
		v->has_unrecl = true;
		v->unrecl = s->usage;
	}
}

static int take(struct psi_ctx *c, struct cgw_sample *s)
{
	int r = cgw_sample(&c->cli->host, c->t.mem, c->t.mem_is_v2, c->t.psi_path, s);
	if (r < 0)
		return r;
	if (c->t.system)
		system_memory(c, s);
	return 0;
}

static void build_view(struct psi_ctx *c, const struct cgw_sample *prev, const struct cgw_sample *s,
		       struct view *v)
{
	memset(v, 0, sizeof(*v));
	v->s = *s;
	v->has_mem = s->ok;
	v->limit = SIZE_UNLIMITED;
	if (c->t.system) {
		v->limit = s->max;
		system_unreclaimable(c, s, v);
	} else if (s->ok) {
		v->limit = cgw_binding_limit(c->t.mem_is_v2 ? c->layout.v2 : c->layout.v1_memory,
					     c->t.mem, c->t.mem_is_v2);
		v->has_unrecl = cgw_read_unreclaimable(&c->cli->host, c->t.mem, c->t.mem_is_v2,
						       &v->unrecl) == 0;
	}
	if (prev && s->psi_err == 0 && prev->psi_err == 0) {
		v->has_share = true;
		v->interval_us = s->t_us - prev->t_us;
		v->some_share =
			psi_share(prev->psi.some.total_us, s->psi.some.total_us, v->interval_us);
		v->full_share =
			psi_share(prev->psi.full.total_us, s->psi.full.total_us, v->interval_us);
	}
	if (prev && s->has_oom_kill && prev->has_oom_kill && s->oom_kill > prev->oom_kill)
		v->kills_delta = s->oom_kill - prev->oom_kill;
	if (prev && s->has_high_events && prev->has_high_events &&
	    s->high_events > prev->high_events)
		v->high_delta = s->high_events - prev->high_events;

	v->in.has_psi = s->psi_err == 0;
	v->in.has_full = s->psi.full.present;
	v->in.some_share = v->has_share ? v->some_share : s->psi.some.avg10;
	v->in.full_share = v->has_share ? v->full_share : s->psi.full.avg10;
	v->in.usage = s->ok ? s->usage : 0;
	v->in.limit = s->ok ? v->limit : SIZE_UNLIMITED;
	v->in.high = s->has_high ? s->high : SIZE_UNLIMITED;
	v->in.high_events = v->high_delta;
	v->in.oom_kills = v->kills_delta;
	v->in.has_unreclaimable = v->has_unrecl;
	v->in.unreclaimable = v->unrecl;
	v->v = verdict_explain(&v->in, &c->th, v->reason, sizeof(v->reason));
	/* the averages lag: flag when avg10 and the live share are 5 points or more apart */
	if (v->has_share) {
		uint32_t a = s->psi.some.avg10, b = v->some_share;
		v->lag = (a > b ? a - b : b - a) >= 500;
	}
}

static void iso_time(char *buf, size_t sz)
{
	uint64_t t = realtime_us();
	time_t sec = (time_t)(t / 1000000);
	struct tm tm;
	gmtime_r(&sec, &tm);
	strftime(buf, sz, "%Y-%m-%dT%H:%M:%S", &tm);
	xsnprintf(buf + strlen(buf), sz - strlen(buf), ".%03lluZ",
		  (unsigned long long)(t / 1000 % 1000));
}

static const char *fmt_dur(uint64_t us, char *buf, size_t sz)
{
	if (us % 1000000 == 0)
		xsnprintf(buf, sz, "%llus", (unsigned long long)(us / 1000000));
	else if (us >= 1000000)
		xsnprintf(buf, sz, "%llu.%02llus", (unsigned long long)(us / 1000000),
			  (unsigned long long)(us / 10000 % 100));
	else
		xsnprintf(buf, sz, "%llums", (unsigned long long)(us / 1000));
	return buf;
}

static void text_psi_row(FILE *out, const char *k, const struct psi_line *l, bool has_share,
			 uint32_t share, const char *meaning)
{
	char a[16], b[16], d[16], e[16];
	fprintf(out, "%-5s %7s %7s %7s %10llu.%03llus %7s  %s\n", k, fmt_centi(l->avg10, a, 16),
		fmt_centi(l->avg60, b, 16), fmt_centi(l->avg300, d, 16),
		(unsigned long long)(l->total_us / 1000000),
		(unsigned long long)(l->total_us / 1000 % 1000),
		has_share ? fmt_centi(share, e, 16) : "-", meaning);
}

/* The view, as text or as one JSON object (with_time: its "time" member, for --log) */
static void render(struct psi_ctx *c, const struct view *v, FILE *out, bool as_json, bool with_time)
{
	const struct cgw_sample *s = &v->s;
	char a[32], b[32], d[32], buf[512], ts[40], q[PATH_MAX];
	struct json j;
	struct out o1 = out_start(&j, out, as_json), *o = &o1;
	bool host = c->t.system || c->host_pressure || strcmp(c->t.name, "/") == 0;

	open_json_object(o, NULL);
	if (with_time)
		print_str(o, PRINT_JSON, "time", NULL, (iso_time(ts, sizeof(ts)), ts));
	open_json_object(o, "target");
	print_str(o, PRINT_JSON, "kind", NULL, c->t.system ? "system" : "cgroup");
	if (!c->t.system)
		print_str(o, PRINT_JSON, "name", NULL, c->t.name);
	if (c->t.v2name[0])
		print_str(o, PRINT_JSON, "v2_name", NULL, c->t.v2name);
	if (c->t.pid > 0)
		print_i64(o, PRINT_JSON, "pid", NULL, c->t.pid);
	if (!c->t.system)
		print_str(o, PRINT_JSON, "memory_dir", NULL, c->t.mem[0] ? c->t.mem : NULL);
	print_str(o, PRINT_JSON, "pressure_file", NULL, c->t.psi_path[0] ? c->t.psi_path : NULL);
	/* whose pressure the file is: "cgroup" (its own), "host" (the system's, or the root
	 * cgroup2 file read for a cgroup that has no PSI file of its own), null: none */
	print_str(o, PRINT_JSON, "pressure_of", NULL,
		  !c->t.psi_path[0] ? NULL :
		  host		    ? "host" :
				      "cgroup");
	close_json_object(o);
	if (c->has_cgt && out_json(o))
		cli_cgroup_target_json(o->j, c->target_arg, &c->cgt);
	print_u64_opt(o, PRINT_JSON, "interval_us", NULL, v->has_share, v->interval_us);
	/* cgroup names and paths may hold ESC or CR: never raw to the terminal */
	if (c->t.system)
		print_text(o, "memory pressure: the whole system\n");
	else if (c->host_pressure && c->t.pid > 0)
		print_text(o,
			   "memory pressure: the whole host (pid %d's memory cgroup %s has no PSI "
			   "file of its own)\n",
			   (int)c->t.pid, cli_quote_n(c->t.name, 0, q, sizeof(q)));
	else if (c->host_pressure)
		print_text(
			o,
			"memory pressure: the whole host (cgroup %s has no PSI file of its own)\n",
			cli_quote_n(c->t.name, 0, q, sizeof(q)));
	else if (c->t.pid > 0)
		print_text(o, "memory pressure: cgroup %s (pid %d)\n",
			   cli_quote_n(c->t.name, 0, q, sizeof(q)), (int)c->t.pid);
	else
		print_text(o, "memory pressure: cgroup %s\n",
			   cli_quote_n(c->t.name, 0, q, sizeof(q)));
	if (c->t.psi_path[0])
		print_text(o, "  pressure file  %s (%s)\n", term_safe(c->t.psi_path, q, sizeof(q)),
			   c->t.system	    ? "the host's" :
			   c->host_pressure ? "the host's: the cgroup2 path is the root" :
			   strcmp(c->t.name, "/") == 0 ? "the host's: the root cgroup" :
							 "the cgroup's own");
	if (c->t.v2name[0])
		print_text(o, "  (the pid's cgroup2 path is %s, its memory cgroup %s)\n",
			   term_safe(c->t.v2name, q, sizeof(q)),
			   term_safe(c->t.name, (char[PATH_MAX]){ 0 }, PATH_MAX));
	if (c->t.mem[0])
		print_text(o, "  memory dir     %s (%s)\n", term_safe(c->t.mem, q, sizeof(q)),
			   c->t.mem_is_v2 ? "v2" : "v1");
	print_text(o, "\n");
	if (s->psi_err == 0 && out_json(o)) {
		open_json_object(o, "psi");
		psi_line_to_json(o->j, "some", &s->psi.some, v->has_share, v->some_share);
		psi_line_to_json(o->j, "full", &s->psi.full, v->has_share, v->full_share);
		close_json_object(o);
	} else if (s->psi_err == 0) {
		print_text(o, "%-5s %7s %7s %7s %15s %7s\n", "", "avg10", "avg60", "avg300",
			   "total", "share");
		text_psi_row(out, "some", &s->psi.some, v->has_share, v->some_share,
			     "at least one task stalled waiting for memory");
		if (s->psi.full.present)
			text_psi_row(out, "full", &s->psi.full, v->has_share, v->full_share,
				     "all non-idle tasks stalled at once: no progress");
		print_text(o,
			   "\navg10/60/300: the kernel's running averages in %% over 10 s, 60 s, "
			   "300 s (updated every 2 s: they lag)\n");
		if (v->has_share)
			print_text(o,
				   "share: %% of the last %s stalled, from total deltas (live)\n",
				   fmt_dur(v->interval_us, a, sizeof(a)));
		else
			print_text(o,
				   "share: not measured (--interval 0): the verdict uses avg10\n");
		print_text(o, "total: stall time since %s\n",
			   c->t.system || c->host_pressure ? "boot" : "the cgroup was created");
	} else {
		print_null(o, PRINT_JSON, "psi", NULL, NULL);
		print_str(o, PRINT_JSON, "psi_missing", NULL,
			  psi_missing_code(s->psi_err, &c->layout, c->t.psi_path[0] != 0));
		print_text(o, "psi: %s\n",
			   psi_missing_text(s->psi_err, c->has_layout ? &c->layout : NULL,
					    c->t.name, c->t.psi_path, buf, sizeof(buf)));
		print_str(o, PRINT_JSON, "psi_error", NULL, buf);
	}
	print_text(o, "\n");
	if (v->has_mem) {
		uint32_t us = verdict_share_of(s->usage, v->limit);
		uint32_t un = verdict_share_of(v->unrecl, v->limit);

		open_json_object(o, "memory");
		print_u64_as(o, PRINT_ANY, "usage",
			     c->t.system ? "memory: %s used" : "memory: usage %s", true, s->usage,
			     fmt_size_short(s->usage, true, a, 32));
		print_u64_opt(o, PRINT_JSON, "limit", NULL, s->max != SIZE_UNLIMITED, s->max);
		print_u64_as(o, PRINT_ANY, "binding_limit",
			     c->t.system ? " of %s (MemTotal - MemAvailable)" : ", limit %s",
			     v->limit != SIZE_UNLIMITED, v->limit,
			     fmt_size_short(v->limit, true, b, 32));
		if (!c->t.system && v->limit != s->max)
			print_text(o, " (set on an ancestor)");
		print_centi(o, us == UINT32_MAX ? PRINT_JSON : PRINT_ANY, "usage_share",
			    " = %s %%\n", us != UINT32_MAX, us);
		if (us == UINT32_MAX)
			print_text(o, "\n");
		print_u64_as(o, !c->t.system && v->has_unrecl ? PRINT_ANY : PRINT_JSON,
			     "unreclaimable", "        anon+shmem %s", v->has_unrecl, v->unrecl,
			     fmt_size_short(v->unrecl, true, a, 32));
		print_centi(o,
			    !c->t.system && v->has_unrecl && un != UINT32_MAX ? PRINT_ANY :
										PRINT_JSON,
			    "unreclaimable_share", " = %s %% of the limit",
			    v->has_unrecl && un != UINT32_MAX, un);
		if (!c->t.system && v->has_unrecl)
			print_text(o, " (only a kill gets it back without swap)\n");
		if (!c->t.system) {
			print_u64_as(o, PRINT_ANY, "high", "        high %s",
				     s->has_high && s->high != SIZE_UNLIMITED, s->high,
				     fmt_size_short(s->high, s->has_high, a, 32));
			print_u64_as(o, PRINT_ANY, "peak", ", peak %s", s->has_peak, s->peak,
				     fmt_size_short(s->peak, s->has_peak, a, 32));
			print_u64_as(o, PRINT_ANY, "oom_kill", ", oom kills %s\n", s->has_oom_kill,
				     s->oom_kill,
				     s->has_oom_kill ? (xsnprintf(a, 32, "%llu",
								  (unsigned long long)s->oom_kill),
							a) :
						       "-");
			print_u64_opt(o, PRINT_JSON, "high_events", NULL, s->has_high_events,
				      s->high_events);
		}
		close_json_object(o);
	} else {
		print_null(o, PRINT_JSON, "memory", NULL, NULL);
		if (!c->t.system)
			print_text(o, "memory: no memory controller directory for this cgroup\n");
	}
	print_str(o, PRINT_JSON, "verdict", NULL, verdict_to_string(v->v));
	if (!out_json(o)) {
		fputs("verdict: ", out);
		color_fputs(out, color_wanted(fileno(out)), color_verdict(v->v),
			    verdict_to_string(v->v));
	}
	print_str(o, PRINT_ANY, "reason", " (%s)\n", v->reason);
	print_str(o, PRINT_JSON, "stall_source", NULL, v->has_share ? "interval" : "avg10");
	print_bool(o, PRINT_JSON, "averages_lag", NULL, v->lag);
	if (v->lag)
		print_text(o,
			   "note: avg10 %s %% and the live share %s %% disagree: the averages lag, "
			   "the share is what happened in the last %s\n",
			   fmt_centi(s->psi.some.avg10, a, 32), fmt_centi(v->some_share, b, 32),
			   fmt_dur(v->interval_us, d, 32));
	close_json_object(o);
	out_end(o);
}

static void render_line(struct psi_ctx *c, const struct view *v, FILE *out)
{
	const struct cgw_sample *s = &v->s;
	char ts[40], a[16], b[16], d[16], e[16], f[32], g[32];

	iso_time(ts, sizeof(ts));
	fprintf(out, "%s", ts + 11); /* HH:MM:SS.mmmZ */
	if (s->psi_err == 0)
		fprintf(out, " some %6s%% full %6s%% avg10 %s/%s",
			v->has_share ? fmt_centi(v->some_share, a, 16) : "-",
			v->has_share ? fmt_centi(v->full_share, b, 16) : "-",
			fmt_centi(s->psi.some.avg10, d, 16), fmt_centi(s->psi.full.avg10, e, 16));
	else
		fprintf(out, " psi %s",
			psi_missing_code(s->psi_err, &c->layout, c->t.psi_path[0] != 0));
	if (v->has_mem)
		fprintf(out, " usage %s/%s", fmt_size_short(s->usage, true, f, 32),
			fmt_size_short(v->limit, true, g, 32));
	if (v->kills_delta)
		fprintf(out, " kills +%llu", (unsigned long long)v->kills_delta);
	fputc(' ', out);
	color_fputs(out, color_wanted(fileno(out)), color_verdict(v->v), verdict_to_string(v->v));
	fprintf(out, "%s\n", v->lag ? " (avg10 lags)" : "");
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

static int do_sample(struct psi_ctx *c, long count)
{
	struct cgw_sample prev, cur;
	struct view v;
	uint64_t next;
	int r;
	long n = 0;

	r = take(c, &prev);
	if (r < 0)
		return cli_error(c->cli, "cannot read cgroup '%s': %s", c->t.name, strerror(-r));
	next = prev.t_us;
	if (c->interval_us == 0) {
		build_view(c, NULL, &prev, &v);
		if (c->cli->json)
			render(c, &v, stdout, true, false);
		else
			render(c, &v, stdout, false, false);
		if (c->log)
			render(c, &v, c->log, true, true);
		return EXIT_OK;
	}
	for (;;) {
		next += c->interval_us;
		sleep_until(next);
		r = take(c, &cur);
		if (r == -ENOENT)
			return cli_error(c->cli, "cgroup '%s' went away", c->t.name);
		if (r < 0)
			return cli_error(c->cli, "cannot read cgroup '%s': %s", c->t.name,
					 strerror(-r));
		build_view(c, &prev, &cur, &v);
		if (c->log) {
			render(c, &v, c->log, true, true);
			fflush(c->log);
		}
		if (c->cli->json) {
			render(c, &v, stdout, true, c->watch);
		} else if (!c->watch) {
			render(c, &v, stdout, false, false);
		} else if (c->tty) {
			fputs("\033[H\033[2J", stdout);
			render(c, &v, stdout, false, false);
			fflush(stdout);
		} else {
			render_line(c, &v, stdout);
		}
		if (!c->watch || (count > 0 && ++n >= count))
			return EXIT_OK;
		prev = cur;
		/* a late wake-up (stopped terminal, overloaded host) must not cause a burst */
		if (now_us() > next + c->interval_us)
			next = now_us();
	}
}

static int do_wait(struct psi_ctx *c, const char *spec, uint64_t timeout_us, bool strict)
{
	bool full;
	uint64_t stall, window, t0, deadline;
	char a[32], b[32];
	struct json j;
	struct out o;
	int fd, r;

	if (psi_trigger_parse(spec, &full, &stall, &window) < 0)
		return cli_usage_error(
			c->cli,
			"invalid trigger '%s': expected 'some|full STALL/WINDOW' (e.g. "
			"'some 150ms/2s') or 'some|full STALL_US WINDOW_US'",
			spec);
	if (!host_is_live(&c->cli->host))
		return cli_error(c->cli,
				 "--wait needs the live kernel: a PSI trigger cannot be armed "
				 "on a --sysroot tree");
	if (!c->t.psi_path[0]) {
		char buf[512];
		return cli_error(
			c->cli, "%s",
			psi_missing_text(-ENOENT, &c->layout, c->t.name, "", buf, sizeof(buf)));
	}
	fd = psi_trigger_arm(c->t.psi_path, full, stall, window);
	if (fd == -EINVAL && window % 2000000 != 0 && !cgw_has_cap_sys_resource()) {
		uint64_t w2 = psi_window_unprivileged(window);
		if (strict) {
			cli_error(
				c->cli,
				"the kernel refuses the window %s in '%s': without CAP_SYS_RESOURCE "
				"PSI trigger windows must be whole multiples of 2s (nearest: %s)",
				fmt_dur(window, a, sizeof(a)), c->t.psi_path,
				fmt_dur(w2, b, sizeof(b)));
			return EXIT_USAGE;
		}
		cli_warn(c->cli,
			 "the kernel refuses the window %s (without CAP_SYS_RESOURCE only whole "
			 "multiples of 2s are allowed): using %s instead (--strict to refuse)",
			 fmt_dur(window, a, sizeof(a)), fmt_dur(w2, b, sizeof(b)));
		window = w2;
		if (stall > window)
			stall = window;
		fd = psi_trigger_arm(c->t.psi_path, full, stall, window);
	}
	if (fd == -EOPNOTSUPP) {
		char buf[512];
		return cli_error(c->cli, "%s",
				 psi_missing_text(fd, &c->layout, c->t.name, c->t.psi_path, buf,
						  sizeof(buf)));
	}
	if (fd == -EINVAL) {
		cli_error(c->cli,
			  "the kernel refuses the trigger '%s %llu %llu' in '%s': Invalid argument "
			  "(window 500ms..10s, stall <= window)",
			  full ? "full" : "some", (unsigned long long)stall,
			  (unsigned long long)window, c->t.psi_path);
		return EXIT_USAGE;
	}
	if (fd < 0) {
		cli_error(c->cli, "cannot arm a PSI trigger in '%s': %s", c->t.psi_path,
			  strerror(-fd));
		return EXIT_GONE;
	}
	t0 = now_us();
	deadline = timeout_us ? t0 + timeout_us : 0;
	cli_note(c->cli, "armed '%s %s/%s' on %s", full ? "full" : "some", fmt_dur(stall, a, 32),
		 fmt_dur(window, b, 32), c->t.psi_path);
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLPRI };
		int ms = -1;
		if (deadline) {
			uint64_t now = now_us();
			if (now >= deadline)
				break;
			ms = (int)((deadline - now + 999) / 1000);
		}
		r = poll(&pfd, 1, ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			r = -errno;
			close(fd);
			return cli_error(c->cli, "cannot poll '%s': %s", c->t.psi_path,
					 strerror(-r));
		}
		if (r == 0)
			break;
		if (pfd.revents & POLLERR) {
			close(fd);
			cli_error(c->cli, "cgroup '%s' went away while waiting (POLLERR on '%s')",
				  c->t.system ? "/" : c->t.name, c->t.psi_path);
			return EXIT_GONE;
		}
		if (pfd.revents & POLLPRI) {
			uint64_t after = now_us() - t0;
			close(fd);
			o = out_start(&j, stdout, c->cli->json);
			open_json_object(&o, NULL);
			print_bool(&o, PRINT_JSON, "fired", NULL, true);
			print_u64_as(&o, PRINT_ANY, "after_us", "fired after %s", true, after,
				     fmt_dur(after, a, 32));
			print_str(&o, PRINT_JSON, "pressure_file", NULL, c->t.psi_path);
			print_u64_as(&o, PRINT_ANY, "stall_us",
				     full ? ": full stall >= %s" : ": some stall >= %s", true,
				     stall, fmt_dur(stall, b, 32));
			print_u64_as(&o, PRINT_ANY, "window_us", " within %s", true, window,
				     fmt_dur(window, a, 32));
			print_str(&o, PRINT_TEXT, NULL, " in %s\n",
				  c->t.system ? "the system" : c->t.name);
			close_json_object(&o);
			out_end(&o);
			return EXIT_OK;
		}
	}
	close(fd);
	o = out_start(&j, stdout, c->cli->json);
	open_json_object(&o, NULL);
	print_bool(&o, PRINT_JSON, "fired", NULL, false);
	print_text(&o, "timeout: no %s stall of %s within %s in ", full ? "full" : "some",
		   fmt_dur(stall, a, 32), fmt_dur(window, b, 32));
	print_str(&o, PRINT_TEXT, NULL, "%s", c->t.system ? "the system" : c->t.name);
	print_u64_as(&o, PRINT_ANY, "timeout_us", " for %s\n", true, timeout_us,
		     fmt_dur(timeout_us, a, 32));
	print_str(&o, PRINT_JSON, "pressure_file", NULL, c->t.psi_path);
	close_json_object(&o);
	out_end(&o);
	return EXIT_FAIL;
}

/* The psi view of a resolved cgroup: its memory directory and its own pressure file. */
static void target_from_cgt(struct psi_ctx *c)
{
	const struct cg_target *g = &c->cgt;
	struct cgw_target *t = &c->t;

	memset(t, 0, sizeof(*t));
	t->pid = g->pid;
	xsnprintf(t->name, sizeof(t->name), "%s", g->name);
	if (g->v2name[0] && strcmp(g->v2name, g->name) != 0)
		xsnprintf(t->v2name, sizeof(t->v2name), "%s", g->v2name);
	xsnprintf(t->mem, sizeof(t->mem), "%s", g->mem);
	t->mem_is_v2 = g->mem_is_v2;
	if (g->v2dir[0]) {
		path_join(t->psi_path, sizeof(t->psi_path), g->v2dir, "memory.pressure");
		/* the root cgroup's pressure is the system's; older kernels have no root file */
		if (strcmp(g->v2name, "/") == 0 && access(t->psi_path, F_OK) < 0)
			host_path(&c->cli->host, "/proc/pressure/memory", t->psi_path,
				  sizeof(t->psi_path));
		c->host_pressure = strcmp(g->v2name, "/") == 0 && strcmp(g->name, "/") != 0;
	}
}

int cmd_psi(struct cli *cli, int argc, char **argv)
{
	enum { OPT_THRESH = 0x100, OPT_WAIT, OPT_TIMEOUT, OPT_STRICT };
	static const struct option opts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "watch", no_argument, NULL, 'w' },
		{ "count", required_argument, NULL, 'n' },
		{ "log", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'J' },
		{ "thresholds", required_argument, NULL, OPT_THRESH },
		{ "wait", required_argument, NULL, OPT_WAIT },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct psi_ctx c = { .cli = cli, .th = verdict_default_thresholds, .interval_us = 1000000 };
	const char *wait_spec = NULL, *log_path = NULL, *target = NULL;
	uint64_t timeout_us = 0, count = 0;
	bool strict = false, timeout_set = false;
	int o, r;

	optind = 0;
	opterr = 0; /* one message per error, ours; TARGET may come before the options */
	while ((o = getopt_long(argc, argv, ":i:wn:l:Jh", opts, NULL)) != -1) {
		switch (o) {
		case 'i':
			if (cli_parse_duration(cli, "--interval", optarg, &c.interval_us))
				return EXIT_USAGE;
			break;
		case 'w':
			c.watch = true;
			break;
		case 'n':
			if (parse_u64(optarg, &count) < 0 || count == 0 || count > 1000000000)
				return cli_usage_error(cli, "invalid count '%s' for --count",
						       optarg);
			break;
		case 'l':
			log_path = optarg;
			break;
		case 'J':
			cli->json = true;
			break;
		case OPT_THRESH:
			if (cli_parse_thresholds(cli, optarg, &c.th))
				return EXIT_USAGE;
			break;
		case OPT_WAIT:
			wait_spec = optarg;
			break;
		case OPT_TIMEOUT:
			if (cli_parse_duration(cli, "--timeout", optarg, &timeout_us))
				return EXIT_USAGE;
			timeout_set = true;
			break;
		case OPT_STRICT:
			strict = true;
			break;
		case 'h':
			help();
			return EXIT_OK;
		default:
			return cli_option_error(cli, argv, o);
		}
	}
	if (optind < argc)
		target = argv[optind++];
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	if (count && !c.watch)
		return cli_usage_error(cli, "--count goes with --watch (without it psi takes one "
					    "sample)");
	if (c.watch && c.interval_us == 0)
		return cli_usage_error(cli, "--watch needs an interval above 0");
	if (c.interval_us > 0 && c.interval_us < 10000)
		return cli_usage_error(cli, "--interval must be at least 10ms");
	if (!wait_spec && (timeout_set || strict))
		return cli_usage_error(cli, "--timeout and --strict go with --wait");
	if (wait_spec && (c.watch || log_path))
		return cli_usage_error(cli, "--wait cannot be combined with --watch or --log");
	if (timeout_set && timeout_us == 0)
		return cli_usage_error(cli, "--timeout must be above 0");

	r = cg_layout_detect(&cli->host, &c.layout);
	c.has_layout = r >= 0;
	if (r < 0)
		memset(&c.layout, 0, sizeof(c.layout));
	if (!target) {
		c.t.system = true;
		r = host_path(&cli->host, "/proc/pressure/memory", c.t.psi_path,
			      sizeof(c.t.psi_path));
		if (r < 0)
			return cli_error(cli, "cannot resolve the system target: %s", strerror(-r));
	} else {
		if (!c.has_layout)
			return cli_error(cli, "cannot read the cgroup mounts: %s", strerror(-r));
		if ((r = cli_resolve_cgroup(cli, &c.layout, "TARGET", target, CGT_DIGITS_ARE_PID,
					    &c.cgt)))
			return r;
		c.has_cgt = true;
		c.target_arg = target;
		target_from_cgt(&c);
	}

	if (wait_spec)
		return do_wait(&c, wait_spec, timeout_us, strict);

	c.tty = isatty(STDOUT_FILENO);
	if (log_path) {
		int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (fd < 0)
			return cli_error(cli, "cannot open '%s': %s", log_path, strerror(errno));
		c.log = fdopen(fd, "a");
		if (!c.log) {
			close(fd);
			return cli_error(cli, "cannot open '%s': %s", log_path, strerror(errno));
		}
	}
	r = do_sample(&c, (long)count);
	if (c.log)
		fclose(c.log);
	return r;
}

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
#include "psiview.h"
#include "cgarg.h"
#include "../lib/cgwalk.h"
#include "../lib/memstat.h"
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

static void render_json(struct psi_ctx *c, const struct view *v, FILE *out, bool with_time)
{
	struct json j;
	const struct cgw_sample *s = &v->s;
	char ts[40];

	json_init(&j, out, false);
	json_obj_open(&j);
	if (with_time) {
		iso_time(ts, sizeof(ts));
		json_kv_str(&j, "time", ts);
	}
	json_key(&j, "target");
	json_obj_open(&j);
	json_kv_str(&j, "kind", c->t.system ? "system" : "cgroup");
	if (!c->t.system)
		json_kv_str(&j, "name", c->t.name);
	if (c->t.v2name[0])
		json_kv_str(&j, "v2_name", c->t.v2name);
	if (c->t.pid > 0)
		json_kv_i64(&j, "pid", c->t.pid);
	if (!c->t.system) {
		json_key(&j, "memory_dir");
		json_str(&j, c->t.mem[0] ? c->t.mem : NULL);
	}
	json_key(&j, "pressure_file");
	json_str(&j, c->t.psi_path[0] ? c->t.psi_path : NULL);
	/* whose pressure the file is: "cgroup" (its own), "host" (the system's, or the root
	 * cgroup2 file read for a cgroup that has no PSI file of its own), null: none */
	json_key(&j, "pressure_of");
	json_str(&j, !c->t.psi_path[0]						    ? NULL :
		     c->t.system || c->host_pressure || strcmp(c->t.name, "/") == 0 ? "host" :
										      "cgroup");
	json_obj_close(&j);
	if (c->has_cgt)
		cli_cgroup_target_json(&j, c->target_arg, &c->cgt);
	json_kv_u64_opt(&j, "interval_us", v->has_share, v->interval_us);
	json_key(&j, "psi");
	if (s->psi_err == 0) {
		json_obj_open(&j);
		psi_line_to_json(&j, "some", &s->psi.some, v->has_share, v->some_share);
		psi_line_to_json(&j, "full", &s->psi.full, v->has_share, v->full_share);
		json_obj_close(&j);
	} else {
		char buf[512];
		json_null(&j);
		json_kv_str(&j, "psi_missing",
			    psi_missing_code(s->psi_err, &c->layout, c->t.psi_path[0] != 0));
		json_kv_str(&j, "psi_error",
			    psi_missing_text(s->psi_err, c->has_layout ? &c->layout : NULL,
					     c->t.name, c->t.psi_path, buf, sizeof(buf)));
	}
	json_key(&j, "memory");
	if (v->has_mem) {
		uint32_t us = verdict_share_of(s->usage, v->limit);
		uint32_t un = verdict_share_of(v->unrecl, v->limit);
		json_obj_open(&j);
		json_kv_u64(&j, "usage", s->usage);
		json_kv_u64_opt(&j, "limit", s->max != SIZE_UNLIMITED, s->max);
		json_kv_u64_opt(&j, "binding_limit", v->limit != SIZE_UNLIMITED, v->limit);
		json_key(&j, "usage_share");
		if (us == UINT32_MAX)
			json_null(&j);
		else
			json_centi(&j, us);
		json_kv_u64_opt(&j, "unreclaimable", v->has_unrecl, v->unrecl);
		json_key(&j, "unreclaimable_share");
		if (!v->has_unrecl || un == UINT32_MAX)
			json_null(&j);
		else
			json_centi(&j, un);
		if (!c->t.system) {
			json_kv_u64_opt(&j, "high", s->has_high && s->high != SIZE_UNLIMITED,
					s->high);
			json_kv_u64_opt(&j, "peak", s->has_peak, s->peak);
			json_kv_u64_opt(&j, "oom_kill", s->has_oom_kill, s->oom_kill);
			json_kv_u64_opt(&j, "high_events", s->has_high_events, s->high_events);
		}
		json_obj_close(&j);
	} else {
		json_null(&j);
	}
	json_kv_str(&j, "verdict", verdict_to_string(v->v));
	json_kv_str(&j, "reason", v->reason);
	json_kv_str(&j, "stall_source", v->has_share ? "interval" : "avg10");
	json_kv_bool(&j, "averages_lag", v->lag);
	json_obj_close(&j);
	json_end(&j);
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

static void render_text(struct psi_ctx *c, const struct view *v, FILE *out)
{
	const struct cgw_sample *s = &v->s;
	char a[32], b[32], d[32], buf[512];
	/* cgroup names and paths may hold ESC or CR: never raw to the terminal */
	char n1[PATH_MAX], n2[PATH_MAX], n3[PATH_MAX];

	char q[PATH_MAX];

	term_safe(c->t.name, n1, sizeof(n1));
	if (c->t.system)
		fprintf(out, "memory pressure: the whole system\n");
	else if (c->host_pressure && c->t.pid > 0)
		fprintf(out,
			"memory pressure: the whole host (pid %d's memory cgroup %s has no PSI "
			"file of its own)\n",
			(int)c->t.pid, cli_quote_n(c->t.name, 0, q, sizeof(q)));
	else if (c->host_pressure)
		fprintf(out,
			"memory pressure: the whole host (cgroup %s has no PSI file of its own)\n",
			cli_quote_n(c->t.name, 0, q, sizeof(q)));
	else if (c->t.pid > 0)
		fprintf(out, "memory pressure: cgroup %s (pid %d)\n",
			cli_quote_n(c->t.name, 0, q, sizeof(q)), (int)c->t.pid);
	else
		fprintf(out, "memory pressure: cgroup %s\n",
			cli_quote_n(c->t.name, 0, q, sizeof(q)));
	if (c->t.psi_path[0])
		fprintf(out, "  pressure file  %s (%s)\n", term_safe(c->t.psi_path, n2, sizeof(n2)),
			c->t.system		    ? "the host's" :
			c->host_pressure	    ? "the host's: the cgroup2 path is the root" :
			strcmp(c->t.name, "/") == 0 ? "the host's: the root cgroup" :
						      "the cgroup's own");
	if (c->t.v2name[0])
		fprintf(out, "  (the pid's cgroup2 path is %s, its memory cgroup %s)\n",
			term_safe(c->t.v2name, n3, sizeof(n3)), n1);
	if (c->t.mem[0])
		fprintf(out, "  memory dir     %s (%s)\n", term_safe(c->t.mem, n2, sizeof(n2)),
			c->t.mem_is_v2 ? "v2" : "v1");
	fprintf(out, "\n");
	if (s->psi_err == 0) {
		fprintf(out, "%-5s %7s %7s %7s %15s %7s\n", "", "avg10", "avg60", "avg300", "total",
			"share");
		text_psi_row(out, "some", &s->psi.some, v->has_share, v->some_share,
			     "at least one task stalled waiting for memory");
		if (s->psi.full.present)
			text_psi_row(out, "full", &s->psi.full, v->has_share, v->full_share,
				     "all non-idle tasks stalled at once: no progress");
		fprintf(out,
			"\navg10/60/300: the kernel's running averages in %% over 10 s, 60 s, 300 s "
			"(updated every 2 s: they lag)\n");
		if (v->has_share)
			fprintf(out, "share: %% of the last %s stalled, from total deltas (live)\n",
				fmt_dur(v->interval_us, a, sizeof(a)));
		else
			fprintf(out,
				"share: not measured (--interval 0): the verdict uses avg10\n");
		fprintf(out, "total: stall time since %s\n",
			c->t.system || c->host_pressure ? "boot" : "the cgroup was created");
	} else {
		fprintf(out, "psi: %s\n",
			psi_missing_text(s->psi_err, c->has_layout ? &c->layout : NULL, c->t.name,
					 c->t.psi_path, buf, sizeof(buf)));
	}
	fprintf(out, "\n");
	if (v->has_mem) {
		uint32_t us = verdict_share_of(s->usage, v->limit);
		uint32_t un = verdict_share_of(v->unrecl, v->limit);
		if (c->t.system) {
			fprintf(out, "memory: %s used of %s (MemTotal - MemAvailable)",
				fmt_size_short(s->usage, true, a, 32),
				fmt_size_short(v->limit, true, b, 32));
		} else {
			fprintf(out, "memory: usage %s, limit %s",
				fmt_size_short(s->usage, true, a, 32),
				fmt_size_short(v->limit, true, b, 32));
			if (v->limit != s->max)
				fprintf(out, " (set on an ancestor)");
		}
		if (us != UINT32_MAX)
			fprintf(out, " = %s %%", fmt_centi(us, d, sizeof(d)));
		fprintf(out, "\n");
		if (!c->t.system && v->has_unrecl) {
			fprintf(out, "        anon+shmem %s",
				fmt_size_short(v->unrecl, true, a, 32));
			if (un != UINT32_MAX)
				fprintf(out, " = %s %% of the limit", fmt_centi(un, d, sizeof(d)));
			fprintf(out, " (only a kill gets it back without swap)\n");
		}
		if (!c->t.system) {
			fprintf(out, "        high %s, peak %s, oom kills %s",
				fmt_size_short(s->high, s->has_high, a, 32),
				fmt_size_short(s->peak, s->has_peak, b, 32),
				s->has_oom_kill ? "" : "-");
			if (s->has_oom_kill)
				fprintf(out, "%llu", (unsigned long long)s->oom_kill);
			fprintf(out, "\n");
		}
	} else if (!c->t.system) {
		fprintf(out, "memory: no memory controller directory for this cgroup\n");
	}
	fputs("verdict: ", out);
	color_fputs(out, color_wanted(fileno(out)), color_verdict(v->v), verdict_to_string(v->v));
	fprintf(out, " (%s)\n", v->reason);
	if (v->lag)
		fprintf(out,
			"note: avg10 %s %% and the live share %s %% disagree: the averages lag, "
			"the share is what happened in the last %s\n",
			fmt_centi(s->psi.some.avg10, a, 32), fmt_centi(v->some_share, b, 32),
			fmt_dur(v->interval_us, d, 32));
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
			render_json(c, &v, stdout, false);
		else
			render_text(c, &v, stdout);
		if (c->log)
			render_json(c, &v, c->log, true);
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
			render_json(c, &v, c->log, true);
			fflush(c->log);
		}
		if (c->cli->json) {
			render_json(c, &v, stdout, c->watch);
		} else if (!c->watch) {
			render_text(c, &v, stdout);
		} else if (c->tty) {
			fputs("\033[H\033[2J", stdout);
			render_text(c, &v, stdout);
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
			if (c->cli->json) {
				struct json j;
				json_init(&j, stdout, false);
				json_obj_open(&j);
				json_kv_bool(&j, "fired", true);
				json_kv_u64(&j, "after_us", after);
				json_kv_str(&j, "pressure_file", c->t.psi_path);
				json_kv_u64(&j, "stall_us", stall);
				json_kv_u64(&j, "window_us", window);
				json_obj_close(&j);
				json_end(&j);
			} else {
				char nm[PATH_MAX];
				printf("fired after %s: %s stall >= %s within %s in %s\n",
				       fmt_dur(after, a, 32), full ? "full" : "some",
				       fmt_dur(stall, b, 32), fmt_dur(window, (char[32]){ 0 }, 32),
				       c->t.system ? "the system" :
						     term_safe(c->t.name, nm, sizeof(nm)));
			}
			return EXIT_OK;
		}
	}
	close(fd);
	if (c->cli->json) {
		struct json j;
		json_init(&j, stdout, false);
		json_obj_open(&j);
		json_kv_bool(&j, "fired", false);
		json_kv_u64(&j, "timeout_us", timeout_us);
		json_kv_str(&j, "pressure_file", c->t.psi_path);
		json_obj_close(&j);
		json_end(&j);
	} else {
		char nm[PATH_MAX];
		printf("timeout: no %s stall of %s within %s in %s for %s\n",
		       full ? "full" : "some", fmt_dur(stall, a, 32), fmt_dur(window, b, 32),
		       c->t.system ? "the system" : term_safe(c->t.name, nm, sizeof(nm)),
		       fmt_dur(timeout_us, (char[32]){ 0 }, 32));
	}
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

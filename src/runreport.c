// SPDX-License-Identifier: MIT
#include "runreport.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/psi.h"
#include "../lib/banned.h"

/* percent of limit in hundredths, 0 without a limit */
static uint32_t pct(uint64_t part, uint64_t whole)
{
	if (whole == 0 || whole == SIZE_UNLIMITED)
		return 0;
	return (uint32_t)((unsigned __int128)part * 10000 / whole);
}

void runreport_init(struct run_state *st, struct cli *cli, FILE *live, FILE *timeline,
		    const char *timeline_path, bool quiet)
{
	st->cli = cli;
	st->live = live;
	st->timeline = timeline;
	st->quiet = quiet;
	st->tty = isatty(fileno(live));
	if (timeline) {
		const char *dot = strrchr(timeline_path, '.');
		st->timeline_csv = dot && strcmp(dot, ".csv") == 0;
		if (st->timeline_csv)
			fprintf(timeline,
				"t_us,current_bytes,peak_bytes,max_bytes,high_bytes,anon_bytes,file_bytes,shmem_bytes,"
				"some_avg10,full_avg10,some_share,full_share,some_total_us,full_total_us,"
				"high_events,max_events,oom_kills,verdict\n");
	}
}

static uint64_t limit_of(const struct cg_sample *s)
{
	return s->max;
}

static void mib(char *buf, size_t sz, uint64_t b)
{
	if (b == SIZE_UNLIMITED)
		xsnprintf(buf, sz, "max");
	else
		xsnprintf(buf, sz, "%" PRIu64 ".%" PRIu64 "M", b >> 20, ((b & 0xfffff) * 10) >> 20);
}

static void centi(char *buf, size_t sz, uint32_t c)
{
	xsnprintf(buf, sz, "%u.%02u", c / 100, c % 100);
}

static void write_timeline(struct run_state *st, const struct cg_sample *s, uint32_t some_share,
			   uint32_t full_share)
{
	FILE *f = st->timeline;
	bool psi = s->psi_err == 0;
	uint64_t t = s->t_us - st->t_start;

	if (!f)
		return;
	if (st->timeline_csv) {
		fprintf(f, "%" PRIu64 ",%" PRIu64 ",", t, s->current);
		if (s->has_peak)
			fprintf(f, "%" PRIu64, s->peak);
		fprintf(f, ",");
		if (s->max != SIZE_UNLIMITED)
			fprintf(f, "%" PRIu64, s->max);
		fprintf(f, ",");
		if (s->has_high && s->high != SIZE_UNLIMITED)
			fprintf(f, "%" PRIu64, s->high);
		fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",", s->stat.anon, s->stat.file,
			s->stat.shmem);
		if (psi)
			fprintf(f, "%u.%02u,%u.%02u,%u.%02u,%u.%02u,%" PRIu64 ",%" PRIu64,
				s->psi.some.avg10 / 100, s->psi.some.avg10 % 100,
				s->psi.full.avg10 / 100, s->psi.full.avg10 % 100, some_share / 100,
				some_share % 100, full_share / 100, full_share % 100,
				s->psi.some.total_us, s->psi.full.total_us);
		else
			fprintf(f, ",,,,,");
		fprintf(f, ",");
		if (s->has_high_events)
			fprintf(f, "%" PRIu64, s->high_events);
		fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%s\n", s->max_events,
			s->oom_kill - st->base.oom_kill, verdict_to_string(st->verdict));
	} else {
		struct json j;
		json_init(&j, f, false);
		json_obj_open(&j);
		json_kv_u64(&j, "t_us", t);
		json_kv_u64(&j, "current_bytes", s->current);
		json_kv_u64_opt(&j, "peak_bytes", s->has_peak, s->peak);
		json_kv_u64_opt(&j, "max_bytes", s->max != SIZE_UNLIMITED, s->max);
		json_kv_u64_opt(&j, "high_bytes", s->has_high && s->high != SIZE_UNLIMITED, s->high);
		json_kv_u64(&j, "anon_bytes", s->stat.anon);
		json_kv_u64(&j, "file_bytes", s->stat.file);
		json_kv_u64(&j, "shmem_bytes", s->stat.shmem);
		if (psi) {
			json_kv_centi(&j, "some_avg10", s->psi.some.avg10);
			json_kv_centi(&j, "full_avg10", s->psi.full.avg10);
			json_kv_centi(&j, "some_share", some_share);
			json_kv_centi(&j, "full_share", full_share);
			json_kv_u64(&j, "some_total_us", s->psi.some.total_us);
			json_kv_u64(&j, "full_total_us", s->psi.full.total_us);
		} else {
			json_kv_null(&j, "some_avg10");
			json_kv_null(&j, "full_avg10");
			json_kv_null(&j, "some_share");
			json_kv_null(&j, "full_share");
		}
		json_kv_u64_opt(&j, "high_events", s->has_high_events, s->high_events);
		json_kv_u64(&j, "max_events", s->max_events);
		json_kv_u64(&j, "oom_kills", s->oom_kill - st->base.oom_kill);
		json_kv_str(&j, "verdict", verdict_to_string(st->verdict));
		json_obj_close(&j);
		json_end(&j);
	}
	fflush(f);
}

static void live_line(struct run_state *st, const struct cg_sample *s, uint32_t some_share,
		      uint32_t full_share)
{
	char cur[32], max[32], high[48] = "", anon[32], file[32], psi[96], line[512];
	char a[16], b[16], c[16], d[16];
	uint64_t lim = limit_of(s), t = s->t_us - st->t_start;

	mib(cur, sizeof(cur), s->current);
	mib(max, sizeof(max), lim);
	if (s->has_high && s->high != SIZE_UNLIMITED) {
		char h[32];
		mib(h, sizeof(h), s->high);
		xsnprintf(high, sizeof(high), " high %s", h);
	}
	mib(anon, sizeof(anon), s->stat.anon + s->stat.shmem);
	mib(file, sizeof(file), s->stat.file);
	if (s->psi_err == 0) {
		centi(a, sizeof(a), some_share);
		centi(b, sizeof(b), s->psi.some.avg10);
		centi(c, sizeof(c), full_share);
		centi(d, sizeof(d), s->psi.full.avg10);
		xsnprintf(psi, sizeof(psi), "some %6s%% (avg10 %5s)  full %6s%% (avg10 %5s)", a, b,
			  c, d);
	} else {
		xsnprintf(psi, sizeof(psi), "psi n/a");
	}
	xsnprintf(line, sizeof(line),
		  "%4" PRIu64 ".%02" PRIu64 "s  usage %7s / max %s%s (%3u%%)  anon %7s  file %7s  %s  %s",
		  t / 1000000, t / 10000 % 100, cur, max, high, pct(s->current, lim) / 100, anon, file,
		  psi, verdict_to_string(st->verdict));
	if (st->tty)
		fprintf(st->live, "\r\033[K%s", line);
	else
		fprintf(st->live, "%s\n", line);
	fflush(st->live);
	st->live_lines++;
}

static void keep_point(struct run_state *st, const struct cg_sample *s, uint32_t some_share,
		       uint32_t full_share)
{
	struct run_point *p;

	if (st->npoints == st->cap_points) {
		size_t cap = st->cap_points ? st->cap_points * 2 : 256;
		struct run_point *n = realloc(st->points, cap * sizeof(*n));
		if (!n)
			return; /* plots get fewer points; the run goes on */
		st->points = n;
		st->cap_points = cap;
	}
	p = &st->points[st->npoints++];
	memset(p, 0, sizeof(*p));
	p->t_us = s->t_us - st->t_start;
	p->current = s->current;
	p->anon = s->stat.anon + s->stat.shmem;
	p->file = s->stat.file;
	p->max = s->max;
	p->high = s->has_high ? s->high : SIZE_UNLIMITED;
	p->has_psi = s->psi_err == 0;
	if (p->has_psi) {
		p->some_share = some_share;
		p->full_share = full_share;
		p->some_avg10 = s->psi.some.avg10;
		p->full_avg10 = s->psi.full.avg10;
	}
	p->high_events = s->high_events - st->base.high_events;
	p->oom_kills = s->oom_kill - st->base.oom_kill;
	p->verdict = st->verdict;
	if (st->peer_psi) {
		struct psi q;
		uint64_t t = now_us();
		if (psi_read(st->peer_psi, &q) == 0) {
			if (st->peer_prev_ok) {
				p->has_peer = true;
				p->peer_some_share =
					psi_share(st->peer_prev_total, q.some.total_us, t - st->peer_prev_t);
			}
			st->peer_prev_ok = true;
			st->peer_prev_total = q.some.total_us;
			st->peer_prev_t = t;
		}
	}
}

/* Not yet exited (a zombie still answers kill(pid, 0), so ask waitid without reaping). */
static bool alive(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
		return false;
	return si.si_pid == 0;
}

void runreport_sample(struct run_state *st, bool baseline)
{
	struct cg_sample s;
	uint32_t some_share = 0, full_share = 0;
	struct verdict_in vi = { 0 };

	if (cg_sample(st->cg, &s) < 0)
		return;
	if (baseline) {
		st->base = s;
		st->prev = s;
		st->have_prev = true;
		st->has_oom_counter = s.has_oom_kill;
		return;
	}
	st->nsamples++;
	if (s.current > st->peak_seen)
		st->peak_seen = s.current;
	if (s.psi_err == 0 && st->have_prev && st->prev.psi_err == 0) {
		uint64_t wall = s.t_us - st->prev.t_us;
		some_share = psi_share(st->prev.psi.some.total_us, s.psi.some.total_us, wall);
		full_share = psi_share(st->prev.psi.full.total_us, s.psi.full.total_us, wall);
	}
	/* the shared rules of docs/VERDICT.md (lib/verdict.c), as psi and top apply them */
	vi.some_share = some_share;
	vi.full_share = full_share;
	vi.has_psi = s.psi_err == 0 && st->have_prev && st->prev.psi_err == 0;
	vi.has_full = s.psi.full.present;
	vi.usage = s.current;
	vi.limit = limit_of(&s);
	vi.high = s.has_high ? s.high : SIZE_UNLIMITED;
	vi.has_unreclaimable = s.has_stat;
	vi.unreclaimable = s.stat.anon + s.stat.shmem;
	vi.high_events = s.high_events - st->prev.high_events;
	vi.oom_kills = s.oom_kill - st->prev.oom_kill;
	st->verdict = verdict_eval(&vi, &verdict_default_thresholds);
	if (st->verdict > st->worst)
		st->worst = st->verdict;
	/* still alive? (a sample after death shows an empty cgroup) */
	if (!st->t_end && alive(st->pid)) {
		if (!st->have_alive || s.current >= st->top.current)
			st->top = s;
		st->alive = s;
		st->have_alive = true;
		if (s.oom_kill == st->base.oom_kill) {
			st->prekill = s;
			st->have_prekill = true;
		}
	}
	if (!st->quiet)
		live_line(st, &s, some_share, full_share);
	write_timeline(st, &s, some_share, full_share);
	if (st->keep_samples)
		keep_point(st, &s, some_share, full_share);
	st->prev = s;
	st->have_prev = true;
	st->last = s;
}

static void read_host(struct run_state *st)
{
	char path[PATH_MAX], buf[8192];

	if (host_path(&st->cli->host, "/proc/meminfo", path, sizeof(path)) < 0)
		return;
	if (read_file(path, buf, sizeof(buf)) < 0)
		return;
	if (meminfo_parse(buf, &st->host) == 0)
		st->has_host = true;
}

void runreport_finish(struct run_state *st)
{
	if (st->tty && st->live_lines && !st->quiet) {
		fputc('\n', st->live);
		fflush(st->live);
	}
	if (cg_sample(st->cg, &st->final) == 0) {
		st->has_oom_counter = st->final.has_oom_kill;
		st->oom_kills = st->final.oom_kill - st->base.oom_kill;
		if (st->final.current > st->peak_seen)
			st->peak_seen = st->final.current;
	}
	st->oom_killed = !st->exited && st->signal == SIGKILL && st->oom_kills > 0;
	if (st->oom_kills > 0)
		st->worst = V_CRITICAL;
	read_host(st);
}

static uint64_t peak_of(const struct run_state *st)
{
	if (st->final.has_peak)
		return st->final.peak;
	return st->peak_seen;
}

/*
 * The memory picture that explains the outcome: at death, the last sample taken while the
 * command was alive and before the cgroup's oom_kill counter moved (once a victim is chosen the
 * oom_reaper frees its memory while it is still "alive"); after a normal exit, the sample with
 * the highest usage (a program frees its page cache and memory just before it exits).
 */
static const struct cg_sample *at_death(const struct run_state *st)
{
	if (!st->have_alive)
		return &st->final;
	if (st->exited)
		return &st->top;
	return st->have_prekill ? &st->prekill : &st->alive;
}

static const char *breakdown_at(const struct run_state *st)
{
	if (!st->have_alive)
		return "end";
	return st->exited ? "highest_sample" : "death";
}

static const char *limit_file(const struct run_state *st)
{
	return st->mem_is_v2 ? "memory.max" : "memory.limit_in_bytes";
}

static void print_json(struct run_state *st)
{
	struct json j;
	const struct cg_sample *d = at_death(st);
	uint64_t lim = st->final.max;

	json_init(&j, stdout, false);
	json_obj_open(&j);
	json_kv_str(&j, "cgroup_mode", cg_mode_to_string(st->mode));
	json_kv_str(&j, "cgroup", st->cg_name_copy);
	json_kv_u64_opt(&j, "limit_bytes", lim != SIZE_UNLIMITED, lim);
	json_kv_u64_opt(&j, "high_bytes",
			st->has_high_opt && !st->high_unsupported && st->opts_high != SIZE_UNLIMITED,
			st->opts_high);
	json_kv_bool(&j, "high_supported", st->mem_is_v2);
	json_kv_i64(&j, "pid", st->pid);
	json_kv_i64_opt(&j, "exit_code", st->exited, st->exit_code);
	json_kv_i64_opt(&j, "signal", !st->exited, st->signal);
	json_kv_u64(&j, "exit_status", st->exited ? (uint64_t)st->exit_code : 128 + (uint64_t)st->signal);
	json_kv_bool(&j, "oom_killed", st->oom_killed);
	json_kv_u64_opt(&j, "oom_kills", st->has_oom_counter, st->oom_kills);
	json_kv_u64(&j, "peak_bytes", peak_of(st));
	json_kv_str(&j, "peak_source",
		    st->final.has_peak ? (st->mem_is_v2 ? "memory.peak" : "memory.max_usage_in_bytes") :
					 "samples");
	json_kv_u64(&j, "anon_bytes", d->stat.anon + d->stat.shmem);
	json_kv_u64(&j, "file_bytes", d->stat.file);
	json_kv_u64(&j, "shmem_bytes", d->stat.shmem);
	json_kv_u64(&j, "usage_at_end_bytes", d->current);
	json_kv_u64_opt(&j, "host_available_bytes", st->has_host && st->host.has_available,
			st->host.available);
	json_kv_u64_opt(&j, "host_total_bytes", st->has_host, st->host.total);
	json_kv_u64_opt(&j, "high_events", st->final.has_high_events,
			st->final.high_events - st->base.high_events);
	json_kv_u64(&j, "max_events", st->final.max_events - st->base.max_events);
	json_kv_bool(&j, "reclaimed_at_limit",
		     st->final.max_events > st->base.max_events && st->oom_kills == 0);
	json_kv_bool(&j, "sampled_alive", st->have_alive);
	json_kv_str(&j, "breakdown_at", breakdown_at(st));
	json_kv_str(&j, "verdict", verdict_to_string(st->worst));
	json_kv_u64(&j, "duration_us", st->t_end > st->t_start ? st->t_end - st->t_start : 0);
	json_kv_u64(&j, "samples", st->nsamples);
	if (st->final.psi_err == 0) {
		json_key(&j, "psi");
		json_obj_open(&j);
		json_kv_u64(&j, "some_total_us", st->final.psi.some.total_us - st->base.psi.some.total_us);
		json_kv_u64(&j, "full_total_us", st->final.psi.full.total_us - st->base.psi.full.total_us);
		json_obj_close(&j);
	} else {
		json_kv_null(&j, "psi");
	}
	if (st->interrupted_by)
		json_kv_str(&j, "interrupted_by", sigabbrev_np(st->interrupted_by));
	json_key(&j, "victim");
	if (st->has_victim)
		oom_event_to_json(&st->victim, &j);
	else
		json_null(&j);
	json_obj_close(&j);
	json_end(&j);
}

static void print_text(struct run_state *st)
{
	FILE *o = stdout;
	const struct cg_sample *d = at_death(st);
	uint64_t lim = st->final.max, peak = peak_of(st);
	uint64_t anon = d->stat.anon + d->stat.shmem, file = d->stat.file;
	char b1[32], b2[32], b3[32];

	fprintf(o, "\n");
	if (st->exited)
		fprintf(o, "outcome:   exited with status %d\n", st->exit_code);
	else if (st->oom_killed)
		fprintf(o, "outcome:   killed by SIGKILL (exit status 137): the kernel's OOM killer, inside this cgroup\n");
	else
		fprintf(o, "outcome:   killed by SIG%s (exit status %d)%s\n",
			sigabbrev_np(st->signal) ? sigabbrev_np(st->signal) : "?", 128 + st->signal,
			st->interrupted_by ? " after oomlab was interrupted" : "");
	if (st->oom_kills > 0 && !st->oom_killed)
		fprintf(o, "           the OOM killer killed %" PRIu64 " process(es) in this cgroup, but not the command itself\n",
			st->oom_kills);

	fprintf(o, "cgroup:    %s (%s layout; limit in %s)\n", st->cg_name_copy,
		cg_mode_to_string(st->mode), limit_file(st));
	if (st->oom_kills > 0)
		fprintf(o, "why:       the cgroup hit its own limit, %s = %s: a cgroup-local OOM, not host memory exhaustion\n",
			limit_file(st), format_bytes(lim, b1, sizeof(b1)));
	if (st->has_oom_counter)
		fprintf(o, "oom kills: %" PRIu64 " (%s oom_kill counter, before vs after)\n", st->oom_kills,
			st->mem_is_v2 ? "memory.events" : "memory.oom_control");
	if (lim != SIZE_UNLIMITED)
		fprintf(o, "peak:      %s of %s (%u.%u %%, from %s)\n", format_bytes(peak, b1, sizeof(b1)),
			format_bytes(lim, b2, sizeof(b2)), pct(peak, lim) / 100, pct(peak, lim) % 100 / 10,
			st->final.has_peak ? (st->mem_is_v2 ? "memory.peak" : "memory.max_usage_in_bytes") :
					     "samples");
	else
		fprintf(o, "peak:      %s (no limit)\n", format_bytes(peak, b1, sizeof(b1)));
	if (!st->have_alive) {
		fprintf(o, "memory:    the command ended before the first sample (--interval); no live breakdown\n");
	} else if (d->current > 0) {
		fprintf(o, "memory:    %s %s: anonymous %s (%u.%u %%), page cache %s (%u.%u %%)\n",
			st->exited ? "at the highest sample" : "at death",
			format_bytes(d->current, b1, sizeof(b1)), format_bytes(anon, b2, sizeof(b2)),
			pct(anon, d->current) / 100, pct(anon, d->current) % 100 / 10,
			format_bytes(file, b3, sizeof(b3)), pct(file, d->current) / 100,
			pct(file, d->current) % 100 / 10);
		if (st->oom_killed && pct(anon, d->current) >= 9000)
			fprintf(o, "           almost all of it anonymous: the kernel cannot drop it without swap, so it had to kill\n");
		else if (!st->oom_killed && file > anon)
			fprintf(o, "           mostly page cache: the kernel reclaims it at the limit instead of killing\n");
	}
	if (st->final.max_events > st->base.max_events && st->oom_kills == 0)
		fprintf(o, "reclaim:   the limit was reached %" PRIu64 " times (%s) without an OOM kill: the kernel made room by reclaiming (page cache)\n",
			st->final.max_events - st->base.max_events,
			st->mem_is_v2 ? "memory.events max" : "memory.failcnt");
	if (st->final.has_high_events && st->has_high_opt)
		fprintf(o, "throttled: %" PRIu64 " memory.high events\n",
			st->final.high_events - st->base.high_events);
	if (st->final.psi_err == 0)
		fprintf(o, "pressure:  some %" PRIu64 ".%03" PRIu64 " s, full %" PRIu64 ".%03" PRIu64
			   " s stalled in total (memory.pressure)\n",
			(st->final.psi.some.total_us - st->base.psi.some.total_us) / 1000000,
			(st->final.psi.some.total_us - st->base.psi.some.total_us) / 1000 % 1000,
			(st->final.psi.full.total_us - st->base.psi.full.total_us) / 1000000,
			(st->final.psi.full.total_us - st->base.psi.full.total_us) / 1000 % 1000);
	if (st->has_host && st->host.has_available)
		fprintf(o, "host:      %s available of %s (MemAvailable): %s\n",
			format_bytes(st->host.available, b1, sizeof(b1)),
			format_bytes(st->host.total, b2, sizeof(b2)),
			st->oom_kills > 0 ? "the host had plenty; only the cgroup's limit was reached" :
					    "for comparison with the cgroup's limit");
	if (st->has_victim) {
		const struct oom_event *v = &st->victim;
		fprintf(o, "victim:    pid %d (%s) anon-rss %" PRIu64 " kB, file-rss %" PRIu64
			   " kB, shmem-rss %" PRIu64 " kB, oom_score_adj %d (%s)\n",
			(int)v->pid, v->comm, v->anon_rss_kb, v->file_rss_kb, v->shmem_rss_kb,
			v->oom_score_adj,
			v->source == OOM_SOURCE_BPF ? "BPF, oom:mark_victim"
			: v->source == OOM_SOURCE_TRACEFS ? "tracefs, oom:mark_victim"
							  : "kernel log");
	} else if (st->oom_kills > 0) {
		fprintf(o, "victim:    no kernel record matched (%s)\n", st->victim_note);
	}
	fprintf(o, "verdict:   %s (worst interval)\n", verdict_to_string(st->worst));
}

void runreport_print(struct run_state *st)
{
	if (st->cli->json)
		print_json(st);
	else
		print_text(st);
}

void runreport_free(struct run_state *st)
{
	free(st->points);
	st->points = NULL;
	st->npoints = st->cap_points = 0;
}

// SPDX-License-Identifier: MIT
#include "run-report.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/out.h"
#include "../lib/psi.h"
#include "../lib/banned.h"

/*
 * What anon_bytes, file_bytes and shmem_bytes mean, everywhere `run` shows them (live view,
 * timeline, account, JSON): three disjoint parts. The kernel counts shmem (tmpfs, SysV shm,
 * shared anonymous mappings) inside the page cache: v2 memory.stat "file" includes "shmem"
 * (Documentation/admin-guide/cgroup-v2.rst), v1 "cache" includes "shmem" (both are
 * NR_FILE_PAGES, of which NR_SHMEM is a part); "anon"/"rss" (NR_ANON_MAPPED) does not. So:
 * anon = anon, shmem = shmem, file = file - shmem (page cache that reclaim can drop or write
 * back). What the kernel cannot reclaim without swap is anon + shmem.
 */
struct mem_split {
	uint64_t anon, file, shmem;
};

static struct mem_split split_of(const struct memcg_stat *m)
{
	struct mem_split x = { m->anon, m->file > m->shmem ? m->file - m->shmem : 0, m->shmem };
	return x;
}

/* ISO 8601 UTC with milliseconds */
static void wall_time(char *buf, size_t sz, uint64_t us)
{
	time_t t = (time_t)(us / 1000000);
	struct tm tm;
	char d[32];
	if (!gmtime_r(&t, &tm) || strftime(d, sizeof(d), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		d[0] = '\0';
	xsnprintf(buf, sz, "%s.%03" PRIu64 "Z", d, us / 1000 % 1000);
}

static const char *signame(int sig)
{
	const char *n = sig > 0 ? sigabbrev_np(sig) : NULL;
	return n ? n : "?";
}

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
	st->tty = live && isatty(fileno(live));
	if (timeline) {
		const char *dot = strrchr(timeline_path, '.');
		/* "-" (standard output) is CSV */
		st->timeline_csv =
			strcmp(timeline_path, "-") == 0 || (dot && strcmp(dot, ".csv") == 0);
		if (st->timeline_csv)
			fprintf(timeline,
				"t_us,current_bytes,peak_bytes,max_bytes,high_bytes,anon_bytes,file_bytes,shmem_bytes,"
				"some_avg10,full_avg10,some_share,full_share,some_total_us,full_total_us,"
				"high_events,max_events,oom_kills,verdict,wall_time,event,exit_status,signal\n");
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

/* the outcome of the run for the timeline's last row: "exited", "signaled", "oom_killed" */
static const char *outcome_word(const struct run_state *st)
{
	return st->exited ? "exited" : st->oom_killed ? "oom_killed" : "signaled";
}

static void write_timeline(struct run_state *st, const struct cg_sample *s, uint32_t some_share,
			   uint32_t full_share, bool end)
{
	FILE *f = st->timeline;
	bool psi = s->psi_err == 0;
	uint64_t t = s->t_us > st->t_start ? s->t_us - st->t_start : 0;
	struct mem_split m = split_of(&s->stat);
	char wall[40];
	int status = st->exited ? st->exit_code : 128 + st->signal;
	struct json j;
	struct out o;

	if (!f)
		return;
	wall_time(wall, sizeof(wall), st->wall_start_us + t);
	/* the same row as CSV (an unknown value is an empty field) or as a JSON line */
	o = out_start(&j, f, !st->timeline_csv);
	o.unknown = "";
	open_json_object(&o, NULL);
	print_u64(&o, PRINT_ANY, "t_us", "%s,", t);
	print_u64(&o, PRINT_ANY, "current_bytes", "%s,", s->current);
	print_u64_opt(&o, PRINT_ANY, "peak_bytes", "%s,", s->has_peak, s->peak);
	print_u64_opt(&o, PRINT_ANY, "max_bytes", "%s,", s->max != SIZE_UNLIMITED, s->max);
	print_u64_opt(&o, PRINT_ANY, "high_bytes", "%s,", s->has_high && s->high != SIZE_UNLIMITED,
		      s->high);
	print_u64(&o, PRINT_ANY, "anon_bytes", "%s,", m.anon);
	print_u64(&o, PRINT_ANY, "file_bytes", "%s,", m.file);
	print_u64(&o, PRINT_ANY, "shmem_bytes", "%s,", m.shmem);
	print_centi(&o, PRINT_ANY, "some_avg10", "%s,", psi, s->psi.some.avg10);
	print_centi(&o, PRINT_ANY, "full_avg10", "%s,", psi, s->psi.full.avg10);
	print_centi(&o, PRINT_ANY, "some_share", "%s,", psi, some_share);
	print_centi(&o, PRINT_ANY, "full_share", "%s,", psi, full_share);
	print_u64_opt(&o, psi ? PRINT_ANY : PRINT_TEXT, "some_total_us", "%s,", psi,
		      s->psi.some.total_us);
	print_u64_opt(&o, psi ? PRINT_ANY : PRINT_TEXT, "full_total_us", "%s,", psi,
		      s->psi.full.total_us);
	print_u64_opt(&o, PRINT_ANY, "high_events", "%s,", s->has_high_events, s->high_events);
	print_u64(&o, PRINT_ANY, "max_events", "%s,", s->max_events);
	print_u64(&o, PRINT_ANY, "oom_kills", "%s,", s->oom_kill - st->base.oom_kill);
	print_str(&o, PRINT_ANY, "verdict", "%s,",
		  verdict_to_string(end ? st->worst : st->verdict));
	print_str(&o, PRINT_ANY, "wall_time", "%s,", wall);
	print_str(&o, PRINT_ANY, "event", "%s,", end ? outcome_word(st) : NULL);
	if (end) {
		print_i64(&o, PRINT_ANY, "exit_status", "%s,", status);
		print_str(&o, PRINT_ANY, "signal", "%s", st->exited ? NULL : signame(st->signal));
	} else {
		print_text(&o, ",");
	}
	close_json_object(&o);
	print_text(&o, "\n");
	out_end(&o);
	fflush(f);
}

/*
 * The live view. Into a pipe or file: one line per sample with every field, and one line per
 * event. On a terminal: a status area of the two bottom rows, kept out of the command's way by a
 * scroll region (DECSTBM, the way apt's progress bar does it): the command's output scrolls in
 * the rows above and never shares a row with ours. The bottom row is the latest sample, fitted
 * to the width (fields are dropped by priority, so 80 columns get a compact line); the row above
 * says which run it is, then the latest event. Each redraw is one write() (save cursor, draw,
 * restore cursor), which the tty does not interleave with the command's writes. At the end the
 * area is released and the events and the last sample are printed as ordinary lines.
 */
struct field {
	char text[64];
	int prio; /* dropped first: the highest */
};

static size_t join_fields(const struct field *f, size_t n, const bool *drop, char *out, size_t sz)
{
	size_t len = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (drop[i])
			continue;
		int w = snprintf(out + len, sz - len, "%s%s", len ? "  " : "", f[i].text);
		if (w < 0 || (size_t)w >= sz - len)
			break;
		len += (size_t)w;
	}
	return len;
}

/* Fit the fields into width columns (0: no limit) by dropping the highest priorities. */
static void fit_fields(const struct field *f, size_t n, unsigned width, char *out, size_t sz)
{
	bool drop[24] = { false };

	for (;;) {
		size_t len = join_fields(f, n, drop, out, sz);
		int worst = -1;
		if (!width || len <= width)
			return;
		for (size_t i = 0; i < n; i++)
			if (!drop[i] && (worst < 0 || f[i].prio >= f[worst].prio))
				worst = (int)i;
		if (worst < 0 || f[worst].prio == 0) {
			out[width < sz ? width : sz - 1] =
				'\0'; /* only must-have fields left: cut */
			return;
		}
		drop[worst] = true;
	}
}

static void add_field(struct field *f, size_t *n, int prio, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void add_field(struct field *f, size_t *n, int prio, const char *fmt, ...)
{
	va_list ap;
	if (*n >= 24)
		return;
	va_start(ap, fmt);
	vsnprintf(f[*n].text, sizeof(f[*n].text), fmt, ap);
	va_end(ap);
	f[*n].prio = prio;
	(*n)++;
}

static void format_sample(struct run_state *st, const struct cg_sample *s, uint32_t some_share,
			  uint32_t full_share, unsigned width, char *line, size_t sz)
{
	struct field f[24];
	size_t n = 0;
	char cur[32], max[32], h[32], anon[32], file[32], shm[32], a[16], b[16], c[16], d[16];
	uint64_t lim = limit_of(s), t = s->t_us - st->t_start,
		 kills = s->oom_kill - st->base.oom_kill;
	struct mem_split m = split_of(&s->stat);

	mib(cur, sizeof(cur), s->current);
	mib(max, sizeof(max), lim);
	mib(anon, sizeof(anon), m.anon);
	mib(file, sizeof(file), m.file);
	mib(shm, sizeof(shm), m.shmem);
	add_field(f, &n, 0, "%3" PRIu64 ".%02" PRIu64 "s", t / 1000000, t / 10000 % 100);
	if (lim != SIZE_UNLIMITED)
		add_field(f, &n, 0, "%6s/%s %3u%%", cur, max, pct(s->current, lim) / 100);
	else
		add_field(f, &n, 0, "%6s/max", cur);
	if (s->has_high && s->high != SIZE_UNLIMITED) {
		mib(h, sizeof(h), s->high);
		add_field(f, &n, 5, "high %s", h);
	}
	add_field(f, &n, 2, "anon %6s", anon);
	add_field(f, &n, m.shmem ? 3 : 8, "shmem %6s", shm);
	add_field(f, &n, 3, "file %6s", file);
	if (s->psi_err == 0) {
		centi(a, sizeof(a), some_share);
		centi(b, sizeof(b), s->psi.some.avg10);
		centi(c, sizeof(c), full_share);
		centi(d, sizeof(d), s->psi.full.avg10);
		add_field(f, &n, 4, "some %5s%%", a);
		add_field(f, &n, 7, "(avg10 %5s)", b);
		add_field(f, &n, 6, "full %5s%%", c);
		add_field(f, &n, 7, "(avg10 %5s)", d);
	} else {
		add_field(f, &n, 7, "psi n/a");
	}
	if (kills)
		add_field(f, &n, 1, "oom kills %" PRIu64, kills);
	add_field(f, &n, 0, "%s", verdict_to_string(st->verdict));
	fit_fields(f, n, width, line, sz);
}

/* terminal size of the live stream; false when it has none (not a terminal) */
static bool term_size(struct run_state *st)
{
	struct winsize ws;
	if (!st->tty || ioctl(fileno(st->live), TIOCGWINSZ, &ws) < 0 || ws.ws_col == 0)
		return false;
	st->cols = ws.ws_col;
	st->rows = ws.ws_row;
	return true;
}

/* one write() of the whole sequence: the tty does not interleave it with the command's output */
static void tty_write(struct run_state *st, const char *buf, size_t len)
{
	fflush(st->live);
	while (len > 0) {
		ssize_t w = write(fileno(st->live), buf, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		buf += w;
		len -= (size_t)w;
	}
}

/* the width a row may use: one less than the terminal's, so the cursor never wraps */
static unsigned row_width(const struct run_state *st)
{
	return st->cols > 1 ? st->cols - 1 : 1;
}

static void draw_status(struct run_state *st)
{
	char buf[1200], top[256], bottom[512];
	unsigned w = row_width(st);
	size_t n;

	xsnprintf(top, sizeof(top), "%s", st->status_top);
	xsnprintf(bottom, sizeof(bottom), "%s", st->last_line);
	if (strlen(top) > w)
		top[w] = '\0';
	if (strlen(bottom) > w)
		bottom[w] = '\0';
	/* save cursor, bottom two rows, restore cursor */
	n = (size_t)snprintf(buf, sizeof(buf),
			     "\0337\033[%u;1H\033[2K\033[7m%s\033[0m\033[%u;1H\033[2K%s\0338",
			     st->rows - 1, top, st->rows, bottom);
	tty_write(st, buf, n < sizeof(buf) ? n : sizeof(buf) - 1);
}

/* reserve the two bottom rows: scroll up two lines first so nothing of the screen is lost */
static void status_setup(struct run_state *st)
{
	char buf[96];
	int n = snprintf(buf, sizeof(buf), "\n\n\0337\033[1;%ur\0338\033[2A", st->rows - 2);
	tty_write(st, buf, (size_t)n);
}

void runreport_start(struct run_state *st)
{
	char comm[64];

	if (st->quiet || !st->tty || !term_size(st))
		return;
	/* a status area needs room; tiny terminals get one line per sample */
	if (st->rows < 5 || st->cols < 20)
		return;
	term_safe(st->comm, comm, sizeof(comm));
	xsnprintf(st->status_top, sizeof(st->status_top),
		  "oomlab run: pid %d (%s) in %s; Ctrl-C forwards it, twice kills", (int)st->pid,
		  comm, st->cg ? st->cg->name : "?");
	st->status_area = true;
	status_setup(st);
	draw_status(st);
}

void runreport_resize(struct run_state *st)
{
	char buf[64];
	int n;

	if (!st->status_area)
		return;
	/* release the old region, then set it up again for the new size */
	n = snprintf(buf, sizeof(buf), "\0337\033[r\0338");
	tty_write(st, buf, (size_t)n);
	if (!term_size(st) || st->rows < 5 || st->cols < 20) {
		st->status_area = false;
		return;
	}
	status_setup(st);
	draw_status(st);
}

/* give the rows back: reset the region, clear the status rows, cursor where the command left it */
static void status_release(struct run_state *st)
{
	char buf[96];
	int n;

	if (!st->status_area)
		return;
	st->status_area = false;
	n = snprintf(buf, sizeof(buf), "\0337\033[r\033[%u;1H\033[2K\033[%u;1H\033[2K\0338",
		     st->rows - 1, st->rows);
	tty_write(st, buf, (size_t)n);
}

static void live_line(struct run_state *st, const struct cg_sample *s, uint32_t some_share,
		      uint32_t full_share)
{
	st->last_line_t = s->t_us - st->t_start;
	if (st->status_area) {
		format_sample(st, s, some_share, full_share, row_width(st), st->last_line,
			      sizeof(st->last_line));
		draw_status(st);
	} else if (st->tty && term_size(st)) {
		/* a terminal without room for a status area: one fitted line per sample */
		format_sample(st, s, some_share, full_share, row_width(st), st->last_line,
			      sizeof(st->last_line));
		fprintf(st->live, "%s\n", st->last_line);
	} else {
		format_sample(st, s, some_share, full_share, 0, st->last_line,
			      sizeof(st->last_line));
		fprintf(st->live, "%s\n", st->last_line);
	}
	fflush(st->live);
	st->live_lines++;
}

void runreport_event(struct run_state *st, const char *fmt, ...)
{
	char text[160], line[200];
	uint64_t t = st->t_start ? now_us() - st->t_start : 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	xsnprintf(line, sizeof(line), "%3" PRIu64 ".%02" PRIu64 "s  %s", t / 1000000,
		  t / 10000 % 100, text);
	if (st->nevents < RUN_EVENTS_MAX) {
		st->event_t[st->nevents] = t;
		xsnprintf(st->events[st->nevents++], sizeof(st->events[0]), "%s", line);
	} else
		st->events_dropped++;
	if (st->status_area) {
		xsnprintf(st->status_top, sizeof(st->status_top), "%s", line);
		draw_status(st);
	} else if (!st->quiet && st->live) {
		fprintf(st->live, "%s\n", line);
		fflush(st->live);
	} else {
		/* --quiet, or the lab's JSON mode: still say it, on stderr */
		fprintf(stderr, "oomlab %s: %s\n", st->cli && st->cli->cmd ? st->cli->cmd : "run",
			text);
	}
}

void runreport_victim(struct run_state *st, const struct oom_event *ev)
{
	char comm[OOM_COMM_MAX * 4];

	if (st->nvictims < RUN_VICTIMS_MAX)
		st->victims[st->nvictims++] = *ev;
	st->kills_reported++;
	term_safe(ev->comm, comm, sizeof(comm));
	runreport_event(st, "OOM kill: pid %d (%s), anon-rss %" PRIu64 " kB: %s", (int)ev->pid,
			comm, ev->anon_rss_kb,
			ev->pid == st->pid ? "the command" : "a child, not the command");
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
	p->anon = s->stat.anon + s->stat.shmem; /* the plots' "anon": what cannot be reclaimed */
	p->file = split_of(&s->stat).file;
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
				p->peer_some_share = psi_share(st->peer_prev_total, q.some.total_us,
							       t - st->peer_prev_t);
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
		if (st->have_alive && s.oom_kill > st->alive.oom_kill) {
			st->before_kill = st->alive;
			st->have_before_kill = true;
		}
		st->alive = s;
		st->have_alive = true;
		if (s.oom_kill == st->base.oom_kill) {
			st->prekill = s;
			st->have_prekill = true;
		}
	}
	if (!st->quiet)
		live_line(st, &s, some_share, full_share);
	/* without a kernel-side victim source, the counter tells a kill (no pid) */
	if (!st->victim_source && s.oom_kill - st->base.oom_kill > st->kills_reported) {
		uint64_t k = s.oom_kill - st->base.oom_kill;
		runreport_event(st,
				"OOM kill in the cgroup (%s oom_kill now %" PRIu64
				"; no kernel-side victim source names it)",
				st->cg->mem_is_v2 ? "memory.events" : "memory.oom_control", k);
		st->kills_reported = k;
	}
	write_timeline(st, &s, some_share, full_share, false);
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
	if (st->status_area) {
		/* the area goes; what it showed stays, as lines */
		bool sample_done = !st->last_line[0];
		status_release(st);
		/* in time order: the events, and the last sample where it belongs among them */
		for (unsigned i = 0; i < st->nevents; i++) {
			if (!sample_done && st->event_t[i] > st->last_line_t) {
				fprintf(st->live, "%s\n", st->last_line);
				sample_done = true;
			}
			fprintf(st->live, "%s\n", st->events[i]);
		}
		if (!sample_done)
			fprintf(st->live, "%s\n", st->last_line);
		fflush(st->live);
	}
	if (cg_sample(st->cg, &st->final) == 0) {
		st->has_oom_counter = st->final.has_oom_kill;
		st->oom_kills = st->final.oom_kill - st->base.oom_kill;
		if (st->final.current > st->peak_seen)
			st->peak_seen = st->final.current;
	}
	for (size_t i = 0; i < st->nanc; i++)
		st->anc[i].has_final = cg_sample(&st->anc[i].cg, &st->anc[i].final) == 0;
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

static bool victim_is_command(const struct run_state *st)
{
	if (st->has_victim && (st->victim.have & OOM_HAVE_PID) && st->victim.pid == st->pid)
		return true;
	for (size_t i = 0; i < st->nvictims; i++)
		if (st->victims[i].pid == st->pid)
			return true;
	return false;
}

static bool have_victim_records(const struct run_state *st)
{
	return st->nvictims > 0 || st->has_victim;
}

void runreport_conclude(struct run_state *st)
{
	const char *om = st->has_victim ? st->victim.oom_memcg : "";

	/* the command itself died of the OOM killer: a SIGKILL and a kill counted; when the kernel
	 * named its victims, the command must be one of them (a child's kill and oomlab's own
	 * SIGKILL after --kill-after are not the command's OOM kill) */
	st->oom_killed = !st->exited && st->signal == SIGKILL && st->oom_kills > 0 &&
			 (have_victim_records(st) ? victim_is_command(st) : !st->force_killed);

	/* whose limit: the kernel's record names the memcg that hit its limit (oom_memcg) */
	st->oom_anc = -1;
	st->global_oom = st->has_victim && st->victim.scope == OOM_SCOPE_GLOBAL;
	if (st->oom_kills > 0 && om[0] &&
	    strcmp(om, st->cg_name_copy[0] ? st->cg_name_copy : st->cg->name) != 0) {
		for (size_t i = 0; i < st->nanc; i++)
			if (strcmp(st->anc[i].name, om) == 0)
				st->oom_anc = (int)i;
	} else if (st->oom_kills > 0 && !om[0] && !st->global_oom) {
		/* no record: an ancestor whose limit was hit (its failcnt moved, usage at its limit)
		 * while our own limit was not reached */
		uint64_t own = st->final.max,
			 peak = st->final.has_peak ? st->final.peak : st->peak_seen;
		if (own == SIZE_UNLIMITED || peak < own - own / 100) {
			for (size_t i = st->nanc; i-- > 0;) {
				const struct run_ancestor *a = &st->anc[i];
				if (a->has_final && a->final.max != SIZE_UNLIMITED &&
				    a->final.max_events > a->base.max_events) {
					st->oom_anc = (int)i;
					st->oom_anc_inferred = true;
					break;
				}
			}
		}
	}
}

/*
 * The memory picture that explains the outcome, always about the command itself: when it was
 * OOM-killed, the last sample taken while it was alive and before the oom_kill counter rose for
 * its kill (once a victim is chosen the oom_reaper frees its memory while it is still "alive";
 * an earlier kill of a child does not count); when it died otherwise, the last sample while it
 * was alive; after a normal exit, the sample with the highest usage (a program frees its page
 * cache and memory just before it exits).
 */
static const struct cg_sample *at_death(const struct run_state *st)
{
	if (!st->have_alive)
		return &st->final;
	if (st->exited)
		return &st->top;
	if (st->oom_killed && st->alive.oom_kill >= st->final.oom_kill && st->have_before_kill)
		return &st->before_kill;
	return &st->alive;
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

/* the limit the peak is shown against: the OOMing ancestor's, else our own */
static uint64_t applied_limit(const struct run_state *st)
{
	if (st->oom_anc >= 0 && st->anc[st->oom_anc].has_final)
		return st->anc[st->oom_anc].final.max;
	return st->final.max;
}

static const char *forced_by(const struct run_state *st)
{
	return st->second_signal ? "second_signal" : "kill_after";
}

/* a part of the usage and its share: "anonymous 60.0 MiB (95.2 %)" */
static void print_part(struct out *o, const char *key, const char *label, uint64_t part,
		       uint64_t whole)
{
	char fmt[64];

	xsnprintf(fmt, sizeof(fmt), "%s %%s (%u.%u %%%%)", label ? label : "",
		  pct(part, whole) / 100, pct(part, whole) % 100 / 10);
	print_bytes(o, label ? PRINT_ANY : PRINT_JSON, key, fmt, part);
}

static void print_victim(struct out *o, const struct oom_event *v, const char *fmt,
			 const char *what)
{
	print_i64(o, PRINT_TEXT, NULL, fmt, v->pid);
	print_str(o, PRINT_TEXT, NULL, " (%s)", v->comm);
	print_text(o,
		   " anon-rss %" PRIu64 " kB, file-rss %" PRIu64 " kB, shmem-rss %" PRIu64 " kB%s",
		   v->anon_rss_kb, v->file_rss_kb, v->shmem_rss_kb, what);
}

/*
 * The account, text or JSON (lib/out.h): one call per datum in the order of the text; JSON
 * members that the text words differently are PRINT_JSON next to their sentence.
 */
static void print_report(struct run_state *st, struct out *o)
{
	const struct cg_sample *d = at_death(st);
	uint64_t lim = st->final.max, peak = peak_of(st), alim = applied_limit(st);
	struct mem_split m = split_of(&d->stat);
	const struct run_ancestor *anc = st->oom_anc >= 0 ? &st->anc[st->oom_anc] : NULL;
	const char *peak_source = !st->final.has_peak ? "samples" :
				  st->mem_is_v2	      ? "memory.peak" :
							"memory.max_usage_in_bytes";
	bool named = st->has_victim && st->victim.oom_memcg[0];
	char b1[32], b2[32], b3[32];

	open_json_object(o, NULL);
	print_text(o, "\n");
	print_i64(o, PRINT_JSON, "pid", NULL, st->pid);
	print_i64_opt(o, st->exited ? PRINT_ANY : PRINT_JSON, "exit_code",
		      "outcome:   exited with status %s\n", st->exited, st->exit_code);
	print_i64_opt(o, PRINT_JSON, "signal", NULL, !st->exited, st->signal);
	print_u64(o, PRINT_JSON, "exit_status", NULL,
		  st->exited ? (uint64_t)st->exit_code : 128 + (uint64_t)st->signal);
	print_bool(o, PRINT_JSON, "oom_killed", NULL, st->oom_killed);
	if (st->exited)
		; /* said above */
	else if (st->oom_killed)
		print_text(
			o,
			"outcome:   killed by SIGKILL (exit status 137): the kernel's OOM killer, %s\n",
			anc	       ? "for the limit of an ancestor cgroup" :
			st->global_oom ? "host memory exhausted" :
					 "inside this cgroup");
	else if (st->force_killed && st->signal == SIGKILL)
		print_text(
			o,
			"outcome:   killed by SIGKILL (exit status 137): oomlab killed every process of the cgroup (%s) %s\n",
			st->force_by_group ? "cgroup.kill" : "SIGKILL to each pid",
			st->second_signal ? "at a second signal" :
					    "when the --kill-after grace period ran out");
	else
		print_text(o, "outcome:   killed by SIG%s (exit status %d)%s\n",
			   signame(st->signal), 128 + st->signal,
			   st->interrupted_by ? " after oomlab forwarded its signal to the cgroup" :
						"");
	if (st->interrupted_by) {
		print_str(o, PRINT_ANY, "interrupted_by", "signal:    oomlab got SIG%s",
			  sigabbrev_np(st->interrupted_by));
		print_i64(o, PRINT_ANY, "signal_forwarded_to",
			  " and sent it to %s process(es) of the cgroup", st->forwarded);
		if (st->force_killed)
			print_text(o, "; %s, it killed them all",
				   st->second_signal ? "at the second signal" :
						       "after the grace period (--kill-after)");
		print_text(o, "\n");
	} else {
		print_null(o, PRINT_JSON, "interrupted_by", NULL, NULL);
	}
	print_u64(o, PRINT_JSON, "kill_after_us", NULL, st->kill_after_us);
	if (st->force_killed) {
		open_json_object(o, "forced_kill");
		print_str(o, PRINT_JSON, "by", NULL, forced_by(st));
		print_str(o, PRINT_JSON, "method", NULL,
			  st->force_by_group ? "cgroup.kill" : "sigkill_each_pid");
		close_json_object(o);
	} else {
		print_null(o, PRINT_JSON, "forced_kill", NULL, NULL);
	}
	if (st->oom_kills > 0 && !st->oom_killed)
		print_text(o,
			   "           the OOM killer killed %" PRIu64
			   " process(es) in this cgroup, but not the command itself\n",
			   st->oom_kills);

	print_str(o, PRINT_ANY, "cgroup", "cgroup:    %s", st->cg_name_copy);
	print_str(o, PRINT_ANY, "cgroup_mode", " (%s layout", cg_mode_to_string(st->mode));
	print_text(o, "; limit in %s)\n", limit_file(st));
	print_bytes(o, PRINT_JSON, "limit_bytes", NULL, lim);
	print_bytes(o, PRINT_JSON, "high_bytes", NULL,
		    st->has_high_opt && !st->high_unsupported ? st->opts_high : SIZE_UNLIMITED);
	print_bool(o, PRINT_JSON, "high_supported", NULL, st->mem_is_v2);
	/* whose limit */
	if (st->oom_kills > 0 && !st->global_oom) {
		open_json_object(o, "oom_cgroup");
		if (anc) {
			print_str(o, PRINT_ANY, "name",
				  "why:       the limit of %s, an ancestor, was hit", anc->name);
			print_bool(o, PRINT_JSON, "own", NULL, false);
			print_bytes(o, PRINT_JSON, "limit_bytes", NULL,
				    anc->has_final ? anc->final.max : SIZE_UNLIMITED);
			print_u64_opt(o, PRINT_JSON, "usage_bytes", NULL, anc->has_final,
				      anc->final.current);
			print_u64_opt(o, PRINT_JSON, "peak_bytes", NULL,
				      anc->has_final && anc->final.has_peak, anc->final.peak);
			print_str(o, PRINT_JSON, "source", NULL,
				  st->oom_anc_inferred		? "inferred" :
				  st->victim.inferred_oom_memcg ? "bpf_memcg_walk" :
								  "kernel_record");
			print_text(o, ": %s = %s, usage %s now%s; this cgroup's own limit is %s\n",
				   limit_file(st), format_bytes(anc->final.max, b1, sizeof(b1)),
				   format_bytes(anc->final.current, b2, sizeof(b2)),
				   st->oom_anc_inferred ?
					   " (inferred: no kernel record, its failcnt rose)" :
					   " (the kernel's oom_memcg)",
				   lim == SIZE_UNLIMITED ? "max (none)" :
							   format_bytes(lim, b3, sizeof(b3)));
		} else {
			bool own = !named || strcmp(st->victim.oom_memcg, st->cg_name_copy) == 0;

			print_str(
				o, own ? PRINT_JSON : PRINT_ANY, "name",
				"why:       the kernel's record names %s as the cgroup that hit its "
				"limit\n",
				named ? st->victim.oom_memcg : st->cg_name_copy);
			print_bool(o, PRINT_JSON, "own", NULL, own);
			print_bytes(o, PRINT_JSON, "limit_bytes", NULL, lim);
			print_u64(o, PRINT_JSON, "usage_bytes", NULL, st->final.current);
			print_u64_opt(o, PRINT_JSON, "peak_bytes", NULL, st->final.has_peak,
				      st->final.peak);
			print_str(o, PRINT_JSON, "source", NULL,
				  named ? "kernel_record" : "own_counter");
			if (own)
				print_text(
					o,
					"why:       the cgroup hit its own limit, %s = %s: a cgroup-local OOM, not host memory exhaustion\n",
					limit_file(st), format_bytes(lim, b1, sizeof(b1)));
		}
		close_json_object(o);
	} else {
		if (st->oom_kills > 0)
			print_text(
				o,
				"why:       a global OOM: the host ran out of memory (the kernel's record says global_oom), not a cgroup limit\n");
		print_null(o, PRINT_JSON, "oom_cgroup", NULL, NULL);
	}
	print_bool(o, PRINT_JSON, "global_oom", NULL, st->global_oom);
	print_u64_opt(o, st->has_oom_counter ? PRINT_ANY : PRINT_JSON, "oom_kills",
		      "oom kills: %s in this cgroup", st->has_oom_counter, st->oom_kills);
	if (st->has_oom_counter)
		print_text(o, " (%s oom_kill counter, before vs after)\n",
			   st->mem_is_v2 ? "memory.events" : "memory.oom_control");
	open_json_array(o, "victims");
	for (size_t i = 0; i < st->nvictims; i++)
		if (out_json(o))
			oom_event_print(o, NULL, &st->victims[i]);
		else if (st->nvictims > 1)
			print_victim(o, &st->victims[i],
				     i ? "           pid %s" : "killed:    pid %s",
				     st->victims[i].pid == st->pid ?
					     ": the command\n" :
					     ": a process the command started\n");
	close_json_array(o);

	print_u64(o, PRINT_JSON, "peak_bytes", NULL, peak);
	print_bytes(o, PRINT_JSON, "peak_limit_bytes", NULL, alim);
	print_str(o, PRINT_JSON, "peak_source", NULL, peak_source);
	if (alim != SIZE_UNLIMITED)
		print_text(o, "peak:      %s of %s%s%s (%u.%u %%, from %s)\n",
			   format_bytes(peak, b1, sizeof(b1)), format_bytes(alim, b2, sizeof(b2)),
			   anc ? ", the limit of " : "", anc ? anc->name : "",
			   pct(peak, alim) / 100, pct(peak, alim) % 100 / 10, peak_source);
	else
		print_text(o, "peak:      %s (no limit)\n", format_bytes(peak, b1, sizeof(b1)));
	if (anc && alim != SIZE_UNLIMITED && peak > alim)
		print_text(
			o,
			"           (above that limit: the kernel raises a cgroup's peak while it charges upwards, before an ancestor refuses the charge)\n");
	if (anc && anc->has_final && anc->final.has_peak)
		print_text(o, "           %s itself peaked at %s (all of its cgroups)\n", anc->name,
			   format_bytes(anc->final.peak, b1, sizeof(b1)));
	/* the breakdown: anon, shmem and file are disjoint (split_of) */
	print_bool(o, PRINT_JSON, "sampled_alive", NULL, st->have_alive);
	print_str(o, PRINT_JSON, "breakdown_at", NULL, breakdown_at(st));
	print_u64(o, PRINT_JSON, "usage_at_end_bytes", NULL, d->current);
	if (!st->have_alive || d->current == 0) {
		print_text(
			o, "%s",
			st->have_alive ?
				"" :
				"memory:    the command ended before the first sample (--interval); no live breakdown\n");
		print_part(o, "anon_bytes", NULL, m.anon, 0);
		print_part(o, "shmem_bytes", NULL, m.shmem, 0);
		print_part(o, "file_bytes", NULL, m.file, 0);
	} else {
		print_text(o, "memory:    %s %s: ",
			   st->exited ? "at the highest sample" : "at the command's death",
			   format_bytes(d->current, b1, sizeof(b1)));
		print_part(o, "anon_bytes", "anonymous", m.anon, d->current);
		print_text(o, "%s", m.shmem ? ", " : "");
		print_part(o, "shmem_bytes", m.shmem ? "shmem" : NULL, m.shmem, d->current);
		print_part(o, "file_bytes", ", page cache", m.file, d->current);
		print_text(o, "\n");
		if (st->oom_killed && pct(m.anon + m.shmem, d->current) >= 9000)
			print_text(
				o,
				"           almost all of it %s: the kernel cannot drop it without swap, so it had to kill\n",
				m.shmem > m.anon ? "shmem (tmpfs/shared memory)" : "anonymous");
		else if (!st->oom_killed && m.file > m.anon + m.shmem)
			print_text(
				o,
				"           mostly page cache: the kernel reclaims it at the limit instead of killing\n");
	}
	open_json_array(o, "left_running");
	if (st->left_total > 0)
		print_text(
			o,
			"left:      %zu process(es) still ran when the command ended, killed by the teardown:",
			st->left_total);
	for (size_t i = 0; i < st->nleft; i++) {
		open_json_object(o, NULL);
		print_i64(o, PRINT_ANY, "pid", i ? ", pid %s" : " pid %s", st->left[i].pid);
		print_str(o, PRINT_ANY, "comm", " (%s)", st->left[i].comm);
		close_json_object(o);
	}
	close_json_array(o);
	if (st->left_total > 0)
		print_text(o, "%s\n", st->left_total > st->nleft ? ", ..." : "");
	print_u64(o, PRINT_JSON, "left_running_count", NULL, st->left_total);
	{
		uint64_t n = st->final.max_events - st->base.max_events;
		bool reclaimed = n > 0 && st->oom_kills == 0;

		print_u64(o, reclaimed ? PRINT_ANY : PRINT_JSON, "max_events",
			  "reclaim:   the limit was reached %s times", n);
		print_bool(o, PRINT_JSON, "reclaimed_at_limit", NULL, reclaimed);
		if (reclaimed)
			print_text(
				o,
				" (%s) without an OOM kill: the kernel made room by reclaiming (page cache)\n",
				st->mem_is_v2 ? "memory.events max" : "memory.failcnt");
	}
	print_u64_opt(o, st->has_high_opt && st->final.has_high_events ? PRINT_ANY : PRINT_JSON,
		      "high_events", "throttled: %s memory.high events\n",
		      st->final.has_high_events, st->final.high_events - st->base.high_events);
	if (st->final.psi_err == 0) {
		uint64_t some = st->final.psi.some.total_us - st->base.psi.some.total_us,
			 full = st->final.psi.full.total_us - st->base.psi.full.total_us;

		open_json_object(o, "psi");
		print_u64(o, PRINT_JSON, "some_total_us", NULL, some);
		print_u64(o, PRINT_JSON, "full_total_us", NULL, full);
		close_json_object(o);
		print_text(o,
			   "pressure:  some %" PRIu64 ".%03" PRIu64 " s, full %" PRIu64
			   ".%03" PRIu64 " s stalled in total (memory.pressure)\n",
			   some / 1000000, some / 1000 % 1000, full / 1000000, full / 1000 % 1000);
	} else {
		print_null(o, PRINT_JSON, "psi", NULL, NULL);
	}
	print_u64_opt(o, PRINT_JSON, "host_available_bytes", NULL,
		      st->has_host && st->host.has_available, st->host.available);
	print_u64_opt(o, PRINT_JSON, "host_total_bytes", NULL, st->has_host, st->host.total);
	if (st->has_host && st->host.has_available)
		print_text(o, "host:      %s available of %s (MemAvailable): %s\n",
			   format_bytes(st->host.available, b1, sizeof(b1)),
			   format_bytes(st->host.total, b2, sizeof(b2)),
			   st->oom_kills > 0 && !st->global_oom ?
				   "the host had plenty; only a cgroup's limit was reached" :
				   "for comparison with the cgroup's limit");
	if (st->has_victim) {
		const struct oom_event *v = &st->victim;

		if (out_json(o))
			oom_event_print(o, "victim", v);
		print_victim(o, v, "victim:    pid %s", "");
		print_text(o, ", oom_score_adj %d (%s)\n", v->oom_score_adj,
			   v->source == OOM_SOURCE_BPF	   ? "BPF, oom:mark_victim" :
			   v->source == OOM_SOURCE_TRACEFS ? "tracefs, oom:mark_victim" :
							     "kernel log");
	} else {
		if (st->oom_kills > 0)
			print_text(o, "victim:    no kernel record matched (%s)\n",
				   st->victim_note ? st->victim_note : "none read");
		print_null(o, PRINT_JSON, "victim", NULL, NULL);
	}
	print_str(o, PRINT_ANY, "verdict", "verdict:   %s (worst interval)\n",
		  verdict_to_string(st->worst));
	print_u64(o, PRINT_JSON, "duration_us", NULL,
		  st->t_end > st->t_start ? st->t_end - st->t_start : 0);
	print_u64(o, PRINT_JSON, "samples", NULL, st->nsamples);
	close_json_object(o);
	out_end(o);
	fflush(o->f);
}

void runreport_timeline_end(struct run_state *st)
{
	if (st->timeline)
		write_timeline(st, &st->final, 0, 0, true);
}

void runreport_print(struct run_state *st)
{
	if (!st->out)
		st->out = stderr;
	struct json j;
	struct out o = out_start(&j, st->out, st->cli->json);

	print_report(st, &o);
}

void runreport_free(struct run_state *st)
{
	free(st->points);
	st->points = NULL;
	st->npoints = st->cap_points = 0;
}

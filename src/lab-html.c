// SPDX-License-Identifier: MIT
/*
 * The lab's HTML report: one self-contained file (inline CSS and SVG, no scripts, nothing
 * fetched) that tells the run as a story. A header (host, kernel, date, layout, the box and the
 * limit file as this layout names it), one section per step with expected vs observed and, when
 * the step sampled a run, two plots on one time axis: memory (usage drawn on top of anonymous
 * and page cache, against the limit and memory.high, the kill marked) and pressure (the stall
 * share per interval on an axis scaled to the data, with the verdict bands of docs/VERDICT.md
 * drawn behind it; step 7 draws the idle cgroup next to the sick one). Protection steps get a
 * ranking picture (the kernel's badness with and without oom_score_adj, the victim marked).
 * Ticks are 1-2-5 steps in MiB and seconds; legends list only what is drawn. It closes with
 * what this run showed: whether pressure warned before the kill, and why.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lab.h"
#include "../lib/verdict.h"
#include "../lib/banned.h"

#define W 760
#define H 230
#define ML 60  /* margins */
#define MR 110 /* room for the band and limit labels on the right */
#define MT 14
#define MB 34

static void esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

/* The 1-2-5 step for about target ticks over range (no libm: powers of ten by loops). */
static double nice_step(double range, int target)
{
	double raw = range / target, p = 1;

	if (!(raw > 0))
		return 1;
	while (p * 10 <= raw)
		p *= 10;
	while (p > raw)
		p /= 10;
	raw /= p;
	return p * (raw < 1.5 ? 1 : raw < 3.5 ? 2 : raw < 7.5 ? 5 : 10);
}

/* decimals a tick label of this step needs (0.5 -> 1, 0.05 -> 2, 20 -> 0) */
static int step_decimals(double step)
{
	int d = 0;
	while (step < 0.999 && d < 6) {
		step *= 10;
		d++;
	}
	return d;
}

static double ceil_to(double v, double step)
{
	long long k = (long long)(v / step);
	if (k * step < v - 1e-9)
		k++;
	return k > 0 ? k * step : step;
}

struct axis {
	double t_max, t_step; /* seconds */
	double y_max, y_step; /* MiB or percent */
};

static double px(const struct axis *a, double t)
{
	return ML + (W - ML - MR) * (a->t_max > 0 ? t / a->t_max : 0);
}

static double py(const struct axis *a, double v)
{
	if (v > a->y_max)
		v = a->y_max;
	if (v < 0)
		v = 0;
	return MT + (H - MT - MB) * (1.0 - (a->y_max > 0 ? v / a->y_max : 0));
}

static void set_y(struct axis *a, double top)
{
	a->y_step = nice_step(top > 0 ? top : 1, 5);
	a->y_max = ceil_to(top > 0 ? top : 1, a->y_step);
}

static void frame_open(FILE *f, const struct axis *a, const char *cls, const char *ylabel,
		       const char *title)
{
	int d = step_decimals(a->y_step), td = step_decimals(a->t_step);

	fprintf(f,
		"<svg class=\"plot %s\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"",
		cls, W, H, W, H);
	esc(f, title);
	fprintf(f, "\">\n<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"bg\"/>\n", ML,
		MT, W - ML - MR, H - MT - MB);
	for (int i = 0; i * a->y_step <= a->y_max + 1e-9; i++) {
		double v = i * a->y_step;
		fprintf(f,
			"<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>"
			"<text x=\"%d\" y=\"%.1f\" class=\"lbl ytick\" text-anchor=\"end\">%.*f</text>\n",
			ML, W - MR, py(a, v), py(a, v), ML - 5, py(a, v) + 4, d, v);
	}
	for (int i = 0; i * a->t_step <= a->t_max + 1e-9; i++) {
		double t = i * a->t_step;
		fprintf(f,
			"<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" class=\"tick\"/>"
			"<text x=\"%.1f\" y=\"%d\" class=\"lbl xtick\" text-anchor=\"middle\">%.*f s</text>\n",
			px(a, t), px(a, t), H - MB, H - MB + 4, px(a, t), H - MB + 16, td, t);
	}
	fprintf(f,
		"<text x=\"%d\" y=\"%d\" class=\"lbl\" text-anchor=\"middle\">time since the workload started</text>\n",
		ML + (W - ML - MR) / 2, H - 3);
	fprintf(f,
		"<text x=\"12\" y=\"%d\" class=\"lbl\" text-anchor=\"middle\" transform=\"rotate(-90 12 %d)\">%s</text>\n",
		MT + (H - MT - MB) / 2, MT + (H - MT - MB) / 2, ylabel);
}

typedef double (*getter)(const struct run_point *);

static void polyline(FILE *f, const struct axis *a, const struct lab_item *it, const char *cls,
		     getter get, bool peer)
{
	fprintf(f, "<polyline class=\"%s\" points=\"", cls);
	for (size_t i = 0; i < it->npoints; i++) {
		const struct run_point *p = &it->points[i];
		if (peer ? !p->has_peer : false)
			continue;
		fprintf(f, "%.1f,%.1f ", px(a, p->t_us / 1e6), py(a, get(p)));
	}
	fprintf(f, "\"/>\n");
}

static double g_cur(const struct run_point *p)
{
	return p->current / 1048576.0;
}
static double g_anon(const struct run_point *p)
{
	return p->anon / 1048576.0;
}
static double g_file(const struct run_point *p)
{
	return p->file / 1048576.0;
}
static double g_some(const struct run_point *p)
{
	return p->some_share / 100.0;
}
static double g_full(const struct run_point *p)
{
	return p->full_share / 100.0;
}
static double g_avg10(const struct run_point *p)
{
	return p->some_avg10 / 100.0;
}
static double g_peer(const struct run_point *p)
{
	return p->peer_some_share / 100.0;
}

static void marks(FILE *f, const struct axis *a, const struct lab_item *it, bool label)
{
	if (it->warn_from_us >= 0 && it->warn_to_us > it->warn_from_us)
		fprintf(f,
			"<rect class=\"warn\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"><title>warning window</title></rect>\n",
			px(a, it->warn_from_us / 1e6), MT,
			px(a, it->warn_to_us / 1e6) - px(a, it->warn_from_us / 1e6), H - MT - MB);
	if (it->kill_t_us >= 0) {
		double x = px(a, it->kill_t_us / 1e6);
		fprintf(f, "<line class=\"kill\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>\n",
			x, x, MT, H - MB);
		if (label)
			fprintf(f,
				"<text class=\"killt\" x=\"%.1f\" y=\"%d\">OOM kill %.3f s</text>\n",
				x - 4, H - MB - 6, it->kill_t_us / 1e6);
	}
}

/* a horizontal limit line, labelled inside the plot at its right end, above the line */
static void hline(FILE *f, const struct axis *a, double v, const char *cls, const char *label)
{
	fprintf(f,
		"<line class=\"%s\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>"
		"<text class=\"lbl %s\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">",
		cls, ML, W - MR, py(a, v), py(a, v), cls, W - MR - 4, py(a, v) - 4);
	esc(f, label);
	fputs("</text>\n", f);
}

static void legend_open(FILE *f)
{
	fputs("<p class=\"legend\">", f);
}

static void legend(FILE *f, const char *cls, const char *label)
{
	fprintf(f, "<span class=\"entry %s\"><span class=\"k %s\"></span>", cls, cls);
	esc(f, label);
	fputs("</span> ", f);
}

/* the verdict bands for the some share, clipped to the axis, labelled on the right */
static void bands(FILE *f, const struct axis *a)
{
	const struct verdict_thresholds *t = &verdict_default_thresholds;
	struct {
		double lo, hi;
		const char *cls, *label;
	} b[] = {
		{ 0, t->strained_some / 100.0, "healthy", "healthy" },
		{ t->strained_some / 100.0, t->sick_some / 100.0, "strained", "strained" },
		{ t->sick_some / 100.0, 1e9, "sick", "sick" },
	};
	char lbl[64];

	for (size_t i = 0; i < ELEMENTSOF(b); i++) {
		double hi = b[i].hi > a->y_max ? a->y_max : b[i].hi;
		if (b[i].lo >= a->y_max)
			continue;
		fprintf(f,
			"<rect class=\"band %s\" x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\"><title>%s: some share %s</title></rect>\n",
			b[i].cls, ML, py(a, hi), W - ML - MR, py(a, b[i].lo) - py(a, hi),
			b[i].label,
			i == 0 ? "below the strained threshold" : "at or above its threshold");
		if (i == 0)
			xsnprintf(lbl, sizeof(lbl), "healthy");
		else
			xsnprintf(lbl, sizeof(lbl), "%s \xe2\x89\xa5 %.0f %%", b[i].label, b[i].lo);
		fprintf(f, "<text class=\"lbl bandl %s\" x=\"%d\" y=\"%.1f\">%s</text>\n", b[i].cls,
			W - MR + 4, (py(a, b[i].lo) + py(a, hi)) / 2 + 4, lbl);
	}
	/* the full-share rules, as lines, where the axis reaches them */
	if (t->sick_full / 100.0 <= a->y_max) {
		xsnprintf(lbl, sizeof(lbl), "full \xe2\x89\xa5 %.0f %%: sick",
			  t->sick_full / 100.0);
		hline(f, a, t->sick_full / 100.0, "fullrule", lbl);
	}
	if (t->critical_full / 100.0 <= a->y_max) {
		xsnprintf(lbl, sizeof(lbl), "full \xe2\x89\xa5 %.0f %%: critical",
			  t->critical_full / 100.0);
		hline(f, a, t->critical_full / 100.0, "fullrule", lbl);
	}
}

static void plots(FILE *f, const struct lab_host *host, const struct lab_item *it)
{
	struct axis a = { 0 };
	double top = 0, ptop = 0;
	bool psi = false, anon = false, file = false, peer = false, full = false;
	char lbl[96];

	if (it->npoints == 0)
		return;
	for (size_t i = 0; i < it->npoints; i++) {
		const struct run_point *p = &it->points[i];
		double t = p->t_us / 1e6;
		if (t > a.t_max)
			a.t_max = t;
		if (g_cur(p) > top)
			top = g_cur(p);
		anon |= p->anon > 0;
		file |= p->file > 0;
		if (p->has_psi) {
			psi = true;
			full |= p->full_share > 0 || p->full_avg10 > 0;
			if (g_some(p) > ptop)
				ptop = g_some(p);
			if (g_full(p) > ptop)
				ptop = g_full(p);
			if (g_avg10(p) > ptop)
				ptop = g_avg10(p);
		}
		if (p->has_peer) {
			peer = true;
			if (g_peer(p) > ptop)
				ptop = g_peer(p);
		}
	}
	if (it->kill_t_us >= 0 && it->kill_t_us / 1e6 > a.t_max)
		a.t_max = it->kill_t_us / 1e6;
	if (a.t_max <= 0)
		a.t_max = 1;
	a.t_step = nice_step(a.t_max, 8);
	a.t_max = ceil_to(a.t_max, a.t_step);
	if (it->plot_max != SIZE_UNLIMITED && it->plot_max / 1048576.0 > top)
		top = it->plot_max / 1048576.0;
	set_y(&a, top * 1.05);

	fprintf(f, "<div class=\"plots\"><h4>memory (MiB)%s</h4>\n",
		peer ? ": the sick cgroup" : "");
	frame_open(f, &a, "memory", "MiB", "memory over time");
	marks(f, &a, it, true);
	if (it->plot_max != SIZE_UNLIMITED) {
		xsnprintf(lbl, sizeof(lbl), "%s", host->limit_file[0] ? host->limit_file : "limit");
		hline(f, &a, it->plot_max / 1048576.0, "max", lbl);
	}
	if (it->plot_high != SIZE_UNLIMITED)
		hline(f, &a, it->plot_high / 1048576.0, "high", "memory.high");
	/* anonymous and page cache first: usage is drawn last, on top */
	if (anon)
		polyline(f, &a, it, "anon", g_anon, false);
	if (file)
		polyline(f, &a, it, "file", g_file, false);
	polyline(f, &a, it, "cur", g_cur, false);
	fputs("</svg>\n", f);
	legend_open(f);
	legend(f, "cur", "usage");
	if (anon)
		legend(f, "anon", "anonymous (+shmem)");
	if (file)
		legend(f, "file", "page cache");
	if (it->plot_max != SIZE_UNLIMITED)
		legend(f, "max", lbl);
	if (it->plot_high != SIZE_UNLIMITED)
		legend(f, "high", "memory.high");
	if (it->kill_t_us >= 0)
		legend(f, "kill", "OOM kill");
	if (it->warn_from_us >= 0 && it->warn_to_us > it->warn_from_us)
		legend(f, "warn", "warning window");
	fputs("</p>\n", f);

	if (psi) {
		const struct verdict_thresholds *t = &verdict_default_thresholds;
		/* scaled to the data, but always reaching a little above the strained threshold so
		 * a flat line near zero reads as "far from strained", not as "no data" */
		double want = ptop * 1.15;
		if (want < t->strained_some / 100.0 * 1.3)
			want = t->strained_some / 100.0 * 1.3;
		set_y(&a, want);
		fprintf(f,
			"<h4>memory pressure (%% of each interval stalled%s; verdict bands behind)</h4>\n",
			peer ? ", the sick and the idle cgroup" : "");
		frame_open(f, &a, "pressure", "% stalled", "pressure over time");
		bands(f, &a);
		marks(f, &a, it, false);
		polyline(f, &a, it, "avg10", g_avg10, false);
		if (full)
			polyline(f, &a, it, "full", g_full, false);
		if (peer)
			polyline(f, &a, it, "peer", g_peer, true);
		polyline(f, &a, it, "some", g_some, false);
		fputs("</svg>\n", f);
		legend_open(f);
		legend(f, "some", peer ? "sick cgroup: some share" : "some share");
		if (peer)
			legend(f, "peer", "idle cgroup: some share");
		if (full)
			legend(f, "full", "full share");
		legend(f, "avg10", "some avg10 (the kernel's average, lags)");
		if (it->kill_t_us >= 0)
			legend(f, "kill", "OOM kill");
		legend(f, "band strained", "strained band");
		if (a.y_max > t->sick_some / 100.0)
			legend(f, "band sick", "sick band");
		fputs("</p>\n", f);
	}
	fputs("</div>\n", f);
}

/* Protection: the kernel's badness of each process without and with its oom_score_adj. */
static void ranking(FILE *f, const struct lab_item *it)
{
	int64_t lo = 0, hi = 1;
	const int bw = W - 230 - 230, x0 = 230, rowh = 46;
	int h = 34 + (int)it->nbars * rowh;
	pid_t before_victim = 0;
	int64_t best = INT64_MIN;

	if (it->nbars == 0)
		return;
	for (size_t i = 0; i < it->nbars; i++) {
		const struct lab_bar *b = &it->bars[i];
		lo = b->before < lo ? b->before : lo;
		lo = b->after < lo ? b->after : lo;
		hi = b->before > hi ? b->before : hi;
		hi = b->after > hi ? b->after : hi;
		if (b->before > best) {
			best = b->before;
			before_victim = b->pid;
		}
	}
#define BX(v) (x0 + (double)bw * ((double)(v) - (double)lo) / (double)(hi - lo))
	fprintf(f,
		"<div class=\"plots\"><h4>the kernel's ranking (badness in pages: rss + swap + page tables + oom_score_adj \xc3\x97 limit / 1000)</h4>\n");
	fprintf(f,
		"<svg class=\"plot ranking\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"badness before and after oom_score_adj\">\n",
		W, h, W, h);
	fprintf(f, "<line class=\"zero\" x1=\"%.1f\" x2=\"%.1f\" y1=\"8\" y2=\"%d\"/>\n", BX(0),
		BX(0), h - 20);
	for (size_t i = 0; i < it->nbars; i++) {
		const struct lab_bar *b = &it->bars[i];
		int y = 14 + (int)i * rowh;
		bool killed = it->killed_pid && it->killed_pid == b->pid;
		double xa0 = BX(b->before < 0 ? b->before : 0),
		       xa1 = BX(b->before > 0 ? b->before : 0);
		double xb0 = BX(b->after < 0 ? b->after : 0), xb1 = BX(b->after > 0 ? b->after : 0);
		fprintf(f, "<text class=\"lbl who\" x=\"4\" y=\"%d\">pid %d ", y + 12, b->pid);
		esc(f, b->comm);
		fprintf(f,
			"%s</text>\n<text class=\"lbl\" x=\"4\" y=\"%d\">oom_score_adj %d</text>\n",
			b->protected_ ? " (protected)" : "", y + 28, b->adj);
		fprintf(f,
			"<rect class=\"bar before%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"14\"><title>without oom_score_adj: %" PRId64
			"</title></rect>"
			"<text class=\"lbl\" x=\"%.1f\" y=\"%d\">%" PRId64
			" without adj%s</text>\n",
			b->pid == before_victim ? " would-die" : "", xa0, y,
			xa1 - xa0 < 1 ? 1 : xa1 - xa0, b->before, xa1 + 4, y + 11, b->before,
			b->pid == before_victim ? ": would die" : "");
		fprintf(f,
			"<rect class=\"bar after%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"14\"><title>with oom_score_adj %d: %" PRId64
			"</title></rect>"
			"<text class=\"lbl%s\" x=\"%.1f\" y=\"%d\">%" PRId64 " with adj%s</text>\n",
			b->victim ? " victim" : "", xb0, y + 17, xb1 - xb0 < 1 ? 1 : xb1 - xb0,
			b->adj, b->after, b->victim ? " victimt" : "", xb1 + 4, y + 28, b->after,
			b->victim ? (killed ? ": victim, killed" : ": victim") :
			killed	  ? ": killed" :
				    "");
	}
	fprintf(f, "<text class=\"lbl\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">0</text>\n",
		BX(0), h - 6);
	fputs("</svg>\n", f);
	legend_open(f);
	legend(f, "before", "badness with oom_score_adj 0");
	legend(f, "after", "badness as set");
	legend(f, "victim", "the kernel's choice");
	fputs("</p></div>\n", f);
#undef BX
}

/* "step 4", "exercise 2" */
static void item_name(FILE *f, const struct lab_item *it)
{
	fprintf(f, "%s %s", it->exercise ? "exercise" : "step", it->id + (it->exercise ? 2 : 4));
}

static const struct lab_item *find(const struct lab_item *items, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(items[i].id, id) == 0)
			return &items[i];
	return NULL;
}

static uint32_t top_share(const struct lab_item *it, bool full, int64_t before_us)
{
	uint32_t m = 0;
	for (size_t i = 0; i < it->npoints; i++) {
		const struct run_point *p = &it->points[i];
		uint32_t v = full ? p->full_share : p->some_share;
		if (!p->has_psi || (before_us >= 0 && (int64_t)p->t_us > before_us))
			continue;
		if (v > m)
			m = v;
	}
	return m;
}

static bool any_psi(const struct lab_item *it)
{
	for (size_t i = 0; i < it->npoints; i++)
		if (it->points[i].has_psi)
			return true;
	return false;
}

/* What this run showed, from its own numbers. */
static void summary(FILE *f, const struct lab_host *host, const struct lab_item *items, size_t n)
{
	const struct verdict_thresholds *t = &verdict_default_thresholds;
	const struct lab_item *k = find(items, n, "step4"), *w = find(items, n, "ex2");
	const struct lab_item *pc = find(items, n, "step3"), *s7 = find(items, n, "step7");
	const struct lab_item *pr = find(items, n, "step5");

	if (!pr || pr->nbars == 0)
		pr = find(items, n, "ex4");
	/* the kill story: the step that killed, else the first item with a kill and samples */
	if (!k || k->kill_t_us < 0 || !k->npoints)
		for (size_t i = 0; i < n; i++)
			if (items[i].kill_t_us >= 0 && items[i].npoints) {
				k = &items[i];
				break;
			}
	fputs("<section id=\"summary\"><h2>What this run showed</h2>\n", f);
	if (k && k->kill_t_us >= 0 && any_psi(k)) {
		uint32_t s = top_share(k, false, k->kill_t_us),
			 fu = top_share(k, true, k->kill_t_us);
		bool warned = s >= t->strained_some || fu >= t->sick_full;
		fprintf(f, "<p class=\"verdict %s\"><b>Pressure %s before the kill.</b> In ",
			warned ? "warned" : "silent", warned ? "warned" : "did not warn");
		item_name(f, k);
		fprintf(f,
			" the workload was OOM-killed %.3f s after it started; the highest stall share of "
			"its cgroup before the kill was %u.%02u %% (some) and %u.%02u %% (full), against %u %% "
			"where <i>strained</i> starts.</p>\n",
			k->kill_t_us / 1e6, s / 100, s % 100, fu / 100, fu % 100,
			t->strained_some / 100);
		if (!warned)
			fputs("<p>Why: the memory was anonymous and there is no swap, so at the limit the "
			      "kernel had nothing it could reclaim and nothing to wait for. PSI measures time "
			      "spent stalled on reclaim and refaults; an allocation that finds nothing to "
			      "reclaim goes straight to the OOM killer, in milliseconds, with almost no stall. "
			      "<b>An anonymous-memory OOM comes without a pressure warning</b>: a PSI-based "
			      "monitor (systemd-oomd, earlyoom's PSI mode, a Kubernetes eviction on pressure) "
			      "cannot act before such a kill. What can: a limit with headroom, memory.high "
			      "(cgroup v2) to throttle before memory.max, or swap to give reclaim something to "
			      "do.</p>\n",
			      f);
		else
			fputs("<p>Why: the workload was slowed before it was killed (throttled at memory.high, "
			      "or reclaiming page cache), and that wait is what PSI counts. This is the window "
			      "a pressure-based monitor can use.</p>\n",
			      f);
	} else if (k && k->kill_t_us >= 0) {
		fprintf(f,
			"<p class=\"verdict nopsi\"><b>The workload was killed at %.3f s; this host has no "
			"per-cgroup PSI, so whether pressure warned cannot be measured here.</b></p>\n",
			k->kill_t_us / 1e6);
	} else {
		fputs("<p class=\"verdict nokill\">No step of this run ended in an OOM kill with samples, so "
		      "there is no kill to compare pressure with.</p>\n",
		      f);
	}
	fputs("<ul>\n", f);
	if (w) {
		fputs("<li>With a warning band (exercise 2): ", f);
		esc(f, w->status == LAB_PASS ? w->reason : w->reason[0] ? w->reason : w->observed);
		fputs("</li>\n", f);
	}
	if (pc && any_psi(pc)) {
		uint32_t s = top_share(pc, false, -1);
		fprintf(f,
			"<li>Page cache is different (step 3): reclaiming it is work the task waits "
			"for, so the stall share reached %u.%02u %% %s.</li>\n",
			s / 100, s % 100,
			pc->kill_t_us >= 0 ? "before a kill" : "with no kill: sick but alive");
	}
	if (s7 && any_psi(s7)) {
		uint32_t s = top_share(s7, false, -1), idle = 0;
		for (size_t i = 0; i < s7->npoints; i++)
			if (s7->points[i].has_peer && s7->points[i].peer_some_share > idle)
				idle = s7->points[i].peer_some_share;
		fprintf(f,
			"<li>Pressure is per cgroup (step 7): at the same moments the sick cgroup "
			"reached %u.%02u %% and the idle one %u.%02u %%.</li>\n",
			s / 100, s % 100, idle / 100, idle % 100);
	}
	if (pr && pr->nbars) {
		const struct lab_bar *v = NULL, *bv = NULL;
		for (size_t i = 0; i < pr->nbars; i++) {
			if (pr->bars[i].victim)
				v = &pr->bars[i];
			if (!bv || pr->bars[i].before > bv->before)
				bv = &pr->bars[i];
		}
		if (v && bv) {
			fputs("<li>oom_score_adj decides who dies (", f);
			item_name(f, pr);
			fprintf(f, "): without it pid %d (", bv->pid);
			esc(f, bv->comm);
			fprintf(f, ") would have died; with it the kernel chose pid %d (", v->pid);
			esc(f, v->comm);
			fprintf(f, ")%s.</li>\n",
				pr->killed_pid ? (pr->killed_pid == v->pid ?
							  ", and that process was killed" :
							  ", but another process was killed") :
						 "");
		}
	}
	fprintf(f, "<li>This host: kernel ");
	esc(f, host->kernel);
	fprintf(f, ", cgroup layout %s, %s, %s.</li>\n", host->mode,
		host->memory_high ? "memory.high available" :
				    "no memory.high (v1 memory controller)",
		host->psi ? "per-cgroup PSI" : "no per-cgroup PSI");
	fputs("</ul></section>\n", f);
}

static const char css[] =
	"body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:820px;color:#222;padding:0 1em}"
	"h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}"
	"h4{margin:.8em 0 .2em;font-size:.95em;color:#444}"
	"table{border-collapse:collapse}td,th{padding:.2em .6em;text-align:left;vertical-align:top}"
	".st{font-weight:bold;padding:.1em .5em;border-radius:3px;color:#fff}"
	".PASS{background:#2a7d2a}.FAIL{background:#b22}.SKIPPED{background:#888}"
	"pre{background:#f4f4f4;padding:.6em;white-space:pre-wrap;overflow-wrap:anywhere;font-size:.85em}"
	"pre.kline{border-left:4px solid #d00;background:#fff4f4}"
	".plot{display:block;max-width:100%;height:auto}.bg{fill:#fff;stroke:#bbb}"
	".grid{stroke:#e8e8e8}.tick{stroke:#999}.lbl{font-size:11px;fill:#555}"
	"polyline{fill:none;stroke-width:1.6;stroke-linejoin:round}"
	"polyline.cur{stroke:#1f5fbf;stroke-width:2.6}polyline.anon{stroke:#c0392b}"
	"polyline.file{stroke:#27ae60}polyline.some{stroke:#8e44ad;stroke-width:2.4}"
	"polyline.full{stroke:#7b241c}polyline.peer{stroke:#16a085;stroke-width:2.4;stroke-dasharray:7 3}"
	"polyline.avg10{stroke:#888;stroke-dasharray:4 3}"
	"line.max{stroke:#000;stroke-dasharray:6 3}line.high{stroke:#e67e22;stroke-dasharray:6 3}"
	"line.fullrule{stroke:#7b241c;stroke-dasharray:2 3}"
	"line.kill{stroke:#d00;stroke-width:2}.killt{font-size:11px;fill:#d00;text-anchor:end}"
	"rect.warn{fill:#f1c40f;opacity:.25}"
	"rect.band.healthy{fill:#eaf7ea}rect.band.strained{fill:#fdf3d0}rect.band.sick{fill:#fbe0dd}"
	".bandl.strained{fill:#a67c00}.bandl.sick{fill:#b22}.bandl.healthy{fill:#2a7d2a}"
	"rect.bar.before{fill:#bbb}rect.bar.before.would-die{fill:#999;stroke:#555;stroke-dasharray:3 2}"
	"rect.bar.after{fill:#1f5fbf}rect.bar.after.victim{fill:#d00}.victimt{fill:#d00;font-weight:bold}"
	"line.zero{stroke:#444}.who{font-weight:bold;fill:#222}"
	".legend{font-size:.8em;color:#555}.entry{white-space:nowrap}"
	".k{display:inline-block;width:14px;height:3px;margin:0 4px 3px 10px;vertical-align:middle}"
	".k.cur{background:#1f5fbf;height:4px}.k.anon{background:#c0392b}.k.file{background:#27ae60}"
	".k.max{background:#000}.k.high{background:#e67e22}.k.kill{background:#d00}"
	".k.warn{background:#f1c40f;height:8px}.k.some{background:#8e44ad}.k.full{background:#7b241c}"
	".k.peer{background:#16a085}.k.avg10{background:#888}"
	".k.band.strained{background:#fdf3d0;height:8px}.k.band.sick{background:#fbe0dd;height:8px}"
	".k.before{background:#bbb;height:8px}.k.after{background:#1f5fbf;height:8px}.k.victim{background:#d00;height:8px}"
	"#summary{border:1px solid #ccc;border-radius:6px;padding:0 1em .5em;margin-top:2em;background:#fafafa}"
	".verdict.silent b:first-child{color:#b22}.verdict.warned b:first-child{color:#2a7d2a}"
	".hosthdr{color:#555;margin-top:0}";

int lab_write_html(const char *path, const struct lab_host *host, const struct lab_item *items,
		   size_t n, uint64_t max, uint64_t high, bool has_high)
{
	FILE *f = fopen(path, "we");
	char b1[32], b2[32], b3[32];
	size_t pass = 0, fail = 0, skip = 0;

	if (!f)
		return -errno;
	for (size_t i = 0; i < n; i++) {
		if (items[i].status == LAB_PASS)
			pass++;
		else if (items[i].status == LAB_FAIL)
			fail++;
		else
			skip++;
	}
	fprintf(f,
		"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		"<title>oomlab lab report</title><style>%s</style></head><body>\n",
		css);
	fputs("<header><h1>Watch the OOM killer fire: lab report</h1>\n<p class=\"hosthdr\">"
	      "<span class=\"hostname\">",
	      f);
	esc(f, host->hostname[0] ? host->hostname : "unknown host");
	fputs("</span> &middot; kernel <span class=\"kernel\">", f);
	esc(f, host->kernel);
	fputs("</span> &middot; <span class=\"date\">", f);
	esc(f, host->date[0] ? host->date : "date unknown");
	fputs("</span></p></header>\n<table class=\"facts\">", f);
	fprintf(f,
		"<tr><th>cgroup layout</th><td>%s</td></tr>"
		"<tr><th>memory.high</th><td>%s</td></tr><tr><th>per-cgroup PSI</th><td>%s</td></tr>"
		"<tr><th>CAP_SYS_RESOURCE</th><td>%s</td></tr>"
		"<tr><th>host memory</th><td>%s total, %s available at the start</td></tr>"
		"<tr><th>box</th><td><span class=\"limitfile\">",
		host->mode, host->memory_high ? "yes" : "no (cgroup v1 memory controller)",
		host->psi ? "yes" : "no",
		host->cap_sys_resource ? "yes" : "no (negative oom_score_adj refused)",
		format_bytes(host->mem_total, b1, sizeof(b1)),
		format_bytes(host->mem_available, b2, sizeof(b2)));
	esc(f, host->limit_file[0] ? host->limit_file : "memory.max");
	fprintf(f, "</span> %s", max ? format_bytes(max, b3, sizeof(b3)) : "as set per step");
	if (has_high)
		fprintf(f, ", memory.high %s", format_bytes(high, b2, sizeof(b2)));
	fprintf(f,
		"</td></tr><tr><th>result</th><td>%zu PASS, %zu FAIL, %zu SKIPPED "
		"(<a href=\"#summary\">what this run showed</a>)</td></tr></table>\n",
		pass, fail, skip);

	for (size_t i = 0; i < n; i++) {
		const struct lab_item *it = &items[i];
		fprintf(f, "<section class=\"item\" id=\"%s\"><h2>%s %s: ", it->id,
			it->exercise ? "Exercise" : "Step", it->id + (it->exercise ? 2 : 4));
		esc(f, it->title);
		fprintf(f,
			" <span class=\"st %s\">%s</span></h2>\n<table>"
			"<tr><th>expected</th><td>",
			lab_status_name(it->status), lab_status_name(it->status));
		esc(f, it->expected);
		fprintf(f, "</td></tr><tr><th>observed</th><td>");
		esc(f, it->observed);
		fprintf(f, "</td></tr><tr><th>%s</th><td>",
			it->status == LAB_PASS ? "why it passed" : "reason");
		esc(f, it->reason);
		fprintf(f, "</td></tr></table>\n");
		plots(f, host, it);
		ranking(f, it);
		if (it->kill_line[0]) {
			fputs("<h4>the kernel's kill line</h4>\n<pre class=\"kline\">", f);
			esc(f, it->kill_line);
			fputs("</pre>\n", f);
		}
		if (it->detail[0]) {
			fprintf(f, "<pre class=\"detail\">");
			esc(f, it->detail);
			fprintf(f, "</pre>\n");
		}
		fputs("</section>\n", f);
	}
	summary(f, host, items, n);
	fprintf(f,
		"<p class=\"legend\">Generated by oomlab. Self-contained: no scripts, nothing loaded from the network.</p>\n</body></html>\n");
	if (fclose(f) != 0)
		return -errno;
	return 0;
}

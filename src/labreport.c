// SPDX-License-Identifier: MIT
/*
 * The lab's HTML report: one self-contained file (inline CSS and SVG, no scripts, nothing
 * fetched). Per step: the verdict, expected vs observed, and when the step sampled a run, two
 * plots on one time axis: memory (usage, anonymous, page cache against memory.high and
 * memory.max) and pressure (some/full share per interval and avg10), the kill marked and the
 * warning window shaded.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lab.h"
#include "../lib/banned.h"

#define W 760
#define H 220
#define ML 56 /* margins */
#define MR 16
#define MT 14
#define MB 30

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

struct axis {
	double t_max;  /* seconds */
	double y_max;  /* MiB or percent */
};

static double px(const struct axis *a, double t)
{
	return ML + (W - ML - MR) * (a->t_max > 0 ? t / a->t_max : 0);
}

static double py(const struct axis *a, double v)
{
	if (v > a->y_max)
		v = a->y_max;
	return MT + (H - MT - MB) * (1.0 - (a->y_max > 0 ? v / a->y_max : 0));
}

static void frame(FILE *f, const struct axis *a, const char *unit, const char *title)
{
	fprintf(f, "<svg class=\"plot\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"",
		W, H, W, H);
	esc(f, title);
	fprintf(f, "\">\n<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"bg\"/>\n", ML, MT,
		W - ML - MR, H - MT - MB);
	for (int i = 0; i <= 4; i++) {
		double v = a->y_max * i / 4;
		fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>"
			   "<text x=\"%d\" y=\"%.1f\" class=\"lbl\" text-anchor=\"end\">%.0f%s</text>\n",
			ML, W - MR, py(a, v), py(a, v), ML - 4, py(a, v) + 4, v, unit);
	}
	for (int i = 0; i <= 5; i++) {
		double t = a->t_max * i / 5;
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" class=\"lbl\" text-anchor=\"middle\">%.1f s</text>\n",
			px(a, t), H - MB + 16, t);
	}
}

static void polyline(FILE *f, const struct axis *a, const struct lab_item *it, const char *cls,
		     double (*get)(const struct run_point *))
{
	fprintf(f, "<polyline class=\"%s\" points=\"", cls);
	for (size_t i = 0; i < it->npoints; i++)
		fprintf(f, "%.1f,%.1f ", px(a, it->points[i].t_us / 1e6), py(a, get(&it->points[i])));
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

static void marks(FILE *f, const struct axis *a, const struct lab_item *it)
{
	if (it->warn_from_us >= 0 && it->warn_to_us > it->warn_from_us)
		fprintf(f, "<rect class=\"warn\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"><title>warning window</title></rect>\n",
			px(a, it->warn_from_us / 1e6), MT,
			px(a, it->warn_to_us / 1e6) - px(a, it->warn_from_us / 1e6), H - MT - MB);
	if (it->kill_t_us >= 0)
		fprintf(f, "<line class=\"kill\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>"
			   "<text class=\"killt\" x=\"%.1f\" y=\"%d\">OOM kill</text>\n",
			px(a, it->kill_t_us / 1e6), px(a, it->kill_t_us / 1e6), MT, H - MB,
			px(a, it->kill_t_us / 1e6) - 4, MT + 12);
}

static void hline(FILE *f, const struct axis *a, double v, const char *cls, const char *label)
{
	fprintf(f, "<line class=\"%s\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>"
		   "<text class=\"lbl\" x=\"%d\" y=\"%.1f\">%s</text>\n",
		cls, ML, W - MR, py(a, v), py(a, v), ML + 4, py(a, v) - 3, label);
}

static void plots(FILE *f, const struct lab_item *it)
{
	struct axis a = { 0 };
	double top = 0;
	bool psi = false;

	if (it->npoints == 0)
		return;
	for (size_t i = 0; i < it->npoints; i++) {
		double t = it->points[i].t_us / 1e6;
		if (t > a.t_max)
			a.t_max = t;
		if (g_cur(&it->points[i]) > top)
			top = g_cur(&it->points[i]);
		psi |= it->points[i].has_psi;
	}
	if (it->kill_t_us >= 0 && it->kill_t_us / 1e6 > a.t_max)
		a.t_max = it->kill_t_us / 1e6;
	if (a.t_max <= 0)
		a.t_max = 1;
	a.t_max *= 1.02;
	if (it->plot_max != SIZE_UNLIMITED && it->plot_max / 1048576.0 > top)
		top = it->plot_max / 1048576.0;
	a.y_max = top > 0 ? top * 1.1 : 1;

	fprintf(f, "<div class=\"plots\"><h4>memory (MiB)</h4>\n");
	frame(f, &a, "", "memory over time");
	marks(f, &a, it);
	if (it->plot_max != SIZE_UNLIMITED)
		hline(f, &a, it->plot_max / 1048576.0, "max", "memory.max");
	if (it->plot_high != SIZE_UNLIMITED)
		hline(f, &a, it->plot_high / 1048576.0, "high", "memory.high");
	polyline(f, &a, it, "cur", g_cur);
	polyline(f, &a, it, "anon", g_anon);
	polyline(f, &a, it, "file", g_file);
	fprintf(f, "</svg>\n<p class=\"legend\"><span class=\"k cur\"></span>usage "
		   "<span class=\"k anon\"></span>anonymous <span class=\"k file\"></span>page cache "
		   "<span class=\"k max\"></span>limit <span class=\"k high\"></span>memory.high "
		   "<span class=\"k kill\"></span>OOM kill <span class=\"k warn\"></span>warning window</p>\n");
	if (psi) {
		a.y_max = 100;
		fprintf(f, "<h4>memory pressure (%% of each interval stalled; avg10 for comparison)</h4>\n");
		frame(f, &a, "%", "pressure over time");
		marks(f, &a, it);
		polyline(f, &a, it, "some", g_some);
		polyline(f, &a, it, "full", g_full);
		polyline(f, &a, it, "avg10", g_avg10);
		fprintf(f, "</svg>\n<p class=\"legend\"><span class=\"k some\"></span>some share "
			   "<span class=\"k full\"></span>full share <span class=\"k avg10\"></span>some avg10 (lags)</p>\n");
	}
	fprintf(f, "</div>\n");
}

static const char css[] =
	"body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:820px;color:#222}"
	"h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}"
	"h4{margin:.8em 0 .2em;font-size:.95em;color:#444}"
	"table{border-collapse:collapse}td,th{padding:.2em .6em;text-align:left;vertical-align:top}"
	".st{font-weight:bold;padding:.1em .5em;border-radius:3px;color:#fff}"
	".PASS{background:#2a7d2a}.FAIL{background:#b22}.SKIPPED{background:#888}"
	"pre{background:#f4f4f4;padding:.6em;overflow-x:auto;font-size:.85em}"
	".plot{display:block;max-width:100%;height:auto}.bg{fill:#fbfbfb;stroke:#bbb}"
	".grid{stroke:#e4e4e4}.lbl{font-size:11px;fill:#555}"
	"polyline{fill:none;stroke-width:2}.cur{stroke:#1f5fbf}.anon{stroke:#c0392b}"
	".file{stroke:#27ae60}.some{stroke:#8e44ad}.full{stroke:#7b241c}"
	".avg10{stroke:#999;stroke-dasharray:4 3}"
	"line.max{stroke:#000;stroke-dasharray:6 3}line.high{stroke:#e67e22;stroke-dasharray:6 3}"
	"line.kill{stroke:#d00;stroke-width:2}.killt{font-size:11px;fill:#d00;text-anchor:end}"
	"rect.warn{fill:#f1c40f;opacity:.25}"
	".legend{font-size:.8em;color:#555}.k{display:inline-block;width:14px;height:3px;margin:0 4px 3px 10px;vertical-align:middle}"
	".k.cur{background:#1f5fbf}.k.anon{background:#c0392b}.k.file{background:#27ae60}"
	".k.max{background:#000}.k.high{background:#e67e22}.k.kill{background:#d00}"
	".k.warn{background:#f1c40f;height:8px}.k.some{background:#8e44ad}.k.full{background:#7b241c}"
	".k.avg10{background:#999}";

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
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		   "<title>oomlab lab report</title><style>%s</style></head><body>\n", css);
	fprintf(f, "<h1>Watch the OOM killer fire: lab report</h1>\n<table>"
		   "<tr><th>kernel</th><td>");
	esc(f, host->kernel);
	fprintf(f, "</td></tr><tr><th>cgroup layout</th><td>%s</td></tr>"
		   "<tr><th>memory.high</th><td>%s</td></tr><tr><th>per-cgroup PSI</th><td>%s</td></tr>"
		   "<tr><th>CAP_SYS_RESOURCE</th><td>%s</td></tr>"
		   "<tr><th>host memory</th><td>%s total, %s available at the start</td></tr>"
		   "<tr><th>box</th><td>memory.max %s",
		host->mode, host->memory_high ? "yes" : "no (cgroup v1 memory controller)",
		host->psi ? "yes" : "no", host->cap_sys_resource ? "yes" : "no (negative oom_score_adj refused)",
		format_bytes(host->mem_total, b1, sizeof(b1)),
		format_bytes(host->mem_available, b2, sizeof(b2)), format_bytes(max, b3, sizeof(b3)));
	if (has_high)
		fprintf(f, ", memory.high %s", format_bytes(high, b2, sizeof(b2)));
	fprintf(f, "</td></tr><tr><th>result</th><td>%zu PASS, %zu FAIL, %zu SKIPPED</td></tr></table>\n",
		pass, fail, skip);

	for (size_t i = 0; i < n; i++) {
		const struct lab_item *it = &items[i];
		fprintf(f, "<h2 id=\"%s\">%s %s: ", it->id, it->exercise ? "Exercise" : "Step",
			it->id + (it->exercise ? 2 : 4));
		esc(f, it->title);
		fprintf(f, " <span class=\"st %s\">%s</span></h2>\n<table>"
			   "<tr><th>expected</th><td>",
			lab_status_name(it->status), lab_status_name(it->status));
		esc(f, it->expected);
		fprintf(f, "</td></tr><tr><th>observed</th><td>");
		esc(f, it->observed);
		fprintf(f, "</td></tr><tr><th>%s</th><td>", it->status == LAB_PASS ? "why it passed" : "reason");
		esc(f, it->reason);
		fprintf(f, "</td></tr></table>\n");
		plots(f, it);
		if (it->detail[0]) {
			fprintf(f, "<pre>");
			esc(f, it->detail);
			fprintf(f, "</pre>\n");
		}
	}
	fprintf(f, "<p class=\"legend\">Generated by oomlab. Self-contained: no scripts, nothing loaded from the network.</p>\n</body></html>\n");
	if (fclose(f) != 0)
		return -errno;
	return 0;
}

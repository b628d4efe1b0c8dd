// SPDX-License-Identifier: MIT
/*
 * oomlab lab: the investigation "Watch the OOM killer fire", run for real on this machine.
 * Every step creates what it needs, measures, compares with what the seed investigation
 * expects, says PASS / FAIL / SKIPPED (with the reason true for this host), and removes
 * everything it created. Ctrl-C stops the lab after cleaning up.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "color.h"
#include "lab.h"
#include "run.h"
#include "scores.h"
#include "spawn.h"
#include "../lib/cgroup.h"
#include "../lib/memory-stat.h"
#include "../lib/oom-scope.h"
#include "../lib/proc.h"
#include "../lib/psi.h"
#include "../lib/verdict.h"
#include "../lib/banned.h"

#define MiB (1ULL << 20)

struct lab {
	struct cli *cli;
	struct cg_layout layout;
	uint64_t max, high;
	bool has_high; /* the user's --high (default 400M) */
	bool v2_high;  /* the host has memory.high */
	bool psi;      /* per-cgroup PSI available */
	bool yes, json;
	FILE *out; /* the narrative: stdout, or stderr with --json */
	unsigned seq;
	int sigfd;
	bool interrupted;
	struct lab_item items[16];
	size_t n;
	struct lab_host host;
	const char *peer_psi; /* sampled with the next lab_run (step 7's idle cgroup) */
};

const char *lab_status_name(enum lab_status s)
{
	return s == LAB_PASS	    ? "PASS" :
	       s == LAB_FAIL	    ? "FAIL" :
	       s == LAB_INTERRUPTED ? "INTERRUPTED" :
				      "SKIPPED";
}

static struct lab_item *item_new(struct lab *lab, const char *id, bool exercise, const char *title)
{
	struct lab_item *it = &lab->items[lab->n++];

	memset(it, 0, sizeof(*it));
	xsnprintf(it->id, sizeof(it->id), "%s", id);
	xsnprintf(it->title, sizeof(it->title), "%s", title);
	it->exercise = exercise;
	it->kill_t_us = it->warn_from_us = it->warn_to_us = -1;
	it->plot_max = it->plot_high = SIZE_UNLIMITED;
	fprintf(lab->out, "\n== %s: %s ==\n", it->id, it->title);
	return it;
}

static void say(struct lab *lab, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct lab *lab, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("  ", lab->out);
	vfprintf(lab->out, fmt, ap);
	fputc('\n', lab->out);
	va_end(ap);
	fflush(lab->out);
}

static void setf(char *buf, size_t sz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void setf(char *buf, size_t sz, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sz, fmt, ap);
	va_end(ap);
}

static void finish(struct lab *lab, struct lab_item *it, enum lab_status st, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void finish(struct lab *lab, struct lab_item *it, enum lab_status st, const char *fmt, ...)
{
	va_list ap;
	it->status = st;
	va_start(ap, fmt);
	vsnprintf(it->reason, sizeof(it->reason), fmt, ap);
	va_end(ap);
	if (lab->interrupted && st != LAB_SKIPPED) {
		/* what was measured up to the signal proves nothing either way */
		it->status = LAB_INTERRUPTED;
		xsnprintf(
			it->reason, sizeof(it->reason),
			"interrupted: the step was stopped before it could be judged; everything it created was removed");
	}
	say(lab, "expected: %s", it->expected);
	say(lab, "observed: %s", it->observed);
	{
		bool on = color_wanted(fileno(lab->out));
		fputs("  ", lab->out);
		color_fputs(lab->out, on, color_status(lab_status_name(it->status)),
			    lab_status_name(it->status));
		fprintf(lab->out, ": %s\n", it->reason);
	}
}

/* Ctrl-C between steps (during a step run_execute consumes it and reports it) */
static bool check_interrupt(struct lab *lab)
{
	struct signalfd_siginfo si;
	while (read(lab->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		lab->interrupted = true;
	return lab->interrupted;
}

/* a measured quantity in hundredths (shares are already hundredths of a percent) */
static void measure(struct lab_item *it, const char *key, uint64_t centi)
{
	if (it->nm >= ELEMENTSOF(it->m))
		return;
	xsnprintf(it->m[it->nm].key, sizeof(it->m[it->nm].key), "%s", key);
	it->m[it->nm++].centi = centi;
}

/* poll() on fd and the lab's signalfd: 1 fd ready, 0 timeout, -EINTR a stop signal came */
static int poll_or_signal(struct lab *lab, int fd, int timeout_ms)
{
	struct pollfd p[2] = { { .fd = fd, .events = POLLIN },
			       { .fd = lab->sigfd, .events = POLLIN } };
	int r;

	for (;;) {
		r = poll(p, lab->sigfd >= 0 ? 2 : 1, timeout_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return 0;
		if (lab->sigfd >= 0 && (p[1].revents & POLLIN) && check_interrupt(lab))
			return -EINTR;
		return 1;
	}
}

/* The worst verdict of a run's intervals (lib/verdict.c, docs/VERDICT.md: the run summary's) */
static enum verdict worst_verdict(const struct lab_item *it)
{
	enum verdict w = V_HEALTHY;
	for (size_t i = 0; i < it->npoints; i++)
		if (it->points[i].verdict > w)
			w = it->points[i].verdict;
	return w;
}

static char *self(void)
{
	return (char *)cli_self_exe();
}

/* Run argv in a fresh cgroup, keeping the samples for the plots. */
static int lab_run(struct lab *lab, char **argv, uint64_t max, bool set_high, uint64_t high,
		   uint64_t interval_us, uint64_t timeout_us, struct run_state *st)
{
	struct run_opts o = {
		.max = max,
		.high = high,
		.has_high = set_high,
		.interval_us = interval_us,
		.quiet = lab->json,
		.argv = argv,
		.live = lab->out,
		.stdout_to_stderr = lab->json,
		.keep_samples = true,
		.seq = ++lab->seq,
		.timeout_us = timeout_us,
		.parent = "",
		.peer_psi = lab->peer_psi,
	};
	int ret = run_execute(lab->cli, &o, st);
	if (st->interrupted_by)
		lab->interrupted = true;
	return ret;
}

/* Hand the samples of a run to an item (the item owns them from now on). */
static void take_points(struct lab_item *it, struct run_state *st)
{
	it->points = st->points;
	it->npoints = st->npoints;
	st->points = NULL;
	st->npoints = st->cap_points = 0;
}

static uint32_t max_share(const struct lab_item *it, bool full)
{
	uint32_t m = 0;
	for (size_t i = 0; i < it->npoints; i++) {
		uint32_t v = full ? it->points[i].full_share : it->points[i].some_share;
		if (v > m)
			m = v;
	}
	return m;
}

/* ---------------------------------------------------------------- steps */

static void step_box(struct lab *lab)
{
	struct lab_item *it = item_new(lab, "step1", false, "the box: a memory-limited cgroup");
	struct cg cg;
	struct cg_sample s;
	char name[64], b1[32], b2[32], b3[32];
	int r;

	setf(it->expected, sizeof(it->expected),
	     "a cgroup with memory.max = %s and memory.high = %s, read back as written",
	     format_bytes(lab->max, b1, sizeof(b1)),
	     lab->has_high ? format_bytes(lab->high, b2, sizeof(b2)) : "max");
	r = cg_create_owned(&lab->layout, "", ++lab->seq, &cg);
	xsnprintf(name, sizeof(name), "%s", r == 0 ? cg.name + 1 : "oomlab-<pid>-<n>-<random>");
	if (r < 0) {
		setf(it->observed, sizeof(it->observed), "cannot create cgroup '%s': %s", name,
		     strerror(-r));
		finish(lab, it, LAB_FAIL, "the cgroup could not be created");
		return;
	}
	say(lab, "created %s%s%s", cg.mem, cg.v2[0] && !cg.mem_is_v2 ? " and " : "",
	    cg.v2[0] && !cg.mem_is_v2 ? cg.v2 : "");
	r = cg_set_max(&cg, lab->max);
	say(lab, "wrote %s = %" PRIu64 " (the hard limit: at it, reclaim, then the OOM killer)",
	    cg.mem_is_v2 ? "memory.max" : "memory.limit_in_bytes", lab->max);
	if (r == 0 && lab->has_high) {
		int h = cg_set_high(&cg, lab->high);
		if (h == -EOPNOTSUPP)
			say(lab,
			    "memory.high: not on this host: its memory controller is cgroup v1 (%s); "
			    "there is no throttling band, only the hard limit",
			    cg_mode_to_string(lab->layout.mode));
		else if (h == 0)
			say(lab,
			    "wrote memory.high = %" PRIu64
			    " (above it the kernel throttles and reclaims, never kills)",
			    lab->high);
		else
			r = h;
	}
	if (r == 0)
		r = cg_sample(&cg, &s);
	if (r < 0) {
		setf(it->observed, sizeof(it->observed), "cannot set or read the limits: %s",
		     strerror(-r));
		cg_destroy(&cg, 5000000);
		finish(lab, it, LAB_FAIL, "limits not applied");
		return;
	}
	setf(it->observed, sizeof(it->observed), "%s reads %s; memory.high %s; usage %s",
	     cg.mem_is_v2 ? "memory.max" : "memory.limit_in_bytes",
	     format_bytes(s.max, b1, sizeof(b1)),
	     s.has_high ? format_bytes(s.high, b2, sizeof(b2)) : "does not exist (cgroup v1)",
	     format_bytes(s.current, b3, sizeof(b3)));
	r = cg_destroy(&cg, 5000000);
	if (s.max != lab->max)
		finish(lab, it, LAB_FAIL, "the limit reads back differently");
	else if (lab->has_high && lab->v2_high && s.high != lab->high)
		finish(lab, it, LAB_FAIL, "memory.high reads back differently");
	else if (r < 0)
		finish(lab, it, LAB_FAIL, "the cgroup could not be removed: %s", strerror(-r));
	else if (lab->has_high && !lab->v2_high)
		finish(lab, it, LAB_PASS,
		       "hard limit set; memory.high is a cgroup v2 feature and this host's memory controller is v1, so the lab uses the hard limit only");
	else
		finish(lab, it, LAB_PASS, "limits set and read back; the cgroup was removed");
}

static void step_gauge(struct lab *lab)
{
	struct lab_item *it = item_new(lab, "step2", false, "the gauge: PSI of the empty cgroup");
	struct cg cg;
	char name[64], path[PATH_MAX], raw[512];
	struct psi p;
	int r;

	setf(it->expected, sizeof(it->expected),
	     "memory.pressure of an empty cgroup: some and full, avg10/avg60/avg300 = 0.00, total = 0");
	if (!lab->psi) {
		setf(it->observed, sizeof(it->observed),
		     "no per-cgroup memory.pressure on this host");
		finish(lab, it, LAB_SKIPPED,
		       "per-cgroup PSI needs a cgroup2 tree (and psi=1); the system-wide /proc/pressure/memory is what remains");
		return;
	}
	r = cg_create_owned(&lab->layout, "", ++lab->seq, &cg);
	xsnprintf(name, sizeof(name), "%s", r == 0 ? cg.name + 1 : "oomlab-<pid>-<n>-<random>");
	if (r < 0) {
		setf(it->observed, sizeof(it->observed), "cannot create cgroup: %s", strerror(-r));
		finish(lab, it, LAB_FAIL, "the cgroup could not be created");
		return;
	}
	path_join(path, sizeof(path), cg.v2, "memory.pressure");
	if (read_file(path, raw, sizeof(raw)) < 0 || psi_parse(raw, &p) < 0) {
		cg_destroy(&cg, 5000000);
		setf(it->observed, sizeof(it->observed), "cannot read '%s'", path);
		finish(lab, it, LAB_FAIL, "memory.pressure unreadable");
		return;
	}
	cg_destroy(&cg, 5000000);
	say(lab, "%s:", path);
	say(lab, "some: avg10=%u.%02u avg60=%u.%02u avg300=%u.%02u total=%" PRIu64,
	    p.some.avg10 / 100, p.some.avg10 % 100, p.some.avg60 / 100, p.some.avg60 % 100,
	    p.some.avg300 / 100, p.some.avg300 % 100, p.some.total_us);
	say(lab, "  some  = the share of time at least one task of the cgroup waited for memory");
	say(lab, "full: avg10=%u.%02u avg60=%u.%02u avg300=%u.%02u total=%" PRIu64,
	    p.full.avg10 / 100, p.full.avg10 % 100, p.full.avg60 / 100, p.full.avg60 % 100,
	    p.full.avg300 / 100, p.full.avg300 % 100, p.full.total_us);
	say(lab, "  full  = the share of time ALL its tasks waited at once: no progress at all");
	say(lab,
	    "  avg10/avg60/avg300 = running averages (%%) over 10 s, 60 s, 300 s, refreshed every 2 s");
	say(lab,
	    "  total = stall time in µs since the cgroup was created; deltas give the live share");
	setf(it->observed, sizeof(it->observed),
	     "some avg10 %u.%02u total %" PRIu64 " µs; full avg10 %u.%02u total %" PRIu64 " µs",
	     p.some.avg10 / 100, p.some.avg10 % 100, p.some.total_us, p.full.avg10 / 100,
	     p.full.avg10 % 100, p.full.total_us);
	measure(it, "some_total_us", p.some.total_us * 100);
	measure(it, "full_total_us", p.full.total_us * 100);
	if (p.some.total_us == 0 && p.full.total_us == 0 && p.some.avg10 == 0)
		finish(lab, it, LAB_PASS, "an empty cgroup has no pressure");
	else
		finish(lab, it, LAB_FAIL, "an empty cgroup shows pressure");
}

/*
 * The "sick" workload (KERNEL-NOTES §6, measured in docs/BENCHMARKS.md): a THRASH_FILE file
 * written, flushed and dropped from the page cache, then read at random 4 KiB pages by two
 * processes inside a THRASH_MAX cgroup for THRASH_READ. A working set a little above the limit
 * thrashes hardest: an evicted page comes back soon, as a refault of the working set, which PSI
 * counts as a stall; a working set many times the limit mostly misses without refaults (2-6 %
 * here at 4x). A small box fills in a fraction of a second, a 512 MiB one takes seconds.
 */
#define THRASH_MAX (64 * MiB)
#define THRASH_FILE "80M"
#define THRASH_READ "10s"

static char **thrash_argv(void)
{
	static char *argv[16];
	size_t n = 0;

	argv[n++] = self();
	argv[n++] = "eat";
	argv[n++] = "--mode";
	argv[n++] = "file";
	argv[n++] = "--total";
	argv[n++] = THRASH_FILE;
	argv[n++] = "--rate";
	argv[n++] = "max";
	argv[n++] = "--reread";
	argv[n++] = THRASH_READ;
	argv[n++] = "--readers";
	argv[n++] = "2";
	argv[n++] = "-q";
	argv[n] = NULL;
	return argv;
}

/* "sick (some stall 41.20 % >= 20.00 %)" for the worst interval */
static void worst_text(const struct lab_item *it, char *buf, size_t sz)
{
	const struct run_point *w = NULL;
	for (size_t i = 0; i < it->npoints; i++)
		if (!w || it->points[i].verdict > w->verdict ||
		    (it->points[i].verdict == w->verdict &&
		     it->points[i].some_share > w->some_share))
			w = &it->points[i];
	if (!w) {
		xsnprintf(buf, sz, "no samples");
		return;
	}
	{
		struct verdict_in in = { .has_psi = w->has_psi,
					 .has_full = w->has_psi,
					 .some_share = w->some_share,
					 .full_share = w->full_share,
					 .usage = w->current,
					 .limit = w->max,
					 .high = w->high,
					 .has_unreclaimable = true,
					 .unreclaimable = w->anon,
					 .oom_kills = 0 };
		char why[160];
		verdict_explain(&in, &verdict_default_thresholds, why, sizeof(why));
		xsnprintf(buf, sz, "%s (%s)", verdict_to_string(w->verdict), why);
	}
}

static void step_pressure(struct lab *lab)
{
	struct lab_item *it =
		item_new(lab, "step3", false, "pressure: the eater crosses memory.high");
	struct run_state st = { 0 };
	char b1[32], b2[32];
	int ret;

	it->plot_max = lab->max;
	if (lab->v2_high && lab->has_high) {
		char *argv[] = { self(), "eat", "-q", NULL };
		it->plot_high = lab->high;
		setf(it->expected, sizeof(it->expected),
		     "above memory.high (%s) the eater is throttled: memory.events high counts up, PSI some reaches the verdict's strained bar (%u %%), usage stays in the band below memory.max",
		     format_bytes(lab->high, b1, sizeof(b1)),
		     verdict_default_thresholds.strained_some / 100);
		say(lab, "eater at 1 MiB every 20 ms in max %s / high %s; watching for 20 s",
		    format_bytes(lab->max, b1, sizeof(b1)),
		    format_bytes(lab->high, b2, sizeof(b2)));
		ret = lab_run(lab, argv, lab->max, true, lab->high, 250000, 20 * 1000000, &st);
		take_points(it, &st);
		setf(it->observed, sizeof(it->observed),
		     "%" PRIu64 " memory.high events, peak %s, highest some share %u.%02u %%, %s",
		     st.final.high_events - st.base.high_events,
		     format_bytes(st.final.has_peak ? st.final.peak : st.peak_seen, b1, sizeof(b1)),
		     max_share(it, false) / 100, max_share(it, false) % 100,
		     st.oom_kills ? "then OOM-killed at memory.max" :
				    "no kill in the observed time");
		if (st.oom_kills)
			it->kill_t_us = (int64_t)(st.t_end - st.t_start);
		measure(it, "some_share_max_pct", max_share(it, false));
		measure(it, "high_events", (st.final.high_events - st.base.high_events) * 100);
		if (!st.started)
			finish(lab, it, LAB_FAIL, "the eater did not run (exit %d)", ret);
		else if (st.final.high_events > st.base.high_events &&
			 max_share(it, false) >= verdict_default_thresholds.strained_some)
			finish(lab, it, LAB_PASS, "throttled at memory.high with pressure rising");
		else
			finish(lab, it, LAB_FAIL, "no throttling or no pressure observed");
		runreport_free(&st);
		return;
	}
	/* v1 / hybrid: no memory.high; show pressure the way this host allows */
	it->plot_max = THRASH_MAX;
	setf(it->expected, sizeof(it->expected),
	     "(seed: throttling at memory.high.) Here, without memory.high: a page-cache working set a little above the limit, read at random, is reclaimed and refaulted at the limit: the verdict of the worst interval is at least sick (some stall >= %u %% or full >= %u %%), nobody is killed",
	     verdict_default_thresholds.sick_some / 100,
	     verdict_default_thresholds.sick_full / 100);
	say(lab,
	    "memory.high does not exist on this host (cgroup v1 memory controller): no throttling band.");
	say(lab,
	    "Pressure without a kill comes from page cache here: a %s file, dropped from the page cache,",
	    THRASH_FILE);
	say(lab, "read at random by two processes for %s inside a %s cgroup.", THRASH_READ,
	    format_bytes(THRASH_MAX, b2, sizeof(b2)));
	ret = lab_run(lab, thrash_argv(), THRASH_MAX, false, 0, 250000, 60 * 1000000, &st);
	take_points(it, &st);
	{
		char w[256];
		worst_text(it, w, sizeof(w));
		setf(it->observed, sizeof(it->observed),
		     "exit %d, %" PRIu64 " OOM kills, limit hit %" PRIu64
		     " times, highest interval stall share some %u.%02u %% / full %u.%02u %%, worst interval %s, peak %s",
		     ret, st.oom_kills, st.final.max_events - st.base.max_events,
		     max_share(it, false) / 100, max_share(it, false) % 100,
		     max_share(it, true) / 100, max_share(it, true) % 100, w,
		     format_bytes(st.final.has_peak ? st.final.peak : st.peak_seen, b1,
				  sizeof(b1)));
	}
	measure(it, "some_share_max_pct", max_share(it, false));
	measure(it, "full_share_max_pct", max_share(it, true));
	measure(it, "worst_verdict", (uint64_t)worst_verdict(it) * 100);
	measure(it, "oom_kills", st.oom_kills * 100);
	if (!lab->psi)
		finish(lab, it, ret == 0 ? LAB_SKIPPED : LAB_FAIL,
		       "no per-cgroup PSI on this host: reclaim without a kill is shown, pressure cannot be");
	else if (ret == 0 && st.oom_kills == 0 && worst_verdict(it) >= V_SICK)
		finish(lab, it, LAB_PASS,
		       "alive under pressure: the stall share made the verdict %s while the kernel reclaimed page cache, and nobody was killed; no memory.high on this host, so this replaces the throttling band",
		       verdict_to_string(worst_verdict(it)));
	else
		finish(lab, it, LAB_FAIL,
		       "expected the verdict sick (or worse) from the stall share, and no kill");
	runreport_free(&st);
}

/* The victim in the kernel log's kill-line format (the report shows it wrapped). */
static void kill_line_of(const struct oom_event *v, char *buf, size_t sz)
{
	xsnprintf(buf, sz,
		  "%s: Killed process %d (%s) total-vm:%" PRIu64 "kB, anon-rss:%" PRIu64
		  "kB, file-rss:%" PRIu64 "kB, shmem-rss:%" PRIu64 "kB, UID:%u pgtables:%" PRIu64
		  "kB oom_score_adj:%d",
		  v->scope == OOM_SCOPE_GLOBAL ? "Out of memory" : "Memory cgroup out of memory",
		  (int)v->pid, v->comm, v->total_vm_kb, v->anon_rss_kb, v->file_rss_kb,
		  v->shmem_rss_kb, v->uid, v->pgtables_kb, v->oom_score_adj);
}

/* The kernel's kill line for this victim, then field by field (into the item's detail too). */
static void decode_kill(struct lab *lab, struct lab_item *it, const struct oom_event *v)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return;
	fprintf(m,
		"the kernel's record of the kill (from %s), in the kernel log's kill-line format:\n",
		v->source == OOM_SOURCE_BPF	? "the oom:mark_victim tracepoint through BPF" :
		v->source == OOM_SOURCE_TRACEFS ? "the oom:mark_victim tracepoint through tracefs" :
						  "the kernel log");
	kill_line_of(v, it->kill_line, sizeof(it->kill_line));
	fprintf(m, "  %s\n", it->kill_line);
	fprintf(m, "field by field:\n");
	fprintf(m,
		"  Memory cgroup out of memory  a cgroup hit its own limit (a host-wide OOM says \"Out of memory\")\n");
	fprintf(m,
		"  Killed process %-11d the victim's pid; (%s) its name (comm, 15 bytes, chosen by the process)\n",
		(int)v->pid, v->comm);
	fprintf(m,
		"  total-vm:%-17" PRIu64
		" kB of address space mapped: NOT memory used; the kernel ignores it\n",
		v->total_vm_kb);
	fprintf(m,
		"  anon-rss:%-17" PRIu64
		" kB of anonymous memory in RAM: what only a kill (or swap) gets back\n",
		v->anon_rss_kb);
	fprintf(m,
		"  file-rss:%-17" PRIu64
		" kB of mapped file pages (the binary, libraries): reclaimable\n",
		v->file_rss_kb);
	fprintf(m,
		"  shmem-rss:%-16" PRIu64
		" kB of shared memory / tmpfs: like anonymous without swap\n",
		v->shmem_rss_kb);
	fprintf(m, "  UID:%-22u the victim's user\n", v->uid);
	fprintf(m, "  pgtables:%-17" PRIu64 " kB of page tables: counted in its badness too\n",
		v->pgtables_kb);
	fprintf(m,
		"  oom_score_adj:%-12d added to its badness (x limit/1000): -1000 = never, +1000 = first\n",
		v->oom_score_adj);
	if (v->task_memcg[0])
		fprintf(m, "  the victim's cgroup %s%s%s%s\n", v->task_memcg,
			v->oom_memcg[0] ? ", the cgroup that ran out " : "", v->oom_memcg,
			v->constraint[0] ? "" : "");
	if (v->constraint[0])
		fprintf(m, "  constraint %s: %s\n", v->constraint,
			strcmp(v->constraint, "CONSTRAINT_MEMCG") == 0 ?
				"a memory cgroup's limit, not the host's memory" :
			strcmp(v->constraint, "CONSTRAINT_NONE") == 0 ? "the whole host ran out" :
									"a cpuset or mempolicy");
	fclose(m);
	fputs(buf, lab->out);
	xsnprintf(it->detail, sizeof(it->detail), "%s", buf);
	free(buf);
}

static void step_kill(struct lab *lab)
{
	struct lab_item *it = item_new(lab, "step4", false, "the kill: exit code 137 explained");
	struct run_state st = { 0 };
	char *argv[] = { self(), "eat", "-q", NULL };
	char b1[32], b2[32], b3[32];
	const struct cg_sample *d;
	int ret;

	it->plot_max = lab->max;
	setf(it->expected, sizeof(it->expected),
	     "the eater dies with SIGKILL (exit 137) at the cgroup's limit %s while the host still has memory available; its memory is almost all anonymous",
	     format_bytes(lab->max, b1, sizeof(b1)));
	say(lab, "eater at 1 MiB every 20 ms in a %s cgroup, until the kernel ends it",
	    format_bytes(lab->max, b1, sizeof(b1)));
	ret = lab_run(lab, argv, lab->max, false, 0, 250000, 120 * 1000000, &st);
	take_points(it, &st);
	if (st.oom_kills)
		it->kill_t_us = (int64_t)(st.t_end - st.t_start);
	d = st.have_prekill ? &st.prekill : st.have_alive ? &st.alive : &st.final;
	setf(it->observed, sizeof(it->observed),
	     "exit %d (%s), %" PRIu64
	     " OOM kill(s) in the cgroup's counter, peak %s of %s, anonymous %u.%u %% of usage at death, host MemAvailable %s",
	     ret, st.exited ? "exited" : "signal", st.oom_kills,
	     format_bytes(st.final.has_peak ? st.final.peak : st.peak_seen, b1, sizeof(b1)),
	     format_bytes(lab->max, b2, sizeof(b2)),
	     d->current ? (unsigned)((d->stat.anon + d->stat.shmem) * 1000 / d->current) / 10 : 0,
	     d->current ? (unsigned)((d->stat.anon + d->stat.shmem) * 1000 / d->current) % 10 : 0,
	     st.has_host ? format_bytes(st.host.available, b3, sizeof(b3)) : "unknown");
	if (st.has_victim)
		decode_kill(lab, it, &st.victim);
	else
		say(lab, "the kernel's record of the kill: not found (%s)",
		    st.victim_note ? st.victim_note : "no source");
	say(lab,
	    "137 = 128 + 9: the process was ended by signal 9, SIGKILL, which cannot be caught;");
	say(lab,
	    "the cgroup's own oom_kill counter moved, so it was the kernel's OOM killer, and the");
	say(lab, "limit it hit was the cgroup's (%s), not the host's: the host had %s available.",
	    format_bytes(lab->max, b1, sizeof(b1)),
	    st.has_host ? format_bytes(st.host.available, b2, sizeof(b2)) : "memory");
	measure(it, "exit", (uint64_t)(ret < 0 ? 0 : ret) * 100);
	measure(it, "oom_kills", st.oom_kills * 100);
	measure(it, "anon_pct_at_death",
		d->current ? (d->stat.anon + d->stat.shmem) * 10000 / d->current : 0);
	if (st.oom_kills)
		measure(it, "kill_after_ms", (uint64_t)it->kill_t_us / 10);
	if (ret == 137 && st.oom_killed)
		finish(lab, it, LAB_PASS,
		       "OOM-killed inside the cgroup; the host was not short of memory");
	else
		finish(lab, it, LAB_FAIL,
		       "expected exit 137 with the cgroup's oom_kill counter moving");
	runreport_free(&st);
}

/* Step 6: the kill as the kernel marks it, seen live, with the delay to the report. */
static void step_tracer(struct lab *lab)
{
	struct lab_item *it =
		item_new(lab, "step6", false, "the live tracer: the kill as it happens");
	struct run_state st = { 0 };
	char *argv[] = { self(), "eat", "--rate", "200M/s", "-q", NULL };
	const struct oom_event *v = &st.victim;
	int ret;

	it->plot_max = 128 * MiB;
	setf(it->expected, sizeof(it->expected),
	     "the kill is reported the moment the kernel marks the victim (oom:mark_victim), with its pid, cgroup and memory, a fraction of a millisecond after the kernel's own time stamp");
	say(lab,
	    "a 128 MiB cgroup, an eater at 200 MiB/s; oomlab listens on the best kernel source here");
	/* 25 ms samples: the eater reaches 128 MiB in well under a second */
	ret = lab_run(lab, argv, 128 * MiB, false, 0, 25000, 60 * 1000000, &st);
	take_points(it, &st);
	if (st.oom_kills)
		it->kill_t_us = (int64_t)(st.t_end - st.t_start);
	if (st.has_victim)
		kill_line_of(v, it->kill_line, sizeof(it->kill_line));
	if (!st.has_victim) {
		setf(it->observed, sizeof(it->observed), "exit %d; no victim record: %s", ret,
		     st.victim_note ? st.victim_note : "no source");
		finish(lab, it, ret == 137 ? LAB_SKIPPED : LAB_FAIL,
		       "no kernel-side source (BPF, tracefs) and no kernel log on this host");
		runreport_free(&st);
		return;
	}
	if ((v->source == OOM_SOURCE_BPF || v->source == OOM_SOURCE_TRACEFS) &&
	    (v->have & OOM_HAVE_KTIME) && (v->have & OOM_HAVE_SEEN_TIME) &&
	    v->seen_time_us >= v->kernel_time_us) {
		uint64_t lat = v->seen_time_us - v->kernel_time_us;
		measure(it, "report_latency_ms", lat / 10);
		measure(it, "pid_matches", v->pid == st.pid ? 100 : 0);
		setf(it->observed, sizeof(it->observed),
		     "exit %d; %s reported pid %d (%s) in %s, %" PRIu64 " kB anonymous, %" PRIu64
		     ".%03" PRIu64 " ms after the kernel marked it%s",
		     ret,
		     v->source == OOM_SOURCE_BPF ? "BPF (tp oom:mark_victim, ring buffer)" :
						   "tracefs (trace_pipe)",
		     (int)v->pid, v->comm, v->task_memcg[0] ? v->task_memcg : "?", v->anon_rss_kb,
		     lat / 1000, lat % 1000,
		     v->kmsg_checked ? "; the kernel log's summary line agrees" : "");
		if (v->pid == st.pid)
			finish(lab, it, LAB_PASS,
			       "the victim was seen live, before the parent's waitpid() returned");
		else
			finish(lab, it, LAB_FAIL, "the source reported pid %d, the command was %d",
			       (int)v->pid, (int)st.pid);
	} else {
		setf(it->observed, sizeof(it->observed),
		     "exit %d; only the kernel log had the kill (pid %d, %s): no tracepoint source here",
		     ret, (int)v->pid, v->comm);
		finish(lab, it, LAB_SKIPPED,
		       "no BPF or tracefs source on this host (see oomlab doctor): the kernel log is read after the fact, without a live latency");
	}
	runreport_free(&st);
}

/* ------------------------------------------------- protection (step 5, exercise 4) */

struct eater_proc {
	pid_t pid;
	int pidfd;
	int out; /* its stdout (progress lines) */
};

/* Start `oomlab eat ARGS` in cg with adj; its stdout comes back through a pipe. */
static int start_eater(const struct cg *cg, char **args, bool set_adj, int adj,
		       struct eater_proc *e)
{
	struct spawn_opts so = { .set_adj = set_adj, .adj = adj };
	struct spawn_result res;
	const char *stage = "exec";
	int p[2], r;
	char *argv[16];
	size_t n = 0;

	argv[n++] = self();
	argv[n++] = "eat";
	for (size_t i = 0; args[i] && n < ELEMENTSOF(argv) - 1; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	/* the child's stdout is the pipe (dup2'ed in the child: no copy of the lab's stdout
	 * leaks into the eater, as a dup() around the spawn did) */
	so.stdout_fd = p[1];
	r = spawn_in_cgroup(cg, argv, &so, &res, &stage);
	close(p[1]);
	if (r < 0) {
		close(p[0]);
		return r;
	}
	e->pid = res.pid;
	e->pidfd = res.pidfd;
	e->out = p[0];
	return 0;
}

/* Wait until the eater printed a line (its --progress), died, timeout or a stop signal. 1 = line. */
static int wait_line(struct lab *lab, struct eater_proc *e, int timeout_ms)
{
	char buf[256];

	if (poll_or_signal(lab, e->out, timeout_ms) != 1)
		return 0;
	return read(e->out, buf, sizeof(buf)) > 0 ? 1 : 0;
}

/* 0 running (or a stop signal came: lab->interrupted), else the wait status (reaped).
 * lab NULL: no signal watch (a plain check). */
static int wait_exit(struct lab *lab, struct eater_proc *e, int timeout_ms)
{
	struct pollfd pfd = { .fd = e->pidfd, .events = POLLIN };
	int status;

	if (e->pidfd >= 0) {
		if (lab && poll_or_signal(lab, e->pidfd, timeout_ms) != 1)
			return 0;
		if (!lab && poll(&pfd, 1, timeout_ms) <= 0)
			return 0;
	}
	if (waitpid(e->pid, &status, e->pidfd >= 0 ? 0 : WNOHANG) == e->pid)
		return status ? status : 1 << 8 | 0; /* a 0 status would read as "running" */
	return 0;
}

static void eater_close(struct eater_proc *e)
{
	if (e->pid > 0) {
		kill(e->pid, SIGKILL);
		waitpid(e->pid, NULL, 0);
	}
	if (e->pidfd >= 0)
		close(e->pidfd);
	if (e->out >= 0)
		close(e->out);
	e->pid = -1;
	e->pidfd = e->out = -1;
}

/*
 * A protected process holding `keep` bytes and an expendable one growing in a cgroup of
 * `limit`. Protect with `adj` (negative); where the kernel refuses (EACCES, no
 * CAP_SYS_RESOURCE) raise the expendable one by -adj instead (the same ordering: the badness
 * adjustment is linear in adj). Returns PASS when the expendable one is OOM-killed and the
 * protected one survives.
 */
/* The ranking picture's data: each process's points without its adjustment and with it. */
static void lab_bars_from_rank(struct lab_item *it, const struct oom_rank *sc, pid_t protected_pid)
{
	it->nbars = 0;
	for (size_t i = 0; i < sc->n && it->nbars < ELEMENTSOF(it->bars); i++) {
		const struct oom_cand *c = &sc->c[i];
		struct lab_bar *b = &it->bars[it->nbars];
		if (c->unkillable != OOM_KILLABLE)
			continue;
		b->pid = c->pid;
		xsnprintf(b->comm, sizeof(b->comm), "%s", c->comm);
		b->adj = c->adj;
		b->after = c->badness;
		b->before = oom_badness_points(c->rss_kb, c->swap_kb, c->pgtables_kb, 0,
					       sc->totalpages, sc->page_size / 1024);
		b->victim = sc->has_victim && sc->victim == i;
		b->protected_ = c->pid == protected_pid;
		it->nbars++;
	}
}

static void protection(struct lab *lab, struct lab_item *it, uint64_t limit, uint64_t keep, int adj)
{
	struct cg cg;
	struct eater_proc prot = { .pid = -1, .pidfd = -1, .out = -1 },
			  hog = { .pid = -1, .pidfd = -1, .out = -1 };
	char name[64], keepb[32], b1[32], b2[32];
	char *pargs[] = {
		"--total", keepb, "--hold", "--progress", keepb, "--rate", "500M/s", NULL
	};
	char *hargs[] = { "--progress", "32M", NULL };
	bool fallback = false;
	pid_t predicted = 0;
	int r, status;

	xsnprintf(keepb, sizeof(keepb), "%" PRIu64, keep);
	r = cg_create_owned(&lab->layout, "", ++lab->seq, &cg);
	xsnprintf(name, sizeof(name), "%s", r == 0 ? cg.name + 1 : "oomlab-<pid>-<n>-<random>");
	if (r == 0)
		r = cg_set_max(&cg, limit);
	if (r < 0) {
		setf(it->observed, sizeof(it->observed), "cannot set up the cgroup: %s",
		     strerror(-r));
		finish(lab, it, LAB_FAIL, "no cgroup");
		cg_destroy(&cg, 5000000);
		return;
	}
	r = start_eater(&cg, pargs, false, 0, &prot);
	if (r == 0 && wait_line(lab, &prot, 30000) != 1)
		r = -ETIMEDOUT;
	if (r == 0) {
		r = proc_set_oom_score_adj(&lab->cli->host, prot.pid, adj);
		if (r == -EACCES || r == -EPERM) {
			fallback = true;
			say(lab,
			    "oom_score_adj %d for pid %d: refused (%s): lowering a score needs CAP_SYS_RESOURCE.",
			    adj, (int)prot.pid, strerror(-r));
			say(lab,
			    "Fallback (oomlab protect --relative): raise the other process by %d instead;",
			    -adj);
			say(lab,
			    "badness = pages + adj x totalpages / 1000 is linear in adj, so the order is the same.");
			r = 0;
		} else if (r == 0) {
			say(lab, "pid %d holds %s and is protected with oom_score_adj %d",
			    (int)prot.pid, format_bytes(keep, b1, sizeof(b1)), adj);
		}
	}
	if (r == 0)
		r = start_eater(&cg, hargs, fallback, -adj, &hog);
	if (r < 0) {
		setf(it->observed, sizeof(it->observed), "cannot start the processes: %s",
		     strerror(-r));
		finish(lab, it, LAB_FAIL, "setup failed");
		goto out;
	}
	say(lab,
	    "pid %d (protected, %s) and pid %d (expendable%s, growing at 50 MiB/s) in a %s cgroup",
	    (int)prot.pid, format_bytes(keep, b1, sizeof(b1)), (int)hog.pid,
	    fallback ? ", raised" : "", format_bytes(limit, b2, sizeof(b2)));
	/* the ranking the kernel will use, once the hog has grown a little */
	if (wait_line(lab, &hog, 30000) == 1) {
		struct oom_rank sc;
		char *buf = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&buf, &len);
		if (m && oom_scope_load_cgroup(&lab->cli->host, &lab->layout, cg.name,
					       SCORES_SOURCE_AUTO, &sc) == 0) {
			scores_rank(&sc);
			scores_print_table(m, &sc, 0, 10);
			scores_print_verdict(m, &sc);
			if (sc.has_victim)
				predicted = sc.c[sc.victim].pid;
			lab_bars_from_rank(it, &sc, prot.pid);
			oom_scope_free(&sc);
		}
		if (m) {
			fclose(m);
			xsnprintf(it->detail, sizeof(it->detail),
				  "ranking before the kill (oomlab scores %s):\n%s", cg.name,
				  buf ? buf : "");
			fputs(buf ? buf : "", lab->out);
			free(buf);
		}
	}
	status = wait_exit(lab, &hog, 120000);
	{
		pid_t hog_pid = hog.pid, prot_pid = prot.pid;
		bool prot_alive = wait_exit(NULL, &prot, 0) == 0;
		bool hog_killed = status && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
		if (hog_killed)
			it->killed_pid = (int)hog_pid;
		if (status)
			hog.pid = -1; /* reaped */
		if (!prot_alive)
			prot.pid = -1;
		setf(it->observed, sizeof(it->observed),
		     "predicted victim (oomlab scores before the kill): pid %d; expendable pid %d: %s; protected pid %d: %s; protection by %s",
		     (int)predicted, (int)hog_pid,
		     hog_killed ? "killed by SIGKILL" :
		     status	? "ended otherwise" :
				  "still running after 120 s",
		     (int)prot_pid, prot_alive ? "alive" : "dead",
		     fallback ? "raising the other (--relative fallback)" :
				"a negative oom_score_adj");
		measure(it, "expendable_killed", hog_killed ? 100 : 0);
		measure(it, "protected_alive", prot_alive ? 100 : 0);
		measure(it, "prediction_right", predicted == hog_pid ? 100 : 0);
		if (hog_killed && prot_alive && predicted != hog_pid)
			finish(lab, it, LAB_FAIL,
			       "the right process died, but the ranking predicted pid %d",
			       (int)predicted);
		else if (hog_killed && prot_alive)
			finish(lab, it, LAB_PASS,
			       "the expendable process died, the protected one survived%s",
			       fallback ?
				       " (through the fallback: this host refuses negative oom_score_adj)" :
				       "");
		else
			finish(lab, it, LAB_FAIL, "the wrong process died or none did");
	}
out:
	eater_close(&hog);
	eater_close(&prot);
	r = cg_destroy(&cg, 5000000);
	if (r < 0)
		say(lab, "cannot remove cgroup '%s': %s", cg.name, strerror(-r));
}

static void step_protect(struct lab *lab)
{
	struct lab_item *it =
		item_new(lab, "step5", false, "protection: the critical process survives");
	char b1[32];

	setf(it->expected, sizeof(it->expected),
	     "a critical 200 MiB process protected with oom_score_adj -800 and an expendable hog in one %s cgroup: the hog dies, the critical process survives",
	     format_bytes(lab->max, b1, sizeof(b1)));
	protection(lab, it, lab->max, 200 * MiB, -800);
}

/* -------------------------------------------------------- healthy vs sick */

static void step_side_by_side(struct lab *lab)
{
	struct lab_item *it = item_new(lab, "step7", false, "healthy vs sick, side by side");
	struct run_state st = { 0 };
	struct cg idle;
	struct psi p0, p1;
	char name[64], path[PATH_MAX], w[256];
	uint64_t t0, t1;
	uint32_t idle_share;
	int r, ret;

	setf(it->expected, sizeof(it->expected),
	     "the same gauge at the same time: the idle cgroup healthy (some stall < %u %%), the thrashing one sick or worse (some >= %u %% or full >= %u %% in its worst interval)",
	     verdict_default_thresholds.strained_some / 100,
	     verdict_default_thresholds.sick_some / 100,
	     verdict_default_thresholds.sick_full / 100);
	if (!lab->psi) {
		setf(it->observed, sizeof(it->observed), "no per-cgroup PSI");
		finish(lab, it, LAB_SKIPPED, "per-cgroup PSI is not available on this host");
		return;
	}
	r = cg_create_owned(&lab->layout, "", ++lab->seq, &idle);
	xsnprintf(name, sizeof(name), "%s", r == 0 ? idle.name + 1 : "oomlab-<pid>-<n>-<random>");
	if (r < 0) {
		setf(it->observed, sizeof(it->observed), "cannot create the idle cgroup: %s",
		     strerror(-r));
		finish(lab, it, LAB_FAIL, "no idle cgroup");
		return;
	}
	path_join(path, sizeof(path), idle.v2, "memory.pressure");
	psi_read(path, &p0);
	t0 = now_us();
	it->plot_max = THRASH_MAX;
	lab->peer_psi = path; /* the idle cgroup on the same plot */
	ret = lab_run(lab, thrash_argv(), THRASH_MAX, false, 0, 250000, 60 * 1000000, &st);
	lab->peer_psi = NULL;
	t1 = now_us();
	r = psi_read(path, &p1);
	cg_destroy(&idle, 5000000);
	take_points(it, &st);
	idle_share = r == 0 ? psi_share(p0.some.total_us, p1.some.total_us, t1 - t0) : 0;
	worst_text(it, w, sizeof(w));
	setf(it->observed, sizeof(it->observed),
	     "idle cgroup: some share %u.%02u %% over the same %" PRIu64
	     " ms; sick cgroup: highest interval some share %u.%02u %%, full %u.%02u %%, worst interval %s (exit %d, %" PRIu64
	     " OOM kills)",
	     idle_share / 100, idle_share % 100, (t1 - t0) / 1000, max_share(it, false) / 100,
	     max_share(it, false) % 100, max_share(it, true) / 100, max_share(it, true) % 100, w,
	     ret, st.oom_kills);
	measure(it, "idle_some_share_pct", idle_share);
	measure(it, "sick_some_share_max_pct", max_share(it, false));
	measure(it, "sick_full_share_max_pct", max_share(it, true));
	measure(it, "sick_worst_verdict", (uint64_t)worst_verdict(it) * 100);
	measure(it, "sick_oom_kills", st.oom_kills * 100);
	if (r == 0 && idle_share < verdict_default_thresholds.strained_some &&
	    worst_verdict(it) >= V_SICK && st.oom_kills == 0)
		finish(lab, it, LAB_PASS, "one gauge, two verdicts");
	else
		finish(lab, it, LAB_FAIL,
		       "expected the idle cgroup healthy and the thrashing one sick (or worse), without a kill");
	runreport_free(&st);
}

/* ------------------------------------------------------------- exercises */

static void ex_kill_point(struct lab *lab)
{
	struct lab_item *it = item_new(lab, "ex1", true, "the kill point with memory.max = 256M");
	struct run_state st = { 0 };
	char file[] = "/tmp/oomlab-lab-XXXXXX", b1[32], b2[32], b3[32], b4[32];
	char *argv[] = { "/bin/sh", "-c", "exec \"$0\" eat --progress 1M --json >\"$1\"",
			 self(),    file, NULL };
	uint64_t last = 0, limit = 256 * MiB;
	const struct cg_sample *d;
	int fd, ret;

	it->plot_max = limit;
	setf(it->expected, sizeof(it->expected),
	     "predicted: killed when the cgroup's charge reaches 256 MiB, so the eater's own memory at death is below 256 MiB by what else is charged (page cache of the binary and libraries, page tables, kernel memory)");
	fd = mkstemp(file);
	if (fd < 0) {
		setf(it->observed, sizeof(it->observed), "cannot create a temporary file: %s",
		     strerror(errno));
		finish(lab, it, LAB_FAIL, "setup failed");
		return;
	}
	close(fd);
	ret = lab_run(lab, argv, limit, false, 0, 250000, 60 * 1000000, &st);
	take_points(it, &st);
	{
		_cleanup_free_ char *buf = NULL;
		if (read_file_alloc(file, &buf) >= 0) {
			/* the last complete progress line: "bytes":N */
			char *p = buf, *q;
			while ((q = strstr(p, "\"bytes\":"))) {
				uint64_t v = 0;
				size_t n = 0;
				q += 8;
				while (q[n] >= '0' && q[n] <= '9')
					n++;
				if (parse_u64_n(q, n, &v) == 0)
					last = v;
				p = q + n;
			}
		}
	}
	unlink(file);
	if (st.oom_kills)
		it->kill_t_us = (int64_t)(st.t_end - st.t_start);
	d = st.have_prekill ? &st.prekill : st.have_alive ? &st.alive : &st.final;
	setf(it->observed, sizeof(it->observed),
	     "exit %d; the eater had allocated %s when it died (last progress line), %s below the limit; at the last sample the cgroup held %s besides anonymous memory (page cache %s)",
	     ret, format_bytes(last, b1, sizeof(b1)),
	     format_bytes(limit > last ? limit - last : 0, b2, sizeof(b2)),
	     format_bytes(d->current > d->stat.anon ? d->current - d->stat.anon : 0, b3,
			  sizeof(b3)),
	     format_bytes(d->stat.file, b4, sizeof(b4)));
	measure(it, "allocated_at_death_mib", last * 100 / MiB);
	measure(it, "below_limit_kib", (limit > last ? limit - last : 0) * 100 / 1024);
	if (ret == 137 && last > 0 && last < limit)
		finish(lab, it, LAB_PASS,
		       "it died below 256 MiB of its own memory: the limit counts everything the cgroup is charged for");
	else
		finish(lab, it, LAB_FAIL, "expected a kill below 256 MiB");
	runreport_free(&st);
}

static void ex_warning(struct lab *lab)
{
	struct lab_item *it =
		item_new(lab, "ex2", true, "PSI every 0.5 s: how much warning before the kill?");
	struct run_state st = { 0 };
	char *argv[] = { self(), "eat", "-q", NULL };
	uint64_t limit = 256 * MiB, high = 244 * MiB;
	int64_t cross = -1, cross_share = -1, warn = -1;
	uint32_t top = 0, top_share = 0;
	char avgtxt[160] = "", sharetxt[160] = "";
	int ret;

	it->plot_max = limit;
	setf(it->expected, sizeof(it->expected),
	     "full avg10 crosses 10 while the eater is throttled at memory.high, seconds before the kill at memory.max");
	if (lab->v2_high)
		it->plot_high = high;
	ret = lab_run(lab, argv, limit, lab->v2_high, high, 500000, 90 * 1000000, &st);
	take_points(it, &st);
	for (size_t i = 0; i < it->npoints; i++) {
		const struct run_point *p = &it->points[i];
		if (p->full_avg10 > top)
			top = p->full_avg10;
		if (p->full_share > top_share)
			top_share = p->full_share;
		if (cross < 0 && p->full_avg10 >= 1000)
			cross = (int64_t)p->t_us;
		/* the same threshold on the interval share (from total): avg10 lags by design */
		if (cross_share < 0 && p->full_share >= 1000)
			cross_share = (int64_t)p->t_us;
	}
	if (st.oom_kills)
		it->kill_t_us = (int64_t)(st.t_end - st.t_start);
	if (it->kill_t_us >= 0) {
		int64_t first = cross >= 0 && (cross_share < 0 || cross < cross_share) ?
					cross :
					cross_share;
		if (first >= 0 && first < it->kill_t_us) {
			it->warn_from_us = first;
			it->warn_to_us = it->kill_t_us;
			warn = it->kill_t_us - first;
		}
	}
	if (cross >= 0 && it->kill_t_us >= 0)
		setf(avgtxt, sizeof(avgtxt),
		     "full avg10 crossed 10 at %" PRId64 ".%01" PRId64 " s (%" PRId64 ".%01" PRId64
		     " s before the kill)",
		     cross / 1000000, cross / 100000 % 10, (it->kill_t_us - cross) / 1000000,
		     (it->kill_t_us - cross) / 100000 % 10);
	else
		setf(avgtxt, sizeof(avgtxt), "full avg10 never crossed 10 (peak %u.%02u)",
		     top / 100, top % 100);
	if (cross_share >= 0 && it->kill_t_us >= 0)
		setf(sharetxt, sizeof(sharetxt),
		     "the full stall share of a 0.5 s interval crossed 10 %% at %" PRId64
		     ".%01" PRId64 " s (%" PRId64 ".%01" PRId64 " s before the kill)",
		     cross_share / 1000000, cross_share / 100000 % 10,
		     (it->kill_t_us - cross_share) / 1000000,
		     (it->kill_t_us - cross_share) / 100000 % 10);
	else
		setf(sharetxt, sizeof(sharetxt),
		     "the full stall share never crossed 10 %% (peak %u.%02u %%)", top_share / 100,
		     top_share % 100);
	setf(it->observed, sizeof(it->observed),
	     "exit %d; kill after %" PRId64 ".%03" PRId64 " s; %s; %s", ret,
	     it->kill_t_us >= 0 ? it->kill_t_us / 1000000 : 0,
	     it->kill_t_us >= 0 ? it->kill_t_us / 1000 % 1000 : 0, avgtxt, sharetxt);
	if (!lab->v2_high)
		finish(lab, it, LAB_SKIPPED,
		       "no memory.high on this host (cgroup v1 memory controller) and no swap: nothing throttles the eater, the kill comes at once and PSI cannot warn; the measurement above shows it");
	else if (it->kill_t_us < 0)
		finish(lab, it, LAB_FAIL, "no kill within 90 s");
	else if (warn > 0)
		finish(lab, it, LAB_PASS,
		       "PSI gave %" PRId64 ".%01" PRId64 " s of warning before the kill%s",
		       warn / 1000000, warn / 100000 % 10,
		       cross < 0 ?
			       " (seen by the interval share; avg10 lagged and stayed below 10)" :
			       "");
	else
		finish(lab, it, LAB_FAIL, "PSI did not cross 10 before the kill");
	runreport_free(&st);
}

static void ex_band(struct lab *lab)
{
	struct lab_item *it = item_new(
		lab, "ex3", true, "memory.high = 200M under memory.max = 256M, slow allocator");
	struct run_state st = { 0 };
	char *argv[] = { self(), "eat", "--rate", "1M/100ms", "-q", NULL };
	uint64_t limit = 256 * MiB, high = 200 * MiB;
	char b1[32];
	int ret;

	setf(it->expected, sizeof(it->expected),
	     "1 MiB every 100 ms: usage settles in the band between 200M and 256M, throttled (high events, PSI some high), no kill for the observed time");
	it->plot_max = limit;
	it->plot_high = high;
	if (!lab->v2_high) {
		setf(it->observed, sizeof(it->observed),
		     "not run: memory.high does not exist here");
		finish(lab, it, LAB_SKIPPED,
		       "memory.high is a cgroup v2 feature; this host's memory controller is v1, so there is no band to stay in");
		return;
	}
	ret = lab_run(lab, argv, limit, true, high, 500000, 30 * 1000000, &st);
	take_points(it, &st);
	setf(it->observed, sizeof(it->observed),
	     "%" PRIu64 " high events, peak %s, highest some share %u.%02u %%, %" PRIu64
	     " OOM kills in 30 s (exit %d)",
	     st.final.high_events - st.base.high_events,
	     format_bytes(st.final.has_peak ? st.final.peak : st.peak_seen, b1, sizeof(b1)),
	     max_share(it, false) / 100, max_share(it, false) % 100, st.oom_kills, ret);
	if (st.oom_kills == 0 && st.final.high_events > st.base.high_events && st.timed_out)
		finish(lab, it, LAB_PASS, "throttled in the band, alive");
	else
		finish(lab, it, LAB_FAIL, "expected throttling and no kill");
	runreport_free(&st);
}

static void ex_two(struct lab *lab)
{
	struct lab_item *it = item_new(lab, "ex4", true, "two processes, one protected");

	setf(it->expected, sizeof(it->expected),
	     "a 150 MiB process protected with oom_score_adj -900 and a growing one in a 256 MiB cgroup: without protection the bigger 150 MiB one would die; with it, the other one dies");
	protection(lab, it, 256 * MiB, 150 * MiB, -900);
}

/* ------------------------------------------------------------------- main */

static void lab_usage(FILE *out)
{
	fprintf(out,
		"Usage: oomlab lab [OPTIONS]\n\n"
		"The guided lab: watch the OOM killer fire on this machine, step by step, each claim\n"
		"checked against what is measured (PASS / FAIL / SKIPPED with the reason).\n\n"
		"Options:\n"
		"  --max SIZE        the box's hard limit (default 512M)\n"
		"  --high SIZE       the box's memory.high (default 400M; cgroup v2 only)\n"
		"  --step N          run step N only (1-7)\n"
		"  --exercise N      run exercise N only (1-4)\n"
		"  --all             the steps and the four exercises\n"
		"  --report FILE     write a self-contained HTML report with plots\n"
		"  --from-json FILE  run nothing: write --report from a saved 'oomlab lab --json'\n"
		"  --json            print the results as one JSON object (narrative to stderr)\n"
		"  -y, --yes         do not pause between steps\n"
		"  -h, --help        show this help\n\n"
		"Needs root (it creates cgroups). Everything it creates is removed, also on Ctrl-C.\n");
}

static void host_facts(struct lab *lab)
{
	struct utsname u;
	char buf[8192], path[PATH_MAX];
	struct meminfo m;

	if (uname(&u) == 0) {
		xsnprintf(lab->host.kernel, sizeof(lab->host.kernel), "%s", u.release);
		xsnprintf(lab->host.hostname, sizeof(lab->host.hostname), "%s", u.nodename);
	}
	{
		time_t t = time(NULL);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(lab->host.date, sizeof(lab->host.date), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	/* the file the box's limit is written to, as this layout names it */
	xsnprintf(lab->host.limit_file, sizeof(lab->host.limit_file), "%s",
		  lab->layout.mode == CG_MODE_V2 ||
				  (lab->layout.mode == CG_MODE_HYBRID && lab->layout.v2_memory) ?
			  "memory.max" :
			  "memory.limit_in_bytes");
	xsnprintf(lab->host.mode, sizeof(lab->host.mode), "%s",
		  cg_mode_to_string(lab->layout.mode));
	lab->host.memory_high = lab->v2_high;
	lab->host.psi = lab->psi;
	host_path(&lab->cli->host, "/proc/meminfo", path, sizeof(path));
	if (read_file(path, buf, sizeof(buf)) >= 0 && meminfo_parse(buf, &m) == 0) {
		lab->host.mem_total = m.total;
		lab->host.mem_available = m.available;
	}
	host_path(&lab->cli->host, "/dev/kmsg", path, sizeof(path));
	lab->host.kmsg = access(path, R_OK) == 0;
	lab->host.cap_sys_resource = proc_self_has_cap(&lab->cli->host, PROC_CAP_SYS_RESOURCE) == 1;
}

static void print_json(struct lab *lab)
{
	struct json j;

	json_init(&j, stdout, false);
	json_obj_open(&j);
	json_key(&j, "host");
	json_obj_open(&j);
	json_kv_str(&j, "kernel", lab->host.kernel);
	json_kv_str(&j, "cgroup_mode", lab->host.mode);
	json_kv_bool(&j, "memory_high", lab->host.memory_high);
	json_kv_bool(&j, "psi_per_cgroup", lab->host.psi);
	json_kv_bool(&j, "cap_sys_resource", lab->host.cap_sys_resource);
	json_kv_bool(&j, "kmsg_readable", lab->host.kmsg);
	json_kv_u64(&j, "mem_total_bytes", lab->host.mem_total);
	json_kv_u64(&j, "mem_available_bytes", lab->host.mem_available);
	json_kv_str(&j, "hostname", lab->host.hostname);
	json_kv_str(&j, "date", lab->host.date);
	json_kv_str(&j, "limit_file", lab->host.limit_file);
	json_obj_close(&j);
	json_kv_u64(&j, "box_max_bytes", lab->max);
	json_kv_u64_opt(&j, "box_high_bytes", lab->has_high && lab->v2_high, lab->high);
	for (int ex = 0; ex <= 1; ex++) {
		json_key(&j, ex ? "exercises" : "steps");
		json_arr_open(&j);
		for (size_t i = 0; i < lab->n; i++) {
			const struct lab_item *it = &lab->items[i];
			if (it->exercise != (bool)ex)
				continue;
			json_obj_open(&j);
			json_kv_str(&j, "id", it->id);
			json_kv_str(&j, "title", it->title);
			json_kv_str(&j, "status", lab_status_name(it->status));
			json_kv_str(&j, "reason", it->reason);
			json_kv_str(&j, "expected", it->expected);
			json_kv_str(&j, "observed", it->observed);
			json_kv_i64_opt(&j, "kill_t_us", it->kill_t_us >= 0, it->kill_t_us);
			json_kv_u64(&j, "samples", it->npoints);
			json_key(&j, "measured");
			json_obj_open(&j);
			for (unsigned k = 0; k < it->nm; k++)
				json_kv_centi(&j, it->m[k].key, it->m[k].centi);
			json_obj_close(&j);
			lab_item_json(&j, it); /* plot, ranking, kill line: the report from JSON */
			json_obj_close(&j);
		}
		json_arr_close(&j);
	}
	json_kv_bool(&j, "interrupted", lab->interrupted);
	json_obj_close(&j);
	json_end(&j);
}

/* --from-json FILE --report OUT: the report of a saved run, nothing run (no root needed) */
static int lab_render_saved(struct cli *cli, const char *from, const char *report)
{
	static struct lab_saved sv;
	char err[256], *text = NULL;
	ssize_t n;
	int r;

	if (!report)
		return cli_usage_error(cli, "--from-json needs --report FILE.html (what to write)");
	n = read_file_alloc(from, &text);
	if (n < 0)
		return cli_error(cli, "cannot read '%s': %s", from, strerror((int)-n));
	r = lab_load_json(text, &sv, err, sizeof(err));
	free(text);
	if (r < 0)
		return cli_error(cli, "cannot use '%s': %s", from, err);
	r = lab_write_html(report, &sv.host, sv.items, sv.n, sv.max, sv.high, sv.has_high);
	for (size_t i = 0; i < sv.n; i++)
		free(sv.items[i].points);
	if (r < 0)
		return cli_error(cli, "cannot write the report '%s': %s", report, strerror(-r));
	if (!cli->json)
		printf("report: %s (%zu steps and exercises from %s)\n", report, sv.n, from);
	return EXIT_OK;
}

/* [Enter] between steps; Ctrl-C at the prompt stops the lab (SIGINT is blocked: signalfd) */
static void pause_between(struct lab *lab)
{
	char buf[256];
	ssize_t n;

	if (lab->yes || lab->json || lab->interrupted || !isatty(STDIN_FILENO))
		return;
	fprintf(lab->out, "\n[Enter] next step, Ctrl-C to stop ");
	fflush(lab->out);
	if (poll_or_signal(lab, STDIN_FILENO, -1) != 1) {
		fputc('\n', lab->out);
		return;
	}
	n = read(STDIN_FILENO, buf, sizeof(buf));
	if (n <= 0)
		lab->yes = true; /* end of input: no more prompts */
}

/* --report: refused before the lab starts when the file cannot be written (0 or -errno) */
static int report_writable(const char *path)
{
	struct stat sb;
	bool existed = stat(path, &sb) == 0;
	int fd;

	if (existed && !S_ISREG(sb.st_mode))
		return -EISDIR;
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd < 0)
		return -errno;
	close(fd);
	if (!existed)
		unlink(path);
	return 0;
}

int cmd_lab(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { { "max", required_argument, NULL, 'm' },
					      { "high", required_argument, NULL, 'H' },
					      { "step", required_argument, NULL, 's' },
					      { "exercise", required_argument, NULL, 'e' },
					      { "all", no_argument, NULL, 'a' },
					      { "report", required_argument, NULL, 'r' },
					      { "json", no_argument, NULL, 'J' },
					      { "yes", no_argument, NULL, 'y' },
					      { "help", no_argument, NULL, 'h' },
					      { "from-json", required_argument, NULL, 'F' },
					      { 0 } };
	static struct lab lab; /* large: items carry text and plots */
	const char *report = NULL, *from_json = NULL;
	int step = 0, exercise = 0, c, r, failed = 0;
	bool all = false, high_given = false;
	sigset_t mask, oldmask;

	memset(&lab, 0, sizeof(lab));
	lab.cli = cli;
	lab.max = 512 * MiB;
	lab.high = 400 * MiB;
	lab.has_high = true;
	lab.json = cli->json;
	lab.out = cli->json ? stderr : stdout;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hJy", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if ((r = cli_parse_size(cli, "--max", optarg, &lab.max)))
				return r;
			if (lab.max < 64 * MiB || lab.max == SIZE_UNLIMITED)
				return cli_usage_error(cli,
						       "--max must be at least 64M (and not max)");
			break;
		case 'H':
			if ((r = cli_parse_size(cli, "--high", optarg, &lab.high)))
				return r;
			if (lab.high == 0)
				return cli_usage_error(cli, "--high must be more than 0");
			lab.has_high = lab.high != SIZE_UNLIMITED;
			high_given = true;
			break;
		case 's':
			if (parse_int(optarg, &step) < 0 || step < 1 || step > 7)
				return cli_usage_error(cli, "invalid step '%s': expected 1-7",
						       optarg);
			break;
		case 'e':
			if (parse_int(optarg, &exercise) < 0 || exercise < 1 || exercise > 4)
				return cli_usage_error(cli, "invalid exercise '%s': expected 1-4",
						       optarg);
			break;
		case 'a':
			all = true;
			break;
		case 'r':
			report = optarg;
			break;
		case 'F':
			from_json = optarg;
			break;
		case 'J':
			break;
		case 'y':
			lab.yes = true;
			break;
		case 'h':
			lab_usage(stdout);
			return EXIT_OK;
		default:
			return cli_option_error(cli, argv, c);
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	if (!high_given && lab.max != 512 * MiB)
		lab.high = lab.max / 32 * 25; /* the seed's 400M under 512M, scaled */
	if (lab.has_high && lab.high > lab.max)
		return cli_usage_error(cli, "--high is above --max");
	if ((step && exercise) || ((step || exercise) && all))
		return cli_usage_error(cli, "use one of --step, --exercise, --all");
	if (report) {
		const char *dot = strrchr(report, '.');
		if (!dot || (strcmp(dot, ".html") != 0 && strcmp(dot, ".htm") != 0))
			return cli_usage_error(cli, "--report file '%s' must end in .html", report);
	}
	if (report && (r = report_writable(report)) < 0)
		return cli_error(cli, "cannot write the report '%s': %s", report, strerror(-r));
	if (from_json)
		return lab_render_saved(cli, from_json, report);
	if (geteuid() != 0)
		return cli_error(cli, "the lab creates cgroups and needs root");
	r = cg_layout_detect(&cli->host, &lab.layout);
	if (r < 0 || lab.layout.mode == CG_MODE_NONE)
		return cli_error(cli, "no memory cgroup hierarchy is mounted");
	lab.v2_high = lab.layout.mode == CG_MODE_V2 && lab.layout.v2_memory;
	lab.psi = lab.layout.v2[0] != '\0';
	if (lab.psi) {
		char p[PATH_MAX];
		struct psi x;
		host_path(&cli->host, "/proc/pressure/memory", p, sizeof(p));
		lab.psi = psi_read(p, &x) == 0;
	}
	host_facts(&lab);

	/* Ctrl-C: finish the current step's cleanup, then stop */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGQUIT); /* every signal that would end us: the step's cleanup first */
	sigaddset(&mask, SIGALRM);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGUSR2);
	sigprocmask(SIG_BLOCK, &mask, &oldmask);
	lab.sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);

	fprintf(lab.out,
		"oomlab lab: kernel %s, cgroup layout %s, memory.high %s, per-cgroup PSI %s, CAP_SYS_RESOURCE %s\n",
		lab.host.kernel, lab.host.mode,
		lab.v2_high ? "yes" : "no (cgroup v1 memory controller)", lab.psi ? "yes" : "no",
		lab.host.cap_sys_resource ? "yes" : "no");

	{
		void (*steps[])(struct lab *) = { step_box,	    step_gauge,	  step_pressure,
						  step_kill,	    step_protect, step_tracer,
						  step_side_by_side };
		void (*exs[])(struct lab *) = { ex_kill_point, ex_warning, ex_band, ex_two };
		for (int i = 1; i <= 7 && !exercise; i++) {
			if ((step && i != step) || !steps[i - 1])
				continue;
			if (check_interrupt(&lab))
				break;
			steps[i - 1](&lab);
			if (!step)
				pause_between(&lab);
		}
		for (int i = 1; i <= 4 && (all || exercise); i++) {
			if (exercise && i != exercise)
				continue;
			if (check_interrupt(&lab))
				break;
			exs[i - 1](&lab);
		}
	}
	check_interrupt(&lab);

	fprintf(lab.out, "\n== summary ==\n");
	for (size_t i = 0; i < lab.n; i++) {
		const char *sn = lab_status_name(lab.items[i].status);
		fputs("  ", lab.out);
		color_fputs(lab.out, color_wanted(fileno(lab.out)), color_status(sn), sn);
		fprintf(lab.out, "%*s %-6s %s\n", (int)(7 - strlen(sn)), "", lab.items[i].id,
			lab.items[i].title);
		if (lab.items[i].status == LAB_FAIL)
			failed++;
	}
	if (lab.interrupted)
		fprintf(lab.out,
			"  interrupted: the remaining steps were not run; everything created was removed\n");
	if (report) {
		r = lab_write_html(report, &lab.host, lab.items, lab.n, lab.max, lab.high,
				   lab.has_high && lab.v2_high);
		if (r < 0)
			cli_error(cli, "cannot write the report '%s': %s", report, strerror(-r));
		else
			fprintf(lab.out, "  report: %s\n", report);
		if (r < 0)
			failed++;
	}
	if (cli->json)
		print_json(&lab);
	for (size_t i = 0; i < lab.n; i++)
		free(lab.items[i].points);
	if (lab.sigfd >= 0)
		close(lab.sigfd);
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	if (lab.interrupted)
		return 130;
	return failed ? EXIT_FAIL : EXIT_OK;
}

// SPDX-License-Identifier: MIT
/*
 * The fast path of `why --log` (oomreport_feed_log's skip and line filter, logform's
 * carried lines, logread's mapped windows) must find exactly what the plain path finds:
 * every line handed to oomreport_feed_line. These tests compare the two on every text log
 * of the corpus and the fixtures, cut into buffers at every kind of boundary, and on a
 * generated file whose needles straddle the chunk and window edges of the mapped read.
 * Nothing here is timed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "kmsg.h"
#include "log-form.h"
#include "log-scan.h"
#include "oom-report.h"

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

/* lib/log-form.c: IN_CHUNK (the pieces a window is handed over in), MAP_WINDOW */
#define CHUNK (256u << 10)
#define WINDOW (2u << 20)

struct run {
	char *out; /* one digest line per kill */
	size_t len, cap;
	int kills;
	const char *truncate_path; /* truncate this file at the first kill */
	off_t truncate_to;
};

static void add(struct run *g, const char *s)
{
	size_t n = strlen(s);

	if (g->len + n + 1 > g->cap) {
		g->cap = (g->len + n + 1) * 2;
		g->out = realloc(g->out, g->cap);
		ck_assert_ptr_nonnull(g->out);
	}
	memcpy(g->out + g->len, s, n + 1);
	g->len += n;
}

static void on_kill(const struct oom_event *e, void *userdata)
{
	struct run *g = userdata;
	char b[2048];

	snprintf(
		b, sizeof(b),
		"pid=%d comm=%s scope=%d cons=%s oom=%s task=%s vm=%llu anon=%llu file=%llu shmem=%llu "
		"pgt=%llu uid=%u adj=%d usage=%llu limit=%llu inv=%s gfp=%s order=%d score=%llu "
		"kt=%llu t=%lld line=%llu have=%x rows=%u rank=%u group=%d\n",
		e->pid, e->comm, (int)e->scope, e->constraint, e->oom_memcg, e->task_memcg,
		(unsigned long long)e->total_vm_kb, (unsigned long long)e->anon_rss_kb,
		(unsigned long long)e->file_rss_kb, (unsigned long long)e->shmem_rss_kb,
		(unsigned long long)e->pgtables_kb, e->uid, e->oom_score_adj,
		(unsigned long long)e->memcg_usage_kb, (unsigned long long)e->memcg_limit_kb,
		e->invoker_comm, e->gfp_mask, e->order, (unsigned long long)e->score,
		(unsigned long long)e->kernel_time_us, (long long)e->time_us,
		(unsigned long long)e->log_line, e->have, e->tasks_listed, e->victim_rank,
		(int)e->oom_group);
	add(g, b);
	if (g->truncate_path && g->kills == 0) {
		int fd = open(g->truncate_path, O_WRONLY | O_CLOEXEC);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(ftruncate(fd, g->truncate_to), 0);
		close(fd);
	}
	g->kills++;
}

static struct oomreport *new_rep(struct run *g)
{
	struct oomreport_ops ops = { .on_kill = on_kill, .userdata = g };
	struct oomreport *r;

	memset(g, 0, sizeof(*g));
	ck_assert_int_eq(oomreport_new(OOM_SOURCE_LOG, &ops, &r), 0);
	oomreport_set_clock(r, 2026, 0, 0);
	return r;
}

/*
 * The lines read must agree too. Not the mentions: the skip stops only at a line that can
 * open or close a report, so a line that names the killer without being one of the kernel's
 * ("## Out of memory: kill process<a name=…>" in a web page) is counted by the plain path only.
 */
static void stats_line(struct run *g, struct oomreport *r)
{
	struct oomreport_stats st;
	char b[128];

	oomreport_get_stats(r, &st);
	snprintf(b, sizeof(b), "lines_read=%llu\n", (unsigned long long)st.lines_read);
	add(g, b);
}

/* the reference: every line through oomreport_feed_line (a NUL ends a line, as in logform) */
static void plain(struct run *g, const char *buf, size_t len)
{
	struct oomreport *r = new_rep(g);
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *q = p;
		while (q < end && *q != '\n' && *q != '\0')
			q++;
		oomreport_feed_line(r, p, (size_t)(q - p));
		p = q < end ? q + 1 : end;
	}
	oomreport_flush(r);
	stats_line(g, r);
	oomreport_free(r);
}

/* the fast path: logform in pieces of `step` bytes (0: all at once); false if not text */
static bool fast(struct run *g, const char *buf, size_t len, size_t step)
{
	struct oomreport *r = new_rep(g);
	struct logform *f;
	bool text;

	ck_assert_int_eq(logform_new(r, &f), 0);
	for (size_t o = 0; o < len;) {
		size_t n = step && len - o > step ? step : len - o;
		logform_feed(f, buf + o, n);
		o += n;
	}
	logform_end(f);
	text = logform_kind(f) == LOGFORM_TEXT;
	stats_line(g, r);
	logform_free(f);
	oomreport_free(r);
	return text;
}

static char *slurp(const char *path, size_t *ret)
{
	FILE *fp = fopen(path, "rbe");
	char *b;
	long n;

	ck_assert_ptr_nonnull(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	b = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(fread(b, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*ret = (size_t)n;
	return b;
}

/* filler the skip runs over: dmesg lines with none of the needles */
static size_t filler(char *out, size_t want, unsigned seed)
{
	static const char *const t[] = {
		"EXT4-fs (vda1): re-mounted. Quota mode: none.",
		"IPv6: ADDRCONF(NETDEV_CHANGE): veth3f2a1b2: link becomes ready",
		"docker0: port 3(veth9c1d2e3) entered forwarding state",
		"nf_conntrack: nf_conntrack: table full, dropping packet",
	};
	size_t n = 0;

	while (n < want) {
		char l[160];
		int k = snprintf(l, sizeof(l), "[%5u.%06u] %s\n", seed / 1000, seed % 1000 * 997,
				 t[seed % 4]);
		if (n + (size_t)k > want) {
			/* pad the last line to land exactly on want */
			memset(out + n, 'x', want - n);
			if (want - n > 0)
				out[want - 1] = '\n';
			return want;
		}
		memcpy(out + n, l, (size_t)k);
		n += (size_t)k;
		seed++;
	}
	return n;
}

/* the first line where the two runs differ */
static void same(const char *ref, const char *got, const char *what, size_t step)
{
	const char *a = ref, *b = got;

	while (*a && *a == *b)
		a++, b++;
	if (!*a && !*b)
		return;
	while (a > ref && a[-1] != '\n')
		a--, b--;
	ck_abort_msg("%s, pieces of %zu bytes: plain path: %.*s fast path: %.*s", what, step,
		     (int)strcspn(a, "\n") + 1, a, (int)strcspn(b, "\n") + 1, b);
}

static int compared;

static void compare_file(const char *path)
{
	static const size_t steps[] = { 0, 1, 7, 61, 4093, 65536 + 3 };
	struct run ref, got;
	size_t len, plen;
	char *buf = slurp(path, &len), *pad;

	plain(&ref, buf, len);
	for (size_t i = 0; i < ELEMENTSOF(steps); i++) {
		if (!fast(&got, buf, len, steps[i])) {
			free(got.out);
			goto padded; /* journal JSON / export: not the text path */
		}
		same(ref.out, got.out, path, steps[i]);
		free(got.out);
	}
	compared++;
padded:
	free(ref.out);
	/* the same between filler the skip runs over, the log starting mid-buffer */
	pad = malloc(len + 2 * 300000 + 2);
	ck_assert_ptr_nonnull(pad);
	plen = filler(pad, 300000, 1);
	memcpy(pad + plen, buf, len);
	plen += len;
	if (len && buf[len - 1] != '\n')
		pad[plen++] = '\n';
	plen += filler(pad + plen, 300000, 7);
	plain(&ref, pad, plen);
	for (size_t i = 0; i < ELEMENTSOF(steps); i += 4) {
		if (fast(&got, pad, plen, steps[i]))
			same(ref.out, got.out, path, steps[i]);
		free(got.out);
	}
	free(ref.out);
	free(pad);
	free(buf);
}

static void compare_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	ck_assert_msg(d != NULL, "cannot open '%s'", dir);
	while ((e = readdir(d)) != NULL) {
		char p[4096];
		size_t n = strlen(e->d_name);
		if (n < 5 || strcmp(e->d_name + n - 4, ".log") != 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		compare_file(p);
	}
	closedir(d);
}

START_TEST(test_fast_equals_plain)
{
	const char *tests = getenv("TESTS") ? getenv("TESTS") : "tests";
	char p[4096];

	compared = 0;
	snprintf(p, sizeof(p), "%s/corpus", tests);
	compare_dir(p);
	snprintf(p, sizeof(p), "%s/logs", fixture_dir());
	compare_dir(p);
	snprintf(p, sizeof(p), "%s/logs/forms", fixture_dir());
	compare_dir(p);
	snprintf(p, sizeof(p), "%s/logs/eras", fixture_dir());
	compare_dir(p);
	/* the corpus alone has 51 logs: a path that found none compared nothing */
	ck_assert_int_ge(compared, 60);
}
END_TEST

/* ---- needles at the edges of the mapped read ---- */

/* the captured 6.18 report (79 records), its raw-record heads dropped, pid renumbered */
static size_t report(char *out, size_t cap, int pid, const char *wrap)
{
	char path[4096], line[2048];
	FILE *fp;
	size_t n = 0;
	unsigned ts = 0;

	snprintf(path, sizeof(path), "%s/logs/captured-6.18-v1-memcg.kmsg", fixture_dir());
	fp = fopen(path, "re");
	ck_assert_ptr_nonnull(fp);
	while (fgets(line, sizeof(line), fp)) {
		char *t = strchr(line, ';'), *q, l[2300];
		int k;
		ck_assert_ptr_nonnull(t);
		t++;
		/* the victim's pid, 3916, in the summary, the kill line, the task table */
		while ((q = strstr(t, "3916")) != NULL) {
			char tmp[2048];
			snprintf(tmp, sizeof(tmp), "%.*s%d%s", (int)(q - t), t, pid, q + 4);
			snprintf(line, sizeof(line), "%s", tmp);
			t = line;
		}
		k = snprintf(l, sizeof(l), "%s[%5u.%06u] %s", wrap, 4000 + pid % 1000, ts++, t);
		ck_assert(n + (size_t)k < cap);
		memcpy(out + n, l, (size_t)k);
		n += (size_t)k;
	}
	fclose(fp);
	return n;
}

START_TEST(test_needles_at_edges)
{
	/* a report whose needle ("process ", "oom-kill", "emory: u") starts `back` bytes before
	 * each edge: the pieces of a window, the windows themselves */
	static const struct {
		size_t edge;
		const char *needle;
		size_t back;
		const char *wrap;
	} at[] = {
		{ CHUNK, "process ", 3, "" },
		{ 3 * CHUNK, "oom-kill:", 1, "Nov 25 10:00:00 host kernel: " },
		{ 5 * CHUNK, "invoked oom-killer", 7, "> " },
		{ WINDOW - 2, "process ", 5, "" },
		{ WINDOW + CHUNK, "emory: usage", 4, "Nov 25 10:00:00 host kernel: " },
		{ WINDOW + 3 * CHUNK, "Killed process", 0, "" },
		{ 2 * WINDOW, "process ", 4, "> > " },
	};
	size_t cap = 2 * WINDOW + 2 * CHUNK, len = 0;
	char *buf = malloc(cap), *rep = malloc(65536), path[] = "/tmp/oomlab-test-logscan-XXXXXX";
	char path_fd[64];
	struct run ref, got;
	struct logform *f;
	struct logread_info info;
	struct oomreport *r;
	int fd;

	ck_assert_ptr_nonnull(buf);
	ck_assert_ptr_nonnull(rep);
	for (size_t i = 0; i < ELEMENTSOF(at); i++) {
		size_t rl = report(rep, 65536, 70000 + (int)i, at[i].wrap);
		const char *nd = memmem(rep, rl, at[i].needle, strlen(at[i].needle));
		size_t off = (size_t)(nd - rep), start;

		ck_assert_ptr_nonnull(nd);
		start = at[i].edge - at[i].back - off;
		ck_assert_uint_gt(start, len);
		len += filler(buf + len, start - len, (unsigned)i * 1000);
		ck_assert_uint_eq(len, start);
		memcpy(buf + len, rep, rl);
		len += rl;
		/* the needle is where it was meant to be */
		ck_assert(memcmp(buf + at[i].edge - at[i].back, at[i].needle,
				 strlen(at[i].needle)) == 0);
	}
	len += filler(buf + len, 1000, 99);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	/* unlinked at once, read through /proc/self/fd: nothing is left behind if a check fails */
	unlink(path);
	snprintf(path_fd, sizeof(path_fd), "/proc/self/fd/%d", fd);
	ck_assert_int_eq(write(fd, buf, len), (ssize_t)len);

	plain(&ref, buf, len);
	/* the parser alone, and with 1, 2 and 4 worker threads indexing the windows */
	for (int t = 0; t <= 4; t += t ? t : 1) {
		logread_set_threads(t);
		r = new_rep(&got);
		ck_assert_int_eq(logform_new(r, &f), 0);
		ck_assert_int_eq(logread(path_fd, false, f, &info), 0);
		logform_end(f);
		stats_line(&got, r);
		ck_assert_int_eq(ref.kills, (int)ELEMENTSOF(at));
		same(ref.out, got.out, t ? "mapped, with workers" : "mapped, no worker", CHUNK);
		ck_assert_int_eq(got.kills, (int)ELEMENTSOF(at));
		ck_assert_uint_eq(info.bytes_in, len);
		logform_free(f);
		oomreport_free(r);
		free(got.out);
	}

	/* truncated while mapped (copytruncate): the read ends where the file now ends, also
	 * when a worker or the parser meets the end (SIGBUS) */
	for (int t = 0; t <= 2; t++) {
		ck_assert_int_eq(ftruncate(fd, 0), 0);
		ck_assert_int_eq(pwrite(fd, buf, len, 0), (ssize_t)len);
		logread_set_threads(t);
		r = new_rep(&got);
		got.truncate_path = path_fd;
		got.truncate_to = 2 * CHUNK;
		ck_assert_int_eq(logform_new(r, &f), 0);
		ck_assert_int_eq(logread(path_fd, false, f, &info), 0);
		logform_end(f);
		ck_assert_int_eq(got.kills, 1);
		logform_free(f);
		oomreport_free(r);
		free(got.out);
	}
	logread_set_threads(-1);
	free(ref.out);
	close(fd);
	free(rep);
	free(buf);
}
END_TEST

/* ---- the window index (lib/log-scan.c) against the scan and the filter themselves ---- */

/* a window of many kinds of line: needles at block (256), piece (128 KiB) and window edges */
static size_t mixed(char *out, size_t cap, unsigned seed)
{
	static const char *const t[] = {
		"[ 12.000001] python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
		"[ 12.000002] memory: usage 65536kB, limit 65536kB, failcnt 229",
		"[ 12.000003] [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name",
		"[ 12.000004] [   3916]     0  3916    55387    16288   217088        0             0 python3",
		"[ 12.000005] Memory cgroup out of memory: Killed process 3916 (python3) total-vm:221548kB",
		"[ 12.000006] oom_reaper: reaped process 3916 (python3), now anon-rss:0kB",
		"[ 12.000007] Task in /a killed as a result of limit of /a",
		"[ 12.000008] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),task=x,pid=1,uid=0",
		"[ 12.000009] EXT4-fs (vda1): re-mounted. Quota mode: none.",
		"kern.log: a process started\r",
		"\\x5c escaped",
		"",
		"short",
		"processprocess process oom-kil oom-kill emory: uTask in",
	};
	size_t n = 0;

	while (n + 1200 < cap) {
		unsigned k = seed % ELEMENTSOF(t);
		size_t l = strlen(t[k]);
		seed = seed * 1103515245u + 12345u;
		/* now and then a line that puts its needle across a 256-byte block edge */
		if ((seed >> 8) % 7 == 0) {
			size_t pad = 256 - (n % 256) + 256 - 5;
			memset(out + n, 'y', pad);
			n += pad;
		}
		if ((seed >> 12) % 97 == 0)
			out[n++] = '\0';
		memcpy(out + n, t[k], l);
		n += l;
		out[n++] = '\n';
	}
	return n;
}

static void check_index(const char *buf, size_t len, bool some_known)
{
	struct logscan s = { 0 };
	bool nul = memchr(buf, '\0', len) != NULL;
	size_t lines = 0, known = 0;

	ck_assert_int_eq(logscan_build(&s, buf, len), 0);
	ck_assert(s.has_nul == nul);
	ck_assert(s.needles_ok);
	/* from every line start to the next few line ends, and to the end */
	for (const char *p = buf; p < buf + len;) {
		const char *e = p, *c1, *c2;
		uint64_t n1 = 0, n2 = 0;
		int k;
		const char *nl = memchr(p, '\n', (size_t)(buf + len - p));

		for (int i = 0; i < 3 && e < buf + len; i++) {
			const char *q = memchr(e, '\n', (size_t)(buf + len - e));
			e = q ? q + 1 : buf + len;
			c1 = oomreport_scan_needles(p, e, &n1);
			ck_assert(logscan_next(&s, p, e, &c2, &n2));
			ck_assert_ptr_eq(c1, c2);
			ck_assert_uint_eq(n1, n2);
		}
		c1 = oomreport_scan_needles(p, buf + len, &n1);
		ck_assert(logscan_next(&s, p, buf + len, &c2, &n2));
		ck_assert_ptr_eq(c1, c2);
		ck_assert_uint_eq(n1, n2);
		if (!nl)
			break;
		/* the filter's answer, where the index has it, is the filter's */
		k = logscan_filter(&s, p, (size_t)(nl - p));
		if (k >= 0) {
			ck_assert_int_eq(k, kmsg_may_hold_oom(p, (size_t)(nl - p)));
			known++;
		}
		/* a line the parser cut elsewhere (at a NUL) is never answered for */
		if (nl - p > 2)
			ck_assert_int_eq(logscan_filter(&s, p, (size_t)(nl - p) - 1), -1);
		lines++;
		p = nl + 1;
	}
	if (some_known)
		ck_assert_uint_gt(known, 100);
	logscan_free(&s);
}

START_TEST(test_index_matches_scan)
{
	size_t cap = WINDOW + 1000, len;
	char *buf = malloc(cap);

	ck_assert_ptr_nonnull(buf);
	for (unsigned seed = 1; seed <= 3; seed++) {
		len = mixed(buf, cap, seed);
		check_index(buf, len, true);
		/* every length at the end of a block, of the window; a window ending mid-line */
		for (size_t cut = 1; cut < 300; cut += 37)
			check_index(buf, len - cut, true);
	}
	/* tiny windows: shorter than a block, than a needle */
	check_index("Killed process 1 (x)\n", 21, false);
	check_index("process", 7, false);
	check_index("\0\n", 2, false);
	free(buf);
}
END_TEST

/*
 * The mapped read with workers on what they cut differently: a report across each window
 * edge, a line longer than a window, CRLF lines, NULs, a window holding nothing but one
 * line's middle. The same kills, field by field, as the plain path.
 */
START_TEST(test_threads_equal_plain)
{
	size_t cap = 10 * WINDOW, len = 0, rl;
	char *buf = malloc(cap), *rep = malloc(65536), path[] = "/tmp/oomlab-test-logscan-XXXXXX";
	char path_fd[64];
	struct run ref, got;
	int fd;

	ck_assert_ptr_nonnull(buf);
	ck_assert_ptr_nonnull(rep);
	for (int w = 1, edge = 1; w <= 5; w++, edge++) {
		rl = report(rep, 65536, 80000 + w, w == 3 ? "> " : "");
		/* this report's middle at the next window edge */
		while ((size_t)edge * WINDOW < len + rl + 1000)
			edge++;
		len += filler(buf + len, (size_t)edge * WINDOW - rl / 2 - len, (unsigned)w);
		if (w == 2) {
			/* CRLF */
			for (size_t i = 0; i < rl; i++) {
				if (rep[i] == '\n')
					buf[len++] = '\r';
				buf[len++] = rep[i];
			}
			continue;
		}
		memcpy(buf + len, rep, rl);
		len += rl;
		if (w == 3) {
			/* a line longer than a window, then NULs, then a report */
			memset(buf + len, 'z', WINDOW + 777);
			len += WINDOW + 777;
			buf[len++] = '\n';
			memset(buf + len, 0, 100);
			len += 100;
			rl = report(rep, 65536, 90000, "");
			memcpy(buf + len, rep, rl);
			len += rl;
		}
	}
	len += filler(buf + len, 5000, 3);
	ck_assert_uint_lt(len, cap);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	unlink(path);
	snprintf(path_fd, sizeof(path_fd), "/proc/self/fd/%d", fd);
	ck_assert_int_eq(write(fd, buf, len), (ssize_t)len);

	/*
	 * Against the parser alone (not the plain path: a line longer than 64 KiB that crosses a
	 * piece's edge is handed over in pieces, each counted as a line).
	 */
	memset(&ref, 0, sizeof(ref));
	for (int t = 0; t <= 4; t++) {
		struct logform *f;
		struct logread_info info;
		struct oomreport *r = new_rep(&got);

		logread_set_threads(t);
		ck_assert_int_eq(logform_new(r, &f), 0);
		ck_assert_int_eq(logread(path_fd, false, f, &info), 0);
		logform_end(f);
		stats_line(&got, r);
		ck_assert_int_eq(got.kills, 6);
		if (t == 0)
			ref = got;
		else
			same(ref.out, got.out,
			     "reports across window edges, long lines, CRLF, NULs", WINDOW);
		logform_free(f);
		oomreport_free(r);
		if (t)
			free(got.out);
	}
	logread_set_threads(-1);
	free(ref.out);
	close(fd);
	free(rep);
	free(buf);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("logform");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_fast_equals_plain);
	tcase_add_test(tc, test_needles_at_edges);
	tcase_add_test(tc, test_index_matches_scan);
	tcase_add_test(tc, test_threads_equal_plain);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(suite)

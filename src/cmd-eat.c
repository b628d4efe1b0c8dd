// SPDX-License-Identifier: MIT
/*
 * oomlab eat: a deterministic memory eater. Allocates --chunk bytes on an absolute schedule
 * (chunk i is due at start + i*chunk/rate, so a late chunk does not slow the rest), touches
 * every page, and prints progress lines from a stack buffer (printing allocates nothing).
 *   anon   private anonymous memory (the kernel must kill to get it back without swap)
 *   file   page cache through an unlinked temporary file on a disk filesystem (reclaimable)
 *   shmem  a memfd kept mapped (charged like anon, counted in the eater's RssShmem)
 *   memfd  a memfd written with write(2), never mapped (charged to the cgroup, in nobody's rss)
 * --step eats more on each line of stdin; --leaderless eats from a second thread after the main
 * thread has exited (the leader has no mm: /proc/PID/status shows none, the OOM killer still
 * counts the thread's through find_lock_task_mm()).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "oomlab.h"
#include "../lib/banned.h"

#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif

enum eat_mode { EAT_ANON, EAT_FILE, EAT_SHMEM, EAT_MEMFD };

static void eat_usage(FILE *out)
{
	fprintf(out,
		"Usage: oomlab eat [OPTIONS]\n\n"
		"Allocate memory at a steady rate and touch every page, until --total or until killed.\n\n"
		"Options:\n"
		"  --rate RATE       allocation rate: 50M/s, 1M/20ms, max (default 1M/20ms = 50 MiB/s)\n"
		"  --chunk SIZE      bytes per allocation step (default 1M)\n"
		"  --total SIZE      stop after this much (default: never, eat until killed)\n"
		"  --mode MODE       anon | file | shmem | memfd (default anon); shmem stays mapped\n"
		"                    (the eater's RssShmem), memfd is never mapped (in nobody's rss)\n"
		"  --dir DIR         directory for the --mode file temporary file (default /var/tmp)\n"
		"  --reread DUR      --mode file: after --total, drop the file from the page cache and\n"
		"                    read random 4 KiB pages of it for DUR (a page-cache thrash when\n"
		"                    the file is larger than the cgroup's limit)\n"
		"  --readers N       --reread with N processes (1-8, default 1): with more than one,\n"
		"                    \"full\" PSI (all stalled at once) stays below \"some\"\n"
		"  --hold            after --total (and --step input), keep the memory and sleep\n"
		"                    until signalled\n"
		"  --step SIZE       after --total (default with --step: nothing), eat SIZE more for\n"
		"                    each line read on stdin and print a line after each step; exit\n"
		"                    at the end of input\n"
		"  --leaderless      eat in a second thread; the main thread exits first, so\n"
		"                    /proc/PID/status shows no memory while the OOM killer counts it\n"
		"  --progress SIZE   print a progress line every SIZE (default 64M; 0 = never)\n"
		"  --json            progress, summary and step lines as JSON lines\n"
		"  -q, --quiet       no progress lines, only the summary (and the step lines)\n"
		"  -h, --help        show this help\n\n"
		"anon, shmem and memfd memory can only be taken back by killing the eater (there is no\n"
		"swap unless you add some); file memory is page cache, which the kernel reclaims instead.\n");
}

struct eater {
	enum eat_mode mode;
	uint64_t chunk, total, rate, progress, eaten, step;
	uint64_t t0, next_progress;
	int fd; /* file / shmem / memfd */
	bool json, quiet, max_rate;
	unsigned char *buf; /* file and memfd modes: data to write */
	uint64_t buf_len;   /* file: one chunk; memfd: at most 1 MiB (the eater's own anon) */
	/* shmem mode: the memfd is mapped into address windows reserved ahead (adjacent mappings
	 * of consecutive offsets merge into one VMA: a step per mapping would hit
	 * vm.max_map_count, 65530, at 64 GiB in 1 MiB steps) */
	unsigned char *win;	   /* the current window, mapping file offset win_off */
	uint64_t win_off, win_len; /* page aligned */
	uint64_t mapped;	   /* file bytes [0, mapped) are mapped (page aligned) */
};

static const char *mode_name(enum eat_mode m)
{
	return m == EAT_FILE  ? "file" :
	       m == EAT_SHMEM ? "shmem" :
	       m == EAT_MEMFD ? "memfd" :
				"anon";
}

/* a window of address space for the shmem mode: 1 GiB, or more for a larger step */
#define SHMEM_WINDOW (1ULL << 30)

static void put_line(const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(STDOUT_FILENO, s, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		s += w;
		n -= (size_t)w;
	}
}

static void progress_line(const struct eater *e, uint64_t t_us)
{
	char line[160];
	int n;

	if (e->json)
		n = snprintf(line, sizeof(line),
			     "{\"event\":\"progress\",\"mode\":\"%s\",\"bytes\":%" PRIu64
			     ",\"elapsed_us\":%" PRIu64 "}\n",
			     mode_name(e->mode), e->eaten, t_us);
	else
		n = snprintf(line, sizeof(line), "%" PRIu64 " MiB allocated (%s)\n", e->eaten >> 20,
			     mode_name(e->mode));
	if (n > 0)
		put_line(line, (size_t)n);
}

/* One step: make `n` more bytes resident. Returns 0 or -errno. */
static int eat_step(struct eater *e, uint64_t n)
{
	long page = sysconf(_SC_PAGESIZE);

	switch (e->mode) {
	case EAT_ANON: {
		/* MAP_POPULATE faults the pages in one kernel pass (about 3x faster than a trap per
		 * page at 1 GiB/s); the loop below still writes every page */
		unsigned char *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (p == MAP_FAILED)
			return -errno;
		/* a distinct non-zero byte per page: no zero page, no KSM merging */
		for (uint64_t off = 0; off < n; off += (uint64_t)page)
			p[off] = (unsigned char)(1 + ((e->eaten + off) / (uint64_t)page) % 251);
		break;
	}
	case EAT_SHMEM: {
		uint64_t pg = (uint64_t)page, end = (e->eaten + n + pg - 1) & ~(pg - 1);
		uint64_t len = end - e->mapped;
		if (ftruncate(e->fd, (off_t)(e->eaten + n)) < 0)
			return -errno;
		if (len == 0) /* the new bytes are in the last page, mapped and touched before */
			break;
		if (!e->win || e->mapped + len > e->win_off + e->win_len) {
			/* PROT_NONE private: address space only, nothing charged or committed */
			uint64_t wl = len > SHMEM_WINDOW ? len : SHMEM_WINDOW;
			void *w = mmap(NULL, wl, PROT_NONE,
				       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
			if (w == MAP_FAILED)
				return -errno;
			e->win = w;
			e->win_off = e->mapped;
			e->win_len = wl;
		}
		unsigned char *p = e->win + (e->mapped - e->win_off);
		if (mmap(p, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, e->fd,
			 (off_t)e->mapped) == MAP_FAILED)
			return -errno;
		/* the pages stay mapped: the eater's RssShmem, which the OOM killer counts */
		for (uint64_t off = 0; off < len; off += pg)
			p[off] = 1;
		e->mapped = end;
		break;
	}
	case EAT_MEMFD: /* write(2) charges the pages to the writer's cgroup (an OOM kill, if any,
			 * happens inside the write); never mapped, they are in nobody's rss, so the
			 * OOM killer does not count them for the eater */
	case EAT_FILE: {
		uint64_t done = 0;
		while (done < n) {
			size_t w = n - done > e->buf_len ? e->buf_len : n - done;
			ssize_t r = pwrite(e->fd, e->buf, w, (off_t)(e->eaten + done));
			if (r < 0) {
				if (errno == EINTR)
					continue;
				return -errno;
			}
			done += (uint64_t)r;
		}
		break;
	}
	}
	e->eaten += n;
	return 0;
}

static int alloc_buf(struct cli *cli, struct eater *e, uint64_t len)
{
	e->buf = malloc(len);
	if (!e->buf)
		return cli_error(cli, "cannot allocate a %" PRIu64 "-byte write buffer", len);
	e->buf_len = len;
	for (uint64_t i = 0; i < len; i++)
		e->buf[i] = (unsigned char)(i * 131 + 7);
	return 0;
}

static int open_file(struct cli *cli, struct eater *e, const char *dir)
{
	struct statfs sf;

	e->fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (e->fd < 0)
		return cli_error(cli, "cannot create a temporary file in '%s': %s", dir,
				 strerror(errno));
	if (fstatfs(e->fd, &sf) == 0 && sf.f_type == TMPFS_MAGIC)
		cli_warn(
			cli,
			"'%s' is tmpfs: its pages are shmem, not reclaimable page cache; use --dir on a disk filesystem",
			dir);
	return alloc_buf(cli, e, e->chunk);
}

static volatile sig_atomic_t stop;
static void on_signal(int sig)
{
	stop = sig;
}

/*
 * The page-cache thrash (KERNEL-NOTES §6): pages stay charged to the cgroup that first read
 * them, so the written file is flushed and dropped first; then every read of a page that is
 * not resident is a charge at the limit (reclaim: a memory stall) and a disk read.
 */
static int reread_random(struct eater *e, uint64_t dur_us, int readers, uint64_t *reads)
{
	pid_t kids[8];
	int nkids = 0, r = 0;
	uint64_t pages = e->eaten / 4096, x = (now_us() ^ ((uint64_t)getpid() << 32)) | 1;
	uint64_t end = now_us() + dur_us;
	char buf[4096];

	if (fsync(e->fd) < 0)
		return -errno;
	(void)posix_fadvise(e->fd, 0, 0, POSIX_FADV_DONTNEED);
	if (pages == 0)
		return 0;
	/* the other readers: children on the same file (and in the same cgroup) */
	for (int k = 1; k < readers; k++) {
		pid_t p = fork();
		if (p == 0) {
			x = (x * 0x9E3779B97F4A7C15ULL) ^ (uint64_t)k;
			x |= 1;
			nkids = -1; /* a child reads and exits */
			break;
		}
		if (p > 0)
			kids[nkids++] = p;
	}
	while (!stop) {
		for (int i = 0; i < 64 && !stop; i++) {
			x ^= x << 13; /* xorshift64 */
			x ^= x >> 7;
			x ^= x << 17;
			if (pread(e->fd, buf, sizeof(buf), (off_t)(x % pages * 4096)) < 0 &&
			    errno != EINTR) {
				r = -errno;
				break;
			}
			(*reads)++;
		}
		if (r < 0 || now_us() >= end)
			break;
	}
	if (nkids < 0)
		_exit(r < 0 ? 1 : 0);
	for (int k = 0; k < nkids; k++) {
		if (stop)
			kill(kids[k], (int)stop);
		while (waitpid(kids[k], NULL, 0) < 0 && errno == EINTR)
			;
	}
	return r;
}

/* Eat until e->eaten reaches `target` (0: until stopped) at --rate, the schedule starting now.
 * Returns 0, or EXIT_FAIL when an allocation failed (said). */
static int eat_until(struct cli *cli, struct eater *e, uint64_t target)
{
	uint64_t t0 = now_us(), base = e->eaten;
	int r;

	while (!stop && (target == 0 || e->eaten < target)) {
		uint64_t n = e->chunk;
		if (target && target - e->eaten < n)
			n = target - e->eaten;
		if (!e->max_rate) {
			/* a chunk is due once the rate has earned it: t0 + (eaten+n)/rate, an
			 * absolute schedule, so a late step does not shift the ones after it */
			uint64_t due = t0 + (uint64_t)((unsigned __int128)(e->eaten - base + n) *
						       1000000 / e->rate);
			struct timespec ts = { (time_t)(due / 1000000),
					       (long)(due % 1000000) * 1000 };
			while (!stop &&
			       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
				;
			if (stop)
				break;
		}
		r = eat_step(e, n);
		if (r < 0) {
			cli_error(cli,
				  "cannot allocate %" PRIu64 " more bytes after %" PRIu64
				  " MiB: %s",
				  n, e->eaten >> 20, strerror(-r));
			return EXIT_FAIL;
		}
		if (!e->quiet && e->progress && e->eaten >= e->next_progress) {
			progress_line(e, now_us() - e->t0);
			e->next_progress += e->progress;
		}
	}
	return 0;
}

static void stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

/*
 * --step: wait for the next line on stdin. Returns 1 (a line), 0 (end of input, or a stopping
 * signal: `stop` says which) or -errno. The stopping signals are blocked from the test of `stop`
 * until ppoll() waits (as in --hold: one in between would be a lost wake-up).
 */
static int next_line(unsigned *pending, bool *eof)
{
	while (*pending == 0 && !*eof) {
		sigset_t block, old, wait;
		char buf[512];
		ssize_t n;
		int pr, err;

		stop_signals(&block);
		sigprocmask(SIG_BLOCK, &block, &old);
		if (stop) {
			sigprocmask(SIG_SETMASK, &old, NULL);
			return 0;
		}
		wait = old;
		sigdelset(&wait, SIGINT);
		sigdelset(&wait, SIGTERM);
		sigdelset(&wait, SIGHUP);
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
		pr = ppoll(&pfd, 1, NULL, &wait);
		err = errno;
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (pr < 0) {
			if (err == EINTR)
				continue;
			return -err;
		}
		n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		if (n == 0)
			*eof = true;
		for (ssize_t i = 0; i < n; i++)
			*pending += buf[i] == '\n';
	}
	if (*pending == 0)
		return 0;
	(*pending)--;
	return 1;
}

static void step_line(const struct eater *e, unsigned step, uint64_t bytes)
{
	char line[200], a[32], b[32];
	int n;

	if (e->json)
		n = snprintf(
			line, sizeof(line),
			"{\"event\":\"step\",\"mode\":\"%s\",\"step\":%u,\"step_bytes\":%" PRIu64
			",\"bytes\":%" PRIu64 ",\"elapsed_us\":%" PRIu64 "}\n",
			mode_name(e->mode), step, bytes, e->eaten, now_us() - e->t0);
	else
		n = snprintf(line, sizeof(line), "step %u: %s more (%s), %s in all\n", step,
			     format_bytes(bytes, a, sizeof(a)), mode_name(e->mode),
			     format_bytes(e->eaten, b, sizeof(b)));
	if (n > 0)
		put_line(line, (size_t)n);
}

static void summary_line(const struct eater *e)
{
	uint64_t dt = now_us() - e->t0;
	char line[256];
	int n;
	uint64_t achieved = dt ? (uint64_t)((unsigned __int128)e->eaten * 1000000 / dt) : 0;

	if (e->json)
		n = snprintf(line, sizeof(line),
			     "{\"event\":\"done\",\"mode\":\"%s\",\"bytes\":%" PRIu64
			     ",\"elapsed_us\":%" PRIu64 ",\"requested_bytes_per_sec\":%" PRIu64
			     ",\"achieved_bytes_per_sec\":%" PRIu64 ",\"interrupted\":%s}\n",
			     mode_name(e->mode), e->eaten, dt, e->max_rate ? 0 : e->rate, achieved,
			     stop ? "true" : "false");
	else
		n = snprintf(line, sizeof(line),
			     "eat: %" PRIu64 " MiB (%s) in %" PRIu64 ".%03" PRIu64 " s: %" PRIu64
			     ".%" PRIu64 " MiB/s achieved%s\n",
			     e->eaten >> 20, mode_name(e->mode), dt / 1000000, dt / 1000 % 1000,
			     achieved >> 20, ((achieved & ((1 << 20) - 1)) * 10) >> 20,
			     stop ? " (interrupted)" : "");
	if (n > 0)
		put_line(line, (size_t)n);
}

struct eat_opts {
	const char *dir;
	bool hold;
	uint64_t reread;
	int readers;
};

/* Everything after the options: the eater itself (in the main thread, or with --leaderless in
 * the second one). Returns the exit status. */
static int eat_run(struct cli *cli, struct eater *e, const struct eat_opts *o)
{
	uint64_t reads = 0;
	int r;

	if (e->mode == EAT_FILE && (r = open_file(cli, e, o->dir)))
		return r;
	if (e->mode == EAT_SHMEM || e->mode == EAT_MEMFD) {
		e->fd = memfd_create("oomlab-eat", MFD_CLOEXEC);
		if (e->fd < 0)
			return cli_error(cli, "cannot create a memfd: %s", strerror(errno));
	}
	if (e->mode == EAT_MEMFD &&
	    (r = alloc_buf(cli, e, e->chunk < (1ULL << 20) ? e->chunk : 1ULL << 20)))
		return r;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGPIPE, SIG_IGN);

	e->t0 = now_us();
	e->next_progress = e->progress;
	/* with --step and no --total, nothing before the first line */
	if ((e->total || !e->step) && (r = eat_until(cli, e, e->total)))
		return r;
	if (o->reread && !stop) {
		r = reread_random(e, o->reread, o->readers, &reads);
		if (r < 0) {
			cli_error(cli, "cannot re-read the file: %s", strerror(-r));
			return EXIT_FAIL;
		}
	}
	summary_line(e);
	if (e->step && !stop) {
		unsigned pending = 0, step = 0;
		bool eof = false;

		while ((r = next_line(&pending, &eof)) > 0) {
			uint64_t before = e->eaten;
			if ((r = eat_until(cli, e, e->eaten + e->step)))
				return r;
			if (stop)
				break;
			step_line(e, ++step, e->eaten - before);
		}
		if (r < 0) {
			cli_error(cli, "cannot read the --step input on stdin: %s", strerror(-r));
			return EXIT_FAIL;
		}
	}
	if (o->hold && !stop) {
		/* block the stopping signals before testing stop: one that came between the test and
		 * sigsuspend() would otherwise wait for another (a lost wake-up) */
		sigset_t block, old;

		stop_signals(&block);
		sigprocmask(SIG_BLOCK, &block, &old);
		sigdelset(&old, SIGINT);
		sigdelset(&old, SIGTERM);
		sigdelset(&old, SIGHUP);
		while (!stop)
			sigsuspend(&old);
		sigprocmask(SIG_UNBLOCK, &block, NULL);
	}
	free(e->buf);
	if (e->fd >= 0)
		close(e->fd);
	if (stop) {
		/* die of the signal itself, so a parent sees the real cause (128+N) */
		signal((int)stop, SIG_DFL);
		raise((int)stop);
		return 128 + (int)stop;
	}
	return EXIT_OK;
}

/* --leaderless: what the second thread needs, in static storage (the main thread's stack is
 * not ours to use once it has exited) */
static struct {
	struct cli *cli;
	struct eater e;
	struct eat_opts o;
	pthread_t leader;
} lone;

static void *leaderless_main(void *arg)
{
	(void)arg;
	/* wait until the main thread has really exited (the kernel clears its tid in exit_mm()),
	 * so the leader shows no mm before the first byte is eaten */
	pthread_join(lone.leader, NULL);
	exit(eat_run(lone.cli, &lone.e, &lone.o)); /* exit(): flushes stdio, ends the process */
}

int cmd_eat(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { { "rate", required_argument, NULL, 'r' },
					      { "chunk", required_argument, NULL, 'c' },
					      { "total", required_argument, NULL, 't' },
					      { "mode", required_argument, NULL, 'm' },
					      { "dir", required_argument, NULL, 'd' },
					      { "hold", no_argument, NULL, 'H' },
					      { "progress", required_argument, NULL, 'p' },
					      { "json", no_argument, NULL, 'J' },
					      { "quiet", no_argument, NULL, 'q' },
					      { "help", no_argument, NULL, 'h' },
					      { "reread", required_argument, NULL, 'R' },
					      { "readers", required_argument, NULL, 'N' },
					      { "step", required_argument, NULL, 'S' },
					      { "leaderless", no_argument, NULL, 'L' },
					      { 0 } };
	struct eater e = { .mode = EAT_ANON,
			   .chunk = 1 << 20,
			   .rate = 50ULL << 20,
			   .progress = 64ULL << 20,
			   .fd = -1 };
	struct eat_opts o = { .dir = "/var/tmp", .readers = 1 };
	bool total_max = false, leaderless = false;
	int c, r;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hqJ", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (strcmp(optarg, "max") == 0) {
				e.max_rate = true;
				break;
			}
			r = parse_rate(optarg, &e.rate);
			if (r < 0 || e.rate == 0)
				return cli_usage_error(
					cli,
					"invalid rate '%s' for --rate: expected SIZE/DURATION like 50M/s or 1M/20ms, or max",
					optarg);
			break;
		case 'c':
			if ((r = cli_parse_size(cli, "--chunk", optarg, &e.chunk)))
				return r;
			if (e.chunk == 0 || e.chunk == SIZE_UNLIMITED || e.chunk > (1ULL << 30))
				return cli_usage_error(cli,
						       "--chunk must be between 1 byte and 1G");
			break;
		case 't':
			if ((r = cli_parse_size(cli, "--total", optarg, &e.total)))
				return r;
			if (e.total == 0)
				return cli_usage_error(cli,
						       "--total must be more than 0 (or 'max')");
			total_max = e.total == SIZE_UNLIMITED;
			if (total_max)
				e.total = 0;
			break;
		case 'm':
			if (strcmp(optarg, "anon") == 0)
				e.mode = EAT_ANON;
			else if (strcmp(optarg, "file") == 0)
				e.mode = EAT_FILE;
			else if (strcmp(optarg, "shmem") == 0)
				e.mode = EAT_SHMEM;
			else if (strcmp(optarg, "memfd") == 0)
				e.mode = EAT_MEMFD;
			else
				return cli_usage_error(
					cli,
					"invalid mode '%s': expected anon, file, shmem or memfd",
					optarg);
			break;
		case 'd':
			o.dir = optarg;
			break;
		case 'H':
			o.hold = true;
			break;
		case 'R':
			if ((r = cli_parse_duration(cli, "--reread", optarg, &o.reread)))
				return r;
			break;
		case 'N':
			if (parse_int(optarg, &o.readers) < 0 || o.readers < 1 || o.readers > 8)
				return cli_usage_error(cli, "invalid --readers '%s': expected 1-8",
						       optarg);
			break;
		case 'S':
			if ((r = cli_parse_size(cli, "--step", optarg, &e.step)))
				return r;
			if (e.step == 0 || e.step == SIZE_UNLIMITED)
				return cli_usage_error(cli,
						       "--step must be a size above 0 (not max)");
			break;
		case 'L':
			leaderless = true;
			break;
		case 'p':
			if ((r = cli_parse_size(cli, "--progress", optarg, &e.progress)))
				return r;
			if (e.progress == SIZE_UNLIMITED)
				e.progress = 0;
			break;
		case 'J':
			e.json = true;
			break;
		case 'q':
			e.quiet = true;
			break;
		case 'h':
			eat_usage(stdout);
			return EXIT_OK;
		default:
			return cli_option_error(cli, argv, c);
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	if (o.hold && !e.total && !e.step)
		return cli_usage_error(cli, "--hold needs --total (or --step)");
	if (e.step && total_max)
		return cli_usage_error(cli, "--step needs a --total that ends (a SIZE, not max)");
	if (o.reread && (e.mode != EAT_FILE || !e.total || o.hold || e.step))
		return cli_usage_error(
			cli, "--reread needs --mode file and --total (and not --hold or --step)");

	if (!leaderless)
		return eat_run(cli, &e, &o);
	pthread_t th;
	lone.cli = cli;
	lone.e = e;
	lone.o = o;
	lone.leader = pthread_self();
	fflush(stdout);
	if ((r = pthread_create(&th, NULL, leaderless_main, NULL)) != 0)
		return cli_error(cli, "cannot start the eating thread: %s", strerror(r));
	/* the main thread exits; the process lives on in the other one */
	pthread_exit(NULL);
}

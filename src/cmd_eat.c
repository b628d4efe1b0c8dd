// SPDX-License-Identifier: MIT
/*
 * oomlab eat: a deterministic memory eater. Allocates --chunk bytes on an absolute schedule
 * (chunk i is due at start + i*chunk/rate, so a late chunk does not slow the rest), touches
 * every page, and prints progress lines from a stack buffer (printing allocates nothing).
 *   anon   private anonymous memory (the kernel must kill to get it back without swap)
 *   file   page cache through an unlinked temporary file on a disk filesystem (reclaimable)
 *   shmem  a memfd (shmem: charged like anon, not reclaimable without swap)
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
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

enum eat_mode { EAT_ANON, EAT_FILE, EAT_SHMEM };

static void eat_usage(FILE *out)
{
	fprintf(out,
		"Usage: oomlab eat [OPTIONS]\n\n"
		"Allocate memory at a steady rate and touch every page, until --total or until killed.\n\n"
		"Options:\n"
		"  --rate RATE       allocation rate: 50M/s, 1M/20ms, max (default 1M/20ms = 50 MiB/s)\n"
		"  --chunk SIZE      bytes per allocation step (default 1M)\n"
		"  --total SIZE      stop after this much (default: never, eat until killed)\n"
		"  --mode MODE       anon | file | shmem (default anon)\n"
		"  --dir DIR         directory for the --mode file temporary file (default /var/tmp)\n"
		"  --reread DUR      --mode file: after --total, drop the file from the page cache and\n"
		"                    read random 4 KiB pages of it for DUR (a page-cache thrash when\n"
		"                    the file is larger than the cgroup's limit)\n"
		"  --readers N       --reread with N processes (1-8, default 1): with more than one,\n"
		"                    \"full\" PSI (all stalled at once) stays below \"some\"\n"
		"  --hold            after --total, keep the memory and sleep until signalled\n"
		"  --progress SIZE   print a progress line every SIZE (default 64M; 0 = never)\n"
		"  --json            progress and summary as JSON lines\n"
		"  -q, --quiet       no progress lines, only the summary\n"
		"  -h, --help        show this help\n\n"
		"anon and shmem memory can only be taken back by killing the eater (there is no swap\n"
		"unless you add some); file memory is page cache, which the kernel reclaims instead.\n");
}

struct eater {
	enum eat_mode mode;
	uint64_t chunk, total, rate, progress, eaten;
	int fd; /* file / shmem */
	bool json, quiet;
	unsigned char *buf; /* file mode: one chunk of data to write */
};

static const char *mode_name(enum eat_mode m)
{
	return m == EAT_FILE ? "file" : m == EAT_SHMEM ? "shmem" : "anon";
}

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
		unsigned char *p;
		/* mmap offsets must be page aligned, a --chunk need not be: map from the page that
		 * holds the first new byte (touching it again is harmless) */
		uint64_t start = e->eaten & ~((uint64_t)page - 1), len = e->eaten + n - start;
		if (ftruncate(e->fd, (off_t)(e->eaten + n)) < 0)
			return -errno;
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, e->fd, (off_t)start);
		if (p == MAP_FAILED)
			return -errno;
		for (uint64_t off = 0; off < len; off += (uint64_t)page)
			p[off] = 1;
		/* the pages stay in the memfd after munmap: keeps the address space small */
		munmap(p, len);
		break;
	}
	case EAT_FILE: {
		uint64_t done = 0;
		while (done < n) {
			size_t w = n - done > e->chunk ? e->chunk : n - done;
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
	e->buf = malloc(e->chunk);
	if (!e->buf)
		return cli_error(cli, "cannot allocate a %" PRIu64 "-byte write buffer", e->chunk);
	for (uint64_t i = 0; i < e->chunk; i++)
		e->buf[i] = (unsigned char)(i * 131 + 7);
	return 0;
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
					      { 0 } };
	struct eater e = { .mode = EAT_ANON,
			   .chunk = 1 << 20,
			   .rate = 50ULL << 20,
			   .progress = 64ULL << 20,
			   .fd = -1 };
	const char *dir = "/var/tmp";
	bool hold = false, max_rate = false;
	uint64_t t0, next_progress, reread = 0, reads = 0;
	int readers = 1;
	int c, r;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hqJ", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (strcmp(optarg, "max") == 0) {
				max_rate = true;
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
			if (e.total == SIZE_UNLIMITED)
				e.total = 0;
			break;
		case 'm':
			if (strcmp(optarg, "anon") == 0)
				e.mode = EAT_ANON;
			else if (strcmp(optarg, "file") == 0)
				e.mode = EAT_FILE;
			else if (strcmp(optarg, "shmem") == 0)
				e.mode = EAT_SHMEM;
			else
				return cli_usage_error(
					cli, "invalid mode '%s': expected anon, file or shmem",
					optarg);
			break;
		case 'd':
			dir = optarg;
			break;
		case 'H':
			hold = true;
			break;
		case 'R':
			if ((r = cli_parse_duration(cli, "--reread", optarg, &reread)))
				return r;
			break;
		case 'N':
			if (parse_int(optarg, &readers) < 0 || readers < 1 || readers > 8)
				return cli_usage_error(cli, "invalid --readers '%s': expected 1-8",
						       optarg);
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
	if (hold && !e.total)
		return cli_usage_error(cli, "--hold needs --total");
	if (reread && (e.mode != EAT_FILE || !e.total || hold))
		return cli_usage_error(cli,
				       "--reread needs --mode file and --total (and not --hold)");

	if (e.mode == EAT_FILE && (r = open_file(cli, &e, dir)))
		return r;
	if (e.mode == EAT_SHMEM) {
		e.fd = memfd_create("oomlab-eat", MFD_CLOEXEC);
		if (e.fd < 0)
			return cli_error(cli, "cannot create a memfd: %s", strerror(errno));
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGPIPE, SIG_IGN);

	t0 = now_us();
	next_progress = e.progress;
	while (!stop && (e.total == 0 || e.eaten < e.total)) {
		uint64_t n = e.chunk;
		if (e.total && e.total - e.eaten < n)
			n = e.total - e.eaten;
		if (!max_rate) {
			/* a chunk is due once the rate has earned it: t0 + (eaten+n)/rate, an
			 * absolute schedule, so a late step does not shift the ones after it */
			uint64_t due = t0 + (uint64_t)((unsigned __int128)(e.eaten + n) * 1000000 /
						       e.rate);
			struct timespec ts = { (time_t)(due / 1000000),
					       (long)(due % 1000000) * 1000 };
			while (!stop &&
			       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
				;
			if (stop)
				break;
		}
		r = eat_step(&e, n);
		if (r < 0) {
			cli_error(cli,
				  "cannot allocate %" PRIu64 " more bytes after %" PRIu64
				  " MiB: %s",
				  n, e.eaten >> 20, strerror(-r));
			return EXIT_FAIL;
		}
		if (!e.quiet && e.progress && e.eaten >= next_progress) {
			progress_line(&e, now_us() - t0);
			next_progress += e.progress;
		}
	}
	if (reread && !stop) {
		r = reread_random(&e, reread, readers, &reads);
		if (r < 0) {
			cli_error(cli, "cannot re-read the file: %s", strerror(-r));
			return EXIT_FAIL;
		}
	}
	{
		uint64_t dt = now_us() - t0;
		char line[256];
		int n;
		uint64_t achieved = dt ? (uint64_t)((unsigned __int128)e.eaten * 1000000 / dt) : 0;
		if (e.json)
			n = snprintf(
				line, sizeof(line),
				"{\"event\":\"done\",\"mode\":\"%s\",\"bytes\":%" PRIu64
				",\"elapsed_us\":%" PRIu64 ",\"requested_bytes_per_sec\":%" PRIu64
				",\"achieved_bytes_per_sec\":%" PRIu64 ",\"interrupted\":%s}\n",
				mode_name(e.mode), e.eaten, dt, max_rate ? 0 : e.rate, achieved,
				stop ? "true" : "false");
		else
			n = snprintf(line, sizeof(line),
				     "eat: %" PRIu64 " MiB (%s) in %" PRIu64 ".%03" PRIu64
				     " s: %" PRIu64 ".%" PRIu64 " MiB/s achieved%s\n",
				     e.eaten >> 20, mode_name(e.mode), dt / 1000000,
				     dt / 1000 % 1000, achieved >> 20,
				     ((achieved & ((1 << 20) - 1)) * 10) >> 20,
				     stop ? " (interrupted)" : "");
		if (n > 0)
			put_line(line, (size_t)n);
	}
	if (hold && !stop) {
		/* block the stopping signals before testing stop: one that came between the test and
		 * sigsuspend() would otherwise wait for another (a lost wake-up) */
		sigset_t block, old;

		sigemptyset(&block);
		sigaddset(&block, SIGINT);
		sigaddset(&block, SIGTERM);
		sigaddset(&block, SIGHUP);
		sigprocmask(SIG_BLOCK, &block, &old);
		sigdelset(&old, SIGINT);
		sigdelset(&old, SIGTERM);
		sigdelset(&old, SIGHUP);
		while (!stop)
			sigsuspend(&old);
		sigprocmask(SIG_UNBLOCK, &block, NULL);
	}
	free(e.buf);
	if (e.fd >= 0)
		close(e.fd);
	if (stop) {
		/* die of the signal itself, so a parent sees the real cause (128+N) */
		signal((int)stop, SIG_DFL);
		raise((int)stop);
		return 128 + (int)stop;
	}
	return EXIT_OK;
}

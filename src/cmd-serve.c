// SPDX-License-Identifier: MIT
/*
 * oomlab serve: the exporter daemon. One thread, one poll(): the kill source's fd (BPF ring
 * buffer, tracefs trace_pipe or /dev/kmsg, as in `oomlab watch`), libmicrohttpd's epoll fd in
 * external-polling mode, and a signalfd. The only timers are MHD's idle-connection timeout
 * (only while a client keeps a connection open), --textfile-interval and --timeout: with no
 * kill, no scrape and no textfile, nothing wakes the process. Scrapes are synchronous: cgroupfs
 * is read while the request is served (serve-model.c), no background sampling.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#ifdef OOMLAB_HAVE_MHD
#include <microhttpd.h>
#endif

#include "oomlab.h"
#include "run-victim.h"
#include "serve-model.h"
#include "../lib/journal-send.h"
#include "../lib/banned.h"

/* Outside the Prometheus exporter range 9100-9999 (every port of it is allocated on the
 * Prometheus wiki's "Default port allocations" page since 2023), so it clashes with no
 * exporter's default. */
#define SERVE_DEFAULT_PORT 10139
#define SERVE_DEFAULT_LISTEN "127.0.0.1:10139"

struct daemon_ctx {
	struct cli *cli;
	struct serve s;
	const char *textfile;
	bool journal, json;
	const char *journal_socket;
	int journal_fd;
	bool stop;
	uint64_t textfile_errors;
};

static int write_textfile(struct daemon_ctx *d)
{
	char tmp[PATH_MAX];
	FILE *f;
	int fd, r;

	/* node_exporter reads only *.prom: the temporary name does not end in .prom */
	if (xsnprintf(tmp, sizeof(tmp), "%s.%d.tmp", d->textfile, (int)getpid()) < 0)
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		r = -errno;
		close(fd);
		unlink(tmp);
		return r;
	}
	serve_render_metrics(&d->s, f, PROM_TEXT);
	if (fflush(f) != 0 || ferror(f)) {
		r = -EIO;
		fclose(f);
		unlink(tmp);
		return r;
	}
	fclose(f);
	if (rename(tmp, d->textfile) < 0) {
		r = -errno;
		unlink(tmp);
		return r;
	}
	return 0;
}

static void textfile_update(struct daemon_ctx *d)
{
	int r;

	if (!d->textfile)
		return;
	r = write_textfile(d);
	if (r < 0 && d->textfile_errors++ == 0)
		cli_warn(d->cli, "cannot write '%s': %s", d->textfile, strerror(-r));
}

static void handle_kill(struct daemon_ctx *d, const struct oom_event *ev)
{
	const struct serve_kill *k = serve_add_kill(&d->s, ev);

	if (d->journal) {
		int r = serve_journal_kill(k, d->journal_fd, d->journal_socket);
		if (r < 0 && d->s.journal_errors++ == 0)
			cli_warn(d->cli, "cannot write to the journal at '%s': %s",
				 d->journal_socket ? d->journal_socket : JOURNAL_SOCKET,
				 strerror(-r));
	}
	if (d->json) {
		struct json j;
		json_init(&j, stdout, false);
		serve_kill_to_json(k, &j);
		json_end(&j);
		fflush(stdout);
	}
	textfile_update(d);
}

static int on_victim(const struct oom_event *ev, void *userdata)
{
	handle_kill(userdata, ev);
	return 0;
}

/* the kmsg source: the health of the input (oomlab_kmsg_records_lost, ..._reports_unparsed) */
static void on_note(const struct victim_note *n, void *userdata)
{
	struct daemon_ctx *d = userdata;

	if (n->kind == VICTIM_NOTE_OVERWRITTEN)
		d->s.kmsg_lost += n->count;
	else if (n->kind == VICTIM_NOTE_UNPARSED)
		d->s.reports_unparsed += n->count;
}

/* ---- HTTP ---- */

/* "127.0.0.1:10139", "[::1]:10139", ":10139" (loopback), "0.0.0.0:10139", "none" */
static int parse_listen(const char *s, struct sockaddr_storage *ss, bool *v6)
{
	char host[128];
	const char *colon;
	uint64_t port;

	memset(ss, 0, sizeof(*ss));
	*v6 = false;
	if (s[0] == '[') {
		const char *end = strchr(s, ']');
		if (!end || end[1] != ':' || (size_t)(end - s - 1) >= sizeof(host))
			return -EINVAL;
		memcpy(host, s + 1, (size_t)(end - s - 1));
		host[end - s - 1] = '\0';
		colon = end + 1;
		*v6 = true;
	} else {
		colon = strrchr(s, ':');
		if (!colon || (size_t)(colon - s) >= sizeof(host))
			return -EINVAL;
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = '\0';
		if (!host[0])
			xsnprintf(host, sizeof(host), "127.0.0.1");
	}
	if (parse_u64(colon + 1, &port) < 0 || port > 65535)
		return -EINVAL;
	if (*v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
			return -EINVAL;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			return -EINVAL;
	}
	return 0;
}

#ifdef OOMLAB_HAVE_MHD
static const char landing[] =
	"<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>oomlab serve</title></head>\n"
	"<body><h1>oomlab serve</h1>\n<p>OOM kills, per-cgroup OOM counters and memory pressure "
	"for Prometheus.</p>\n<ul>\n<li><a href=\"/metrics\">/metrics</a> (Prometheus text; "
	"OpenMetrics with exemplars when the Accept header asks)</li>\n"
	"<li><a href=\"/events\">/events</a> recent kills as JSON</li>\n"
	"<li><a href=\"/healthz\">/healthz</a></li>\n</ul>\n<p>See oomlab-serve(1).</p>\n"
	"</body></html>\n";

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type,
			     char *body, size_t len, bool must_free)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(
		len, body, must_free ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!r) {
		if (must_free)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", type);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/*
 * /metrics streamed: MHD asks for the body block by block (chunked transfer encoding) and each
 * block is rendered then (serve_scrape_step) into a small staging buffer, so a scrape holds its
 * table of tracked cgroups and a few dozen KiB of text, never the whole body (3.9 MB at 20,000
 * cgroups).
 */
struct metrics_stream {
	struct serve_scrape *sc;
	FILE *f; /* writes into buf (fopencookie) */
	char *buf;
	size_t len, off, cap;
	bool done;
};

static ssize_t stream_write(void *cookie, const char *data, size_t n)
{
	struct metrics_stream *m = cookie;

	if (m->len + n > m->cap) {
		size_t nc = m->cap ? m->cap : 65536;
		char *nb;
		while (nc < m->len + n)
			nc *= 2;
		nb = realloc(m->buf, nc);
		if (!nb)
			return -1;
		m->buf = nb;
		m->cap = nc;
	}
	memcpy(m->buf + m->len, data, n);
	m->len += n;
	return (ssize_t)n;
}

static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct metrics_stream *m = cls;
	size_t n;

	(void)pos;
	if (m->off) {
		memmove(m->buf, m->buf + m->off, m->len - m->off);
		m->len -= m->off;
		m->off = 0;
	}
	while (!m->done && m->len < max) {
		m->done = !serve_scrape_step(m->sc, m->f);
		if (fflush(m->f) != 0)
			return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	if (m->len == 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	n = m->len < max ? m->len : max;
	memcpy(out, m->buf, n);
	m->off = n;
	return (ssize_t)n;
}

static void stream_free(void *cls)
{
	struct metrics_stream *m = cls;

	if (m->f)
		fclose(m->f);
	serve_scrape_end(m->sc);
	free(m->buf);
	free(m);
}

static enum MHD_Result reply_metrics(struct MHD_Connection *c, struct serve *s,
				     enum prom_format fmt)
{
	static const cookie_io_functions_t io = { .write = stream_write };
	struct metrics_stream *m = calloc(1, sizeof(*m));
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (!m)
		return MHD_NO;
	m->f = fopencookie(m, "w", io);
	m->sc = m->f ? serve_scrape_begin(s, fmt) : NULL;
	if (!m->sc) {
		stream_free(m);
		return MHD_NO;
	}
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 32 * 1024, stream_read, m,
					      stream_free);
	if (!r) {
		stream_free(m);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type",
				fmt == PROM_OPENMETRICS ? PROM_CT_OPENMETRICS : PROM_CT_TEXT);
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct daemon_ctx *d = cls;
	char *body = NULL;
	size_t len = 0;
	FILE *m;

	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
			     (char *)"only GET and HEAD\n", 18, false);
	if (*upload_size) {
		*upload_size = 0;
		return MHD_YES;
	}
	if (strcmp(url, "/") == 0)
		return reply(c, MHD_HTTP_OK, "text/html; charset=utf-8", (char *)landing,
			     sizeof(landing) - 1, false);
	if (strcmp(url, "/healthz") == 0) {
		if (d->s.source_up)
			return reply(c, MHD_HTTP_OK, "text/plain; charset=utf-8", (char *)"ok\n", 3,
				     false);
		return reply(c, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain; charset=utf-8",
			     (char *)"no kill source\n", 15, false);
	}
	if (strcmp(url, "/metrics") == 0 || strcmp(url, "/events") == 0) {
		enum prom_format fmt = prom_negotiate(
			MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT));

		if (url[1] == 'm')
			return reply_metrics(c, &d->s, fmt);
		m = open_memstream(&body, &len);
		if (!m)
			return MHD_NO;
		serve_render_events(&d->s, m);
		if (fclose(m) != 0) {
			free(body);
			return MHD_NO;
		}
		return reply(c, MHD_HTTP_OK, "application/json", body, len, true);
	}
	return reply(c, MHD_HTTP_NOT_FOUND, "text/plain; charset=utf-8", (char *)"not found\n", 10,
		     false);
}
#endif

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: oomlab serve [--listen ADDR] [--textfile FILE] [--journal] [--source SRC]\n"
		"                    [--retain N] [--max-series N] [--depth N] [--root DIR]\n\n"
		"Export OOM kills and per-cgroup OOM counters, memory pressure and headroom to\n"
		"Prometheus (/metrics), as JSON (/events) and to journald, from the fastest kill\n"
		"source. Nothing is sampled between scrapes.\n\n"
		"Options:\n"
		"      --listen ADDR          HTTP address (default " SERVE_DEFAULT_LISTEN
		"; [::1]:PORT,\n"
		"                             :PORT = loopback, PORT 0 = any free port; none: no HTTP)\n"
		"      --textfile FILE        also write the metrics to FILE (tmp file + rename) for\n"
		"                             node_exporter's textfile collector, at start, after each\n"
		"                             kill and every --textfile-interval\n"
		"      --textfile-interval DUR  rewrite FILE this often (default 60s; 0: only on kills)\n"
		"      --journal              one structured journald entry per kill (MESSAGE_ID\n"
		"                             " OOMLAB_JOURNAL_MESSAGE_ID ")\n"
		"      --journal-socket PATH  the journal socket (default " JOURNAL_SOCKET ")\n"
		"  -s, --source SRC           auto (default), bpf, tracefs or kmsg, as in oomlab watch\n"
		"      --no-kmsg              bpf/tracefs: do not read /dev/kmsg for the constraint\n"
		"      --cgroup-source SRC    the tracked cgroups' counters: auto (default: bpf when\n"
		"                             it loads, else files), bpf (one BPF cgroup-iterator\n"
		"                             pass per scrape) or files\n"
		"      --retain N             kills kept for /events (default 64)\n"
		"      --max-series N         at most N label sets: kill series + tracked cgroups\n"
		"                             (default 2000)\n"
		"      --depth N              cgroup levels tracked and used as the kill label (default 2)\n"
		"      --no-pods              do not track Kubernetes pod cgroups below --depth\n"
		"      --root DIR             the host's / is mounted at DIR (container runtime state)\n"
		"  -J, --json                 also print each kill as one JSON line on stdout (the\n"
		"                             /events object; errors as JSON too)\n"
		"  -t, --timeout DUR          exit after DUR (tests, benchmarks)\n"
		"  -h, --help                 show this help\n");
}

int cmd_serve(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'L' },
		{ "textfile", required_argument, NULL, 'T' },
		{ "textfile-interval", required_argument, NULL, 'I' },
		{ "journal", no_argument, NULL, 'j' },
		{ "journal-socket", required_argument, NULL, 'S' },
		{ "retain", required_argument, NULL, 'R' },
		{ "json", no_argument, NULL, 'J' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "cgroup-source", required_argument, NULL, 'C' },
		CLI_SOURCE_OPTIONS,
		SERVE_TREE_OPTIONS,
		{ 0 },
	};
	struct cli_source cs = { .vo.on_note = on_note };
	struct serve_tree_opts to = SERVE_TREE_DEFAULTS;
	struct daemon_ctx d = { .cli = cli, .journal_fd = -1 };
	const char *listen_addr = SERVE_DEFAULT_LISTEN;
	uint64_t retain = 64, timeout = 0, tf_interval = 60000000;
	uint64_t deadline = 0, tf_next = 0;
	bool http;
	int cg_source = 0; /* --cgroup-source: 0 auto, 1 bpf, 2 files */
	struct sockaddr_storage ss;
	bool v6 = false;
	sigset_t mask;
	int c, r, sfd = -1, http_fd = -1, rc = EXIT_OK;
#ifdef OOMLAB_HAVE_MHD
	struct MHD_Daemon *mhd = NULL;
#endif

	d.journal_socket = getenv("OOMLAB_JOURNAL_SOCKET");
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":s:t:Jh", opts, NULL)) != -1) {
		switch (c) {
		case 'L':
			listen_addr = optarg;
			break;
		case 'T':
			if (!optarg[0])
				return cli_usage_error(cli, "empty file name for --textfile");
			d.textfile = optarg;
			break;
		case 'I':
			if (strcmp(optarg, "0") == 0)
				tf_interval = 0;
			else if (cli_parse_duration(cli, "--textfile-interval", optarg,
						    &tf_interval))
				return EXIT_USAGE;
			if (tf_interval && tf_interval < 1000000)
				return cli_usage_error(
					cli,
					"--textfile-interval below 1s: node_exporter reads the file only when scraped");
			break;
		case 'j':
			d.journal = true;
			break;
		case 'S':
			d.journal_socket = optarg;
			d.journal = true;
			break;
		case 'C':
			if (strcmp(optarg, "auto") == 0)
				cg_source = 0;
			else if (strcmp(optarg, "bpf") == 0)
				cg_source = 1;
			else if (strcmp(optarg, "files") == 0)
				cg_source = 2;
			else
				return cli_usage_error(
					cli,
					"invalid source '%s' for --cgroup-source: expected auto, bpf or files",
					optarg);
			break;
		case 's':
		case 'K':
		case 'A':
			if ((r = cli_source_option(cli, c, optarg, &cs)))
				return r;
			break;
		case 'd':
		case 'm':
		case 'P':
		case 'r':
			if ((r = serve_tree_option(cli, c, optarg, &to)))
				return r;
			break;
		case 'R':
			if (parse_u64(optarg, &retain) < 0 || retain > 100000)
				return cli_usage_error(
					cli, "invalid count '%s' for --retain: expected 0..100000",
					optarg);
			break;
		case 't':
			if (cli_parse_duration(cli, "--timeout", optarg, &timeout))
				return EXIT_USAGE;
			break;
		case 'J':
			d.json = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			return cli_option_error(cli, argv, c);
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	http = strcmp(listen_addr, "none") != 0;
	if (http && parse_listen(listen_addr, &ss, &v6) < 0)
		return cli_usage_error(
			cli,
			"invalid address '%s' for --listen: expected HOST:PORT, [V6]:PORT, :PORT or none",
			listen_addr);
#ifndef OOMLAB_HAVE_MHD
	if (http)
		return cli_error(
			cli,
			"this oomlab was built without libmicrohttpd: use --listen none with --textfile or --journal");
#endif
	if (!http && !d.textfile && !d.journal && !d.json)
		return cli_usage_error(
			cli,
			"--listen none needs --textfile, --journal or --json: nothing would be exported");
	if (!d.textfile)
		tf_interval = 0;

	r = serve_init(&d.s, &cli->host, (size_t)retain, &to);
	if (r < 0)
		return cli_error(cli, "cannot start: %s", strerror(-r));
	serve_cache_tree(&d.s);
	if (cg_source != 2 && d.s.have_layout) {
		if (serve_use_bpf(&d.s) < 0 && cg_source == 1) {
			rc = cli_error(cli, "--cgroup-source bpf: %s", d.s.counters_note);
			goto out;
		}
		if (d.s.it)
			fprintf(stderr, "oomlab serve: cgroup counters: bpf: %s\n",
				cg_iter_source_detail);
		else
			fprintf(stderr, "oomlab serve: cgroup counters: files (%s)\n",
				d.s.counters_note);
	}
	if (!d.s.have_layout)
		cli_warn(
			cli,
			"no cgroup hierarchy found in /proc/self/mountinfo: only kill and host metrics");
	if (d.journal) {
		d.journal_fd = journal_socket_open();
		if (d.journal_fd < 0) {
			rc = cli_error(cli, "cannot create a socket for the journal: %s",
				       strerror(-d.journal_fd));
			goto out;
		}
	}

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((rc = cli_source_open(cli, &cs)))
		goto out;
	d.s.source = victim_source_kind_to_string(victim_source_get_kind(cs.src));
	d.s.source_up = true;
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		rc = cli_error(cli, "cannot create a signalfd: %s", strerror(errno));
		goto out;
	}

#ifdef OOMLAB_HAVE_MHD
	if (http) {
		const union MHD_DaemonInfo *info;
		char shown[128];

		/* external polling: MHD's epoll fd joins our poll(); no thread, no lock */
		mhd = MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_ERROR_LOG | (v6 ? MHD_USE_IPv6 : 0),
				       0, NULL, NULL, on_request, &d, MHD_OPTION_SOCK_ADDR,
				       (struct sockaddr *)&ss, MHD_OPTION_CONNECTION_LIMIT, 32u,
				       MHD_OPTION_PER_IP_CONNECTION_LIMIT, 8u,
				       MHD_OPTION_CONNECTION_TIMEOUT, 60u, MHD_OPTION_END);
		if (!mhd) {
			rc = cli_error(cli, "cannot listen on '%s': %s", listen_addr,
				       strerror(errno));
			goto out;
		}
		info = MHD_get_daemon_info(mhd, MHD_DAEMON_INFO_EPOLL_FD);
		http_fd = info ? info->epoll_fd : -1;
		if (http_fd < 0) {
			rc = cli_error(cli, "libmicrohttpd gave no epoll fd");
			goto out;
		}
		info = MHD_get_daemon_info(mhd, MHD_DAEMON_INFO_BIND_PORT);
		if (v6)
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, shown,
				  sizeof(shown));
		else
			inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, shown,
				  sizeof(shown));
		/* scripts wait for this line (it carries the port when PORT was 0) */
		fprintf(stderr, "oomlab serve: listening on http://%s%s%s:%u/metrics\n",
			v6 ? "[" : "", shown, v6 ? "]" : "", info ? (unsigned)info->port : 0u);
	}
#endif
	if (d.textfile) {
		textfile_update(&d);
		if (d.textfile_errors) {
			rc = cli_error(cli, "cannot write the textfile '%s'", d.textfile);
			goto out;
		}
		fprintf(stderr, "oomlab serve: writing %s\n", d.textfile);
	}
	if (d.journal)
		fprintf(stderr, "oomlab serve: journal entries to %s\n",
			d.journal_socket ? d.journal_socket : JOURNAL_SOCKET);
	if (timeout)
		deadline = now_us() + timeout;
	if (tf_interval)
		tf_next = now_us() + tf_interval;

	while (!d.stop) {
		struct pollfd pfd[3] = { { .fd = victim_source_fd(cs.src), .events = POLLIN },
					 { .fd = sfd, .events = POLLIN },
					 { .fd = http_fd, .events = POLLIN } };
		uint64_t now = now_us(), wake = UINT64_MAX;
		int tmo = -1;

#ifdef OOMLAB_HAVE_MHD
		if (mhd) {
			MHD_UNSIGNED_LONG_LONG ms;
			if (MHD_get_timeout(mhd, &ms) == MHD_YES)
				wake = now + (uint64_t)ms * 1000;
		}
#endif
		if (deadline && deadline < wake)
			wake = deadline;
		if (tf_next && tf_next < wake)
			wake = tf_next;
		if (wake != UINT64_MAX)
			tmo = wake <= now ? 0 : (int)((wake - now + 999) / 1000);
		r = poll(pfd, http_fd >= 0 ? 3 : 2, tmo);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = cli_error(cli, "poll: %s", strerror(errno));
			break;
		}
		now = now_us();
		if (deadline && now >= deadline)
			break;
		if (pfd[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
				d.stop = true;
		}
		if ((pfd[0].revents & (POLLIN | POLLERR)) &&
		    (r = victim_source_consume(cs.src, on_victim, &d)) < 0) {
			d.s.source_up = false;
			rc = cli_error(cli, "cannot read %s: %s", cs.what, strerror(-r));
			break;
		}
#ifdef OOMLAB_HAVE_MHD
		/* also on timeouts: MHD closes idle connections from here */
		if (mhd)
			MHD_run(mhd);
#endif
		if (tf_next && now >= tf_next) {
			textfile_update(&d);
			tf_next = now + tf_interval;
		}
	}
	if (d.s.kmsg_lost)
		cli_warn(cli, "the kernel log overwrote records %llu time(s) before they were read",
			 (unsigned long long)d.s.kmsg_lost);
out:
#ifdef OOMLAB_HAVE_MHD
	if (mhd)
		MHD_stop_daemon(mhd);
#endif
	victim_source_close(cs.src);
	if (sfd >= 0)
		close(sfd);
	if (d.journal_fd >= 0)
		close(d.journal_fd);
	serve_free(&d.s);
	return rc;
}

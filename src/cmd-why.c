// SPDX-License-Identifier: MIT
/* oomlab why: explain the OOM kills in the kernel log, a saved log or the journal. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "oomlab.h"
#include "explain.h"
#include "cg-arg.h"
#include "../lib/util.h"
#include "../lib/banned.h"

/* what was read and could not be decoded: its own exit status (man/oomlab-why.1.scd) */
#define EXIT_UNDECODED 3

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: oomlab why [--log FILE|-] [--journal [--boot N|all] [--journal-file F]...]\n"
		"                  [--pid N] [--cgroup PATH] [--since WHEN] [--json]\n\n"
		"Explain the OOM kills in the kernel log, in plain words: what hit which limit, what\n"
		"the victim used, whether it was the largest task, what to do next.\n\n"
		"Options:\n"
		"  -l, --log FILE     read a saved log instead of the live kernel buffer: dmesg (any\n"
		"                     time format), journalctl (short*, cat, verbose, export, json*),\n"
		"                     syslog, kern.log, raw /dev/kmsg records, a paste; plain, .gz,\n"
		"                     .xz or .zst ('-' = stdin)\n"
		"  -f, --follow       let --log read a FIFO or a character device (may never end)\n"
		"  -j, --journal      read the kernel's records of the systemd journal\n"
		"      --boot N|all   with --journal: this boot (0, default), the one before (-1), ...\n"
		"      --journal-file F  with --journal: read F instead of the system journal (repeat)\n"
		"      --journal-dir D   with --journal: read the journal files in D\n"
		"  -p, --pid N        only the kill of process N\n"
		"  -c, --cgroup PATH  only kills in cgroup PATH or below it (and, for a live cgroup,\n"
		"                     its limits, usage, peak, OOM counters and PSI)\n"
		"  -S, --since WHEN   only kills since WHEN: a duration (250ms, 10m, 2h, 1d) back from\n"
		"                     now (live buffer, journal) or from the log's newest kill (--log),\n"
		"                     a date (2026-12-01, '2026-12-01 10:00'), today, yesterday\n"
		"  -J, --json         {\"kills\": [...]} in log order\n"
		"  -h, --help         show this help\n");
}

/* --since: a duration (also 'd', 'w') or a date; *abs says which */
static int parse_since(struct cli *cli, const char *s, uint64_t *dur, int64_t *abs_us, bool *abs)
{
	size_t n = strlen(s);
	struct tm tm = { 0 };
	time_t now = time(NULL), t;
	const char *e;

	*abs = false;
	if (strcmp(s, "today") == 0 || strcmp(s, "yesterday") == 0) {
		localtime_r(&now, &tm);
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		if (s[0] == 'y')
			tm.tm_mday--;
		tm.tm_isdst = -1;
		t = mktime(&tm);
		*abs_us = (int64_t)t * 1000000;
		*abs = true;
		return 0;
	}
	if (n >= 10 && s[4] == '-' && s[7] == '-') {
		e = strptime(s, "%Y-%m-%d", &tm);
		if (e && (*e == ' ' || *e == 'T'))
			e = strptime(e + 1, "%H:%M", &tm) ? strptime(e + 1, "%H:%M", &tm) : NULL;
		if (e && *e == ':')
			e = strptime(e + 1, "%S", &tm);
		if (!e || *e != '\0')
			return cli_usage_error(
				cli,
				"invalid date '%s' for --since: expected YYYY-MM-DD[ HH:MM[:SS]]",
				s);
		tm.tm_isdst = -1;
		t = mktime(&tm);
		if (t == (time_t)-1)
			return cli_usage_error(cli, "invalid date '%s' for --since", s);
		*abs_us = (int64_t)t * 1000000;
		*abs = true;
		return 0;
	}
	if (n >= 2 && (s[n - 1] == 'd' || s[n - 1] == 'w') && s[n - 2] >= '0' && s[n - 2] <= '9') {
		char b[32];
		uint64_t v;
		if (n >= sizeof(b))
			return cli_usage_error(cli, "invalid duration '%s' for --since", s);
		memcpy(b, s, n - 1);
		b[n - 1] = '\0';
		if (parse_u64(b, &v) < 0)
			return cli_usage_error(cli, "invalid duration '%s' for --since", s);
		if (v > UINT64_MAX / (86400ULL * 7 * 1000000))
			return cli_usage_error(cli, "invalid duration '%s' for --since: too large",
					       s);
		*dur = v * 86400ULL * 1000000 * (s[n - 1] == 'w' ? 7 : 1);
		return 0;
	}
	return cli_parse_duration(cli, "--since", s, dur);
}

/* every write to stdout checked: a full disk or a closed pipe is an error, not a success */
static int finish(struct cli *cli, int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		int e = errno;
		if (e == EPIPE)
			return EXIT_FAIL;
		fprintf(stderr, "oomlab why: cannot write the output: %s\n", strerror(e ? e : EIO));
		return EXIT_FAIL;
	}
	return status;
}

static const char *source_name(const char *log, bool journal)
{
	if (journal)
		return "the journal";
	if (!log)
		return "the kernel log";
	return strcmp(log, "-") ? log : "stdin";
}

/*
 * Never silent: what was read, what names the OOM killer, what became kills, and the lines
 * that did not (stderr, so the JSON or text on stdout stays what it is).
 */
static void account(const struct collect_info *in, const char *what, size_t kills)
{
	const struct oomreport_stats *st = &in->stats;

	if (st->imitations) {
		fprintf(stderr,
			"oomlab why: %s: %llu line(s) that look like OOM kill messages were written by a "
			"program, not by the kernel (%s%s), and are not reported as kills: line",
			what, (unsigned long long)st->imitations,
			st->imitation_tag[0] && strcmp(st->imitation_tag, "facility") ? "tag " : "",
			strcmp(st->imitation_tag, "facility") == 0 ?
				"a /dev/kmsg record of a non-kernel facility" :
			st->imitation_tag[0] ? st->imitation_tag :
					       "not the kernel's");
		for (uint64_t i = 0; i < st->imitations && i < OOMREPORT_LINES_KEPT; i++)
			fprintf(stderr, "%s %llu", i ? "," : "",
				(unsigned long long)st->imitation_at[i]);
		fprintf(stderr, "%s\n", st->imitations > OOMREPORT_LINES_KEPT ? ", ..." : "");
	}
	if (st->undecoded == 0 && kills > 0)
		return;
	if (st->undecoded == 0 && st->mentions == 0 && st->imitations) {
		fprintf(stderr,
			"oomlab why: %s: read %llu line(s), no kill by the kernel among them\n",
			what, (unsigned long long)st->lines_read);
		return;
	}
	if (st->undecoded == 0 && st->mentions == 0) {
		fprintf(stderr,
			"oomlab why: %s: read %llu line(s)%s%s, none of them mentions the OOM killer\n",
			what, (unsigned long long)st->lines_read,
			in->container.container && strcmp(in->container.container, "text") ?
				" of " :
				"",
			in->container.container && strcmp(in->container.container, "text") ?
				in->container.container :
				"");
		return;
	}
	fprintf(stderr,
		"oomlab why: %s: read %llu line(s), %llu mention the OOM killer, %zu kill(s) decoded",
		what, (unsigned long long)st->lines_read, (unsigned long long)st->mentions, kills);
	if (st->undecoded) {
		fprintf(stderr, "; could not decode %llu at line",
			(unsigned long long)st->undecoded);
		for (uint64_t i = 0; i < st->undecoded && i < OOMREPORT_LINES_KEPT; i++)
			fprintf(stderr, "%s %llu", i ? "," : "",
				(unsigned long long)st->undecoded_at[i]);
		if (st->undecoded > OOMREPORT_LINES_KEPT)
			fprintf(stderr, ", ...");
	}
	fputc('\n', stderr);
}

static void span_text(FILE *out, const struct collect_info *in)
{
	const struct oomreport_stats *st = &in->stats;
	char a[40], b[40];

	if (!st->have_ts_span)
		return;
	if (in->have_boot &&
	    oom_time_rfc3339(in->boot_us + (int64_t)st->first_ts_us, a, sizeof(a)) &&
	    oom_time_rfc3339(in->boot_us + (int64_t)st->last_ts_us, b, sizeof(b)))
		fprintf(out,
			"oomlab why: the kernel buffer still covers %s to %s (kernel time %llu.%06llu to %llu.%06llu s); "
			"older kills may be in 'oomlab why --journal' or /var/log/kern.log*\n",
			a, b, (unsigned long long)(st->first_ts_us / 1000000),
			(unsigned long long)(st->first_ts_us % 1000000),
			(unsigned long long)(st->last_ts_us / 1000000),
			(unsigned long long)(st->last_ts_us % 1000000));
}

static bool in_since(const struct oom_event *ev, bool have_since, bool abs, int64_t abs_us,
		     uint64_t since, bool use_wall, int64_t newest_wall, uint64_t newest_k)
{
	if (!have_since)
		return true;
	if (abs)
		return (ev->have & OOM_HAVE_TIME) && ev->time_us >= abs_us;
	if (use_wall)
		return (ev->have & OOM_HAVE_TIME) &&
		       ev->time_us + (int64_t)(since > INT64_MAX ? INT64_MAX / 2 : since) >=
			       newest_wall;
	return (ev->have & OOM_HAVE_KTIME) && ev->kernel_time_us + since >= newest_k;
}

/*
 * The kills as they come (explain_collect_stream): enriched, counted, filtered and shown one
 * at a time, so that memory does not grow with the kills of the log. --since DURATION with
 * --log counts back from the log's newest kill, known only at the end: the kills that may
 * still be in that span are kept (those certainly before it are dropped as newer kills come).
 */
struct why_out {
	struct cli *cli;
	pid_t pid;
	const char *cgroup;
	unsigned enrich;
	bool have_since, abs, keep;
	int64_t abs_us;
	uint64_t since;
	/* over every kill decoded */
	size_t total, untimed;
	bool all_wall; /* every kill so far has a wall-clock time */
	bool use_wall;
	int64_t newest_wall;
	uint64_t newest_k;
	struct kill_list cand; /* keep: the kills that may be shown */
	size_t pruned_at;
	/* the output */
	struct json j;
	bool json_open;
	size_t shown;
};

static void show(struct why_out *o, const struct oom_event *ev)
{
	if (o->cli->json) {
		if (!o->json_open) {
			/* opened with the first kill: an error before it is the error object alone */
			json_init(&o->j, stdout, false);
			json_obj_open(&o->j);
			json_key(&o->j, "kills");
			json_arr_open(&o->j);
			o->json_open = true;
		}
		oom_event_to_json(ev, &o->j);
	} else {
		if (o->shown)
			fputc('\n', stdout);
		explain_kill_text(stdout, ev);
	}
	o->shown++;
}

/* --since DURATION from the newest kill: can ev no longer be in the span, whatever comes? */
static bool certainly_before(const struct why_out *o, const struct oom_event *ev)
{
	bool k_out = !((ev->have & OOM_HAVE_KTIME) && ev->kernel_time_us + o->since >= o->newest_k);

	if (!o->all_wall)
		return k_out; /* the kernel's time decides */
	return k_out &&
	       !((ev->have & OOM_HAVE_TIME) &&
		 ev->time_us + (int64_t)(o->since > INT64_MAX ? INT64_MAX / 2 : o->since) >=
			 o->newest_wall);
}

static void prune(struct why_out *o)
{
	size_t k = 0;

	for (size_t i = 0; i < o->cand.n; i++)
		if (!certainly_before(o, &o->cand.v[i]))
			o->cand.v[k++] = o->cand.v[i];
	o->cand.n = k;
	o->pruned_at = k;
}

static int why_kill(struct oom_event *ev, void *userdata)
{
	struct why_out *o = userdata;

	/* names are pure; the live limit only makes sense for this host's own log */
	explain_enrich(ev, &o->cli->host, o->enrich);
	o->total++;
	o->untimed += !(ev->have & OOM_HAVE_TIME);
	if (o->keep) {
		/* back from the log's newest kill: by its wall clock if every kill has one */
		if (!(ev->have & OOM_HAVE_TIME))
			o->all_wall = false;
		if ((ev->have & OOM_HAVE_KTIME) && ev->kernel_time_us > o->newest_k)
			o->newest_k = ev->kernel_time_us;
		if ((ev->have & OOM_HAVE_TIME) && ev->time_us > o->newest_wall)
			o->newest_wall = ev->time_us;
		if (!explain_match(ev, o->pid, o->cgroup))
			return 0;
		if (o->cand.n >= 64 && o->cand.n >= 2 * o->pruned_at)
			prune(o);
		return kill_list_add(&o->cand, ev);
	}
	if (explain_match(ev, o->pid, o->cgroup) &&
	    in_since(ev, o->have_since, o->abs, o->abs_us, o->since, o->use_wall, o->newest_wall,
		     o->newest_k))
		show(o, ev);
	return 0;
}

/* keep: the span is known now */
static void show_kept(struct why_out *o)
{
	if (!o->keep)
		return;
	o->use_wall = o->total > 0 && o->all_wall;
	for (size_t i = 0; i < o->cand.n; i++)
		if (in_since(&o->cand.v[i], o->have_since, o->abs, o->abs_us, o->since, o->use_wall,
			     o->newest_wall, o->newest_k))
			show(o, &o->cand.v[i]);
	kill_list_free(&o->cand);
}

static int count_kill(struct oom_event *ev, void *userdata)
{
	(*(size_t *)userdata)++;
	return 0;
}

int cmd_why(struct cli *cli, int argc, char **argv)
{
	enum { OPT_JFILE = 0x100, OPT_JDIR, OPT_BOOT };
	static const struct option opts[] = {
		{ "log", required_argument, NULL, 'l' },
		{ "pid", required_argument, NULL, 'p' },
		{ "cgroup", required_argument, NULL, 'c' },
		{ "since", required_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ "follow", no_argument, NULL, 'f' },
		{ "journal", no_argument, NULL, 'j' },
		{ "boot", required_argument, NULL, OPT_BOOT },
		{ "journal-file", required_argument, NULL, OPT_JFILE },
		{ "journal-dir", required_argument, NULL, OPT_JDIR },
		{ 0 },
	};
	const char *log = NULL;
	char cgbuf[PATH_MAX];
	const char *cgroup = NULL, *cgroup_arg = NULL;
	struct cg_target cgt = { 0 };
	const char *jfiles[33] = { 0 };
	size_t njfiles = 0;
	struct collect_opts co = { 0 };
	struct collect_info info;
	pid_t pid = 0;
	uint64_t since = 0;
	int64_t abs_us = 0;
	bool have_since = false, abs = false, boot_given = false;
	struct why_out o = { 0 };
	size_t shown = 0;
	int c, r, status = EXIT_OK;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "l:p:c:S:Jhfj", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (log)
				return cli_usage_error(
					cli, "--log given twice: one log per run (to read "
					     "several: cat A B | oomlab why --log -)");
			log = optarg;
			break;
		case 'f':
			co.follow = true;
			break;
		case 'j':
			co.journal = true;
			break;
		case OPT_BOOT:
			boot_given = true;
			if (strcmp(optarg, "all") == 0) {
				co.all_boots = true;
			} else {
				int v;
				if (parse_int(optarg, &v) < 0 || v > 0 || v < -10000)
					return cli_usage_error(
						cli,
						"invalid boot '%s' for --boot: expected 0, -1, -2, ... or all",
						optarg);
				co.boot = v;
			}
			break;
		case OPT_JFILE:
			if (njfiles + 1 >= ELEMENTSOF(jfiles))
				return cli_usage_error(
					cli, "too many --journal-file options (at most %zu)",
					ELEMENTSOF(jfiles) - 1);
			jfiles[njfiles++] = optarg;
			co.journal = true;
			break;
		case OPT_JDIR:
			co.journal_dir = optarg;
			co.journal = true;
			break;
		case 'p': {
			int v;
			if (parse_int(optarg, &v) < 0 || v <= 0)
				return cli_usage_error(cli, "invalid pid '%s' for --pid", optarg);
			pid = v;
			break;
		}
		case 'c':
			cgroup_arg = optarg;
			break;
		case 'S':
			if (parse_since(cli, optarg, &since, &abs_us, &abs))
				return EXIT_USAGE;
			have_since = true;
			break;
		case 'J':
			cli->json = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			return cli_usage_error(cli, "unknown or incomplete option '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind < argc) {
		char q[300];
		return cli_usage_error(cli,
				       "unexpected argument '%s' (to read a saved log: --log %s)",
				       cli_quote(argv[optind], q, sizeof(q)),
				       cli_quote(argv[optind], q, sizeof(q)));
	}
	if (log && co.journal)
		return cli_usage_error(cli, "--log and --journal read different sources: give one");
	if (boot_given && !co.journal)
		return cli_usage_error(cli, "--boot needs --journal");
	if (co.follow && !log)
		return cli_usage_error(cli, "--follow needs --log");
	if (cgroup_arg) {
		/* a cgroup that is gone still matches the kills recorded with its path; a form
		 * that cannot be a cgroup, or leaves the cgroup filesystem, is an error */
		struct cg_layout l;
		if (cg_layout_detect(&cli->host, &l) < 0)
			memset(&l, 0, sizeof(l));
		if ((r = cli_resolve_cgroup(cli, &l, "--cgroup", cgroup_arg, CGT_MAY_BE_GONE,
					    &cgt)))
			return r;
		xsnprintf(cgbuf, sizeof(cgbuf), "%s", cgt.name);
		cgroup = cgbuf;
		if (!cgt.exists)
			cli_note(cli,
				 "cgroup %s does not exist now: matching the kills recorded with "
				 "that path",
				 cli_quote_n(cgbuf, 0, (char[PATH_MAX]){ 0 }, PATH_MAX));
	}
	co.path = log;
	co.journal_files = njfiles ? jfiles : NULL;

	/* a report, not a stream: full buffering (main() sets line buffering for live views) */
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (!log && !co.journal && !have_since) {
		/* the live buffer: the same account `oomlab run` gives at its end */
		struct json j;

		json_init(&j, stdout, false);
		if (cli->json)
			json_obj_open(&j);
		r = explain_account(stdout, cli->json ? &j : NULL, &cli->host, pid, cgroup);
		if (r < 0) {
			if (r == -EPERM || r == -EACCES)
				return cli_error(
					cli,
					"cannot read '/dev/kmsg': %s (needs root, or CAP_SYSLOG "
					"when kernel.dmesg_restrict=1)",
					strerror(-r));
			return cli_error(cli, "cannot read '/dev/kmsg': %s", strerror(-r));
		}
		if (cli->json) {
			if (cgroup)
				cli_cgroup_target_json(&j, cgroup_arg, &cgt);
			if (cgroup) {
				json_key(&j, "cgroup");
				if (explain_cgroup_json(&j, &cli->host, cgroup) < 0)
					json_null(&j);
			}
			json_obj_close(&j);
			json_end(&j);
		} else {
			if (r == 0)
				printf("no OOM kill%s in the kernel log\n",
				       (pid || cgroup) ? " matching the filters" : "");
			if (cgroup) {
				fputc('\n', stdout);
				if (explain_cgroup_text(stdout, &cli->host, cgroup) < 0)
					printf("cgroup %s does not exist (any more)\n", cgroup);
			}
		}
		/* what the buffer still covers, what could not be decoded, imitations */
		size_t nkills = 0;
		if (explain_collect_stream(&cli->host, &co,
					   &(struct collect_sink){ count_kill, &nkills },
					   &info) == 0) {
			account(&info, "the kernel log", nkills);
			if (r == 0)
				span_text(stderr, &info);
			if (r == 0 && (pid || cgroup) && !info.stats.have_ts_span)
				fprintf(stderr,
					"oomlab why: look in 'oomlab why --journal' (earlier boots: --boot -1) or /var/log/kern.log*\n");
			if (info.stats.undecoded)
				status = EXIT_UNDECODED;
		}
		return finish(cli, status);
	}
	/* the number of worker threads of a mapped log (tests: any number gives the same) */
	if (getenv("OOMLAB_WHY_THREADS")) {
		int n;
		if (parse_int(getenv("OOMLAB_WHY_THREADS"), &n) == 0 && n >= 0)
			logread_set_threads(n);
	}
	o.cli = cli;
	o.pid = pid;
	o.cgroup = cgroup;
	o.enrich = ENRICH_NAME | (log || co.journal ? 0 : ENRICH_LIMIT);
	o.have_since = have_since;
	o.abs = abs;
	o.abs_us = abs_us;
	o.since = since;
	o.all_wall = true;
	o.newest_wall = INT64_MIN;
	if (have_since && !abs) {
		if (log) {
			o.keep = true;
		} else {
			struct timespec ts;
			/* back from now */
			clock_gettime(CLOCK_REALTIME, &ts);
			o.newest_wall = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
			o.use_wall = true;
		}
	}
	r = explain_collect_stream(&cli->host, &co, &(struct collect_sink){ why_kill, &o }, &info);
	show_kept(&o);
	if (r < 0) {
		const char *what = source_name(log, co.journal);
		/* the kills decoded before the error are out: the document gets the error */
		if (o.json_open)
			json_arr_close(&o.j);
		if (!log && !co.journal && (r == -EPERM || r == -EACCES))
			return cli_error(
				cli,
				"cannot read '/dev/kmsg': %s (needs root, or CAP_SYSLOG when "
				"kernel.dmesg_restrict=1)",
				strerror(-r));
		if (r == -ESPIPE)
			return cli_error(
				cli,
				"'%s' is a FIFO or a device, which may never end: read it with "
				"--follow, or save it to a file first",
				log);
		if (r == -EMEDIUMTYPE)
			return cli_error(
				cli,
				"'%s' is binary, not a log (nor gzip, xz or zstd): nothing read",
				what);
		if (r == -EPROTONOSUPPORT && co.journal)
			return cli_error(
				cli,
				"--journal: this oomlab was built without libsystemd (sd-journal); "
				"use 'journalctl -k -o export | oomlab why --log -'");
		if (r == -EPROTONOSUPPORT)
			return cli_error(
				cli,
				"'%s' is %s compressed, and this oomlab was built without its library; "
				"decompress it first",
				what, info.container.container ? info.container.container : "");
		if (r == -EBADMSG)
			return cli_error(cli, "'%s': the %s data is corrupt or cut short", what,
					 info.container.container ? info.container.container :
								    "compressed");
		if (r == -ENOENT && co.journal && co.boot)
			return cli_error(cli, "--journal: no boot %d in the journal", co.boot);
		if (r == -ENODATA && co.journal)
			return cli_error(cli, "--journal: the journal has no entries");
		return cli_error(cli, "cannot read '%s': %s", what, strerror(-r));
	}
	shown = o.shown;
	if (cli->json) {
		if (!o.json_open) {
			json_init(&o.j, stdout, false);
			json_obj_open(&o.j);
			json_key(&o.j, "kills");
			json_arr_open(&o.j);
		}
		json_arr_close(&o.j);
		if (cgroup)
			cli_cgroup_target_json(&o.j, cgroup_arg, &cgt);
		if (cgroup && !log && !co.journal) {
			json_key(&o.j, "cgroup");
			if (explain_cgroup_json(&o.j, &cli->host, cgroup) < 0)
				json_null(&o.j);
		}
		json_obj_close(&o.j);
		json_end(&o.j);
	} else {
		if (!shown && info.stats.undecoded)
			/* never "no OOM kill" when something named the OOM killer and was not read */
			printf("no OOM kill decoded%s in %s, but %llu line(s) there name the OOM killer in a "
			       "form oomlab could not decode (line numbers on stderr)\n",
			       (pid || cgroup || have_since) ? " matching the filters" : "",
			       source_name(log, co.journal),
			       (unsigned long long)info.stats.undecoded);
		else if (!shown)
			printf("no OOM kill%s in %s\n",
			       (pid || cgroup || have_since) ? " matching the filters" : "",
			       source_name(log, co.journal));
		if (cgroup && !log && !co.journal) {
			fputc('\n', stdout);
			if (explain_cgroup_text(stdout, &cli->host, cgroup) < 0)
				printf("cgroup %s does not exist (any more)\n", cgroup);
		}
	}
	account(&info, source_name(log, co.journal), o.total);
	if (have_since && abs && o.total && shown < o.total && o.untimed)
		fprintf(stderr,
			"oomlab why: %zu kill(s) have no wall-clock time in the log and are left out by --since %s\n",
			o.untimed, "DATE");
	if (!shown && (pid || cgroup) && !log && !co.journal) {
		span_text(stderr, &info);
		if (!info.stats.have_ts_span)
			fprintf(stderr,
				"oomlab why: look in 'oomlab why --journal' (earlier boots: --boot -1) or /var/log/kern.log*\n");
	}
	if (info.stats.undecoded)
		status = EXIT_UNDECODED;
	return finish(cli, status);
}

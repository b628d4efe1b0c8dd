// SPDX-License-Identifier: MIT
/* oomlab scores: who the OOM killer would pick, computed as the kernel computes it. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <stdio_ext.h>
#include <string.h>
#include <unistd.h>

#include "scores.h"
#include "cg-arg.h"
#include "../lib/out.h"
#include "../lib/banned.h"

static const char *memcg_path_or_root(const char *s)
{
	return s[0] ? s : "/";
}

static unsigned ncpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);
	return n > 0 ? (unsigned)n : 1;
}

/* the victim wins by points (not by oom_task_origin) and has a runner-up: a margin exists */
static bool has_margin(const struct oom_rank *s)
{
	return s->has_victim && s->runner != SIZE_MAX && !oom_cand_is_origin(&s->c[s->victim]);
}

bool scores_too_close(const struct oom_rank *s)
{
	if (!has_margin(s))
		return false;
	return (uint64_t)(s->c[s->victim].badness - s->c[s->runner].badness) <
	       oom_counter_error_pages(ncpus());
}

void scores_rank(struct oom_rank *s)
{
	pid_t v = s->has_victim ? s->c[s->victim].pid : 0;
	pid_t r = s->has_victim && s->runner != SIZE_MAX ? s->c[s->runner].pid : 0;

	oom_cand_sort_rank(s->c, s->n);
	/* the rank sort breaks ties by iteration order (earlier first); the kernel keeps the
	 * later: put the victim first whatever the sort did */
	for (size_t i = 0; i < s->n; i++) {
		if (v && s->c[i].pid == v && i != 0) {
			struct oom_cand tmp = s->c[i];
			memmove(&s->c[1], &s->c[0], i * sizeof(s->c[0]));
			s->c[0] = tmp;
			break;
		}
	}
	for (size_t i = 0; i < s->n; i++) {
		if (v && s->c[i].pid == v)
			s->victim = i;
		if (r && s->c[i].pid == r)
			s->runner = i;
	}
}

static uint64_t pages_to_bytes(const struct oom_rank *s, int64_t pages)
{
	return pages < 0 ? 0 : (uint64_t)pages * s->page_size;
}

void scores_print_header(FILE *out, const struct oom_rank *s)
{
	char b1[32], b2[32], b3[32];
	uint64_t unit = oom_adj_unit_pages(s->totalpages);

	if (s->memcg) {
		fprintf(out, "memcg OOM in %s%s: limit %s", s->domain,
			s->domain_is_ancestor ? " (nearest limited ancestor)" : "",
			format_bytes(s->limit_bytes, b1, sizeof(b1)));
		if (s->swap_pages)
			fprintf(out, " + swap %s",
				format_bytes(s->swap_pages * s->page_size, b2, sizeof(b2)));
		fprintf(out, " = %" PRIu64 " pages", s->totalpages);
	} else {
		fprintf(out, "global OOM: RAM + swap = %" PRIu64 " pages (%s)", s->totalpages,
			format_bytes(s->totalpages * s->page_size, b1, sizeof(b1)));
	}
	fprintf(out, "; 1 point of oom_score_adj = %" PRIu64 " pages (%s)\n", unit,
		format_bytes(unit * s->page_size, b3, sizeof(b3)));
	if (!s->memcg && s->asked[0])
		fprintf(out,
			"note: %s and its ancestors have no memory limit: only a global OOM can "
			"kill there, and then every process of the host competes: ranked "
			"host-wide (the same as --all)\n",
			s->asked);
}

/* the rows: the table's columns and the "processes" array from the same calls */
static void print_rows(struct out *o, const struct oom_rank *s, pid_t mark_pid, size_t rows)
{
	open_json_array(o, "processes");
	print_text(o, "  %8s %-16s %10s %10s %10s %5s %9s %10s  %s\n", "PID", "COMM", "RSS", "SWAP",
		   "PGTABLES", "ADJ", "OOM_SCORE", "BADNESS", "");
	for (size_t i = 0; i < rows; i++) {
		const struct oom_cand *c = &s->c[i];
		char note[96] = "";
		bool victim = s->has_victim && i == s->victim, k = c->unkillable == OOM_KILLABLE;

		if (victim && oom_cand_is_origin(c))
			xsnprintf(note, sizeof(note),
				  "victim: oom origin (swapoff/KSM), chosen first");
		else if (k && victim)
			xsnprintf(note, sizeof(note), "victim");
		else if (k && has_margin(s))
			xsnprintf(note, sizeof(note), "-%" PRId64,
				  s->c[s->victim].badness - c->badness);
		else if (!k)
			xsnprintf(note, sizeof(note), "unkillable: %s",
				  oom_unkillable_to_string(c->unkillable));
		open_json_object(o, NULL);
		print_text(o, "%c", victim ? '*' : ' ');
		print_i64(o, PRINT_ANY, "pid", " %8s", c->pid);
		print_str(o, PRINT_ANY, "comm", " %-16s", c->comm);
		print_kb(o, PRINT_ANY, "rss_kb", " %10s", true, c->rss_kb);
		print_kb(o, PRINT_JSON, "rss_anon_kb", NULL, true, c->rss_anon_kb);
		print_kb(o, PRINT_JSON, "rss_file_kb", NULL, true, c->rss_file_kb);
		print_kb(o, PRINT_JSON, "rss_shmem_kb", NULL, true, c->rss_shmem_kb);
		print_kb(o, PRINT_ANY, "swap_kb", " %10s", true, c->swap_kb);
		print_kb(o, PRINT_ANY, "pgtables_kb", " %10s", true, c->pgtables_kb);
		print_i64(o, PRINT_ANY, "oom_score_adj", " %5s", c->adj);
		print_i64_opt(o, PRINT_ANY, "oom_score", " %9s", c->has_oom_score, c->oom_score);
		print_i64(o, PRINT_JSON, "oom_score_computed", NULL, c->oom_score_computed);
		if (k)
			print_i64(o, PRINT_ANY, "badness", " %10s", c->badness);
		else
			print_null(o, PRINT_ANY, "badness", " %10s", "-");
		print_bool(o, PRINT_JSON, "killable", NULL, k);
		print_str(o, PRINT_JSON, "unkillable_reason", NULL,
			  k ? NULL : oom_unkillable_to_string(c->unkillable));
		print_bool(o, PRINT_JSON, "victim", NULL, victim);
		print_bool(o, PRINT_JSON, "oom_victim_exiting", NULL, c->oom_victim);
		print_bool(o, PRINT_JSON, "oom_origin", NULL, c->oom_origin);
		print_text(o, "  %s%s\n", note, mark_pid && c->pid == mark_pid ? "  <" : "");
		close_json_object(o);
	}
	close_json_array(o);
	if (rows < s->n)
		print_text(o, "  ... %zu more (--top 0 shows all)\n", s->n - rows);
}

void scores_print_table(FILE *out, const struct oom_rank *s, pid_t mark_pid, size_t limit)
{
	struct out o = OUT_TEXT(out);

	print_rows(&o, s, mark_pid, limit && limit < s->n ? limit : s->n);
}

void scores_print_verdict(FILE *out, const struct oom_rank *s)
{
	char b1[32];

	if (!s->has_victim) {
		fprintf(out, "predicted victim: none: no killable process (the kernel would report "
			     "\"Out of memory and no killable processes\")\n");
		return;
	}
	const struct oom_cand *v = &s->c[s->victim];
	if (oom_cand_is_origin(v)) {
		fprintf(out,
			"predicted victim: %d (%s): it is running swapoff or a KSM unmerge "
			"(oom_task_origin): the kernel kills it before scoring anyone\n",
			(int)v->pid, v->comm);
		return;
	}
	fprintf(out, "predicted victim: %d (%s), badness %" PRId64 " pages", (int)v->pid, v->comm,
		v->badness);
	if (s->runner == SIZE_MAX) {
		fprintf(out, ", the only killable process\n");
		return;
	}
	const struct oom_cand *r = &s->c[s->runner];
	int64_t m = v->badness - r->badness;
	if (s->tie)
		fprintf(out,
			", tied with %d (%s): the kernel keeps the later one in its task "
			"list order\n",
			(int)r->pid, r->comm);
	else
		fprintf(out, ", %" PRId64 " pages (%s) ahead of %d (%s)\n", m,
			format_bytes(pages_to_bytes(s, m), b1, sizeof(b1)), (int)r->pid, r->comm);
	if (s->oom_victims)
		fprintf(out,
			"  note: %zu process%s already OOM victim%s, still exiting: until %s gone "
			"the kernel waits instead of choosing another\n",
			s->oom_victims, s->oom_victims == 1 ? " is an" : "es are",
			s->oom_victims == 1 ? "" : "s", s->oom_victims == 1 ? "it is" : "they are");
	if (scores_too_close(s) && s->from_bpf)
		fprintf(out,
			"  close: these are the counts this kernel's OOM killer reads, but a "
			"kernel that sums the per-CPU\n  counters (2026+) may see up to %" PRIu64
			" pages more or less between two tasks\n",
			oom_counter_error_pages(ncpus()));
	else if (scores_too_close(s))
		fprintf(out,
			"  too close to call: the kernel reads per-CPU rss counters that may lag "
			"by up to %" PRIu64 " pages between two tasks\n",
			oom_counter_error_pages(ncpus()));
}

void scores_print_legend(FILE *out, const struct oom_rank *s)
{
	fprintf(out,
		"\nbadness  = (rss + swap + page tables, in pages) + oom_score_adj x (totalpages / "
		"1000)\n"
		"           computed as mm/oom_kill.c:oom_badness() does for this OOM; the highest "
		"dies.\n"
		"oom_score = the kernel's /proc/PID/oom_score, always on the global scale "
		"(RAM+swap):\n"
		"           (1000 + badness_global x 1000 / totalpages) x 2/3: 0..2000, 666 for a\n           tiny process with adj 0, 0 = never "
		"killed.\n"
		"           It orders processes host-wide; inside a memcg only BADNESS gives the "
		"margin.\n"
		"%s",
		s->memcg ? "totalpages = the memcg limit (+ the swap it may use): one adj point "
			   "weighs far less than in a global OOM.\n" :
			   "");
	if (s->from_bpf)
		fprintf(out,
			"numbers: one BPF task-iterator pass over the kernel's own counters (what "
			"oom_badness()\n"
			"           reads); oom_score is computed with proc_oom_score()'s formula.\n");
	else
		fprintf(out, "numbers: /proc/PID/status, oom_score_adj and oom_score%s%s\n",
			s->source_note[0] ? "; BPF not used: " : "", s->source_note);
}

void scores_json_fields(struct json *j, const struct oom_rank *s, size_t limit)
{
	size_t rows = limit && limit < s->n ? limit : s->n;

	json_kv_str(j, "scope", s->memcg ? "memcg" : "global");
	if (s->asked[0])
		json_kv_str(j, "cgroup", s->asked);
	else
		json_kv_null(j, "cgroup");
	if (s->memcg)
		json_kv_str(j, "oom_cgroup", memcg_path_or_root(s->domain));
	else
		json_kv_null(j, "oom_cgroup");
	json_kv_u64_opt(j, "limit_bytes", s->memcg, s->limit_bytes);
	json_kv_u64(j, "swap_pages", s->swap_pages);
	json_kv_u64(j, "total_pages", s->totalpages);
	json_kv_u64(j, "global_total_pages", s->global_totalpages);
	json_kv_u64(j, "page_size", s->page_size);
	json_kv_u64(j, "adj_unit_pages", oom_adj_unit_pages(s->totalpages));
	if (s->has_victim) {
		json_kv_i64(j, "predicted_victim", s->c[s->victim].pid);
		json_kv_str(j, "predicted_victim_comm", s->c[s->victim].comm);
	} else {
		json_kv_null(j, "predicted_victim");
		json_kv_null(j, "predicted_victim_comm");
	}
	if (has_margin(s)) {
		json_kv_i64(j, "runner_up", s->c[s->runner].pid);
		json_kv_i64(j, "margin_pages", s->c[s->victim].badness - s->c[s->runner].badness);
	} else {
		json_kv_null(j, "runner_up");
		json_kv_null(j, "margin_pages");
	}
	json_kv_bool(j, "tie", s->tie);
	json_kv_bool(j, "too_close_to_call", scores_too_close(s));
	json_kv_u64(j, "counter_error_pages", oom_counter_error_pages(ncpus()));
	json_kv_u64(j, "vanished", s->skipped);
	json_kv_str(j, "source", oom_source_name(s));
	if (s->source_note[0])
		json_kv_str(j, "source_note", s->source_note);
	else
		json_kv_null(j, "source_note");
	json_kv_str(j, "oom_score_from", s->from_bpf ? "computed" : "procfs");
	json_kv_u64(j, "oom_victims_exiting", s->oom_victims);
	/* an unreaped victim in scope: oom_evaluate_task() aborts, nobody is killed until it is
	 * gone; predicted_victim is who dies after that */
	json_kv_bool(j, "kernel_waits", s->oom_victims > 0);
	struct out o = OUT_JSON(j);

	print_rows(&o, s, 0, rows);
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: oomlab scores [CGROUP | --pid N | --all] [--top N] [--source S] [--json]\n\n"
		"Who the OOM killer would kill next, computed as the kernel computes it: every\n"
		"process of a memory cgroup (its whole subtree) or of the host with rss, swap, page\n"
		"tables, oom_score_adj, /proc/PID/oom_score and the kernel's badness for this kind of\n"
		"OOM (a memcg OOM against the cgroup's limit, a global OOM against RAM + swap).\n\n"
		"Options:\n"
		"  CGROUP       memory cgroup path, e.g. /mygroup (v1: under the memory hierarchy)\n"
		"  -p, --pid N  the memory cgroup of process N (its row is marked with '<')\n"
		"  -a, --all    every process of the host, global OOM (the default)\n"
		"      --top N  show only the N highest rows (0: all, the default)\n"
		"  -J, --json   JSON output\n"
		"  --source S   where the numbers come from: bpf (one BPF task-iterator pass: the\n"
		"               counters oom_badness() reads), proc (/proc/PID files), or auto (the\n"
		"               default: bpf when it loads, else proc)\n"
		"  -h, --help   show this help\n\n"
		"See oomlab-scores(1) and docs/SCORES.md.\n");
}

enum { OPT_SOURCE = 1000 }; /* long only */

int cmd_scores(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { { "pid", required_argument, NULL, 'p' },
					      { "all", no_argument, NULL, 'a' },
					      { "top", required_argument, NULL, 'n' },
					      { "json", no_argument, NULL, 'J' },
					      { "source", required_argument, NULL, OPT_SOURCE },
					      { "help", no_argument, NULL, 'h' },
					      { 0 } };
	enum scores_source src = SCORES_SOURCE_AUTO;
	struct oom_rank s = { 0 };
	struct cg_layout l;
	const char *cgroup = NULL;
	struct cg_target t = { 0 };
	bool has_t = false;
	pid_t pid = 0;
	bool all = false;
	size_t top = 0;
	int c, r;

	optind = 0;
	opterr = 0; /* one message per error, ours */
	while ((c = getopt_long(argc, argv, ":p:aJh", opts, NULL)) != -1) {
		switch (c) {
		case 'p': {
			int v;
			if (parse_int(optarg, &v) < 0 || v <= 0)
				return cli_usage_error(cli, "invalid pid '%s' for --pid", optarg);
			pid = v;
			break;
		}
		case 'a':
			all = true;
			break;
		case 'n': {
			uint64_t v;
			if (parse_u64(optarg, &v) < 0)
				return cli_usage_error(cli, "invalid count '%s' for --top", optarg);
			top = (size_t)v;
			break;
		}
		case 'J':
			cli->json = true;
			break;
		case OPT_SOURCE:
			if (strcmp(optarg, "auto") == 0)
				src = SCORES_SOURCE_AUTO;
			else if (strcmp(optarg, "bpf") == 0)
				src = SCORES_SOURCE_BPF;
			else if (strcmp(optarg, "proc") == 0)
				src = SCORES_SOURCE_PROC;
			else
				return cli_usage_error(
					cli,
					"invalid source '%s' for --source (auto, bpf "
					"or proc)",
					optarg);
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case ':':
			return cli_usage_error(cli, "option '%s' needs a value",
					       cli_bad_option(argv));
		default:
			return cli_usage_error(cli, "unknown option '%s'", cli_bad_option(argv));
		}
	}
	if (optind < argc)
		cgroup = argv[optind++];
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	if ((cgroup != NULL) + (pid != 0) + all > 1)
		return cli_usage_error(cli, "give one of CGROUP, --pid or --all");

	if (cgroup || pid) {
		if ((r = cli_cgroup_layout(cli, &l)))
			return r;
		if (pid)
			r = cli_resolve_pid_cgroup(cli, &l, pid, &t);
		else
			r = cli_resolve_cgroup(cli, &l, "CGROUP", cgroup, 0, &t);
		if (r)
			return r;
		has_t = true;
		if (!t.mem[0])
			return cli_error(cli,
					 "cgroup '%s' has no directory in the memory hierarchy "
					 "%s: nothing to rank",
					 t.name, l.mode == CG_MODE_V2 ? l.v2 : l.v1_memory);
		r = oom_scope_load_cgroup(&cli->host, &l, t.name, src, &s);
		if (r < 0 && src == SCORES_SOURCE_BPF && s.source_note[0])
			return cli_error(cli, "--source bpf: %s", s.source_note);
		if (r < 0)
			return cli_error(cli, "cannot read cgroup '%s': %s", t.name, strerror(-r));
		if (!s.memcg) {
			/* no limit on the path: no memcg OOM can happen there; a global OOM
			 * chooses among every process of the host, so rank those */
			char asked[PATH_MAX];
			xsnprintf(asked, sizeof(asked), "%s", s.asked);
			oom_scope_free(&s);
			memset(&s, 0, sizeof(s));
			r = oom_scope_load_all(&cli->host, src, &s);
			if (r < 0 && src == SCORES_SOURCE_BPF && s.source_note[0])
				return cli_error(cli, "--source bpf: %s", s.source_note);
			if (r < 0)
				return cli_error(cli, "cannot read the process table: %s",
						 strerror(-r));
			xsnprintf(s.asked, sizeof(s.asked), "%s", asked);
		}
	} else {
		r = oom_scope_load_all(&cli->host, src, &s);
		if (r < 0 && src == SCORES_SOURCE_BPF && s.source_note[0])
			return cli_error(cli, "--source bpf: %s", s.source_note);
		if (r < 0)
			return cli_error(cli, "cannot read the process table: %s", strerror(-r));
	}
	scores_rank(&s);

	/* The reader threads are gone, but glibc keeps locking every putc once a thread has
	 * existed: the JSON of 5,000 processes is ~1 MB of single-char writes. Only this thread
	 * writes stdout from here on. */
	__fsetlocking(stdout, FSETLOCKING_BYCALLER);
	if (cli->json) {
		struct json j;
		json_init(&j, stdout, false);
		json_obj_open(&j);
		scores_json_fields(&j, &s, top);
		/* who competes: the memcg's members, or every process (no limit on the path) */
		json_kv_str(&j, "ranked", s.memcg ? "memcg" : "host");
		if (has_t)
			cli_cgroup_target_json(&j, cgroup, &t);
		json_obj_close(&j);
		json_end(&j);
	} else {
		scores_print_header(stdout, &s);
		scores_print_table(stdout, &s, pid, top);
		scores_print_verdict(stdout, &s);
		scores_print_legend(stdout, &s);
	}
	oom_scope_free(&s);
	return EXIT_OK;
}

// SPDX-License-Identifier: MIT
/*
 * oomlab protect / oomlab expose: set a process's oom_score_adj and show the ranking of its
 * memory cgroup before and after. Lowering needs CAP_SYS_RESOURCE (below the task's
 * oom_score_adj_min); without it, --relative reaches the same ordering inside the cgroup by
 * raising the OTHER processes of that cgroup (and never touches anything outside it).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "scores.h"
#include "../lib/out.h"
#include "cg-arg.h"
#include "../lib/banned.h"

struct change {
	pid_t pid;
	char comm[PROC_COMM_MAX];
	int from, to;
	int err; /* 0 or -errno of the write */
};

static void usage(FILE *out, bool protect)
{
	if (protect)
		fprintf(out,
			"Usage: oomlab protect PID [--adj N] [--relative] [--dry-run] [--json]\n\n"
			"Make PID less likely to be chosen by the OOM killer: set its oom_score_adj\n"
			"(default -800) and show the ranking of its memory cgroup before and after.\n"
			"Lowering below the task's floor needs CAP_SYS_RESOURCE; without it the kernel\n"
			"answers EACCES (the default in Docker). --relative then raises every OTHER\n"
			"killable process of PID's memory cgroup (its subtree, nothing outside it) by the\n"
			"same amount: inside that cgroup the ordering is the one the lower value gives.\n\n");
	else
		fprintf(out,
			"Usage: oomlab expose PID [--adj N] [--dry-run] [--json]\n\n"
			"Make PID the first choice of the OOM killer: set its oom_score_adj (default\n"
			"+500; raising needs no capability) and show the ranking of its memory cgroup\n"
			"before and after.\n\n");
	fprintf(out, "Options:\n"
		     "      --adj N    the value to set, -1000..1000\n");
	if (protect)
		fprintf(out,
			"  -r, --relative if lowering is refused, raise the others of the cgroup\n");
	fprintf(out,
		"      --dry-run  show the plan and the predicted ranking, write nothing\n"
		"  -J, --json     JSON output\n"
		"  -h, --help     show this help\n\n"
		"Equivalents at start time: systemd OOMScoreAdjust=, Kubernetes QoS classes\n"
		"(Guaranteed -997, BestEffort 1000, Burstable 3..999). See oomlab-protect(1).\n");
}

static int find_pid(const struct oom_rank *s, pid_t pid)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->c[i].pid == pid)
			return (int)i;
	return -1;
}

/* Is pid (still) inside the memory cgroup subtree 'base'? Checked right before each write. */
static bool in_subtree(const struct host *h, const struct cg_layout *l, pid_t pid, const char *base)
{
	char cg[PATH_MAX];
	size_t bl = strlen(base);

	if (oom_pid_memcg(h, l, pid, cg, sizeof(cg)) < 0)
		return false;
	if (strcmp(base, "/") == 0)
		return false; /* never: that would be every process of the host */
	return strcmp(cg, base) == 0 || (strncmp(cg, base, bl) == 0 && cg[bl] == '/');
}

static void json_ranking(struct json *j, const char *key, const struct oom_rank *s)
{
	json_key(j, key);
	json_obj_open(j);
	scores_json_fields(j, s, 0);
	json_obj_close(j);
}

static void print_ranking(const char *title, const struct oom_rank *s, pid_t mark)
{
	printf("\n%s\n", title);
	scores_print_table(stdout, s, mark, 0);
	scores_print_verdict(stdout, s);
}

static int copy_scope(const struct oom_rank *src, struct oom_rank *dst)
{
	*dst = *src;
	dst->c = malloc((src->n ? src->n : 1) * sizeof(*src->c));
	if (!dst->c)
		return -ENOMEM;
	memcpy(dst->c, src->c, src->n * sizeof(*src->c));
	return 0;
}

/*
 * --relative promises the order --adj would give. Count the processes that would rank above
 * the target with the real value (ideal) but not with the planned raise of the others (the
 * +1000 ceiling can make that impossible); the first one goes to ret_pid / ret_comm.
 */
static size_t relative_breaks(const struct oom_rank *before, int ti, int want, const int *new_adj,
			      pid_t *ret_pid, char *ret_comm, size_t comm_sz)
{
	struct oom_rank ideal, plan;
	size_t broken = 0;

	if (copy_scope(before, &ideal) < 0)
		return 0;
	if (copy_scope(before, &plan) < 0) {
		oom_scope_free(&ideal);
		return 0;
	}
	ideal.c[ti].adj = want;
	for (size_t i = 0; i < plan.n; i++)
		plan.c[i].adj = new_adj[i];
	oom_scope_rescore(&ideal);
	oom_scope_rescore(&plan);
	for (size_t i = 0; i < ideal.n; i++) {
		if ((int)i == ti || ideal.c[i].unkillable != OOM_KILLABLE ||
		    plan.c[i].unkillable != OOM_KILLABLE || plan.c[ti].unkillable != OOM_KILLABLE)
			continue;
		if (ideal.c[i].badness > ideal.c[ti].badness &&
		    plan.c[i].badness <= plan.c[ti].badness && !broken++) {
			*ret_pid = ideal.c[i].pid;
			xsnprintf(ret_comm, comm_sz, "%s", ideal.c[i].comm);
		}
	}
	oom_scope_free(&ideal);
	oom_scope_free(&plan);
	return broken;
}

static int protect_main(struct cli *cli, int argc, char **argv, bool protect)
{
	static const struct option protect_opts[] = {
		{ "adj", required_argument, NULL, 'a' }, { "relative", no_argument, NULL, 'r' },
		{ "dry-run", no_argument, NULL, 'n' },	 { "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },	 { 0 }
	};
	/* expose has no --relative: raising is never refused for lack of a capability */
	static const struct option expose_opts[] = { { "adj", required_argument, NULL, 'a' },
						     { "dry-run", no_argument, NULL, 'n' },
						     { "json", no_argument, NULL, 'J' },
						     { "help", no_argument, NULL, 'h' },
						     { 0 } };
	const struct option *opts = protect ? protect_opts : expose_opts;
	int want = protect ? -800 : 500;
	bool relative = false, dry = false;
	struct oom_rank before = { 0 }, after = { 0 };
	struct change *changes = NULL;
	struct json j;
	struct out o;
	size_t nchanges = 0, capped = 0, broken = 0;
	pid_t broken_pid = 0; /* with --relative: one process it could not rank above pid */
	char broken_comm[PROC_COMM_MAX] = "";
	char memcg[PATH_MAX];
	const char *result = NULL, *why = NULL;
	struct cg_layout l;
	pid_t pid;
	int c, r, ti, old, set_err = 0, rc = EXIT_OK;

	optind = 0;
	opterr = 0; /* one message per error, ours */
	while ((c = getopt_long(argc, argv, protect ? ":rJh" : ":Jh", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (parse_int(optarg, &want) < 0 || want < -1000 || want > 1000)
				return cli_usage_error(cli,
						       "invalid value '%s' for --adj: expected "
						       "-1000..1000",
						       optarg);
			break;
		case 'r':
			relative = true;
			break;
		case 'n':
			dry = true;
			break;
		case 'J':
			cli->json = true;
			break;
		case 'h':
			usage(stdout, protect);
			return EXIT_OK;
		case ':':
			return cli_usage_error(cli, "option '%s' needs a value",
					       cli_bad_option(argv));
		default:
			return cli_usage_error(cli, "unknown option '%s'", cli_bad_option(argv));
		}
	}
	if (optind >= argc)
		return cli_usage_error(cli, "missing PID");
	{
		int v;
		if (parse_int(argv[optind], &v) < 0 || v <= 0)
			return cli_usage_error(cli, "invalid pid '%s'", argv[optind]);
		pid = v;
	}
	if (optind + 1 < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind + 1]);

	/* -1000 makes a task unkillable (the kernel skips it): no raise of the others gives that */
	if (relative && want == OOM_SCORE_ADJ_MIN)
		return cli_usage_error(cli,
				       "--relative cannot give --adj -1000: that value makes the "
				       "process unkillable, and raising the others only reorders "
				       "them (-999 at most is equivalent)");
	if (!dry && !host_is_live(&cli->host))
		return cli_usage_error(cli, "a --sysroot tree is read-only for %s: add --dry-run",
				       protect ? "protect" : "expose");
	if ((r = cg_layout_detect(&cli->host, &l)) < 0)
		return cli_error(cli, "cannot detect the cgroup layout: %s", strerror(-r));
	{
		/* the pid's cgroup through the one resolver: checked beneath the mount */
		struct cg_target t;
		if ((r = cli_resolve_pid_cgroup(cli, &l, pid, &t)))
			return r;
		xsnprintf(memcg, sizeof(memcg), "%s", t.name);
	}
	if ((r = oom_scope_load_cgroup(&cli->host, &l, memcg, SCORES_SOURCE_AUTO, &before)) < 0)
		return cli_error(cli, "cannot read cgroup '%s': %s", memcg, strerror(-r));
	if ((ti = find_pid(&before, pid)) < 0) {
		oom_scope_free(&before);
		return cli_error(cli, "pid %d is not in memory cgroup '%s' any more", (int)pid,
				 memcg);
	}
	old = before.c[ti].adj;
	/*
	 * init and kernel threads are never chosen, whatever their oom_score_adj; writing init's
	 * value would only change what every process it starts later inherits. Refuse both.
	 */
	if (before.c[ti].unkillable == OOM_UNKILLABLE_INIT) {
		rc = cli_error(cli,
			       "pid %d (%s) is init: the OOM killer never chooses it, and its "
			       "oom_score_adj would only be inherited by every process it starts "
			       "later; refusing",
			       (int)pid, before.c[ti].comm);
		oom_scope_free(&before);
		return rc;
	}
	if (before.c[ti].unkillable == OOM_UNKILLABLE_KTHREAD) {
		rc = cli_error(cli,
			       "pid %d (%s) is a kernel thread: it has no memory of its own and "
			       "is never chosen; refusing",
			       (int)pid, before.c[ti].comm);
		oom_scope_free(&before);
		return rc;
	}

	const struct oom_cand target = before.c[ti];

	/* 1. the direct write (or its prediction) */
	bool lowering = want < old;
	int cap = proc_self_has_cap(&cli->host, PROC_CAP_SYS_RESOURCE);
	if (dry) {
		set_err = lowering && cap == 0 ? -EACCES : 0;
		result = set_err ? "dry-run-refused" : "dry-run";
	} else {
		set_err = proc_set_oom_score_adj(&cli->host, pid, want);
		result = set_err ? "refused" : "set";
	}
	if (set_err == -EACCES)
		why = "lowering oom_score_adj below the task's floor (oom_score_adj_min, the value "
		      "last set by a privileged writer, normally 0) needs CAP_SYS_RESOURCE, which "
		      "this process does not have (container runtimes such as Docker drop it)";

	/* 2. --relative: raise the others of the same memory cgroup instead */
	if (set_err == -EACCES && relative && lowering) {
		int *new_adj = NULL;
		if (strcmp(memcg, "/") == 0) {
			rc = cli_error(cli,
				       "pid %d is in the root memory cgroup: --relative would "
				       "raise every process of the host; refusing",
				       (int)pid);
			goto out;
		}
		new_adj = calloc(before.n ? before.n : 1, sizeof(int));
		changes = calloc(before.n ? before.n : 1, sizeof(*changes));
		if (!new_adj || !changes) {
			free(new_adj);
			rc = cli_error(cli, "out of memory");
			goto out;
		}
		/* only the subtree of pid's own memcg competes for the raise: mark the rest
		 * unkillable in a scratch copy so the plan leaves them alone */
		struct oom_rank plan;
		if (copy_scope(&before, &plan) < 0) {
			free(new_adj);
			rc = cli_error(cli, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < plan.n; i++)
			if ((int)i != ti && !in_subtree(&cli->host, &l, plan.c[i].pid, memcg))
				plan.c[i].unkillable = OOM_UNKILLABLE_NO_MM;
		r = oom_relative_plan(plan.c, plan.n, (size_t)ti, want, new_adj, &capped);
		if (r >= 0)
			broken = relative_breaks(&plan, ti, want, new_adj, &broken_pid, broken_comm,
						 sizeof(broken_comm));
		if (r >= 0 && broken) {
			/* write nothing: a half-done reorder that does not protect is worse */
			result = dry ? "dry-run-relative-impossible" : "relative-impossible";
		} else if (r >= 0) {
			for (size_t i = 0; i < plan.n; i++) {
				struct change *ch;
				if ((int)i == ti || new_adj[i] == plan.c[i].adj)
					continue;
				ch = &changes[nchanges++];
				ch->pid = plan.c[i].pid;
				memcpy(ch->comm, plan.c[i].comm, sizeof(ch->comm));
				ch->from = plan.c[i].adj;
				ch->to = new_adj[i];
				if (dry)
					continue;
				/* membership checked and written through one /proc/PID
				 * directory: never outside, never a reused pid */
				ch->err = proc_set_oom_score_adj_within(
					&cli->host, ch->pid, ch->to, l.mode != CG_MODE_V2, memcg);
			}
			result = dry ? "dry-run-relative" : "relative";
		}
		free(new_adj);
		oom_scope_free(&plan);
	}

	/* 3. the ranking after: re-read (or, for a dry run, recompute with the planned values) */
	if (dry) {
		if (copy_scope(&before, &after) < 0) {
			rc = cli_error(cli, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < after.n; i++) {
			if (after.c[i].pid == pid && !set_err)
				after.c[i].adj = want;
			for (size_t k = 0; k < nchanges; k++)
				if (after.c[i].pid == changes[k].pid)
					after.c[i].adj = changes[k].to;
			if (after.c[i].unkillable == OOM_KILLABLE &&
			    after.c[i].adj == OOM_SCORE_ADJ_MIN)
				after.c[i].unkillable = OOM_UNKILLABLE_ADJ_MIN;
		}
		oom_cand_sort(after.c, after.n);
		oom_scope_rescore(&after);
		/* nothing was written: show the oom_score the kernel's formula will give */
		for (size_t i = 0; i < after.n; i++)
			if (after.c[i].unkillable == OOM_KILLABLE)
				after.c[i].oom_score = (int)after.c[i].oom_score_computed;
	} else if ((r = oom_scope_load_cgroup(&cli->host, &l, memcg, SCORES_SOURCE_AUTO, &after)) <
		   0) {
		rc = cli_error(cli, "cannot re-read cgroup '%s': %s", memcg, strerror(-r));
		goto out;
	}
	scores_rank(&before);
	scores_rank(&after);
	int now_adj = old;
	{
		int k = find_pid(&after, pid);
		if (k >= 0)
			now_adj = after.c[k].adj;
	}
	size_t failed = 0;
	for (size_t k = 0; k < nchanges; k++)
		failed += changes[k].err != 0;
	/* a dry run writes nothing and succeeds; otherwise any refusal not covered by a complete
	 * --relative plan, or any failed write, is a failure */
	if (!dry && ((set_err && !(relative && lowering && set_err == -EACCES)) || failed))
		rc = EXIT_FAIL;
	if (broken) {
		fprintf(stderr,
			"oomlab %s: --relative cannot give the order of --adj %d: raising the others "
			"(capped at +1000) would leave pid %d ranked at or above %zu process(es) it would "
			"rank below with %d (first: pid %d (%s)); nothing was written\n",
			cli->cmd, want, (int)pid, broken, want, (int)broken_pid, broken_comm);
		rc = EXIT_FAIL;
	}

	o = out_start(&j, stdout, cli->json);
	open_json_object(&o, NULL);
	print_i64(&o, PRINT_ANY, "pid", "pid %s", pid);
	print_str(&o, PRINT_ANY, "comm", " (%s)", target.comm);
	print_str(&o, PRINT_ANY, "cgroup", " in memory cgroup %s", memcg);
	print_str(&o, PRINT_JSON, "action", NULL, protect ? "protect" : "expose");
	print_i64(&o, PRINT_JSON, "requested_adj", NULL, want);
	print_i64(&o, PRINT_JSON, "before_adj", NULL, old);
	print_i64(&o, PRINT_JSON, "after_adj", NULL, now_adj);
	print_str(&o, PRINT_JSON, "result", NULL, result);
	print_text(&o, ": oom_score_adj %d -> %d%s", old, want,
		   set_err ? "" :
		   dry	   ? ": would be set (dry run)\n" :
			     ": done\n");
	print_str(&o, set_err ? PRINT_ANY : PRINT_JSON, "error",
		  dry ? ": would be refused: %s\n" : ": refused: %s\n",
		  set_err ? strerror(-set_err) : NULL);
	print_bool(&o, PRINT_JSON, "cap_sys_resource", NULL, cap == 1);
	if (why)
		print_text(&o, "  why: %s\n", why);
	if (set_err == -EACCES && !relative && protect)
		print_text(
			&o,
			"  what now: --relative raises the other processes of %s instead (same "
			"ordering inside it); or grant CAP_SYS_RESOURCE; or set it where the process "
			"starts (systemd OOMScoreAdjust=, Kubernetes QoS)\n",
			memcg);
	if (set_err && set_err != -EACCES)
		print_text(&o, "  error: cannot write '/proc/%d/oom_score_adj': %s\n", (int)pid,
			   strerror(-set_err));
	if (nchanges || (relative && set_err == -EACCES))
		print_text(
			&o,
			"--relative: raising the other processes of %s by %+d instead: adj enters "
			"badness as adj x (totalpages/1000), so the differences between processes "
			"are the same as with %d for pid %d\n",
			memcg, old - want, want, (int)pid);
	open_json_array(&o, "changes");
	for (size_t k = 0; k < nchanges; k++) {
		open_json_object(&o, NULL);
		print_i64(&o, PRINT_ANY, "pid", "  %s", changes[k].pid);
		print_str(&o, PRINT_ANY, "comm", " (%s)", changes[k].comm);
		print_i64(&o, PRINT_ANY, "from", ": %s", changes[k].from);
		print_i64(&o, PRINT_ANY, "to", " -> %s", changes[k].to);
		print_str(&o, changes[k].err ? PRINT_ANY : PRINT_JSON, "error", ": failed: %s",
			  changes[k].err ? strerror(-changes[k].err) : NULL);
		print_text(&o, "\n");
		close_json_object(&o);
	}
	close_json_array(&o);
	print_u64(&o, PRINT_JSON, "capped", NULL, capped);
	if (relative && set_err == -EACCES && lowering)
		print_bool(&o, PRINT_JSON, "order_achieved", NULL, broken == 0);
	else
		print_null(&o, PRINT_JSON, "order_achieved", NULL, NULL);
	if (cli->json) {
		json_ranking(&j, "before", &before);
		json_ranking(&j, "after", &after);
		json_obj_close(&j);
		json_end(&j);
		goto out;
	}
	if (nchanges || (relative && set_err == -EACCES)) {
		if (!nchanges && !broken)
			printf("  (no other killable process in %s: nothing to raise)\n", memcg);
		if (broken)
			printf("  FAILED, nothing written: %zu process(es) would hit the +1000 ceiling "
			       "and %zu that rank above pid %d with %d would not (first: pid %d (%s)): "
			       "the order asked for is impossible this way\n",
			       capped, broken, (int)pid, want, (int)broken_pid, broken_comm);
		else if (capped)
			printf("  note: %zu process(es) hit the +1000 ceiling: the margin is smaller "
			       "than the real %d would give (the order is the same)\n",
			       capped, want);
		if (nchanges && !dry) {
			printf("  undo:");
			for (size_t k = 0; k < nchanges; k++)
				printf(" echo %d > /proc/%d/oom_score_adj;", changes[k].from,
				       (int)changes[k].pid);
			printf("  (lowering back to the old value is allowed)\n");
		}
		printf("  limits: only inside %s; processes started later inherit their parent's "
		       "value; in a global OOM these processes now rank higher against the rest of "
		       "the host\n",
		       memcg);
	}
	printf("\n");
	scores_print_header(stdout, &before);
	print_ranking("before:", &before, pid);
	print_ranking(dry ? "after (predicted, nothing written):" : "after:", &after, pid);
out:
	free(changes);
	oom_scope_free(&before);
	oom_scope_free(&after);
	return rc;
}

int cmd_protect(struct cli *cli, int argc, char **argv)
{
	return protect_main(cli, argc, argv, true);
}

int cmd_expose(struct cli *cli, int argc, char **argv)
{
	return protect_main(cli, argc, argv, false);
}

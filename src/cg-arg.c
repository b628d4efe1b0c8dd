// SPDX-License-Identifier: MIT
#include "cg-arg.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "../lib/banned.h"

const char *cli_quote_n(const char *s, size_t max, char *buf, size_t sz)
{
	size_t n = strlen(s);

	if (sz < 8)
		return term_safe(s, buf, sz);
	if (!max || n <= max)
		return term_safe_n(s, n, buf, sz);
	term_safe_n(s, max, buf, sz - 3);
	memcpy(buf + strlen(buf), "...", 4);
	return buf;
}

const char *cli_quote(const char *s, char *buf, size_t sz)
{
	return cli_quote_n(s, 128, buf, sz);
}

int cli_cgroup_layout(struct cli *cli, struct cg_layout *ret)
{
	int r = cg_layout_detect(&cli->host, ret);

	if (r < 0)
		return cli_error(cli, "cannot read the cgroup mounts: %s", strerror(-r));
	if (ret->mode == CG_MODE_NONE)
		return cli_error(cli, "no cgroup filesystem is mounted");
	return 0;
}

int cli_resolve_cgroup(struct cli *cli, const struct cg_layout *l, const char *opt, const char *arg,
		       unsigned flags, struct cg_target *ret)
{
	char hint[1024], q[300];
	int r = cg_target_resolve(&cli->host, l, arg, flags, ret, hint, sizeof(hint));

	cli_quote(arg ? arg : "", q, sizeof(q));
	switch (r) {
	case 0:
		return 0;
	case -EINVAL:
		if (!arg || !*arg)
			return cli_usage_error(cli, "empty cgroup for %s; %s", opt,
					       cg_target_forms());
		return cli_usage_error(cli, "'%s' (%s) cannot name a cgroup; %s", q, opt,
				       cg_target_forms());
	case -EXDEV:
		return cli_usage_error(
			cli,
			"cgroup '%s' (%s) leaves the cgroup filesystem ('.', '..' or a "
			"symlink): refused",
			q, opt);
	case -ENOTUNIQ:
		return cli_error(cli, "'%s' (%s) matches several cgroups: %s", q, opt, hint);
	case -ESRCH:
		return cli_error(cli, "no process with pid %s", q);
	case -EOPNOTSUPP:
		return cli_error(cli, "cannot find cgroup '%s': no cgroup filesystem is mounted",
				 q);
	case -ENOENT: {
		char hq[300];
		if (hint[0])
			return cli_error(cli, "no cgroup '%s' (%s); did you mean '%s'? %s", q, opt,
					 cli_quote(hint, hq, sizeof(hq)), cg_target_forms());
		return cli_error(cli, "no cgroup '%s' (%s) in %s%s%s; %s", q, opt,
				 l->v1_memory[0] ? l->v1_memory : l->v2,
				 l->mode == CG_MODE_HYBRID ? " or " : "",
				 l->mode == CG_MODE_HYBRID ? l->v2 : "", cg_target_forms());
	}
	default:
		return cli_error(cli, "cannot resolve cgroup '%s': %s", q, strerror(-r));
	}
}

int cli_resolve_pid_cgroup(struct cli *cli, const struct cg_layout *l, pid_t pid,
			   struct cg_target *ret)
{
	int r = cg_target_from_pid(&cli->host, l, pid, ret);

	if (r == 0)
		return 0;
	if (r == -ESRCH)
		return cli_error(cli, "no process with pid %d", (int)pid);
	if (r == -ENOENT)
		return cli_error(cli, "no cgroup found for pid %d", (int)pid);
	return cli_error(cli, "cannot read the cgroup of pid %d: %s", (int)pid, strerror(-r));
}

void cli_cgroup_target_json(struct json *j, const char *arg, const struct cg_target *t)
{
	json_key(j, "cgroup_target");
	json_obj_open(j);
	if (arg)
		json_kv_str(j, "arg", arg);
	else
		json_kv_null(j, "arg");
	json_kv_str(j, "form", cg_target_form_to_string(t->form));
	json_kv_str(j, "name", t->name);
	json_key(j, "v2_name");
	json_str(j, t->v2name[0] ? t->v2name : NULL);
	json_key(j, "memory_dir");
	json_str(j, t->mem[0] ? t->mem : NULL);
	json_key(j, "v2_dir");
	json_str(j, t->v2dir[0] ? t->v2dir : NULL);
	json_kv_bool(j, "exists", t->exists);
	if (t->pid > 0)
		json_kv_i64(j, "pid", t->pid);
	if (t->matched[0])
		json_kv_str(j, "matched", t->matched);
	json_obj_close(j);
}

const char *cli_cgroup_target_text(const struct cg_target *t, char *buf, size_t sz)
{
	char a[PATH_MAX], b[PATH_MAX], c[PATH_MAX];

	if (!t->exists) {
		xsnprintf(buf, sz, "cgroup %s (exists in no tree now)",
			  cli_quote_n(t->name, 0, a, sizeof(a)));
		return buf;
	}
	xsnprintf(buf, sz, "cgroup %s (memory dir %s, cgroup2 dir %s)",
		  cli_quote_n(t->name, 0, a, sizeof(a)),
		  t->mem[0] ? cli_quote_n(t->mem, 0, b, sizeof(b)) : "none",
		  t->v2dir[0] ? cli_quote_n(t->v2dir, 0, c, sizeof(c)) : "none");
	return buf;
}

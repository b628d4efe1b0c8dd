/* SPDX-License-Identifier: MIT */
/*
 * The command side of lib/cg-target.h: resolve a cgroup argument with the one error line every
 * command gives (the accepted forms, "did you mean"), and show what it resolved to (JSON
 * "cgroup_target" object, or one stderr line) so scripts and tests can compare commands.
 */
#ifndef OOMLAB_CGARG_H
#define OOMLAB_CGARG_H

#include "oomlab.h"
#include "../lib/cgroup.h"
#include "../lib/cg-target.h"

/*
 * Resolve arg (given as option opt, e.g. "--cgroup" or "CGROUP") on layout l. Returns 0, or
 * the exit status after printing one line: EXIT_USAGE for a form that cannot be a cgroup or that
 * leaves the cgroup filesystem, EXIT_FAIL for a cgroup or pid that does not exist.
 */
int cli_resolve_cgroup(struct cli *cli, const struct cg_layout *l, const char *opt, const char *arg,
		       unsigned flags, struct cg_target *ret);
/* The same for --pid N. */
int cli_resolve_pid_cgroup(struct cli *cli, const struct cg_layout *l, pid_t pid,
			   struct cg_target *ret);
/* Detect the layout or print why not (EXIT_FAIL). */
int cli_cgroup_layout(struct cli *cli, struct cg_layout *ret);

/* "cgroup_target": {"arg", "form", "name", "v2_name", "memory_dir", "v2_dir", "exists", ...} */
void cli_cgroup_target_json(struct json *j, const char *arg, const struct cg_target *t);
/* "cgroup /a/b (memory dir D, cgroup2 dir E)": what the target is, for text output. */
const char *cli_cgroup_target_text(const struct cg_target *t, char *buf, size_t sz);

/* s for a message through term_safe, cut to 128 bytes with "...". Returns buf. */
const char *cli_quote(const char *s, char *buf, size_t sz);
/* The same with another cut (0: none). */
const char *cli_quote_n(const char *s, size_t max, char *buf, size_t sz);

#endif

/* SPDX-License-Identifier: MIT */
/* What every command of the oomlab binary shares: the command table and CLI helpers. */
#ifndef OOMLAB_CLI_H
#define OOMLAB_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "../lib/host.h"
#include "../lib/json.h"
#include "../lib/util.h"

/* Exit codes shared by all commands (see oomlab(1) EXIT STATUS). */
#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2

struct cli {
	struct host host; /* --sysroot / OOMLAB_SYSROOT */
	const char *cmd;  /* "run", "why", ... for messages */
	bool json;	  /* --json seen: errors are JSON on stdout too */
	int stdout_err;	  /* first write error on stdout (EPIPE: the reader went away) */
};

typedef int (*cmd_fn)(struct cli *cli, int argc, char **argv);

struct command {
	const char *name;
	cmd_fn fn;
	const char *summary;
};

/* src/commands.h lists every command once. */
#define CMD(name, summary) int cmd_##name(struct cli *cli, int argc, char **argv);
#include "commands.h"
#undef CMD

/* "oomlab CMD: message" on stderr (and {"error": ...} on stdout in JSON mode). Returns EXIT_FAIL. */
int cli_error(struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Usage error: one line, then "Try 'oomlab CMD --help'.", returns EXIT_USAGE. */
int cli_usage_error(struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A warning line on stderr: "oomlab CMD: warning: ...". */
void cli_warn(struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An informational note on stderr, suppressed in JSON mode. */
void cli_note(struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Size/duration option parsing with usage errors: returns 0 or EXIT_USAGE (already printed). */
int cli_parse_size(struct cli *cli, const char *opt, const char *arg, uint64_t *ret);
int cli_parse_duration(struct cli *cli, const char *opt, const char *arg, uint64_t *ret_us);

/*
 * The option getopt_long stopped at (after it returned '?'): a long one is argv[optind - 1]; a
 * short one may sit inside a cluster optind has not moved past yet, so it is named by optopt.
 */
const char *cli_bad_option(char **argv);
/*
 * The usage error after getopt_long returned c ('?' unknown option, ':' missing value: the
 * optstring must start with "+:"). Returns EXIT_USAGE.
 */
int cli_option_error(struct cli *cli, char **argv, int c);

/*
 * Flush stdout and check it: 0, or -errno of the first failed write (remembered in the cli; main
 * exits 141 quietly after EPIPE, 1 with a message after any other error). Writers that stream
 * (watch, top, psi) call it after each update and stop on failure.
 */
int cli_stdout_check(struct cli *cli);

/* Path of the running oomlab binary (for re-exec: `oomlab eat`, hooks). */
const char *cli_self_exe(void);

#endif

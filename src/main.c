// SPDX-License-Identifier: MIT
/* oomlab: make the OOM killer visible and explain it. The command table lives in commands.h. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "color.h"
#include "oomlab.h"
#include "../lib/banned.h"

#ifndef OOMLAB_VERSION
#define OOMLAB_VERSION "0.1.0"
#endif

static const struct command commands[] = {
#define CMD(name, summary) { #name, cmd_##name, summary },
#include "commands.h"
#undef CMD
};

static void usage(FILE *out)
{
	fprintf(out, "Usage: oomlab [--sysroot DIR] [--color WHEN] COMMAND [OPTIONS]\n\n"
		     "Make the OOM killer visible and explain it.\n\nCommands:\n");
	for (size_t i = 0; i < ELEMENTSOF(commands); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		"\nGlobal options:\n"
		"  --sysroot DIR  read /proc, /sys and logs under DIR (fixture trees, tests)\n"
		"  --color WHEN   colour verdicts and PASS/FAIL: auto (default: on a terminal,\n"
		"                 off with NO_COLOR), always, never\n"
		"  -h, --help     show this help\n"
		"  -V, --version  show the version\n\n"
		"Run 'oomlab help COMMAND' (or 'oomlab COMMAND --help') for a command's options.\n"
		"See oomlab(1).\n");
}

static void vmsg(struct cli *cli, const char *kind, const char *fmt, va_list ap)
{
	char msg[4096];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fprintf(stderr, "oomlab%s%s: %s%s\n", cli && cli->cmd ? " " : "",
		cli && cli->cmd ? cli->cmd : "", kind, msg);
	if (cli && cli->json && strcmp(kind, "") == 0) {
		struct json j;
		/* a document the command has open gets the error and is closed: one object */
		if (json_fail_open(stdout, msg))
			return;
		fflush(stdout);
		json_init(&j, stdout, false);
		json_obj_open(&j);
		json_kv_str(&j, "error", msg);
		json_obj_close(&j);
		json_end(&j);
	}
}

int cli_error(struct cli *cli, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(cli, "", fmt, ap);
	va_end(ap);
	return EXIT_FAIL;
}

int cli_usage_error(struct cli *cli, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(cli, "", fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try 'oomlab%s%s --help'.\n", cli && cli->cmd ? " " : "",
		cli && cli->cmd ? cli->cmd : "");
	return EXIT_USAGE;
}

void cli_warn(struct cli *cli, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(cli, "warning: ", fmt, ap);
	va_end(ap);
}

void cli_note(struct cli *cli, const char *fmt, ...)
{
	va_list ap;
	if (cli && cli->json)
		return;
	va_start(ap, fmt);
	vmsg(cli, "", fmt, ap);
	va_end(ap);
}

int cli_parse_size(struct cli *cli, const char *opt, const char *arg, uint64_t *ret)
{
	/* the words other tools use for "no limit" (systemd: infinity, ulimit: unlimited) */
	int r = strcmp(arg, "infinity") == 0 || strcmp(arg, "unlimited") == 0 ?
			parse_size("max", ret) :
			parse_size(arg, ret);
	if (r == -ERANGE)
		return cli_usage_error(
			cli, "invalid size '%s' for %s: too large (at most %s; 'max' for no limit)",
			arg, opt, SIZE_LIMIT_MAX_TEXT);
	if (r < 0)
		return cli_usage_error(
			cli,
			"invalid size '%s' for %s: expected bytes or a number with K, M, G or T (e.g. 512M, 1.5G, 64MiB) or 'max' (also 'infinity', 'unlimited')",
			arg, opt);
	return 0;
}

int cli_parse_duration(struct cli *cli, const char *opt, const char *arg, uint64_t *ret)
{
	int r = parse_duration_us(arg, ret);
	if (r == -ERANGE)
		return cli_usage_error(cli, "invalid duration '%s' for %s: too large (at most %s)",
				       arg, opt, DURATION_MAX_TEXT);
	if (r < 0)
		return cli_usage_error(
			cli,
			"invalid duration '%s' for %s: expected a number with us, ms, s, m or h (e.g. 250ms, 2s)",
			arg, opt);
	return 0;
}

const char *cli_bad_option(char **argv)
{
	static char buf[8];
	const char *a = optind > 0 ? argv[optind - 1] : "";

	if (optopt && !(a[0] == '-' && a[1] == '-')) {
		xsnprintf(buf, sizeof(buf), "-%c", optopt);
		return buf;
	}
	return a;
}

int cli_option_error(struct cli *cli, char **argv, int c)
{
	if (c == ':')
		return cli_usage_error(cli, "option '%s' needs a value", argv[optind - 1]);
	return cli_usage_error(cli, "unknown option '%s'", cli_bad_option(argv));
}

int cli_stdout_check(struct cli *cli)
{
	if (cli->stdout_err)
		return -cli->stdout_err;
	errno = 0;
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	cli->stdout_err = errno ? errno : EIO;
	return -cli->stdout_err;
}

/*
 * After the command: every byte it wrote to stdout must have arrived (git's run_builtin does the
 * same). A reader that went away (EPIPE, `oomlab watch | head -1`) ends us quietly with the
 * status a SIGPIPE death would give; anything else (ENOSPC, EIO) is said and fails.
 */
static int finish(struct cli *cli, int r)
{
	if (cli_stdout_check(cli) == 0 && fclose(stdout) != 0 && !cli->stdout_err)
		cli->stdout_err = errno ? errno : EIO;
	if (!cli->stdout_err)
		return r;
	if (cli->stdout_err == EPIPE)
		return r ? r : 128 + 13;
	/* EIO here mostly means "an earlier buffered write failed", its errno long gone */
	fprintf(stderr, "oomlab%s%s: cannot write to stdout: %s\n", cli->cmd ? " " : "",
		cli->cmd ? cli->cmd : "",
		cli->stdout_err == EIO ? "a write failed" : strerror(cli->stdout_err));
	return r ? r : EXIT_FAIL;
}

const char *cli_self_exe(void)
{
	static char path[4096];
	ssize_t n;

	if (path[0])
		return path;
	n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	if (n <= 0)
		return "oomlab";
	path[n] = '\0';
	return path;
}

/* --color WHEN / --color=WHEN at argv[i]: 0 not it, 1 or 2 arguments used, -1 usage error */
static int color_opt(struct cli *cli, int argc, char **argv, int i)
{
	enum color_mode m;
	const char *v;
	int used = 1;

	if (strcmp(argv[i], "--color") == 0 || strcmp(argv[i], "--colour") == 0) {
		if (i + 1 >= argc) {
			cli_usage_error(cli,
					"option '--color' needs a value: auto, always or never");
			return -1;
		}
		v = argv[i + 1];
		used = 2;
	} else if (startswith(argv[i], "--color=")) {
		v = argv[i] + strlen("--color=");
	} else if (startswith(argv[i], "--colour=")) {
		v = argv[i] + strlen("--colour=");
	} else {
		return 0;
	}
	if (color_parse_mode(v, &m) < 0) {
		cli_usage_error(
			cli, "invalid value '%s' for --color: expected auto, always or never", v);
		return -1;
	}
	color_set_mode(m);
	return used;
}

int main(int argc, char **argv)
{
	struct cli cli = { 0 };
	const char *sysroot = getenv("OOMLAB_SYSROOT");
	int i = 1, r;

	/* line-buffered output even into a pipe: live views and --json streams are read live */
	setvbuf(stdout, NULL, _IOLBF, 0);

	for (; i < argc; i++) {
		if (strcmp(argv[i], "--sysroot") == 0) {
			if (i + 1 >= argc)
				return cli_usage_error(&cli,
						       "option '--sysroot' needs a directory");
			sysroot = argv[++i];
		} else if (startswith(argv[i], "--sysroot=")) {
			sysroot = argv[i] + strlen("--sysroot=");
		} else if ((r = color_opt(&cli, argc, argv, i)) != 0) {
			if (r < 0)
				return EXIT_USAGE;
			i += r - 1;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return finish(&cli, EXIT_OK);
		} else if (strcmp(argv[i], "-V") == 0 || strcmp(argv[i], "--version") == 0) {
			printf("oomlab %s\n", OOMLAB_VERSION);
			return finish(&cli, EXIT_OK);
		} else if (argv[i][0] == '-') {
			return cli_usage_error(&cli, "unknown option '%s'", argv[i]);
		} else {
			break;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	r = host_init(&cli.host, sysroot);
	if (r < 0) {
		fprintf(stderr, "oomlab: cannot use sysroot '%s': %s\n", sysroot, strerror(-r));
		return EXIT_USAGE;
	}
	if (strcmp(argv[i], "help") == 0) {
		/* oomlab help [CMD]: the same as oomlab CMD --help (or oomlab --help) */
		static char help_opt[] = "--help";
		if (i + 1 >= argc) {
			usage(stdout);
			return EXIT_OK;
		}
		if (i + 2 < argc)
			return cli_usage_error(&cli, "help takes one command");
		for (size_t c = 0; c < ELEMENTSOF(commands); c++) {
			if (strcmp(argv[i + 1], commands[c].name) == 0) {
				char *hargv[] = { argv[i + 1], help_opt, NULL };
				cli.cmd = commands[c].name;
				return commands[c].fn(&cli, 2, hargv);
			}
		}
		i++; /* an unknown command: said below */
	}
	for (size_t c = 0; c < ELEMENTSOF(commands); c++) {
		if (strcmp(argv[i], commands[c].name) == 0) {
			cli.cmd = commands[c].name;
			/* --color after the command name too: taken out of the command's argv before
			 * its getopt sees it. Not for run, whose argv ends in the command to box (its
			 * own --color must reach it): there it goes before "run". */
			if (strcmp(cli.cmd, "run") != 0) {
				for (int k = i + 1; k < argc && strcmp(argv[k], "--") != 0;) {
					r = color_opt(&cli, argc, argv, k);
					if (r < 0)
						return EXIT_USAGE;
					if (r == 0) {
						k++;
						continue;
					}
					memmove(&argv[k], &argv[k + r],
						(size_t)(argc - k - r + 1) * sizeof(*argv));
					argc -= r;
				}
			}
			for (int k = i + 1; k < argc && strcmp(argv[k], "--") != 0; k++)
				if (strcmp(argv[k], "--json") == 0 || strcmp(argv[k], "-J") == 0)
					cli.json = true;
			/* getopt_long in the command starts from optind = 1 on its own argv */
			return finish(&cli, commands[c].fn(&cli, argc - i, argv + i));
		}
	}
	/* never echoed at full length, nor with control bytes */
	fprintf(stderr, "oomlab: unknown command '%s'\nTry 'oomlab --help'.\n",
		term_safe(argv[i], (char[64]){ 0 }, 64));
	return EXIT_USAGE;
}

// SPDX-License-Identifier: MIT
/* Colour decisions and the few SGR sequences oomlab uses (see color.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "color.h"
#include "../lib/banned.h"

static enum color_mode g_mode = COLOR_AUTO;

int color_parse_mode(const char *s, enum color_mode *ret)
{
	if (!strcmp(s, "auto") || !strcmp(s, "tty") || !strcmp(s, "if-tty"))
		*ret = COLOR_AUTO;
	else if (!strcmp(s, "always") || !strcmp(s, "yes") || !strcmp(s, "force"))
		*ret = COLOR_ALWAYS;
	else if (!strcmp(s, "never") || !strcmp(s, "no") || !strcmp(s, "none"))
		*ret = COLOR_NEVER;
	else
		return -EINVAL;
	return 0;
}

void color_set_mode(enum color_mode m)
{
	g_mode = m;
}

enum color_mode color_get_mode(void)
{
	return g_mode;
}

bool color_wanted(int fd)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	if (g_mode == COLOR_ALWAYS)
		return true;
	if (g_mode == COLOR_NEVER)
		return false;
	if (nc && nc[0])
		return false;
	if (term && !strcmp(term, "dumb"))
		return false;
	return isatty(fd) == 1;
}

const char *color_verdict(enum verdict v)
{
	switch (v) {
	case V_HEALTHY:
		return "\033[32m"; /* green */
	case V_STRAINED:
		return "\033[33m"; /* yellow */
	case V_SICK:
		return "\033[1;31m"; /* bold red */
	case V_CRITICAL:
		return "\033[1;97;41m"; /* bold white on red */
	}
	return "";
}

const char *color_status(const char *status)
{
	if (!strcmp(status, "PASS"))
		return "\033[1;32m";
	if (!strcmp(status, "FAIL"))
		return "\033[1;31m";
	if (!strcmp(status, "SKIPPED"))
		return "\033[33m";
	return "";
}

void color_fputs(FILE *f, bool on, const char *sgr, const char *s)
{
	if (on && sgr && sgr[0]) {
		fputs(sgr, f);
		fputs(s, f);
		fputs(COLOR_RESET, f);
	} else {
		fputs(s, f);
	}
}

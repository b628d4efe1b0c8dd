/* SPDX-License-Identifier: MIT */
/*
 * Colour on a terminal (one place decides): --color=auto|always|never, NO_COLOR (no-color.org:
 * set and not empty turns colour off, an explicit --color=always wins), TERM=dumb, and whether
 * the stream is a terminal.
 */
#ifndef OOMLAB_COLOR_H
#define OOMLAB_COLOR_H

#include <stdbool.h>
#include <stdio.h>

#include "../lib/verdict.h"

enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

/* "auto", "always", "never" (also "yes"/"no", "force"/"none" as in other tools); -EINVAL. */
int color_parse_mode(const char *s, enum color_mode *ret);
void color_set_mode(enum color_mode m);
enum color_mode color_get_mode(void);
/* Colour wanted on the stream with descriptor fd. */
bool color_wanted(int fd);

#define COLOR_RESET "\033[0m"
/* SGR start sequences ("" for healthy: no colour where nothing is wrong) */
const char *color_verdict(enum verdict v);
/* "PASS" green, "FAIL" red, "SKIPPED" dim yellow; "" for anything else */
const char *color_status(const char *status);

/* Print s, coloured with sgr when on (sgr "" or off: plain) */
void color_fputs(FILE *f, bool on, const char *sgr, const char *s);

#endif

/* SPDX-License-Identifier: MIT */
/* What `oomlab psi` and `oomlab top` share: PSI degradation messages and small formatters. */
#ifndef OOMLAB_PSIVIEW_H
#define OOMLAB_PSIVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "../lib/cgroup.h"
#include "../lib/verdict.h"

/* "12.34" from hundredths */
const char *fmt_centi(uint32_t c, char *buf, size_t sz);
/* "64.0M" compact size for tables, "-" for SIZE_UNLIMITED ("max") */
const char *fmt_size_short(uint64_t v, bool has, char *buf, size_t sz);

/*
 * Why PSI is missing and what to do, for humans (one or two sentences, no newline at the end):
 * err is the psi read error, file the pressure file ("" when there is none), name the cgroup
 * ("" for the system).
 */
const char *psi_missing_text(int err, const struct cg_layout *l, const char *name, const char *file,
			     char *buf, size_t sz);
/* Short form for table cells and JSON: "disabled", "no-cgroup2", "no-v2-dir", "unsupported",
 * "unreadable". has_file: there is a pressure file to read (the cgroup has a v2 directory). */
const char *psi_missing_code(int err, const struct cg_layout *l, bool has_file);

/* Parse --thresholds for a command; returns 0 or EXIT_USAGE (message printed). */
struct cli;
int cli_parse_thresholds(struct cli *cli, const char *arg, struct verdict_thresholds *t);

#endif

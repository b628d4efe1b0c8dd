/* SPDX-License-Identifier: MIT */
/* Rendering an OOM scope (text table and JSON), shared by `scores`, `protect` and `expose`. */
#ifndef OOMLAB_SCORES_H
#define OOMLAB_SCORES_H

#include <stdio.h>

#include "oomlab.h"
#include "../lib/oom-scope.h"

/*
 * Sort s->c into rank order (killable by badness, highest first) and remember the victim's and
 * runner-up's pids. After this, s->victim/s->runner index the sorted array.
 */
void scores_rank(struct oom_rank *s);
/* Victim and runner-up closer than the kernel's per-CPU counter error. */
bool scores_too_close(const struct oom_rank *s);
/* The one-line header: scope, total, adj unit. */
void scores_print_header(FILE *out, const struct oom_rank *s);
/* The table; mark_pid (0: none) gets a '<' marker; limit 0: all rows. */
void scores_print_table(FILE *out, const struct oom_rank *s, pid_t mark_pid, size_t limit);
/* "predicted victim: ..." line. */
void scores_print_verdict(FILE *out, const struct oom_rank *s);
/* What the columns mean. */
void scores_print_legend(FILE *out, const struct oom_rank *s);
/* The scope's JSON fields (inside an open object): scope, total_pages, ..., processes. */
void scores_json_fields(struct json *j, const struct oom_rank *s, size_t limit);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Writing metrics in the Prometheus text exposition format 0.0.4 and in OpenMetrics 1.0 from
 * one set of calls (`oomlab serve`, `oomlab export`). The differences handled here: a counter
 * family is announced as NAME_total in 0.0.4 and as NAME in OpenMetrics (its sample is always
 * NAME_total); an info family is a gauge NAME_info in 0.0.4; exemplars and the closing
 * "# EOF" exist only in OpenMetrics. Label values are escaped (\\, \", \n). Pure: writes to a
 * FILE* the caller owns, never allocates.
 */
#ifndef OOMLAB_PROMTEXT_H
#define OOMLAB_PROMTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum prom_format {
	PROM_TEXT = 0,	  /* text/plain; version=0.0.4 */
	PROM_OPENMETRICS, /* application/openmetrics-text; version=1.0.0 */
};

enum prom_type {
	PROM_COUNTER,
	PROM_GAUGE,
	PROM_INFO,
};

#define PROM_CT_TEXT "text/plain; version=0.0.4; charset=utf-8"
#define PROM_CT_OPENMETRICS "application/openmetrics-text; version=1.0.0; charset=utf-8"

struct prom {
	FILE *out;
	enum prom_format fmt;
	enum prom_type type; /* of the family being written */
	char family[128];
};

/* A label; a NULL or empty value leaves the label out (Prometheus treats them the same). */
struct prom_label {
	const char *name;
	const char *value;
};

/* An exemplar (OpenMetrics only; ignored in 0.0.4): at most 128 UTF-8 characters of labels. */
struct prom_exemplar {
	const struct prom_label *labels;
	size_t n;
	uint64_t value;
	uint64_t time_us; /* realtime µs, 0: no timestamp */
};

void prom_init(struct prom *p, FILE *out, enum prom_format fmt);
/* The family header (HELP, TYPE). name without "_total"/"_info". */
void prom_family(struct prom *p, const char *name, enum prom_type type, const char *help);
/* One sample of the current family: an integer value, or µs printed as seconds. */
void prom_sample_u64(struct prom *p, const struct prom_label *l, size_t n, uint64_t v,
		     const struct prom_exemplar *ex);
void prom_sample_us(struct prom *p, const struct prom_label *l, size_t n, uint64_t us);
/* "# EOF" in OpenMetrics, nothing in 0.0.4. */
void prom_finish(struct prom *p);

/* Which format an Accept header asks for: OpenMetrics when it names application/openmetrics-text
 * (with a q above 0), else the text format. NULL: text. */
enum prom_format prom_negotiate(const char *accept);

/* A valid metric or label name: [a-zA-Z_:][a-zA-Z0-9_:]* (labels: no ':'). */
bool prom_name_valid(const char *s, bool label);

#endif

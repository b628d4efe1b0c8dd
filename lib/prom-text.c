// SPDX-License-Identifier: MIT
/* Prometheus text 0.0.4 and OpenMetrics 1.0 writer: see prom-text.h. */
#include <string.h>
#include <strings.h>

#include "prom-text.h"
#include "util.h"
#include "banned.h"

void prom_init(struct prom *p, FILE *out, enum prom_format fmt)
{
	memset(p, 0, sizeof(*p));
	p->out = out;
	p->fmt = fmt;
}

static void put_escaped(FILE *out, const char *s, bool help)
{
	for (; *s; s++) {
		switch (*s) {
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '"':
			/* HELP text in 0.0.4 does not escape quotes; OpenMetrics does */
			fputs(help ? "\"" : "\\\"", out);
			break;
		default:
			fputc(*s, out);
		}
	}
}

void prom_family(struct prom *p, const char *name, enum prom_type type, const char *help)
{
	const char *suffix = "", *tname = "gauge";

	xsnprintf(p->family, sizeof(p->family), "%s", name);
	p->type = type;
	if (type == PROM_COUNTER) {
		tname = "counter";
		if (p->fmt == PROM_TEXT)
			suffix = "_total";
	} else if (type == PROM_INFO) {
		if (p->fmt == PROM_TEXT)
			suffix = "_info";
		else
			tname = "info";
	}
	fprintf(p->out, "# HELP %s%s ", name, suffix);
	put_escaped(p->out, help, p->fmt == PROM_TEXT);
	fprintf(p->out, "\n# TYPE %s%s %s\n", name, suffix, tname);
}

static void put_labels(FILE *out, const struct prom_label *l, size_t n, bool braces_if_empty)
{
	bool any = false;

	for (size_t i = 0; i < n; i++) {
		if (!l[i].value || !l[i].value[0])
			continue;
		fputs(any ? "," : "{", out);
		any = true;
		fprintf(out, "%s=\"", l[i].name);
		put_escaped(out, l[i].value, false);
		fputc('"', out);
	}
	if (any)
		fputc('}', out);
	else if (braces_if_empty)
		fputs("{}", out);
}

static void put_name(struct prom *p, const struct prom_label *l, size_t n)
{
	fputs(p->family, p->out);
	if (p->type == PROM_COUNTER)
		fputs("_total", p->out);
	else if (p->type == PROM_INFO)
		fputs("_info", p->out);
	put_labels(p->out, l, n, false);
}

void prom_sample_u64(struct prom *p, const struct prom_label *l, size_t n, uint64_t v,
		     const struct prom_exemplar *ex)
{
	put_name(p, l, n);
	fprintf(p->out, " %llu", (unsigned long long)v);
	if (ex && p->fmt == PROM_OPENMETRICS && p->type == PROM_COUNTER) {
		fputs(" # ", p->out);
		put_labels(p->out, ex->labels, ex->n, true);
		fprintf(p->out, " %llu", (unsigned long long)ex->value);
		if (ex->time_us)
			fprintf(p->out, " %llu.%06llu", (unsigned long long)(ex->time_us / 1000000),
				(unsigned long long)(ex->time_us % 1000000));
	}
	fputc('\n', p->out);
}

void prom_sample_us(struct prom *p, const struct prom_label *l, size_t n, uint64_t us)
{
	put_name(p, l, n);
	fprintf(p->out, " %llu.%06llu\n", (unsigned long long)(us / 1000000),
		(unsigned long long)(us % 1000000));
}

void prom_finish(struct prom *p)
{
	if (p->fmt == PROM_OPENMETRICS)
		fputs("# EOF\n", p->out);
}

enum prom_format prom_negotiate(const char *accept)
{
	const char *s = accept;
	static const char om[] = "application/openmetrics-text";

	if (!s)
		return PROM_TEXT;
	while (*s) {
		const char *end = strchr(s, ',');
		size_t len = end ? (size_t)(end - s) : strlen(s);

		while (len && (*s == ' ' || *s == '\t'))
			s++, len--;
		if (len >= sizeof(om) - 1 && strncasecmp(s, om, sizeof(om) - 1) == 0) {
			/* a q=0 parameter refuses it (RFC 9110 12.4.2) */
			const char *q = s, *stop = s + len;
			bool refused = false;

			for (; q + 3 <= stop; q++)
				if ((q[0] == 'q' || q[0] == 'Q') && q[1] == '=') {
					const char *v = q + 2;
					refused = true;
					for (; v < stop && (*v == '0' || *v == '.'); v++)
						;
					if (v < stop && *v >= '1' && *v <= '9')
						refused = false;
					break;
				}
			if (!refused)
				return PROM_OPENMETRICS;
		}
		if (!end)
			break;
		s = end + 1;
	}
	return PROM_TEXT;
}

bool prom_name_valid(const char *s, bool label)
{
	if (!s || !*s)
		return false;
	for (const char *c = s; *c; c++) {
		bool alpha = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || *c == '_' ||
			     (!label && *c == ':');
		if (!alpha && !(c != s && *c >= '0' && *c <= '9'))
			return false;
	}
	return true;
}

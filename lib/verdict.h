/* SPDX-License-Identifier: MIT */
/*
 * One verdict for a cgroup (or the whole system) over one sampling interval: healthy, strained,
 * sick or critical. Shared by `oomlab psi`, `oomlab top` and `oomlab run`'s live view. Pure:
 * no I/O. Defaults and reasoning: docs/VERDICT.md.
 */
#ifndef OOMLAB_VERDICT_H
#define OOMLAB_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum verdict {
	VERDICT_HEALTHY = 0,
	VERDICT_STRAINED,
	VERDICT_SICK,
	VERDICT_CRITICAL,
};

/* "healthy", "strained", "sick", "critical" */
const char *verdict_to_string(enum verdict v);

struct verdict_input {
	bool has_psi;          /* false: PSI unavailable, the stall rules are not applied */
	uint32_t some_share;   /* stall share over the interval, hundredths of a percent */
	uint32_t full_share;
	bool has_full;         /* full line present */
	uint64_t usage;        /* bytes */
	uint64_t limit;        /* binding limit (smallest memory.max of self and ancestors),
				* SIZE_UNLIMITED (UINT64_MAX) when none */
	uint64_t high;         /* memory.high, UINT64_MAX when none / unsupported (v1) */
	uint64_t high_events;  /* memory.events high: delta over the interval */
	uint64_t oom_kills;    /* oom_kill: delta over the interval */
};

/* All shares and percentages in hundredths of a percent (500 = 5 %). */
struct verdict_thresholds {
	uint32_t strained_some;  /* some share >= this: strained (default 5 %) */
	uint32_t strained_usage; /* usage >= this share of the binding limit: strained (80 %) */
	uint32_t sick_some;      /* some share >= this: sick (20 %) */
	uint32_t sick_full;      /* full share >= this: sick (5 %) */
	uint32_t critical_some;  /* some share >= this: critical (60 %) */
	uint32_t critical_full;  /* full share >= this: critical (20 %) */
};

extern const struct verdict_thresholds verdict_default_thresholds;

/*
 * Usage as a share of the binding limit, hundredths of a percent (may exceed 10000 on v1 right
 * after a limit was lowered). UINT32_MAX when there is no limit.
 */
uint32_t verdict_usage_share(uint64_t usage, uint64_t limit);

enum verdict verdict_of(const struct verdict_input *in, const struct verdict_thresholds *t);

/*
 * The rule that decided, for humans: "full stall 23.10 % >= 20.00 %", "1 OOM kill in the
 * interval", "usage 85.00 % of the limit >= 80.00 %", "no stall, usage below 80.00 %".
 * Returns the verdict (same as verdict_of).
 */
enum verdict verdict_explain(const struct verdict_input *in, const struct verdict_thresholds *t,
			     char *buf, size_t sz);

/*
 * Override thresholds from "sick_some=25,critical_full=30,strained_usage=90" (percentages with
 * up to two decimals, optional '%'). Keys are the field names above. Unknown key or bad value:
 * -EINVAL and *t unchanged. Thresholds must stay ordered (strained <= sick <= critical).
 */
int verdict_thresholds_parse(const char *spec, struct verdict_thresholds *t);

#endif

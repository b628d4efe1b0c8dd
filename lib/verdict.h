/* SPDX-License-Identifier: MIT */
/*
 * One verdict for a cgroup (or the whole system) over one sampling interval: healthy, strained,
 * sick or critical. The rules are those of docs/VERDICT.md (the same as `oomlab run`'s live
 * view), with thresholds that can be changed (--thresholds). Pure: no I/O.
 * Names differ from src/run-report.h (enum run_verdict, verdict_of) so both can coexist; the
 * values are the same (0 healthy .. 3 critical).
 */
#ifndef OOMLAB_VERDICT_H
#define OOMLAB_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum verdict {
	V_HEALTHY = 0,
	V_STRAINED,
	V_SICK,
	V_CRITICAL,
};

/* "healthy", "strained", "sick", "critical" */
const char *verdict_to_string(enum verdict v);

struct verdict_in {
	bool has_psi;	     /* false: PSI unavailable, the stall rules are not applied */
	bool has_full;	     /* the full line exists */
	uint32_t some_share; /* stall share over the interval, hundredths of a percent */
	uint32_t full_share;
	uint64_t usage; /* bytes (shown, and compared with memory.high) */
	uint64_t limit; /* binding hard limit (smallest memory.max of self and ancestors),
				* UINT64_MAX when none */
	uint64_t high;	/* memory.high, UINT64_MAX when none / unsupported (v1) */
	bool has_unreclaimable;
	uint64_t unreclaimable; /* anon + shmem: what only a kill gets back without swap */
	uint64_t high_events;	/* memory.events high: increase over the interval */
	uint64_t oom_kills;	/* oom_kill: increase over the interval */
};

/* All shares in hundredths of a percent (500 = 5 %). Defaults: docs/VERDICT.md. */
struct verdict_thresholds {
	uint32_t strained_some;		 /*  5 % */
	uint32_t sick_some;		 /* 20 % */
	uint32_t sick_full;		 /* 10 % */
	uint32_t critical_full;		 /* 50 % */
	uint32_t strained_unreclaimable; /* 80 % of the limit */
	uint32_t sick_unreclaimable;	 /* 90 % */
	uint32_t critical_unreclaimable; /* 95 % */
};

extern const struct verdict_thresholds verdict_default_thresholds;

/* part as a share of whole, hundredths of a percent, capped at 1000000 (10000 %). UINT32_MAX
 * when whole is UINT64_MAX (no limit). */
uint32_t verdict_share_of(uint64_t part, uint64_t whole);

enum verdict verdict_eval(const struct verdict_in *in, const struct verdict_thresholds *t);

/*
 * Same, and the rule that decided, for humans: "full stall 53.10 % >= 50.00 %", "1 OOM kill in
 * the interval", "anon+shmem 91.00 % of the limit >= 90.00 %", "some stall 0.20 % < 5.00 %".
 */
enum verdict verdict_explain(const struct verdict_in *in, const struct verdict_thresholds *t,
			     char *buf, size_t sz);

/*
 * Override thresholds from "sick_some=25,critical_full=60" (percentages with up to two
 * decimals, optional '%'); keys are the field names above. Unknown key, bad value, or
 * thresholds out of order (strained <= sick <= critical): -EINVAL and *t unchanged.
 */
int verdict_thresholds_parse(const char *spec, struct verdict_thresholds *t);

#endif

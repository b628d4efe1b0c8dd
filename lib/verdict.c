// SPDX-License-Identifier: MIT
#include "verdict.h"

#include <errno.h>
#include <string.h>

#include "util.h"
#include "banned.h"

const struct verdict_thresholds verdict_default_thresholds = {
	.strained_some = 500,
	.sick_some = 2000,
	.sick_full = 1000,
	.critical_full = 5000,
	.strained_unreclaimable = 8000,
	.sick_unreclaimable = 9000,
	.critical_unreclaimable = 9500,
};

const char *verdict_to_string(enum verdict v)
{
	switch (v) {
	case V_HEALTHY:
		return "healthy";
	case V_STRAINED:
		return "strained";
	case V_SICK:
		return "sick";
	case V_CRITICAL:
		return "critical";
	}
	return "unknown";
}

uint32_t verdict_share_of(uint64_t part, uint64_t whole)
{
	unsigned __int128 s;

	if (whole == SIZE_UNLIMITED)
		return UINT32_MAX;
	if (whole == 0)
		return part ? 1000000 : 0;
	s = (unsigned __int128)part * 10000 / whole;
	return s > 1000000 ? 1000000 : (uint32_t)s;
}

#define C(x) (unsigned)((x) / 100), (unsigned)((x) % 100)

enum verdict verdict_explain(const struct verdict_in *in, const struct verdict_thresholds *t,
			     char *buf, size_t sz)
{
	uint32_t un =
		in->has_unreclaimable ? verdict_share_of(in->unreclaimable, in->limit) : UINT32_MAX;
	bool psi = in->has_psi, full = in->has_psi && in->has_full;
	char dummy[8];

	if (!buf) {
		buf = dummy;
		sz = sizeof(dummy);
	}
	/* critical: the kernel killed, no progress half of the time, or one burst from a kill */
	if (in->oom_kills > 0) {
		xsnprintf(buf, sz, "%llu OOM kill%s in the interval",
			  (unsigned long long)in->oom_kills, in->oom_kills == 1 ? "" : "s");
		return V_CRITICAL;
	}
	if (full && in->full_share >= t->critical_full) {
		xsnprintf(buf, sz, "full stall %u.%02u %% >= %u.%02u %%", C(in->full_share),
			  C(t->critical_full));
		return V_CRITICAL;
	}
	if (un != UINT32_MAX && un >= t->critical_unreclaimable) {
		xsnprintf(buf, sz, "anon+shmem %u.%02u %% of the limit >= %u.%02u %%", C(un),
			  C(t->critical_unreclaimable));
		return V_CRITICAL;
	}
	/* sick: a fifth of the time lost to memory */
	if (psi && in->some_share >= t->sick_some) {
		xsnprintf(buf, sz, "some stall %u.%02u %% >= %u.%02u %%", C(in->some_share),
			  C(t->sick_some));
		return V_SICK;
	}
	if (full && in->full_share >= t->sick_full) {
		xsnprintf(buf, sz, "full stall %u.%02u %% >= %u.%02u %%", C(in->full_share),
			  C(t->sick_full));
		return V_SICK;
	}
	if (un != UINT32_MAX && un >= t->sick_unreclaimable) {
		xsnprintf(buf, sz, "anon+shmem %u.%02u %% of the limit >= %u.%02u %%", C(un),
			  C(t->sick_unreclaimable));
		return V_SICK;
	}
	/* strained: working at its limit */
	if (psi && in->some_share >= t->strained_some) {
		xsnprintf(buf, sz, "some stall %u.%02u %% >= %u.%02u %%", C(in->some_share),
			  C(t->strained_some));
		return V_STRAINED;
	}
	if (un != UINT32_MAX && un >= t->strained_unreclaimable) {
		xsnprintf(buf, sz, "anon+shmem %u.%02u %% of the limit >= %u.%02u %%", C(un),
			  C(t->strained_unreclaimable));
		return V_STRAINED;
	}
	if (in->high_events > 0) {
		xsnprintf(buf, sz, "%llu memory.high event%s in the interval",
			  (unsigned long long)in->high_events, in->high_events == 1 ? "" : "s");
		return V_STRAINED;
	}
	if (in->high != SIZE_UNLIMITED && in->usage > in->high) {
		xsnprintf(buf, sz, "usage above memory.high");
		return V_STRAINED;
	}
	if (!psi)
		xsnprintf(buf, sz, "no PSI; no kill, anon+shmem below %u.%02u %% of the limit",
			  C(t->strained_unreclaimable));
	else
		xsnprintf(buf, sz, "some stall %u.%02u %% < %u.%02u %%", C(in->some_share),
			  C(t->strained_some));
	return V_HEALTHY;
}

enum verdict verdict_eval(const struct verdict_in *in, const struct verdict_thresholds *t)
{
	return verdict_explain(in, t, NULL, 0);
}

/* "12", "12.5", "12.50", "12.5%" -> hundredths, <= 100 % */
static int parse_pct(const char *s, size_t len, uint32_t *ret)
{
	const char *dot;
	uint64_t ip, fp = 0;
	size_t il;

	if (len > 0 && s[len - 1] == '%')
		len--;
	if (len == 0)
		return -EINVAL;
	dot = memchr(s, '.', len);
	il = dot ? (size_t)(dot - s) : len;
	if (parse_u64_n(s, il, &ip) < 0)
		return -EINVAL;
	if (dot) {
		size_t fl = len - il - 1;
		if (fl == 0 || fl > 2 || parse_u64_n(dot + 1, fl, &fp) < 0)
			return -EINVAL;
		if (fl == 1)
			fp *= 10;
	}
	if (ip > 100 || (ip == 100 && fp > 0))
		return -EINVAL;
	*ret = (uint32_t)(ip * 100 + fp);
	return 0;
}

int verdict_thresholds_parse(const char *spec, struct verdict_thresholds *ret)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "strained_some", offsetof(struct verdict_thresholds, strained_some) },
		{ "sick_some", offsetof(struct verdict_thresholds, sick_some) },
		{ "sick_full", offsetof(struct verdict_thresholds, sick_full) },
		{ "critical_full", offsetof(struct verdict_thresholds, critical_full) },
		{ "strained_unreclaimable",
		  offsetof(struct verdict_thresholds, strained_unreclaimable) },
		{ "sick_unreclaimable", offsetof(struct verdict_thresholds, sick_unreclaimable) },
		{ "critical_unreclaimable",
		  offsetof(struct verdict_thresholds, critical_unreclaimable) },
	};
	struct verdict_thresholds t = *ret;
	const char *p = spec;

	if (!spec || !*spec)
		return -EINVAL;
	while (*p) {
		const char *comma = strchr(p, ',');
		const char *end = comma ? comma : p + strlen(p);
		const char *eq = memchr(p, '=', (size_t)(end - p));
		size_t kl;
		bool found = false;

		if (!eq)
			return -EINVAL;
		kl = (size_t)(eq - p);
		for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
			if (strlen(keys[i].key) == kl && memcmp(p, keys[i].key, kl) == 0) {
				uint32_t v;
				if (parse_pct(eq + 1, (size_t)(end - eq - 1), &v) < 0)
					return -EINVAL;
				memcpy((char *)&t + keys[i].off, &v, sizeof(v));
				found = true;
				break;
			}
		}
		if (!found)
			return -EINVAL;
		if (!comma)
			break;
		p = comma + 1;
	}
	if (t.strained_some > t.sick_some || t.sick_full > t.critical_full ||
	    t.strained_unreclaimable > t.sick_unreclaimable ||
	    t.sick_unreclaimable > t.critical_unreclaimable)
		return -EINVAL;
	*ret = t;
	return 0;
}

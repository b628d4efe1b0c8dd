// SPDX-License-Identifier: MIT
#include "verdict.h"

#include <errno.h>
#include <string.h>

#include "util.h"
#include "banned.h"

const struct verdict_thresholds verdict_default_thresholds = {
	.strained_some = 500,
	.strained_usage = 8000,
	.sick_some = 2000,
	.sick_full = 500,
	.critical_some = 6000,
	.critical_full = 2000,
};

const char *verdict_to_string(enum verdict v)
{
	switch (v) {
	case VERDICT_HEALTHY:
		return "healthy";
	case VERDICT_STRAINED:
		return "strained";
	case VERDICT_SICK:
		return "sick";
	case VERDICT_CRITICAL:
		return "critical";
	}
	return "unknown";
}

uint32_t verdict_usage_share(uint64_t usage, uint64_t limit)
{
	unsigned __int128 s;

	if (limit == SIZE_UNLIMITED)
		return UINT32_MAX;
	if (limit == 0)
		return usage ? 1000000 : 0;
	s = (unsigned __int128)usage * 10000 / limit;
	return s > 1000000 ? 1000000 : (uint32_t)s;
}

#define C(x) (unsigned)((x) / 100), (unsigned)((x) % 100)

enum verdict verdict_explain(const struct verdict_input *in, const struct verdict_thresholds *t,
			     char *buf, size_t sz)
{
	uint32_t us = verdict_usage_share(in->usage, in->limit);
	bool full = in->has_psi && in->has_full;
	char dummy[8];

	if (!buf) {
		buf = dummy;
		sz = sizeof(dummy);
	}
	/* critical: the kernel already killed, or tasks spend a fifth of the time fully stalled */
	if (in->oom_kills > 0) {
		xsnprintf(buf, sz, "%llu OOM kill%s in the interval", (unsigned long long)in->oom_kills,
			  in->oom_kills == 1 ? "" : "s");
		return VERDICT_CRITICAL;
	}
	if (full && in->full_share >= t->critical_full) {
		xsnprintf(buf, sz, "full stall %u.%02u %% >= %u.%02u %%", C(in->full_share),
			  C(t->critical_full));
		return VERDICT_CRITICAL;
	}
	if (in->has_psi && in->some_share >= t->critical_some) {
		xsnprintf(buf, sz, "some stall %u.%02u %% >= %u.%02u %%", C(in->some_share),
			  C(t->critical_some));
		return VERDICT_CRITICAL;
	}
	/* sick: work is measurably lost to memory */
	if (full && in->full_share >= t->sick_full) {
		xsnprintf(buf, sz, "full stall %u.%02u %% >= %u.%02u %%", C(in->full_share),
			  C(t->sick_full));
		return VERDICT_SICK;
	}
	if (in->has_psi && in->some_share >= t->sick_some) {
		xsnprintf(buf, sz, "some stall %u.%02u %% >= %u.%02u %%", C(in->some_share),
			  C(t->sick_some));
		return VERDICT_SICK;
	}
	/* strained: some stall, close to the limit, or throttled by memory.high */
	if (in->has_psi && in->some_share >= t->strained_some) {
		xsnprintf(buf, sz, "some stall %u.%02u %% >= %u.%02u %%", C(in->some_share),
			  C(t->strained_some));
		return VERDICT_STRAINED;
	}
	if (in->high_events > 0) {
		xsnprintf(buf, sz, "%llu memory.high event%s in the interval",
			  (unsigned long long)in->high_events, in->high_events == 1 ? "" : "s");
		return VERDICT_STRAINED;
	}
	if (in->high != SIZE_UNLIMITED && in->usage > in->high) {
		xsnprintf(buf, sz, "usage above memory.high");
		return VERDICT_STRAINED;
	}
	if (us != UINT32_MAX && us >= t->strained_usage) {
		xsnprintf(buf, sz, "usage %u.%02u %% of the limit >= %u.%02u %%", C(us),
			  C(t->strained_usage));
		return VERDICT_STRAINED;
	}
	if (!in->has_psi)
		xsnprintf(buf, sz, "no PSI; usage %s", us == UINT32_MAX ? "unlimited" : "below limits");
	else
		xsnprintf(buf, sz, "some stall %u.%02u %% < %u.%02u %%", C(in->some_share),
			  C(t->strained_some));
	return VERDICT_HEALTHY;
}

enum verdict verdict_of(const struct verdict_input *in, const struct verdict_thresholds *t)
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
		{ "strained_usage", offsetof(struct verdict_thresholds, strained_usage) },
		{ "sick_some", offsetof(struct verdict_thresholds, sick_some) },
		{ "sick_full", offsetof(struct verdict_thresholds, sick_full) },
		{ "critical_some", offsetof(struct verdict_thresholds, critical_some) },
		{ "critical_full", offsetof(struct verdict_thresholds, critical_full) },
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
	if (t.strained_some > t.sick_some || t.sick_some > t.critical_some ||
	    t.sick_full > t.critical_full)
		return -EINVAL;
	*ret = t;
	return 0;
}

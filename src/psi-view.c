// SPDX-License-Identifier: MIT
#include "psi-view.h"

#include <errno.h>
#include <string.h>

#include "oomlab.h"
#include "../lib/banned.h"

const char *fmt_centi(uint32_t c, char *buf, size_t sz)
{
	xsnprintf(buf, sz, "%u.%02u", c / 100, c % 100);
	return buf;
}

const char *fmt_size_short(uint64_t v, bool has, char *buf, size_t sz)
{
	static const char units[] = "KMGTPE";
	unsigned __int128 div = 1024, x10;
	int u = 0;

	if (!has)
		xsnprintf(buf, sz, "-");
	else if (v == SIZE_UNLIMITED)
		xsnprintf(buf, sz, "max");
	else if (v < 1024)
		xsnprintf(buf, sz, "%lluB", (unsigned long long)v);
	else {
		while (u < 5 && v >= div * 1024) {
			div *= 1024;
			u++;
		}
		x10 = (unsigned __int128)v * 10 / div;
		if (x10 >= 1000)
			xsnprintf(buf, sz, "%llu%c", (unsigned long long)(x10 / 10), units[u]);
		else
			xsnprintf(buf, sz, "%llu.%llu%c", (unsigned long long)(x10 / 10),
				  (unsigned long long)(x10 % 10), units[u]);
	}
	return buf;
}

const char *psi_missing_code(int err, const struct cg_layout *l, bool has_file)
{
	if (err == -EOPNOTSUPP)
		return "disabled";
	if (err == -ENOENT && !has_file)
		return l && !l->v2[0] ? "no-cgroup2" : "no-v2-dir";
	if (err == -ENOENT)
		return "unsupported";
	return "unreadable";
}

const char *psi_missing_text(int err, const struct cg_layout *l, const char *name, const char *file,
			     char *buf, size_t sz)
{
	if (err == -EOPNOTSUPP)
		xsnprintf(
			buf, sz,
			"PSI is disabled in this kernel (reading '%s' fails with EOPNOTSUPP: psi=0 "
			"or CONFIG_PSI_DEFAULT_DISABLED, as on RHEL/CentOS). Still shown: usage, "
			"limits, OOM kills; the verdict uses only those. To enable: add psi=1 to the "
			"kernel command line and reboot.",
			file);
	else if (err == -ENOENT && (!file || !*file) && l && !l->v2[0])
		xsnprintf(
			buf, sz,
			"no per-cgroup PSI: this host has no cgroup2 tree (pure cgroup v1); "
			"per-cgroup memory.pressure exists only in cgroup2. Still shown: usage, "
			"limits, OOM kills; system-wide pressure: 'oomlab psi'. To enable: boot with "
			"systemd.unified_cgroup_hierarchy=1 (or mount cgroup2 for a hybrid layout).");
	else if (err == -ENOENT && (!file || !*file))
		xsnprintf(
			buf, sz,
			"no per-cgroup PSI for '%s': it has no directory in the cgroup2 tree '%s'. "
			"Still shown: usage, limits, OOM kills. To get PSI, the processes must also "
			"join '%s%s' (oomlab run does this on hybrid hosts).",
			name, l ? l->v2 : "", l ? l->v2 : "", strcmp(name, "/") == 0 ? "" : name);
	else if (err == -ENOENT)
		xsnprintf(buf, sz,
			  "no '%s': this kernel has no per-cgroup PSI (needs Linux 4.20 with "
			  "CONFIG_PSI). Still shown: usage, limits, OOM kills.",
			  file);
	else
		xsnprintf(buf, sz, "cannot read '%s': %s. Still shown: usage, limits, OOM kills.",
			  file, strerror(-err));
	return buf;
}

int cli_parse_thresholds(struct cli *cli, const char *arg, struct verdict_thresholds *t)
{
	const struct verdict_thresholds *d = &verdict_default_thresholds;
	char a[7][16];

	if (verdict_thresholds_parse(arg, t) < 0)
		/* the keys and defaults from the code: tests compare them with the manuals */
		return cli_usage_error(cli,
				       "invalid thresholds '%s': expected KEY=PERCENT[,...], keys "
				       "(defaults): strained_some=%s, sick_some=%s, sick_full=%s, "
				       "critical_full=%s, strained_unreclaimable=%s, "
				       "sick_unreclaimable=%s, critical_unreclaimable=%s; ordered "
				       "strained <= sick <= critical",
				       arg, fmt_centi(d->strained_some, a[0], 16),
				       fmt_centi(d->sick_some, a[1], 16),
				       fmt_centi(d->sick_full, a[2], 16),
				       fmt_centi(d->critical_full, a[3], 16),
				       fmt_centi(d->strained_unreclaimable, a[4], 16),
				       fmt_centi(d->sick_unreclaimable, a[5], 16),
				       fmt_centi(d->critical_unreclaimable, a[6], 16));
	return 0;
}

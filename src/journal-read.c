// SPDX-License-Identifier: MIT
/*
 * `oomlab why --journal`: the kernel's records of the systemd journal (sd-journal,
 * _TRANSPORT=kernel), this boot, an earlier one, or all of them, from the system journal or
 * from given .journal files. After a reboot this is where yesterday's kill is.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#ifdef OOMLAB_HAVE_SYSTEMD
#include <systemd/sd-id128.h>
#include <systemd/sd-journal.h>
#endif

#include "explain.h"
#include "../lib/util.h"
#include "../lib/banned.h"

#ifdef OOMLAB_HAVE_SYSTEMD
static bool field(sd_journal *j, const char *name, const char **ret, size_t *len)
{
	const void *d;
	size_t n, kl = strlen(name);

	if (sd_journal_get_data(j, name, &d, &n) < 0 || n <= kl)
		return false;
	*ret = (const char *)d + kl + 1; /* "NAME=value" */
	*len = n - kl - 1;
	return true;
}

/* the boot id of --boot N (0 = the newest boot in the files, -1 the one before, ...) */
static int boot_id(sd_journal *j, int boot, sd_id128_t *ret)
{
	sd_id128_t ids[64];
	size_t n = 0;
	const void *d;
	size_t len;
	int r;

	/* boots in the order of their first entry */
	r = sd_journal_query_unique(j, "_BOOT_ID");
	if (r < 0)
		return r;
	SD_JOURNAL_FOREACH_UNIQUE(j, d, len)
	{
		char s[33];
		if (len != 9 + 32 || n >= ELEMENTSOF(ids))
			continue;
		memcpy(s, (const char *)d + 9, 32);
		s[32] = '\0';
		if (sd_id128_from_string(s, &ids[n]) == 0)
			n++;
	}
	if (n == 0)
		return -ENODATA;
	/* order by each boot's first realtime stamp */
	{
		uint64_t first[64];
		for (size_t i = 0; i < n; i++) {
			char m[64];
			first[i] = UINT64_MAX;
			xsnprintf(m, sizeof(m), "_BOOT_ID=%s", SD_ID128_TO_STRING(ids[i]));
			sd_journal_flush_matches(j);
			if (sd_journal_add_match(j, m, 0) == 0 && sd_journal_seek_head(j) == 0 &&
			    sd_journal_next(j) > 0)
				(void)sd_journal_get_realtime_usec(j, &first[i]);
		}
		sd_journal_flush_matches(j);
		for (size_t i = 1; i < n; i++)
			for (size_t k = i; k > 0 && first[k] < first[k - 1]; k--) {
				uint64_t t = first[k];
				sd_id128_t id = ids[k];
				first[k] = first[k - 1];
				ids[k] = ids[k - 1];
				first[k - 1] = t;
				ids[k - 1] = id;
			}
	}
	if (boot > 0 || (size_t)(-boot) >= n)
		return -ENOENT;
	*ret = ids[n - 1 - (size_t)(-boot)];
	return 0;
}

int explain_journal(struct oomreport *rep, const struct collect_opts *o, struct collect_info *info)
{
	sd_journal *j = NULL;
	int r;

	if (o->journal_files && o->journal_files[0])
		r = sd_journal_open_files(&j, (const char **)o->journal_files, 0);
	else if (o->journal_dir)
		r = sd_journal_open_directory(&j, o->journal_dir, 0);
	else
		r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM);
	if (r < 0)
		return r;
	if (!o->all_boots) {
		sd_id128_t id;
		char m[64];

		if (o->boot == 0 && !(o->journal_files && o->journal_files[0]) && !o->journal_dir)
			r = sd_id128_get_boot(&id);
		else
			r = boot_id(j, o->boot, &id);
		if (r < 0)
			goto out;
		xsnprintf(m, sizeof(m), "_BOOT_ID=%s", SD_ID128_TO_STRING(id));
		r = sd_journal_add_match(j, m, 0);
		if (r < 0)
			goto out;
		r = sd_journal_add_conjunction(j);
		if (r < 0)
			goto out;
	}
	r = sd_journal_add_match(j, "_TRANSPORT=kernel", 0);
	if (r < 0)
		goto out;
	r = sd_journal_seek_head(j);
	if (r < 0)
		goto out;
	(void)sd_journal_set_data_threshold(j, 16384);
	while ((r = sd_journal_next(j)) > 0) {
		struct oomreport_meta m = { .kernel = true };
		const char *msg, *v;
		size_t len, vl;
		uint64_t t;

		info->journal_entries++;
		if (!field(j, "MESSAGE", &msg, &len))
			continue;
		if (field(j, "_SOURCE_MONOTONIC_TIMESTAMP", &v, &vl)) {
			char b[24];
			if (vl < sizeof(b)) {
				memcpy(b, v, vl);
				b[vl] = '\0';
				m.have_ts = parse_u64(b, &m.ts_us) == 0;
			}
		}
		if (sd_journal_get_realtime_usec(j, &t) == 0 && t <= INT64_MAX) {
			m.have_wall = true;
			m.wall_us = (int64_t)t;
		}
		m.lineno = info->journal_entries;
		oomreport_feed_entry(rep, msg, len, &m);
	}
out:
	sd_journal_close(j);
	return r < 0 ? r : 0;
}
#else
int explain_journal(struct oomreport *rep, const struct collect_opts *o, struct collect_info *info)
{
	(void)rep;
	(void)o;
	(void)info;
	return -EPROTONOSUPPORT;
}
#endif

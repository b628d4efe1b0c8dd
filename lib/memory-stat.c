// SPDX-License-Identifier: MIT
#include "memory-stat.h"

#include <errno.h>
#include <string.h>

#include "util.h"
#include "banned.h"

/*
 * Find "key<sep>value" at the start of a line. sep is ' ' for cgroup files; for meminfo it is
 * ':' followed by blanks and an optional " kB". Returns -ENOENT, -EINVAL (malformed or duplicate).
 */
static int find_value(const char *buf, const char *key, bool meminfo, uint64_t *ret)
{
	size_t kl = strlen(key);
	const char *line = buf;
	bool found = false;
	uint64_t v = 0;

	while (*line) {
		const char *nl = strchr(line, '\n');
		const char *end = nl ? nl : line + strlen(line);

		if ((size_t)(end - line) > kl && memcmp(line, key, kl) == 0 &&
		    line[kl] == (meminfo ? ':' : ' ')) {
			const char *p = line + kl + 1, *q;
			uint64_t mul = 1;
			if (found)
				return -EINVAL;
			while (p < end && *p == ' ')
				p++;
			q = p;
			while (q < end && *q >= '0' && *q <= '9')
				q++;
			if (meminfo && end - q == 3 && memcmp(q, " kB", 3) == 0)
				mul = 1024;
			else if (q != end)
				return -EINVAL;
			if (parse_u64_n(p, (size_t)(q - p), &v) < 0)
				return -EINVAL;
			if (mul != 1 && v > UINT64_MAX / mul)
				return -ERANGE;
			v *= mul;
			found = true;
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	if (!found)
		return -ENOENT;
	*ret = v;
	return 0;
}

int kv_get(const char *buf, const char *key, uint64_t *ret)
{
	return find_value(buf, key, false, ret);
}

int memcg_events_parse(const char *buf, struct memcg_events *ret)
{
	struct memcg_events e = { 0 };
	int r;

	if ((r = kv_get(buf, "low", &e.low)) < 0 || (r = kv_get(buf, "high", &e.high)) < 0 ||
	    (r = kv_get(buf, "max", &e.max)) < 0 || (r = kv_get(buf, "oom", &e.oom)) < 0 ||
	    (r = kv_get(buf, "oom_kill", &e.oom_kill)) < 0)
		return r == -ENOENT ? -EINVAL : r;
	r = kv_get(buf, "oom_group_kill", &e.oom_group_kill);
	if (r == 0)
		e.has_oom_group_kill = true;
	else if (r != -ENOENT)
		return r;
	*ret = e;
	return 0;
}

int memcg_oom_control_parse(const char *buf, struct memcg_oom_control *ret)
{
	struct memcg_oom_control o = { 0 };
	uint64_t v;
	int r;

	r = kv_get(buf, "oom_kill_disable", &v);
	if (r < 0 || v > 1)
		return -EINVAL;
	o.oom_kill_disable = v;
	r = kv_get(buf, "under_oom", &v);
	if (r < 0 || v > 1)
		return -EINVAL;
	o.under_oom = v;
	r = kv_get(buf, "oom_kill", &o.oom_kill);
	if (r == 0)
		o.has_oom_kill = true;
	else if (r != -ENOENT)
		return r;
	*ret = o;
	return 0;
}

int memcg_stat_parse(const char *buf, bool v2, struct memcg_stat *ret)
{
	struct memcg_stat s = { 0 };
	int r;

	if (v2) {
		if ((r = kv_get(buf, "anon", &s.anon)) < 0 ||
		    (r = kv_get(buf, "file", &s.file)) < 0)
			return r == -ENOENT ? -EINVAL : r;
		r = kv_get(buf, "shmem", &s.shmem);
		if (r < 0 && r != -ENOENT)
			return r;
		r = kv_get(buf, "kernel", &s.kernel);
		if (r == 0)
			s.has_kernel = true;
		else if (r != -ENOENT)
			return r;
	} else {
		/* total_* include descendants; a leaf's own rss/cache equal them */
		r = kv_get(buf, "total_rss", &s.anon);
		if (r == -ENOENT)
			r = kv_get(buf, "rss", &s.anon);
		if (r < 0)
			return r == -ENOENT ? -EINVAL : r;
		r = kv_get(buf, "total_cache", &s.file);
		if (r == -ENOENT)
			r = kv_get(buf, "cache", &s.file);
		if (r < 0)
			return r == -ENOENT ? -EINVAL : r;
		r = kv_get(buf, "total_shmem", &s.shmem);
		if (r == -ENOENT)
			r = kv_get(buf, "shmem", &s.shmem);
		if (r < 0 && r != -ENOENT)
			return r;
	}
	*ret = s;
	return 0;
}

int meminfo_parse(const char *buf, struct meminfo *ret)
{
	struct meminfo m = { 0 };
	int r;

	if ((r = find_value(buf, "MemTotal", true, &m.total)) < 0 ||
	    (r = find_value(buf, "MemFree", true, &m.free)) < 0)
		return r == -ENOENT ? -EINVAL : r;
	r = find_value(buf, "MemAvailable", true, &m.available);
	if (r == 0)
		m.has_available = true;
	else if (r != -ENOENT)
		return r;
	r = find_value(buf, "SwapTotal", true, &m.swap_total);
	if (r < 0 && r != -ENOENT)
		return r;
	r = find_value(buf, "SwapFree", true, &m.swap_free);
	if (r < 0 && r != -ENOENT)
		return r;
	*ret = m;
	return 0;
}

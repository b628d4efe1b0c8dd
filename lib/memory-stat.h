/* SPDX-License-Identifier: MIT */
/*
 * Parsers for the memory controller's flat-keyed files and /proc/meminfo. All are pure: they
 * take the file's text. A key that appears twice is malformed (-EINVAL), a value that is not a
 * decimal u64 is malformed, a missing key is -ENOENT.
 */
#ifndef OOMLAB_MEMSTAT_H
#define OOMLAB_MEMSTAT_H

#include <stdbool.h>
#include <stdint.h>

/* "key value\n" lines (memory.stat, memory.events, memory.oom_control). */
int kv_get(const char *buf, const char *key, uint64_t *ret);

/* memory.events (v2) */
struct memcg_events {
	uint64_t low, high, max, oom, oom_kill, oom_group_kill;
	bool has_oom_group_kill; /* 5.17+ */
};
int memcg_events_parse(const char *buf, struct memcg_events *ret);

/* memory.oom_control (v1) */
struct memcg_oom_control {
	bool oom_kill_disable, under_oom;
	uint64_t oom_kill; /* 4.13+ */
	bool has_oom_kill;
};
int memcg_oom_control_parse(const char *buf, struct memcg_oom_control *ret);

/* anon / file / shmem of a memcg, in bytes, v1 or v2 memory.stat */
struct memcg_stat {
	uint64_t anon, file, shmem, kernel;
	bool has_kernel;
};
/* v2: anon, file, shmem (file includes shmem). v1: total_rss/total_cache/total_shmem
 * (hierarchical) when present, else rss/cache/shmem. */
int memcg_stat_parse(const char *buf, bool v2, struct memcg_stat *ret);

/* /proc/meminfo, bytes */
struct meminfo {
	uint64_t total, free, available, swap_total, swap_free;
	bool has_available; /* 3.14+ */
};
int meminfo_parse(const char *buf, struct meminfo *ret);

#endif

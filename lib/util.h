/* SPDX-License-Identifier: MIT */
/*
 * Small checked helpers shared by the library and the binary: number, size and duration
 * parsing, whole-file reads and single-write file updates, a monotonic clock in µs.
 * Everything returns >= 0 on success and -errno on failure and writes ret_* only on success.
 */
#ifndef OOMLAB_UTIL_H
#define OOMLAB_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))
#define UNUSED __attribute__((unused))

/* "unlimited" for byte counts (v2 "max", v1 PAGE_COUNTER_MAX*PAGE_SIZE). */
#define SIZE_UNLIMITED UINT64_MAX
/*
 * The largest size a user may give as a number: a v1 limit of 2^62 or more reads back as "no
 * limit" (PAGE_COUNTER_MAX), so 4 EiB and above would silently mean unlimited. "max" says that.
 */
#define SIZE_LIMIT_MAX ((1ULL << 62) - 1)
#define SIZE_LIMIT_MAX_TEXT "4 EiB"
/*
 * The longest duration: 100 years in µs. Any sum of it with a clock in µs (CLOCK_MONOTONIC,
 * CLOCK_REALTIME ~2^51 µs today) or with another duration stays far below 2^64.
 */
#define DURATION_MAX_US (100ULL * 365 * 24 * 3600 * 1000000)
#define DURATION_MAX_TEXT "100 years"

/* cleanup helpers */
static inline void freep(void *p)
{
	extern void free(void *);
	free(*(void **)p);
}
void closep(int *fd);
void fclosep(FILE **f);
#define _cleanup_free_ __attribute__((cleanup(freep)))
#define _cleanup_close_ __attribute__((cleanup(closep)))
#define _cleanup_fclose_ __attribute__((cleanup(fclosep)))

/* Decimal unsigned 64-bit: no sign, no blanks, no trailing junk, overflow -> -ERANGE. */
int parse_u64(const char *s, uint64_t *ret);
/* Same, for a span of len bytes (need not be NUL terminated). */
int parse_u64_n(const char *s, size_t len, uint64_t *ret);
int parse_i64(const char *s, int64_t *ret);
int parse_int(const char *s, int *ret);
/*
 * Sizes: "512M", "1.5G", "512MiB", "64k", "4096", "max" (-> SIZE_UNLIMITED). Suffixes are
 * binary (K/M/G/T = 1024^n, with or without "i"/"iB"/"B"). Fractions are exact to the byte
 * (rounded down). Zero is accepted here; callers decide if it is meaningful. Above
 * SIZE_LIMIT_MAX: -ERANGE.
 */
int parse_size(const char *s, uint64_t *ret);
/* Rates: "50M/s", "1M/20ms" -> bytes per second. */
int parse_rate(const char *s, uint64_t *ret_bytes_per_sec);
/* Durations: "250ms", "2s", "1.5s", "500us", "1m", "1h", plain number = seconds. -> µs.
 * Above DURATION_MAX_US: -ERANGE. */
int parse_duration_us(const char *s, uint64_t *ret);

/* "64.0 MiB" style, for humans. buf >= 32 bytes. */
const char *format_bytes(uint64_t bytes, char *buf, size_t sz);

/*
 * Read a whole (virtual) file into buf, NUL terminated. Kernel files in /proc and cgroupfs are
 * produced in one read for sizes below a page; we loop until EOF anyway so larger files
 * (memory.stat is ~1.5 KiB, /proc/meminfo ~1.5 KiB) are never cut. Returns bytes read or
 * -errno; -EFBIG if the file does not fit.
 */
ssize_t read_file(const char *path, char *buf, size_t sz);
/* Same with a malloc'ed buffer that grows (for files of unknown size). */
ssize_t read_file_alloc(const char *path, char **ret_buf);
/* One unbuffered write() of s into an existing file; returns 0 or -errno of that write. */
int write_file(const char *path, const char *s);

/* Monotonic time in µs. */
uint64_t now_us(void);
/* Realtime in µs. */
uint64_t realtime_us(void);

/* Join: snprintf into buf, -ENAMETOOLONG if truncated. */
int path_join(char *buf, size_t sz, const char *a, const char *b);
int xsnprintf(char *buf, size_t sz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Strip trailing newline(s) / blanks in place. */
char *strip_trailing(char *s);

/*
 * The one routine for text that goes to a terminal (cgroup names, comms, paths): control bytes
 * (C0, DEL, C1 also when UTF-8 encoded), bytes that are not valid UTF-8 and the bidirectional
 * overrides become \xNN / \u{NNNN}; everything else is copied. Never cuts a sequence; a result
 * that does not fit ends in "...". buf >= 4 bytes; returns buf.
 */
const char *term_safe(const char *s, char *buf, size_t sz);
const char *term_safe_n(const char *s, size_t len, char *buf, size_t sz);
/* The same, backslash too as \x5c when asked (the output layer: "\x0a" in a comm is not a
 * newline) */
const char *term_escape(const char *s, size_t len, char *buf, size_t sz, bool backslash);
/* Length of the valid UTF-8 sequence at s (1..4), 0 if invalid; *ret_cp the code point. */
size_t utf8_seq(const unsigned char *s, size_t avail, uint32_t *ret_cp);
bool startswith(const char *s, const char *prefix);

#endif

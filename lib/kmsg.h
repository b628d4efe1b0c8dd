/* SPDX-License-Identifier: MIT */
/*
 * The kernel log, two ways in.
 *
 * 1. /dev/kmsg records: "PRI,SEQ,TS_US,FLAGS[,...];TEXT\n" followed by optional dictionary
 *    lines that start with a space (" SUBSYSTEM=virtio"). One record per read(); the buffer
 *    must hold a whole record (KMSG_RECORD_MAX); EPIPE means records were overwritten.
 *    Non-printable bytes of TEXT arrive escaped as \xNN (backslash itself as \x5c).
 * 2. Text logs (dmesg, dmesg -T, dmesg -r, journalctl -k in short/short-iso/short-precise,
 *    syslog/kern.log, raw kmsg records saved to a file, pasted reports): one line at a time,
 *    with every known prefix stripped (kmsg_strip_prefix).
 *
 * Everything here except kmsg_reader_* is a pure parser over a buffer (unit tests, fuzzers).
 */
#ifndef OOMLAB_KMSG_H
#define OOMLAB_KMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* printk's record limit is 1024 bytes of text plus dictionary; 8 KiB always holds one. */
#define KMSG_RECORD_MAX 8192

struct kmsg_record {
	int level;    /* 0..7 */
	int facility; /* 0 = kernel */
	uint64_t seq;
	uint64_t ts_us;	  /* local_clock() at printk time, µs since boot */
	bool cont;	  /* flag 'c': a fragment of a continued line (old kernels) */
	const char *text; /* points into the buffer; still \xNN-escaped */
	size_t len;
};

/* Parse one record (what one read() of /dev/kmsg returned). -EINVAL if it is not a record. */
int kmsg_parse_record(const char *buf, size_t len, struct kmsg_record *ret);

/*
 * Undo /dev/kmsg's \xNN escaping of s[0..len) into out (always NUL terminated, cut at
 * outsz-1). Returns the length written. Other backslashes are copied as they are.
 */
size_t kmsg_unescape(const char *s, size_t len, char *out, size_t outsz);

/*
 * A wall-clock date as a log wrote it. Syslog's "Nov 25 10:00:00" has no year and no zone:
 * kmsg_wall_to_us() takes the year and the local offset from the caller.
 */
struct log_wall {
	bool have; /* a date was read */
	bool have_year, have_tz;
	bool epoch; /* epoch_us is set directly (short-unix, journal fields) */
	int year, mon, mday, hour, min, sec; /* mon 1..12 */
	uint32_t usec;
	int tz_min; /* offset east of UTC in minutes (valid if have_tz) */
	int64_t epoch_us;
};
/* µs since the epoch; -ENODATA without a date, -ERANGE for an impossible one */
int kmsg_wall_to_us(const struct log_wall *w, int default_year, long tz_local_min, int64_t *ret);

/* A date at s ("Wed 2026-11-25 10:00:00.1 UTC", ISO, ctime, "Nov 25 10:00:00"): its length, 0 if none. */
size_t kmsg_parse_date(const char *s, size_t len, struct log_wall *ret);

/* One line of a text log after prefix stripping. */
struct log_line {
	const char *text; /* the kernel's message text (points into the input line) */
	size_t len;
	uint64_t ts_us; /* from "[ 4521.883412]" or a raw record; valid if have_ts */
	uint64_t seq;	/* from a raw record; valid if have_seq */
	int level;	/* from "<3>" or a raw record, -1 if unknown */
	int facility;	/* from "<PRI>" or a raw record (0 = kernel, or not said) */
	bool have_ts, have_seq;
	bool raw_record;      /* came as "3,1234,5678901,-;text": \xNN escapes apply */
	bool had_prefix;      /* some prefix was stripped (a console-wrapped tail has none) */
	bool foreign;	      /* a line from a program other than the kernel (tag in .tag) */
	bool kernel_tag;      /* a syslog/journal "kernel:" tag was seen */
	bool dict;	      /* a raw-record dictionary line (" KEY=value"): not text */
	bool anchored;	      /* .text starts with the kernel's OOM vocabulary (kmsg.c anchors) */
	bool mention;	      /* the line names a kill, a selection, a summary or a header */
	struct log_wall wall; /* the line's date, if it has one */
	char tag[32];	      /* the foreign program's tag ("earlyoom", "facility") */
};

/*
 * Find the kernel's text in one log line (line[0..len), without its newline). First the
 * decoration of a paste ("> ", indentation, line numbers, code fences) and every known
 * prefix are stripped:
 *   raw kmsg records "3,1234,5678901,-;"   syslog priorities "<3>", RFC 5424 "<3>1 ISO host app - - - "
 *   "[ 4521.883412]" "[Mon Nov 25 10:00:00 2026]" "[2026-11-25T10:00:00,123456+00:00]"
 *   dmesg -d/-H/reltime/delta "[ 1.0 <  0.1>]" "[  +0.000123]" "[Nov25 10:00]"
 *   caller ids "[T1234]" "[C0]"              dmesg -x "kern  :err   : "
 *   journald/syslog "Nov 25 10:00:00[.123456] host kernel: " (any locale's month names),
 *   ISO "2026-11-25T10:00:00[.frac]+0000 host kernel: ", "Wed 2026-11-25 10:00:00 UTC host kernel: ",
 *   short-unix "1732528800.123456 host kernel: ", netconsole "… 10.0.0.5:6666 [ 1.0] "
 *   pdsh "host: " (before a time stamp)
 * then, if what is left does not start with the kernel's OOM vocabulary, the vocabulary is
 * searched in the line (kmsg_mentions_oom) and whatever stands before it is a prefix, mined
 * for a "[ time]", a "<level>" and a program's "tag[pid]:".
 * Never fails: a line without prefix is returned as it is.
 */
void kmsg_strip_prefix(const char *line, size_t len, struct log_line *ret);

/*
 * The value of "key" in a JSON object s[0..len) (one level is enough for journalctl's
 * flat objects): a string unescaped (\n, \uXXXX, surrogates) into out, an array of byte
 * values (journalctl's MESSAGE that is not UTF-8) as those bytes, another value as its
 * token. Always NUL terminated (NUL bytes become blanks). 0, or -ENOENT.
 */
int kmsg_json_value(const char *s, size_t len, const char *key, char *out, size_t outsz,
		    size_t *ret_len);

/* Does s name a kill, a victim selection, a summary or a report header (anywhere in it)? */
bool kmsg_mentions_oom(const char *s, size_t len);
/*
 * Whether any prefix stripping could find the kernel's OOM text in s: an anchor anywhere, a
 * task-table row, or an escape. false: the line cannot add to a report (one pass, no prefix
 * parsed: the assembler's filter for the lines inside a report).
 */
bool kmsg_may_hold_oom(const char *s, size_t len);

/*
 * Split a buffer into lines without copying: calls fn for each line (without "\n"; a final
 * line without newline counts). Stops and returns fn's value if it returns non-zero.
 */
typedef int (*kmsg_line_fn)(const char *line, size_t len, void *userdata);
int kmsg_for_each_line(const char *buf, size_t len, kmsg_line_fn fn, void *userdata);

/* ---- thin readers ---- */

/*
 * Open /dev/kmsg (path through the caller's host context) read-only, close-on-exec,
 * non-blocking. follow: lseek(SEEK_END) so only new records come. Returns fd or -errno.
 */
int kmsg_open(const char *path, bool follow);
/*
 * Read one record into buf (>= KMSG_RECORD_MAX). Returns its length, 0 if none is ready
 * (EAGAIN), -EPIPE if records were overwritten since the last read (the next read resumes
 * at the oldest record still there), other -errno on error.
 */
ssize_t kmsg_read_record(int fd, char *buf, size_t sz);

/*
 * The one /dev/kmsg read loop: every record ready on fd (non-blocking, kmsg_open) to fn,
 * until none is ready (returns 0), fn returns non-zero (returned), or a read fails (-errno).
 * EPIPE (records overwritten) is counted in *overwritten (may be NULL) and reading goes on.
 * Callers check rec->facility: only the kernel's own records have 0.
 */
typedef int (*kmsg_record_fn)(const struct kmsg_record *rec, void *userdata);
int kmsg_read_all(int fd, kmsg_record_fn fn, void *userdata, uint64_t *overwritten);

#endif

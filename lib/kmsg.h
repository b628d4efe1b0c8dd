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
	int level;		/* 0..7 */
	int facility;		/* 0 = kernel */
	uint64_t seq;
	uint64_t ts_us;		/* local_clock() at printk time, µs since boot */
	bool cont;		/* flag 'c': a fragment of a continued line (old kernels) */
	const char *text;	/* points into the buffer; still \xNN-escaped */
	size_t len;
};

/* Parse one record (what one read() of /dev/kmsg returned). -EINVAL if it is not a record. */
int kmsg_parse_record(const char *buf, size_t len, struct kmsg_record *ret);

/*
 * Undo /dev/kmsg's \xNN escaping of s[0..len) into out (always NUL terminated, cut at
 * outsz-1). Returns the length written. Other backslashes are copied as they are.
 */
size_t kmsg_unescape(const char *s, size_t len, char *out, size_t outsz);

/* One line of a text log after prefix stripping. */
struct log_line {
	const char *text;	/* the kernel's message text (points into the input line) */
	size_t len;
	uint64_t ts_us;		/* from "[ 4521.883412]" or a raw record; valid if have_ts */
	uint64_t seq;		/* from a raw record; valid if have_seq */
	int level;		/* from "<3>" or a raw record, -1 if unknown */
	bool have_ts, have_seq;
	bool raw_record;	/* came as "3,1234,5678901,-;text": \xNN escapes apply */
	bool had_prefix;	/* some prefix was stripped (a console-wrapped tail has none) */
	bool foreign;		/* a syslog/journal line from a program other than the kernel */
	bool dict;		/* a raw-record dictionary line (" KEY=value"): not text */
};

/*
 * Strip every known prefix from one log line (line[0..len), without its newline):
 *   raw kmsg records "3,1234,5678901,-;"   syslog priorities "<3>"
 *   "[ 4521.883412]" "[Mon Nov 25 10:00:00 2026]" "[2026-11-25T10:00:00,123456+00:00]"
 *   caller ids "[T1234]" "[C0]"              dmesg -x "kern  :err   : "
 *   journald/syslog "Nov 25 10:00:00[.123456] host kernel: ", ISO "2026-11-25T10:00:00[.frac]+0000 host kernel: "
 *   dmesg --time-format=iso "2026-11-25T10:00:00,123456+00:00 "
 * Never fails: a line without prefix is returned as it is.
 */
void kmsg_strip_prefix(const char *line, size_t len, struct log_line *ret);

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
 * Read a whole text log: mmap for regular files, read() in 1 MiB chunks for pipes; calls fn
 * for each line. path "-" = stdin. Returns 0, fn's non-zero value, or -errno.
 */
int kmsg_read_log(const char *path, kmsg_line_fn fn, void *userdata);
/* Same, but fn gets whole buffers of complete lines (the mapped file, or stream chunks). */
int kmsg_read_log_chunks(const char *path, kmsg_line_fn fn, void *userdata);

#endif

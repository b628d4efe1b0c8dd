/* SPDX-License-Identifier: MIT */
/*
 * Log files as users have them, into the report assembler (lib/oom-report.h):
 *
 * - the container: plain text, gzip, xz, zstd (by magic bytes, also on stdin), UTF-16 with
 *   or without BOM; binary input of any other kind is refused (-EMEDIUMTYPE);
 * - the form: text lines (every prefix, lib/kmsg.h), or journal entries: journalctl -o
 *   export (binary fields too), -o verbose, -o json / json-pretty / json-seq (MESSAGE as a
 *   string or a byte array); JSON "message" fields of other tools (Kubernetes events,
 *   docker logs) with "\n" escapes inside one line are split into their lines.
 *
 * Streaming and bounded: fixed buffers (about 2 MiB in all), whatever the size of the input.
 */
#ifndef OOMLAB_LOGFORM_H
#define OOMLAB_LOGFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oom-report.h"

struct logform;

enum logform_kind {
	LOGFORM_TEXT = 0,
	LOGFORM_JSON,	 /* journalctl -o json/json-pretty/json-seq, or any JSON */
	LOGFORM_EXPORT,	 /* journalctl -o export */
	LOGFORM_VERBOSE, /* journalctl -o verbose */
};

int logform_new(struct oomreport *rep, struct logform **ret);
void logform_free(struct logform *f);
/* Bytes of the log (any split). */
void logform_feed(struct logform *f, const char *buf, size_t len);
/* End of input: the last line and entry. */
void logform_end(struct logform *f);
enum logform_kind logform_kind(const struct logform *f);
const char *logform_kind_name(enum logform_kind k);

/* What the container was. */
struct logread_info {
	const char *container; /* "text", "gzip", "xz", "zstd", "utf-16le", "utf-16be" */
	uint64_t bytes_in, bytes_out;
};

/*
 * Read a log (path, "-" = stdin) through its decompressor into f. A character device or a
 * FIFO named by path is refused with -ESPIPE unless follow (it may never end); binary input
 * that is none of the known containers gives -EMEDIUMTYPE; a compressed input whose library
 * was not built in gives -EPROTONOSUPPORT; a corrupt one -EBADMSG.
 */
int logread(const char *path, bool follow, struct logform *f, struct logread_info *info);

/*
 * Worker threads for a mapped plain-text file (docs/OOM-REPORT.md, "Speed"): n (0 to 4; 0:
 * none, the parser reads alone), or -1 (the default): none, since they did not win where
 * measured (docs/BENCHMARKS.md, why-throughput). The result is the same with any number.
 */
void logread_set_threads(int n);

/* Is decompression of this container compiled in? ("gzip", "xz", "zstd") */
bool logread_supports(const char *container);

#endif

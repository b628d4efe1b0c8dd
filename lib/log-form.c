// SPDX-License-Identifier: MIT
/* Log containers and forms into the report assembler (see log-form.h, docs/OOM-REPORT.md). */
#include "log-form.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef OOMLAB_HAVE_ZLIB
#include <zlib.h>
#endif
#ifdef OOMLAB_HAVE_LZMA
#include <lzma.h>
#endif
#ifdef OOMLAB_HAVE_ZSTD
#include <zstd.h>
#endif

#include "kmsg.h"
#include "log-scan.h"
#include "util.h"
#include "banned.h"

#define LINE_MAX_LEN (64u << 10) /* a longer line is handed over in pieces */
#define FIELD_MAX 16384		 /* a journal field kept (MESSAGE: printk's limit is 1 KiB) */

struct entry {
	char msg[FIELD_MAX];
	size_t msg_len;
	bool have_msg, have_transport, have_ident, have_fac, have_mono, have_mono2, have_real;
	char transport[16], ident[48];
	int facility;
	uint64_t mono_us, mono2_us;
	int64_t real_us;
	uint64_t lineno;
};

struct logform {
	struct oomreport *rep;
	enum logform_kind kind;
	bool decided;
	char *buf; /* LINE_MAX_LEN: a line cut by the end of a buffer */
	size_t have;
	uint64_t lineno; /* lines of the structured forms */
	struct entry e;
	char val[FIELD_MAX];
	/* export: a binary field "KEY\n<le64 length><data>\n" */
	int bin; /* 0 none, 1 length, 2 data, 3 final newline */
	char bin_key[32];
	unsigned char lenb[8];
	int lenn;
	uint64_t bin_len, bin_got;
	const struct logscan *win; /* the index of the window being fed (mapped reads) */
};

int logform_new(struct oomreport *rep, struct logform **ret)
{
	struct logform *f = calloc(1, sizeof(*f));

	if (!f)
		return -ENOMEM;
	f->buf = malloc(LINE_MAX_LEN);
	if (!f->buf) {
		free(f);
		return -ENOMEM;
	}
	f->rep = rep;
	*ret = f;
	return 0;
}

void logform_free(struct logform *f)
{
	if (!f)
		return;
	free(f->buf);
	free(f);
}

enum logform_kind logform_kind(const struct logform *f)
{
	return f->kind;
}

const char *logform_kind_name(enum logform_kind k)
{
	switch (k) {
	case LOGFORM_JSON:
		return "journal JSON";
	case LOGFORM_EXPORT:
		return "journal export";
	case LOGFORM_VERBOSE:
		return "journal verbose";
	default:
		return "text";
	}
}

/* ---- journal entries ---- */

static bool num_n(const char *s, size_t n, uint64_t *ret)
{
	uint64_t v = 0;

	if (n == 0 || n > 20)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*ret = v;
	return true;
}

static void copy_val(char *dst, size_t sz, const char *s, size_t n)
{
	if (n >= sz)
		n = sz - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* one field of an entry (export, verbose: KEY=value; JSON: parsed by the caller) */
static void entry_field(struct entry *e, const char *k, size_t kl, const char *v, size_t vl)
{
	uint64_t u;

#define KEY(lit) (kl == sizeof(lit) - 1 && memcmp(k, lit, kl) == 0)
	if (KEY("MESSAGE")) {
		if (vl >= sizeof(e->msg))
			vl = sizeof(e->msg) - 1;
		memcpy(e->msg, v, vl);
		e->msg[vl] = '\0';
		e->msg_len = vl;
		e->have_msg = true;
	} else if (KEY("_TRANSPORT")) {
		copy_val(e->transport, sizeof(e->transport), v, vl);
		e->have_transport = true;
	} else if (KEY("SYSLOG_IDENTIFIER")) {
		copy_val(e->ident, sizeof(e->ident), v, vl);
		e->have_ident = true;
	} else if (KEY("SYSLOG_FACILITY") && num_n(v, vl, &u) && u < 24) {
		e->facility = (int)u;
		e->have_fac = true;
	} else if (KEY("_SOURCE_MONOTONIC_TIMESTAMP") && num_n(v, vl, &u)) {
		e->mono_us = u;
		e->have_mono = true;
	} else if (KEY("__MONOTONIC_TIMESTAMP") && num_n(v, vl, &u)) {
		e->mono2_us = u;
		e->have_mono2 = true;
	} else if (KEY("__REALTIME_TIMESTAMP") && num_n(v, vl, &u) && u <= INT64_MAX) {
		e->real_us = (int64_t)u;
		e->have_real = true;
	}
#undef KEY
}

/*
 * An entry is the kernel's when its transport says so (_TRANSPORT=kernel: journald read it
 * from /dev/kmsg with facility 0). Without the trusted field (an excerpt), the identifier or
 * the facility decides; with none of them (another tool's JSON), the text's own prefix does.
 */
static void entry_end(struct logform *f)
{
	struct entry *e = &f->e;
	struct oomreport_meta m = { 0 };
	const char *p, *end;

	if (!e->have_msg) {
		e->have_msg = e->have_transport = e->have_ident = e->have_fac = false;
		e->have_mono = e->have_mono2 = e->have_real = false;
		return;
	}
	if (e->have_transport)
		m.kernel = strcmp(e->transport, "kernel") == 0;
	else if (e->have_ident)
		m.kernel = strcmp(e->ident, "kernel") == 0;
	else if (e->have_fac)
		m.kernel = e->facility == 0;
	else
		m.kernel = true;
	m.tag = e->have_ident ? e->ident : e->have_transport ? e->transport : "journal";
	/* the kernel's own time stamp: _SOURCE_MONOTONIC_TIMESTAMP of a kernel record */
	if (e->have_mono) {
		m.have_ts = true;
		m.ts_us = e->mono_us;
	} else if (e->have_mono2 && e->have_transport) {
		m.have_ts = true;
		m.ts_us = e->mono2_us;
	}
	m.have_wall = e->have_real;
	m.wall_us = e->real_us;
	m.lineno = e->lineno;
	/* a MESSAGE may hold several lines (a JSON "message" of several kernel lines) */
	p = e->msg;
	end = e->msg + e->msg_len;
	while (p <= end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (n || !nl)
			oomreport_feed_entry(f->rep, p, n, &m);
		if (!nl)
			break;
		p = nl + 1;
	}
	e->have_msg = e->have_transport = e->have_ident = e->have_fac = false;
	e->have_mono = e->have_mono2 = e->have_real = false;
	e->msg_len = 0;
}

static void json_field(struct logform *f, const char *line, size_t len, const char *key)
{
	size_t n;

	if (kmsg_json_value(line, len, key, f->val, sizeof(f->val), &n) == 0)
		entry_field(&f->e, key, strlen(key), f->val, n);
}

/*
 * JSON: journalctl -o json (one object per line), json-seq (RS before each), json-pretty
 * (one field per line, "}" ends the object), and other tools' objects with a "message".
 */
static void json_line(struct logform *f, const char *line, size_t len)
{
	static const char *const keys[] = { "_TRANSPORT",
					    "SYSLOG_IDENTIFIER",
					    "SYSLOG_FACILITY",
					    "_SOURCE_MONOTONIC_TIMESTAMP",
					    "__MONOTONIC_TIMESTAMP",
					    "__REALTIME_TIMESTAMP" };
	static const char *const msgkeys[] = { "MESSAGE", "message", "msg", "log" };
	const char *p = line, *end = line + len;
	bool one_line;

	while (p < end && (*p == ' ' || *p == '\t' || *p == '\x1e' || *p == '[' || *p == ','))
		p++;
	if (p >= end)
		return;
	one_line = *p == '{' && memchr(p + 1, '}', (size_t)(end - p - 1));
	if (*p == '{' && !one_line) {
		entry_end(f); /* json-pretty: a new object */
		f->e.lineno = f->lineno;
		return;
	}
	if (*p == '}') {
		entry_end(f);
		return;
	}
	if (one_line)
		f->e.lineno = f->lineno;
	for (size_t i = 0; i < ELEMENTSOF(keys); i++)
		if (memmem(p, (size_t)(end - p), keys[i], strlen(keys[i])))
			json_field(f, p, (size_t)(end - p), keys[i]);
	for (size_t i = 0; i < ELEMENTSOF(msgkeys); i++) {
		size_t n;
		if (memmem(p, (size_t)(end - p), msgkeys[i], strlen(msgkeys[i])) &&
		    kmsg_json_value(p, (size_t)(end - p), msgkeys[i], f->val, sizeof(f->val), &n) ==
			    0) {
			if (!one_line)
				f->e.lineno = f->lineno;
			entry_field(&f->e, "MESSAGE", 7, f->val, n);
			break;
		}
	}
	if (one_line)
		entry_end(f);
	else if (!f->e.have_msg && !memchr(p, ':', (size_t)(end - p)))
		oomreport_feed_line(f->rep, line, len); /* not JSON after all */
}

/* export and verbose: "KEY=value" lines (verbose indents them, a date line starts an entry) */
static void kv_line(struct logform *f, const char *line, size_t len)
{
	const char *p = line, *end = line + len, *eq;

	if (f->kind == LOGFORM_VERBOSE) {
		if (len == 0 || (*p != ' ' && *p != '\t')) {
			struct log_wall w;
			int64_t us;
			entry_end(f);
			/* the entry's header: its date is the record's __REALTIME_TIMESTAMP */
			if (len && kmsg_parse_date(p, len, &w) && w.have_tz &&
			    kmsg_wall_to_us(&w, 1970, 0, &us) == 0) {
				f->e.real_us = us;
				f->e.have_real = true;
			}
			return;
		}
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
	} else if (len == 0) {
		entry_end(f);
		return;
	}
	eq = memchr(p, '=', (size_t)(end - p));
	if (!eq)
		return;
	if (!f->e.have_msg && (size_t)(eq - p) == 7 && memcmp(p, "MESSAGE", 7) == 0)
		f->e.lineno = f->lineno;
	entry_field(&f->e, p, (size_t)(eq - p), eq + 1, (size_t)(end - eq - 1));
}

static void struct_line(struct logform *f, const char *line, size_t len)
{
	f->lineno++;
	if (len && line[len - 1] == '\r')
		len--;
	if (f->kind == LOGFORM_JSON)
		json_line(f, line, len);
	else
		kv_line(f, line, len);
}

/*
 * export's binary fields: "MESSAGE\n" then the length as 64-bit little endian, the bytes,
 * and "\n". A kernel record's MESSAGE is binary when it holds a control byte.
 */
static void export_feed(struct logform *f, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		if (f->bin == 1) {
			f->lenb[f->lenn++] = (unsigned char)*p++;
			if (f->lenn == 8) {
				f->bin_len = 0;
				for (int i = 7; i >= 0; i--)
					f->bin_len = (f->bin_len << 8) | f->lenb[i];
				f->bin_got = 0;
				f->bin = 2;
				f->val[0] = '\0';
			}
			continue;
		}
		if (f->bin == 2) {
			size_t n = (size_t)(end - p);
			if (n > f->bin_len - f->bin_got)
				n = (size_t)(f->bin_len - f->bin_got);
			for (size_t i = 0; i < n; i++)
				if (f->bin_got + i < sizeof(f->val) - 1)
					f->val[f->bin_got + i] = p[i] ? p[i] : ' ';
			f->bin_got += n;
			p += n;
			if (f->bin_got == f->bin_len) {
				size_t vl = f->bin_len < sizeof(f->val) - 1 ? (size_t)f->bin_len :
									      sizeof(f->val) - 1;
				if (strcmp(f->bin_key, "MESSAGE") == 0)
					f->e.lineno = f->lineno;
				entry_field(&f->e, f->bin_key, strlen(f->bin_key), f->val, vl);
				f->bin = 3;
			}
			continue;
		}
		if (f->bin == 3) {
			f->bin = 0;
			if (*p == '\n') {
				p++;
				continue;
			}
		}
		{
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
			if (f->have + n > LINE_MAX_LEN)
				n = f->have < LINE_MAX_LEN ? LINE_MAX_LEN - f->have : 0;
			memcpy(f->buf + f->have, p, n);
			f->have += n;
			if (!nl)
				return;
			p = nl + 1;
			/* a field name alone on its line: a binary field follows */
			if (f->have > 0 && f->have < sizeof(f->bin_key) &&
			    !memchr(f->buf, '=', f->have)) {
				bool key = true;
				for (size_t i = 0; i < f->have; i++)
					if (!((f->buf[i] >= 'A' && f->buf[i] <= 'Z') ||
					      f->buf[i] == '_' ||
					      (f->buf[i] >= '0' && f->buf[i] <= '9')))
						key = false;
				if (key) {
					f->lineno++;
					copy_val(f->bin_key, sizeof(f->bin_key), f->buf, f->have);
					f->bin = 1;
					f->lenn = 0;
					f->have = 0;
					continue;
				}
			}
			struct_line(f, f->buf, f->have);
			f->have = 0;
		}
	}
}

/* ---- detection ---- */

static bool verbose_header(const char *p, const char *end)
{
	/* "Wed 2026-11-25 10:00:00.123456 UTC [s=…;i=…;b=…;m=…;t=…;x=…]" */
	const char *b = memmem(p, (size_t)(end - p), " [s=", 4);
	return b && end - p > 24 && p[3] == ' ' && p[8] == '-' &&
	       memmem(b, (size_t)(end - b), ";i=", 3);
}

static void decide(struct logform *f, const char *p, const char *end)
{
	/* the first line that is not blank */
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == '\x1e'))
		p++;
	if (end - p >= 3 && (unsigned char)p[0] == 0xef && (unsigned char)p[1] == 0xbb &&
	    (unsigned char)p[2] == 0xbf)
		p += 3;
	f->decided = true;
	if (p < end && (*p == '{' || *p == '[')) {
		/* "{" then a key, or "{" / "[" alone on its line (json-pretty, a JSON array) */
		const char *q = p + 1;
		while (q < end && (*q == ' ' || *q == '\t' || *q == '\r'))
			q++;
		if (q < end && *q == '\n') {
			/* "{" alone: json-pretty if the next line is a "key" (not a Go or C block) */
			while (q < end && (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n'))
				q++;
			if (q >= end || *q == '"' || *q == '}' || (*p == '[' && *q == '{'))
				f->kind = LOGFORM_JSON;
		} else if (q >= end || *q == '"' || (*p == '[' && *q == '{')) {
			f->kind = LOGFORM_JSON;
		}
	}
	if (f->kind == LOGFORM_JSON)
		;
	else if ((end - p >= 9 && memcmp(p, "__CURSOR=", 9) == 0) ||
		 (end - p >= 21 && memcmp(p, "__REALTIME_TIMESTAMP=", 21) == 0))
		f->kind = LOGFORM_EXPORT;
	else if (verbose_header(p, memchr(p, '\n', (size_t)(end - p)) ?: end))
		f->kind = LOGFORM_VERBOSE;
	else
		f->kind = LOGFORM_TEXT;
}

/*
 * text: whole lines go to the assembler straight from the caller's buffer (no copy: the
 * bytes a read() just brought are still in the cache); only a line cut by the end of a
 * buffer is carried in f->buf, and a line longer than LINE_MAX_LEN is handed over in pieces.
 */
static void carry(struct logform *f, const char *p, size_t n)
{
	while (n > 0) {
		size_t room = LINE_MAX_LEN - f->have, k = n < room ? n : room;

		memcpy(f->buf + f->have, p, k);
		f->have += k;
		p += k;
		n -= k;
		if (f->have == LINE_MAX_LEN) {
			oomreport_feed_log(f->rep, f->buf, f->have);
			f->have = 0;
		}
	}
}

static void text_piece(struct logform *f, const char *p, size_t len)
{
	const char *end = p + len, *nl;

	if (len == 0)
		return; /* (the end of input: p may be NULL) */
	if (f->have) {
		nl = memchr(p, '\n', len);
		if (!nl) {
			carry(f, p, len);
			return;
		}
		carry(f, p, (size_t)(nl + 1 - p));
		if (f->have) {
			oomreport_feed_log(f->rep, f->buf, f->have);
			f->have = 0;
		}
		p = nl + 1;
	}
	nl = p < end ? memrchr(p, '\n', (size_t)(end - p)) : NULL;
	if (nl) {
		oomreport_feed_log(f->rep, p, (size_t)(nl + 1 - p));
		p = nl + 1;
	}
	carry(f, p, (size_t)(end - p));
}

/* NUL bytes (a syslog file after a crash) end a line */
static void text_feed(struct logform *f, const char *buf, size_t len, bool last)
{
	const char *end = buf + len, *z;
	/* the window's index says whether there is a NUL to look for */
	bool nul = !(len && logscan_covers(f->win, buf) && !f->win->has_nul);

	while (nul && buf < end && (z = memchr(buf, '\0', (size_t)(end - buf))) != NULL) {
		text_piece(f, buf, (size_t)(z - buf));
		text_piece(f, "\n", 1);
		buf = z + 1;
	}
	text_piece(f, buf, (size_t)(end - buf));
	if (last && f->have) {
		oomreport_feed_log(f->rep, f->buf, f->have);
		f->have = 0;
	}
}

static void lines_feed(struct logform *f, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		size_t room = LINE_MAX_LEN - f->have;

		memcpy(f->buf + f->have, p, n < room ? n : room);
		f->have += n < room ? n : room;
		if (!nl)
			return;
		struct_line(f, f->buf, f->have);
		f->have = 0;
		p = nl + 1;
	}
}

void logform_feed(struct logform *f, const char *buf, size_t len)
{
	if (!f->decided) {
		/* decide on the first 4 KiB (or the first line, if longer) */
		size_t n = len < 4096 - f->have ? len : 4096 - f->have;
		memcpy(f->buf + f->have, buf, n);
		f->have += n;
		buf += n;
		len -= n;
		if (f->have < 4096 && !memchr(f->buf, '\n', f->have))
			return;
		if (f->have < 4096 && len == 0 && f->have < 64) {
			/* too little to tell yet, unless this is all */
		}
		decide(f, f->buf, f->buf + f->have);
		{
			char tmp[4096];
			size_t h = f->have;
			memcpy(tmp, f->buf, h);
			f->have = 0;
			logform_feed(f, tmp, h);
		}
	}
	if (!len)
		return;
	switch (f->kind) {
	case LOGFORM_TEXT:
		text_feed(f, buf, len, false);
		break;
	case LOGFORM_EXPORT:
		export_feed(f, buf, len);
		break;
	default:
		lines_feed(f, buf, len);
		break;
	}
}

void logform_end(struct logform *f)
{
	if (!f->decided) {
		char tmp[4096];
		size_t h = f->have;
		decide(f, f->buf, f->buf + f->have);
		memcpy(tmp, f->buf, h);
		f->have = 0;
		logform_feed(f, tmp, h);
	}
	if (f->kind == LOGFORM_TEXT) {
		text_feed(f, NULL, 0, true);
	} else {
		if (f->have && f->bin == 0)
			struct_line(f, f->buf, f->have);
		f->have = 0;
		entry_end(f);
	}
	oomreport_flush(f->rep);
}

/* ---- containers ---- */

#define IN_CHUNK (256u << 10)
#define OUT_CHUNK (256u << 10)

bool logread_supports(const char *c)
{
#ifdef OOMLAB_HAVE_ZLIB
	if (strcmp(c, "gzip") == 0)
		return true;
#endif
#ifdef OOMLAB_HAVE_LZMA
	if (strcmp(c, "xz") == 0)
		return true;
#endif
#ifdef OOMLAB_HAVE_ZSTD
	if (strcmp(c, "zstd") == 0)
		return true;
#endif
	return strcmp(c, "text") == 0 || strncmp(c, "utf-16", 6) == 0;
}

static ssize_t xread(int fd, void *buf, size_t n)
{
	for (;;) {
		ssize_t r = read(fd, buf, n);
		if (r < 0 && errno == EINTR)
			continue;
		return r < 0 ? -errno : r;
	}
}

/* UTF-16 code units to UTF-8; a unit split over two reads is carried */
struct u16 {
	bool be;
	int have;
	unsigned char carry[4];
	char out[OUT_CHUNK * 2];
};

static void u16_feed(struct u16 *u, struct logform *f, const unsigned char *p, size_t n)
{
	size_t o = 0;

	while (n > 0) {
		uint32_t c, c2;
		unsigned char b[4];
		int need;

		while (u->have < 2 && n > 0) {
			u->carry[u->have++] = *p++;
			n--;
		}
		if (u->have < 2)
			break;
		c = u->be ? (uint32_t)(u->carry[0] << 8 | u->carry[1]) :
			    (uint32_t)(u->carry[1] << 8 | u->carry[0]);
		need = (c >= 0xd800 && c < 0xdc00) ? 4 : 2;
		while (u->have < need && n > 0) {
			u->carry[u->have++] = *p++;
			n--;
		}
		if (u->have < need)
			break;
		memcpy(b, u->carry, 4);
		u->have = 0;
		if (need == 4) {
			c2 = u->be ? (uint32_t)(b[2] << 8 | b[3]) : (uint32_t)(b[3] << 8 | b[2]);
			c = (c2 >= 0xdc00 && c2 < 0xe000) ?
				    0x10000 + ((c - 0xd800) << 10) + (c2 - 0xdc00) :
				    0xfffd;
		}
		if (c == 0xfeff)
			continue; /* BOM */
		if (c < 0x80) {
			u->out[o++] = (char)c;
		} else if (c < 0x800) {
			u->out[o++] = (char)(0xc0 | (c >> 6));
			u->out[o++] = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			u->out[o++] = (char)(0xe0 | (c >> 12));
			u->out[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
			u->out[o++] = (char)(0x80 | (c & 0x3f));
		} else {
			u->out[o++] = (char)(0xf0 | (c >> 18));
			u->out[o++] = (char)(0x80 | ((c >> 12) & 0x3f));
			u->out[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
			u->out[o++] = (char)(0x80 | (c & 0x3f));
		}
		if (o + 8 > sizeof(u->out)) {
			logform_feed(f, u->out, o);
			o = 0;
		}
	}
	if (o)
		logform_feed(f, u->out, o);
}

enum container { C_TEXT, C_GZIP, C_XZ, C_ZSTD, C_U16LE, C_U16BE, C_BINARY };

static enum container sniff(const unsigned char *p, size_t n)
{
	size_t ctrl = 0, zodd = 0, zeven = 0, m = n < 4096 ? n : 4096;

	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return C_GZIP;
	if (n >= 6 && memcmp(p,
			     "\xfd"
			     "7zXZ\0",
			     6) == 0)
		return C_XZ;
	if (n >= 4 && memcmp(p, "\x28\xb5\x2f\xfd", 4) == 0)
		return C_ZSTD;
	if (n >= 2 && p[0] == 0xff && p[1] == 0xfe)
		return C_U16LE;
	if (n >= 2 && p[0] == 0xfe && p[1] == 0xff)
		return C_U16BE;
	if (n >= 4 && memcmp(p,
			     "\x7f"
			     "ELF",
			     4) == 0)
		return C_BINARY;
	for (size_t i = 0; i < m; i++) {
		if (p[i] == 0) {
			if (i & 1)
				zodd++;
			else
				zeven++;
		} else if (p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r' &&
			   p[i] != '\f' && p[i] != '\v' && p[i] != 0x1b && p[i] != 0x1e &&
			   p[i] != 0x08) {
			ctrl++;
		}
	}
	/* UTF-16 without BOM: ASCII text with every other byte NUL */
	if (m >= 16 && zodd > m * 4 / 10 && zeven < m / 20)
		return C_U16LE;
	if (m >= 16 && zeven > m * 4 / 10 && zodd < m / 20)
		return C_U16BE;
	if (ctrl * 20 > m)
		return C_BINARY;
	return C_TEXT;
}

/*
 * A regular text file is read through a window of its mapping, MAP_WINDOW at a time: no copy
 * (read() copies every byte out of the page cache once more), and the resident set stays
 * one window however large the file. Each window is handed over in pieces of IN_CHUNK, whose
 * bytes stay in the CPU cache between the NUL check and the scan.
 *
 * A file truncated while mapped (logrotate's copytruncate) raises SIGBUS at the first page
 * past its new end: the handler jumps back here and the read ends there, as a read() would
 * have seen the shorter file. The handler is ours only for the duration of the call and only
 * for this thread's accesses to the window; any other SIGBUS gets the default action.
 * Returns the offset reached, the caller read()s on from there (what was appended since).
 */
#define MAP_WINDOW (2u << 20)
static __thread sigjmp_buf *map_jump;

static void map_sigbus(int sig)
{
	if (map_jump)
		siglongjmp(*map_jump, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * Worker threads (docs/OOM-REPORT.md, "Speed"): on a large file, up to WORKERS_MAX threads
 * map the windows ahead of the parser, in order, each into one of a few slots, and index them
 * (lib/log-scan.h: the NUL check, the newline count, the needles, the filter of the lines after
 * them: the passes over every byte). The one parser then takes the windows in file order and
 * feeds them exactly as it would without workers, asking the index instead of reading the
 * bytes: the output is the same. The resident set holds at most the slots' windows.
 */
#define SMALL_FILE (8u << 20) /* smaller: no worker */
#define WORKERS_MAX 4
#define SLOTS_MAX (WORKERS_MAX + 2)

static int threads_wanted = -1;

void logread_set_threads(int n)
{
	threads_wanted = n < 0 ? -1 : n > WORKERS_MAX ? WORKERS_MAX : n;
}

struct slot {
	struct logscan idx;
	char *m; /* the indexed window, or NULL: the parser maps it itself */
	uint64_t k;
	bool ready;
	char *old; /* the window the parser is done with: unmapped by the next worker here */
	uint64_t old_len;
};

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int fd;
	uint64_t ws0, size, nwin;
	uint64_t claim;	   /* the next window a worker takes */
	uint64_t released; /* windows the parser is done with */
	bool stop, joined;
	unsigned nslots, nthreads;
	struct slot slot[SLOTS_MAX];
	pthread_t th[WORKERS_MAX];
};

static void win_span(const struct pool *p, uint64_t k, uint64_t *ws, uint64_t *wl)
{
	*ws = p->ws0 + k * MAP_WINDOW;
	*wl = p->size - *ws < MAP_WINDOW ? p->size - *ws : MAP_WINDOW;
}

/* the index, or -EFAULT when the file shrank under the mapping (SIGBUS) */
static int build_guarded(struct logscan *idx, const char *m, size_t wl)
{
	sigjmp_buf jb;
	int r;

	if (sigsetjmp(jb, 1)) {
		map_jump = NULL;
		return -EFAULT;
	}
	map_jump = &jb;
	r = logscan_build(idx, m, wl);
	map_jump = NULL;
	return r;
}

static void *worker(void *arg)
{
	struct pool *p = arg;

	for (;;) {
		uint64_t k, ws, wl, old_len;
		struct slot *sl;
		char *m, *old;

		pthread_mutex_lock(&p->mu);
		while (!p->stop && p->claim < p->nwin && p->claim >= p->released + p->nslots)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->stop || p->claim >= p->nwin) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		k = p->claim++;
		sl = &p->slot[k % p->nslots];
		old = sl->old;
		old_len = sl->old_len;
		sl->old = NULL;
		pthread_mutex_unlock(&p->mu);
		/* the unmapping (page tables, page references) off the parser's time */
		if (old)
			munmap(old, old_len);
		win_span(p, k, &ws, &wl);
		m = mmap(NULL, wl, PROT_READ, MAP_PRIVATE, p->fd, (off_t)ws);
		if (m == MAP_FAILED) {
			m = NULL;
		} else {
			(void)madvise(m, wl, MADV_SEQUENTIAL);
			if (build_guarded(&sl->idx, m, wl) < 0) {
				munmap(m, wl);
				m = NULL;
			}
		}
		pthread_mutex_lock(&p->mu);
		sl->m = m;
		sl->k = k;
		sl->ready = true;
		if (!m)
			p->stop = true; /* the parser goes on alone from window k */
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
}

__attribute__((noinline)) static struct pool *pool_start(int fd, uint64_t size, uint64_t start,
							 uint64_t page)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int n = threads_wanted;
	struct pool *p;

	/*
	 * The default: one worker per CPU beside the parser's (the parser is a thread too), at most
	 * WORKERS_MAX, from SMALL_FILE on. On the free 2-vCPU machine of docs/BENCHMARKS.md one
	 * worker took 0.71-0.78x grep's time on 256 MiB and 1 GiB against 1.0-1.2x without, and two
	 * were no faster than one. With the other CPUs busy they lose (8-14% slower, measured while
	 * other builds ran): OOMLAB_WHY_THREADS=0 turns them off.
	 */
	if (n < 0)
		n = size - start < SMALL_FILE || cpus < 2 ? 0 :
		    cpus - 1 < WORKERS_MAX		  ? (int)cpus - 1 :
							    WORKERS_MAX;
	if (n == 0 || start >= size)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->fd = fd;
	p->size = size;
	p->ws0 = start & ~(page - 1);
	p->nwin = (size - p->ws0 + MAP_WINDOW - 1) / MAP_WINDOW;
	p->nslots = (unsigned)n + 2;
	for (int i = 0; i < n; i++) {
		if (pthread_create(&p->th[i], NULL, worker, p) != 0)
			break;
		p->nthreads++;
	}
	if (p->nthreads == 0) {
		pthread_cond_destroy(&p->cv);
		pthread_mutex_destroy(&p->mu);
		free(p);
		return NULL;
	}
	return p;
}

/* stop the workers, drop the windows nobody took */
static void pool_join(struct pool *p)
{
	if (p->joined)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	for (unsigned i = 0; i < p->nthreads; i++)
		pthread_join(p->th[i], NULL);
	p->joined = true;
	for (unsigned i = 0; i < p->nslots; i++) {
		struct slot *sl = &p->slot[i];
		uint64_t ws, wl;
		if (sl->ready && sl->m) {
			win_span(p, sl->k, &ws, &wl);
			munmap(sl->m, wl);
		}
		if (sl->old)
			munmap(sl->old, sl->old_len);
		sl->old = NULL;
		sl->m = NULL;
		sl->ready = false;
	}
}

static void pool_free(struct pool *p)
{
	if (!p)
		return;
	pool_join(p);
	for (unsigned i = 0; i < p->nslots; i++)
		logscan_free(&p->slot[i].idx);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

/* window k, mapped and indexed (then the parser owns the mapping), or NULL: map it yourself */
static char *pool_get(struct pool *p, uint64_t k, struct logscan **idx)
{
	struct slot *sl;
	char *m;

	if (!p || p->joined)
		return NULL;
	sl = &p->slot[k % p->nslots];
	pthread_mutex_lock(&p->mu);
	while (!(sl->ready && sl->k == k) && !(p->stop && p->claim <= k))
		pthread_cond_wait(&p->cv, &p->mu);
	m = sl->ready && sl->k == k ? sl->m : NULL;
	sl->m = NULL;
	pthread_mutex_unlock(&p->mu);
	if (!m) {
		pool_join(p);
		return NULL;
	}
	*idx = &sl->idx;
	return m;
}

/* the parser is done with window k, mapped at m */
static void pool_release(struct pool *p, uint64_t k, char *m, uint64_t wl)
{
	pthread_mutex_lock(&p->mu);
	p->slot[k % p->nslots].ready = false;
	p->slot[k % p->nslots].old = m;
	p->slot[k % p->nslots].old_len = wl;
	p->released = k + 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

static int map_text(int fd, uint64_t size, uint64_t start, struct logform *f,
		    struct logread_info *info)
{
	const uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	struct sigaction sa = { .sa_handler = map_sigbus }, old;
	volatile uint64_t pos = start, k = 0;
	volatile bool shrank = false;
	char *volatile m = NULL;
	volatile uint64_t wl = 0;
	struct pool *pl;
	sigjmp_buf jb;

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, &old) < 0)
		return 0; /* read() it all */
	pl = pool_start(fd, size, start, page);
	if (sigsetjmp(jb, 1)) {
		/* SIGBUS: the file is shorter than it was */
		map_jump = NULL;
		f->win = NULL;
		oomreport_set_window(f->rep, NULL);
		munmap(m, wl);
		shrank = true;
	}
	while (!shrank && pos < size) {
		uint64_t ws = pos & ~(page - 1);
		struct logscan *idx = NULL;

		wl = size - ws < MAP_WINDOW ? size - ws : MAP_WINDOW;
		m = pool_get(pl, k, &idx);
		if (!m) {
			m = mmap(NULL, wl, PROT_READ, MAP_PRIVATE, fd, (off_t)ws);
			if (m == MAP_FAILED)
				break; /* read() on */
			(void)madvise(m, wl, MADV_SEQUENTIAL);
		}
		map_jump = &jb;
		f->win = idx;
		oomreport_set_window(f->rep, idx);
		for (uint64_t o = pos - ws; o < wl; o += IN_CHUNK) {
			size_t n = wl - o < IN_CHUNK ? (size_t)(wl - o) : IN_CHUNK;
			logform_feed(f, m + o, n);
		}
		f->win = NULL;
		oomreport_set_window(f->rep, NULL);
		map_jump = NULL;
		if (idx)
			pool_release(pl, k, m, wl);
		else
			munmap(m, wl);
		info->bytes_in += ws + wl - pos;
		info->bytes_out += ws + wl - pos;
		pos = ws + wl;
		k = k + 1;
	}
	pool_free(pl);
	sigaction(SIGBUS, &old, NULL);
	if (shrank)
		return -ESTALE;
	return lseek(fd, (off_t)pos, SEEK_SET) < 0 ? -errno : 0;
}

static const char *const container_names[] = { "text",	   "gzip",     "xz",	"zstd",
					       "utf-16le", "utf-16be", "binary" };

int logread(const char *path, bool follow, struct logform *f, struct logread_info *info)
{
	_cleanup_close_ int own = -1;
	int fd = STDIN_FILENO, r = 0;
	struct stat st;
	unsigned char *in = NULL;
	char *out = NULL;
	struct u16 *u = NULL;
	size_t n = 0;
	ssize_t k;
	enum container c;

	memset(info, 0, sizeof(*info));
	if (strcmp(path, "-") != 0) {
		own = fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | (follow ? 0 : O_NONBLOCK));
		if (fd < 0)
			return -errno;
		if (fstat(fd, &st) < 0)
			return -errno;
		if (S_ISDIR(st.st_mode))
			return -EISDIR;
		if ((S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) &&
		    !follow)
			return -ESPIPE;
		if (!follow) {
			int fl = fcntl(fd, F_GETFL);
			if (fl >= 0)
				(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
			(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
		}
	}
	in = malloc(IN_CHUNK);
	out = malloc(OUT_CHUNK);
	if (!in || !out) {
		r = -ENOMEM;
		goto out;
	}
	/* enough bytes to tell the container */
	while (n < 4096) {
		k = xread(fd, in + n, 4096 - n);
		if (k < 0) {
			r = (int)k;
			goto out;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	info->bytes_in = n;
	c = sniff(in, n);
	info->container = container_names[c];
	if (c == C_BINARY) {
		r = -EMEDIUMTYPE;
		goto out;
	}
	if (!logread_supports(info->container)) {
		r = -EPROTONOSUPPORT;
		goto out;
	}
	if (c == C_U16LE || c == C_U16BE) {
		u = calloc(1, sizeof(*u));
		if (!u) {
			r = -ENOMEM;
			goto out;
		}
		u->be = c == C_U16BE;
	}
	switch (c) {
	case C_TEXT:
	case C_U16LE:
	case C_U16BE:
		if (c == C_TEXT && own >= 0 && !follow && S_ISREG(st.st_mode)) {
			info->bytes_out += n;
			logform_feed(f, (const char *)in, n);
			r = map_text(fd, (uint64_t)st.st_size, n, f, info);
			if (r < 0) {
				/* truncated while mapped: the end, as read() would have had it */
				r = r == -ESTALE ? 0 : r;
				goto out;
			}
			n = 0;
		}
		for (;;) {
			if (n) {
				info->bytes_out += n;
				if (u)
					u16_feed(u, f, in, n);
				else
					logform_feed(f, (const char *)in, n);
			}
			k = xread(fd, in, IN_CHUNK);
			if (k < 0) {
				r = (int)k;
				goto out;
			}
			if (k == 0)
				break;
			n = (size_t)k;
			info->bytes_in += n;
		}
		break;
#ifdef OOMLAB_HAVE_ZLIB
	case C_GZIP: {
		z_stream z = { 0 };
		int zr = Z_OK;

		if (inflateInit2(&z, 15 + 32) != Z_OK) {
			r = -ENOMEM;
			goto out;
		}
		z.next_in = in;
		z.avail_in = (uInt)n;
		for (;;) {
			if (z.avail_in == 0) {
				k = xread(fd, in, IN_CHUNK);
				if (k < 0) {
					r = (int)k;
					break;
				}
				if (k == 0) {
					if (zr != Z_STREAM_END)
						r = -EBADMSG; /* cut short */
					break;
				}
				info->bytes_in += (uint64_t)k;
				z.next_in = in;
				z.avail_in = (uInt)k;
			}
			if (zr == Z_STREAM_END) {
				/* gzip members concatenated (cat a.gz b.gz) */
				if (inflateReset(&z) != Z_OK) {
					r = -EBADMSG;
					break;
				}
			}
			z.next_out = (Bytef *)out;
			z.avail_out = OUT_CHUNK;
			zr = inflate(&z, Z_NO_FLUSH);
			if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
				r = -EBADMSG;
				break;
			}
			if (OUT_CHUNK - z.avail_out) {
				info->bytes_out += OUT_CHUNK - z.avail_out;
				logform_feed(f, out, OUT_CHUNK - z.avail_out);
			}
		}
		inflateEnd(&z);
		break;
	}
#endif
#ifdef OOMLAB_HAVE_LZMA
	case C_XZ: {
		lzma_stream z = LZMA_STREAM_INIT;
		lzma_ret zr = LZMA_OK;
		bool eof = false;

		if (lzma_stream_decoder(&z, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) {
			r = -ENOMEM;
			goto out;
		}
		z.next_in = in;
		z.avail_in = n;
		while (zr == LZMA_OK) {
			if (z.avail_in == 0 && !eof) {
				k = xread(fd, in, IN_CHUNK);
				if (k < 0) {
					r = (int)k;
					break;
				}
				eof = k == 0;
				info->bytes_in += (uint64_t)k;
				z.next_in = in;
				z.avail_in = (size_t)k;
			}
			z.next_out = (uint8_t *)out;
			z.avail_out = OUT_CHUNK;
			zr = lzma_code(&z, eof ? LZMA_FINISH : LZMA_RUN);
			if (OUT_CHUNK - z.avail_out) {
				info->bytes_out += OUT_CHUNK - z.avail_out;
				logform_feed(f, out, OUT_CHUNK - z.avail_out);
			}
		}
		if (r == 0 && zr != LZMA_STREAM_END)
			r = -EBADMSG;
		lzma_end(&z);
		break;
	}
#endif
#ifdef OOMLAB_HAVE_ZSTD
	case C_ZSTD: {
		ZSTD_DStream *z = ZSTD_createDStream();
		ZSTD_inBuffer ib = { in, n, 0 };
		size_t zr = 1;

		if (!z) {
			r = -ENOMEM;
			goto out;
		}
		for (;;) {
			ZSTD_outBuffer ob = { out, OUT_CHUNK, 0 };
			if (ib.pos == ib.size) {
				k = xread(fd, in, IN_CHUNK);
				if (k < 0) {
					r = (int)k;
					break;
				}
				if (k == 0) {
					if (zr != 0)
						r = -EBADMSG;
					break;
				}
				info->bytes_in += (uint64_t)k;
				ib.size = (size_t)k;
				ib.pos = 0;
			}
			zr = ZSTD_decompressStream(z, &ob, &ib);
			if (ZSTD_isError(zr)) {
				r = -EBADMSG;
				break;
			}
			if (ob.pos) {
				info->bytes_out += ob.pos;
				logform_feed(f, out, ob.pos);
			}
		}
		ZSTD_freeDStream(z);
		break;
	}
#endif
	default:
		r = -EPROTONOSUPPORT;
		break;
	}
out:
	free(in);
	free(out);
	free(u);
	return r;
}

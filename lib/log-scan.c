// SPDX-License-Identifier: MIT
/* The index of a mapped window of a text log (see log-scan.h, docs/OOM-REPORT.md "Speed"). */
#include "log-scan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "kmsg.h"
#include "oom-report.h"
#include "banned.h"

#define SUB (128u << 10)       /* the window in pieces that stay in the CPU cache */
#define BLK 256u	       /* newlines are counted per block of BLK bytes */
#define NEEDLES_MAX (1u << 17) /* more in one window: the caller scans (1 per 16 bytes) */
#define LINES_MAX (1u << 17)

static int grow(void **v, size_t *cap, size_t want, size_t size)
{
	size_t n = *cap ? *cap : 1024;
	void *p;

	if (want <= *cap)
		return 0;
	while (n < want)
		n *= 2;
	p = realloc(*v, n * size);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = n;
	return 0;
}

static char nfirst[4], nlast[4]; /* the needles' first and last bytes */

static int add_needle(struct logscan *s, size_t off)
{
	if (s->nneedle == NEEDLES_MAX) {
		s->needles_ok = false;
		return 0;
	}
	if (grow((void **)&s->needle, &s->needle_cap, s->nneedle + 1, sizeof(*s->needle)) < 0)
		return -ENOMEM;
	s->needle[s->nneedle++] = (uint32_t)off;
	return 0;
}

/*
 * One pass over the BLK-byte blocks [b0, b1): their newline counts, NULs, and the needles that
 * start in them (a needle may end in the next block; it is read from the window itself).
 */
static int blocks_scalar(struct logscan *s, size_t b0, size_t b1, uint32_t *run, bool *nul)
{
	for (size_t b = b0; b < b1; b++) {
		const char *p = s->base + b * BLK;
		s->nlb[b] = *run;
		for (size_t i = 0; i < BLK; i++) {
			*run += p[i] == '\n';
			*nul |= p[i] == '\0';
			if (s->needles_ok && b * BLK + i + 8 <= s->len &&
			    oomreport_needle_at(p + i, NULL, NULL) &&
			    add_needle(s, b * BLK + i) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

#if defined(__x86_64__)
/*
 * The same 32 bytes at a time (every block read here has BLK + 7 bytes from its start): the
 * needles' first and last bytes as in oomreport's scan (the second and fourth needle end in
 * the same byte), the newlines into byte counters summed once per block, the NULs as a
 * running minimum.
 */
__attribute__((target("avx2"))) static int blocks_avx2(struct logscan *s, size_t b0, size_t b1,
						       uint32_t *run, bool *nul)
{
	const __m256i nl = _mm256_set1_epi8('\n'), zero = _mm256_setzero_si256();
	const __m256i f0 = _mm256_set1_epi8(nfirst[0]), l0 = _mm256_set1_epi8(nlast[0]);
	const __m256i f1 = _mm256_set1_epi8(nfirst[1]), l1 = _mm256_set1_epi8(nlast[1]);
	const __m256i f2 = _mm256_set1_epi8(nfirst[2]), l2 = _mm256_set1_epi8(nlast[2]);
	const __m256i f3 = _mm256_set1_epi8(nfirst[3]);
	__m256i lo = _mm256_set1_epi8(-1);
	uint32_t n = *run;

	for (size_t b = b0; b < b1; b++) {
		const char *p = s->base + b * BLK;
		__m256i acc = zero, sum;

		s->nlb[b] = n;
		for (size_t v = 0; v < BLK; v += 32) {
			__m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(p + v));
			__m256i y = _mm256_loadu_si256((const __m256i *)(const void *)(p + v + 7));
			__m256i c = _mm256_or_si256(
				_mm256_or_si256(_mm256_and_si256(_mm256_cmpeq_epi8(x, f0),
								 _mm256_cmpeq_epi8(y, l0)),
						_mm256_and_si256(_mm256_cmpeq_epi8(x, f2),
								 _mm256_cmpeq_epi8(y, l2))),
				_mm256_and_si256(_mm256_or_si256(_mm256_cmpeq_epi8(x, f1),
								 _mm256_cmpeq_epi8(x, f3)),
						 _mm256_cmpeq_epi8(y, l1)));

			acc = _mm256_sub_epi8(acc, _mm256_cmpeq_epi8(x, nl));
			lo = _mm256_min_epu8(lo, x);
			if (!_mm256_testz_si256(c, c)) {
				unsigned m = (unsigned)_mm256_movemask_epi8(c);
				for (; m && s->needles_ok; m &= m - 1) {
					size_t i = v + (unsigned)__builtin_ctz(m);
					if (oomreport_needle_at(p + i, NULL, NULL) &&
					    add_needle(s, b * BLK + i) < 0)
						return -ENOMEM;
				}
			}
		}
		sum = _mm256_sad_epu8(acc, zero);
		n += (uint32_t)(_mm256_extract_epi64(sum, 0) + _mm256_extract_epi64(sum, 1) +
				_mm256_extract_epi64(sum, 2) + _mm256_extract_epi64(sum, 3));
	}
	*run = n;
	if (_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, zero)))
		*nul = true;
	return 0;
}
#endif

static int (*blocks_impl)(struct logscan *, size_t, size_t, uint32_t *, bool *) = blocks_scalar;

__attribute__((constructor)) static void pick_blocks(void)
{
	oomreport_needle_at(NULL, nfirst, nlast);
#if defined(__x86_64__)
	__builtin_cpu_init();
	/* its needle test takes the second and fourth needle to end in the same byte */
	if (__builtin_cpu_supports("avx2") && nlast[1] == nlast[3])
		blocks_impl = blocks_avx2;
#endif
}

/*
 * Which lines get the filter's answer: those from a line with a needle on, LOGSCAN_LINES_AFTER
 * of them (most of a report follows its header), but only 8 after a kill line or the
 * reaper's (memory.oom.group's kills), where the parser goes back to skipping.
 */
struct cls {
	size_t off;    /* the next line to look at */
	unsigned left; /* lines still to classify */
	size_t ni;     /* the next needle */
};

static bool end_needle(const struct logscan *s, size_t q)
{
	return q >= 7 && (memcmp(s->base + q - 7, "Killed ", 7) == 0 ||
			  memcmp(s->base + q - 7, "reaped ", 7) == 0);
}

/* the lines that end before limit (their needles are all known by now) */
static int classify(struct logscan *s, struct cls *c, size_t limit)
{
	const char *base = s->base;

	while (c->off < limit && s->nline < LINES_MAX) {
		const char *nl;
		size_t n;

		if (c->left == 0) {
			/* to the line of the next needle, or as far as no needle can be */
			const char *ls;
			size_t to = c->ni < s->nneedle ? s->needle[c->ni] : limit;
			if (to > limit)
				to = limit;
			ls = to > c->off ? memrchr(base + c->off, '\n', to - c->off) : NULL;
			if (ls)
				c->off = (size_t)(ls + 1 - base);
			if (c->ni >= s->nneedle || s->needle[c->ni] >= limit)
				return 0;
		}
		nl = memchr(base + c->off, '\n', limit - c->off);
		if (!nl)
			return 0; /* ends later (or is cut by the window's end: never asked) */
		n = (size_t)(nl - (base + c->off));
		for (; c->ni < s->nneedle && s->needle[c->ni] < (size_t)(nl - base); c->ni++)
			if (s->needle[c->ni] >= c->off)
				c->left = end_needle(s, s->needle[c->ni]) ? 8 : LOGSCAN_LINES_AFTER;
		if (c->left) {
			if (grow((void **)&s->line, &s->line_cap, s->nline + 1, sizeof(*s->line)) <
			    0)
				return -ENOMEM;
			s->line[s->nline].off = (uint32_t)c->off;
			s->line[s->nline].len =
				(uint32_t)n | (kmsg_may_hold_oom(base + c->off, n) ? LS_PASS : 0) |
				(memchr(base + c->off, '=', n) ? LS_EQ : 0);
			s->nline++;
			c->left--;
		}
		c->off += n + 1;
	}
	return 0;
}

int logscan_build(struct logscan *s, const char *base, size_t len)
{
	size_t nb = len / BLK, fast = len >= BLK + 7 ? (len - BLK - 7) / BLK + 1 : 0;
	struct cls c = { 0 };
	uint32_t run = 0;
	bool nul = false;

	if (fast > nb)
		fast = nb;
	s->base = base;
	s->len = len;
	s->nneedle = s->nline = s->lcur = 0;
	s->needles_ok = true;
	if (grow((void **)&s->nlb, &s->nlb_cap, nb + 1, sizeof(*s->nlb)) < 0)
		return -ENOMEM;
	/* in pieces that stay in the CPU cache for the filter of the lines after the needles */
	for (size_t b = 0; b < nb; b += SUB / BLK) {
		size_t e = nb - b < SUB / BLK ? nb : b + SUB / BLK, m = e < fast ? e :
									fast < b ? b :
										   fast;
		if (blocks_impl(s, b, m, &run, &nul) < 0 || blocks_scalar(s, m, e, &run, &nul) < 0)
			return -ENOMEM;
		if (classify(s, &c, e * BLK) < 0)
			return -ENOMEM;
	}
	s->nlb[nb] = run;
	/* the bytes after the last whole block: NULs and needles (counts are taken from there) */
	for (size_t i = nb * BLK; i < len; i++) {
		nul |= base[i] == '\0';
		if (s->needles_ok && i + 8 <= len && oomreport_needle_at(base + i, NULL, NULL) &&
		    add_needle(s, i) < 0)
			return -ENOMEM;
	}
	if (classify(s, &c, len) < 0)
		return -ENOMEM;
	s->has_nul = nul;
	return 0;
}

void logscan_free(struct logscan *s)
{
	free(s->nlb);
	free(s->needle);
	free(s->line);
	memset(s, 0, sizeof(*s));
}

/* '\n' in [0, off) of the window */
static uint64_t nl_before(const struct logscan *s, size_t off)
{
	size_t b = off / BLK;
	uint64_t n = s->nlb[b];

	for (const char *p = s->base + b * BLK, *e = s->base + off;
	     (p = memchr(p, '\n', (size_t)(e - p))) != NULL; p++)
		n++;
	return n;
}

bool logscan_next(const struct logscan *s, const char *p, const char *end, const char **c,
		  uint64_t *nls)
{
	size_t po = (size_t)(p - s->base), eo = (size_t)(end - s->base), lo = 0, hi = s->nneedle;

	if (!s->needles_ok || end > s->base + s->len || end < p)
		return false;
	/* the first needle at or after p */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->needle[mid] < po)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->nneedle && (size_t)s->needle[lo] + 8 <= eo) {
		*c = s->base + s->needle[lo];
		*nls = nl_before(s, s->needle[lo]) - nl_before(s, po);
	} else {
		*c = NULL;
		*nls = nl_before(s, eo) - nl_before(s, po);
	}
	return true;
}

/* the record of the line that starts at off, or NULL */
static const struct logscan_line *line_at(struct logscan *s, size_t off)
{
	size_t i = s->lcur;

	/* the parser asks in file order: a cursor, a search when it went back */
	if (i > 0 && s->line[i - 1].off >= off) {
		size_t lo = 0, hi = i;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (s->line[mid].off < off)
				lo = mid + 1;
			else
				hi = mid;
		}
		i = lo;
	}
	while (i < s->nline && s->line[i].off < off)
		i++;
	s->lcur = i;
	return i < s->nline && s->line[i].off == off ? &s->line[i] : NULL;
}

int logscan_filter(struct logscan *s, const char *line, size_t len)
{
	const struct logscan_line *l = line_at(s, (size_t)(line - s->base));

	if (!l || (l->len & LS_LEN) != len)
		return -1;
	return (l->len & LS_PASS) ? 1 : 0;
}

bool logscan_dropped(struct logscan *s, const char *line, size_t *len)
{
	const struct logscan_line *l = line_at(s, (size_t)(line - s->base));

	if (!l || (l->len & (LS_PASS | LS_EQ)))
		return false;
	*len = l->len & LS_LEN;
	return true;
}

// SPDX-License-Identifier: MIT
#include "psi.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "json.h"
#include "util.h"
#include "banned.h"

/* "12.34" -> 1234. At most two decimals, the kernel prints exactly two. */
static int parse_centi(const char *s, size_t len, uint32_t *ret)
{
	const char *dot = memchr(s, '.', len);
	uint64_t ip, fp = 0;
	size_t il = dot ? (size_t)(dot - s) : len;
	int r;

	r = parse_u64_n(s, il, &ip);
	if (r < 0)
		return r;
	if (dot) {
		size_t fl = len - il - 1;
		if (fl == 0 || fl > 2)
			return -EINVAL;
		r = parse_u64_n(dot + 1, fl, &fp);
		if (r < 0)
			return r;
		if (fl == 1)
			fp *= 10;
	}
	if (ip > 100)
		return -EINVAL;
	*ret = (uint32_t)(ip * 100 + fp);
	return 0;
}

static int parse_line(const char *p, const char *end, struct psi_line *ret)
{
	struct psi_line l = { .present = true };
	unsigned seen = 0;

	while (p < end) {
		const char *tok, *eq, *tend;
		while (p < end && *p == ' ')
			p++;
		if (p >= end)
			break;
		tok = p;
		while (p < end && *p != ' ')
			p++;
		tend = p;
		eq = memchr(tok, '=', (size_t)(tend - tok));
		if (!eq)
			return -EINVAL;
#define KEY(k) ((size_t)(eq - tok) == strlen(k) && memcmp(tok, k, strlen(k)) == 0)
		if (KEY("avg10")) {
			if (parse_centi(eq + 1, (size_t)(tend - eq - 1), &l.avg10) < 0)
				return -EINVAL;
			seen |= 1;
		} else if (KEY("avg60")) {
			if (parse_centi(eq + 1, (size_t)(tend - eq - 1), &l.avg60) < 0)
				return -EINVAL;
			seen |= 2;
		} else if (KEY("avg300")) {
			if (parse_centi(eq + 1, (size_t)(tend - eq - 1), &l.avg300) < 0)
				return -EINVAL;
			seen |= 4;
		} else if (KEY("total")) {
			if (parse_u64_n(eq + 1, (size_t)(tend - eq - 1), &l.total_us) < 0)
				return -EINVAL;
			seen |= 8;
		}
		/* unknown keys: ignored (forward compatible) */
#undef KEY
	}
	if (seen != 15)
		return -EINVAL;
	*ret = l;
	return 0;
}

int psi_parse(const char *buf, struct psi *ret)
{
	struct psi p = { 0 };
	const char *line = buf;

	while (*line) {
		const char *nl = strchr(line, '\n');
		const char *end = nl ? nl : line + strlen(line);
		if (end > line) {
			if (startswith(line, "some ")) {
				if (parse_line(line + 5, end, &p.some) < 0)
					return -EINVAL;
			} else if (startswith(line, "full ")) {
				if (parse_line(line + 5, end, &p.full) < 0)
					return -EINVAL;
			} else {
				return -EINVAL;
			}
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	if (!p.some.present)
		return -EINVAL;
	*ret = p;
	return 0;
}

bool psi_cmdline_disables(const char *cmdline)
{
	static const char *const off[] = { "psi=0", "psi=n", "psi=off", "psi=no", "psi=N" };
	const char *p = cmdline;

	while (*p) {
		size_t n;

		p += strspn(p, " \t\n");
		n = strcspn(p, " \t\n");
		for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++)
			if (n == strlen(off[i]) && strncmp(p, off[i], n) == 0)
				return true;
		p += n;
	}
	return false;
}

int psi_read(const char *path, struct psi *ret)
{
	char buf[512]; /* two lines of at most ~90 bytes */
	ssize_t n = read_file(path, buf, sizeof(buf));

	if (n == -ENOENT && strstr(path, "/proc/pressure/")) {
		/* psi=0 on a 6.1 kernel: /proc/pressure is never created (newer kernels create it
		 * and fail reads with EOPNOTSUPP). The same boot flag, the same answer. */
		const char *t = strstr(path, "/proc/pressure/");
		char cmd[PATH_MAX], line[4096];

		if ((size_t)(t - path) + sizeof("/proc/cmdline") < sizeof(cmd)) {
			xsnprintf(cmd, sizeof(cmd), "%.*s/proc/cmdline", (int)(t - path), path);
			if (read_file(cmd, line, sizeof(line)) > 0 && psi_cmdline_disables(line))
				return -EOPNOTSUPP;
		}
	}
	if (n < 0)
		return (int)n;
	return psi_parse(buf, ret);
}

uint32_t psi_share(uint64_t before, uint64_t after, uint64_t wall_us)
{
	uint64_t d;

	if (wall_us == 0 || after < before)
		return 0;
	d = after - before;
	if (d >= wall_us)
		return 10000;
	return (uint32_t)(d * 10000 / wall_us);
}

int psi_trigger_parse(const char *spec, bool *ret_full, uint64_t *ret_stall, uint64_t *ret_window)
{
	char a[64], b[64];
	const char *p = spec, *sp, *rest;
	bool full;
	uint64_t stall, window;
	size_t n;
	int r;

	if (startswith(p, "some "))
		full = false;
	else if (startswith(p, "full "))
		full = true;
	else
		return -EINVAL;
	p += 5;
	while (*p == ' ')
		p++;
	sp = strpbrk(p, " /");
	if (!sp)
		return -EINVAL;
	n = (size_t)(sp - p);
	if (n == 0 || n >= sizeof(a))
		return -EINVAL;
	memcpy(a, p, n);
	a[n] = '\0';
	rest = sp + 1;
	while (*rest == ' ')
		rest++;
	n = strlen(rest);
	if (n == 0 || n >= sizeof(b))
		return -EINVAL;
	memcpy(b, rest, n + 1);
	strip_trailing(b);
	/* "150000 1000000" (the kernel's own µs form) or "150ms/2s" */
	if (*sp == ' ') {
		r = parse_u64(a, &stall);
		if (r == 0)
			r = parse_u64(b, &window);
	} else {
		r = parse_duration_us(a, &stall);
		if (r == 0)
			r = parse_duration_us(b, &window);
	}
	if (r < 0)
		return r;
	if (stall == 0 || window == 0 || stall > window)
		return -EINVAL;
	*ret_full = full;
	*ret_stall = stall;
	*ret_window = window;
	return 0;
}

void psi_line_to_json(struct json *j, const char *key, const struct psi_line *l, bool has_share,
		      uint32_t share)
{
	json_key(j, key);
	if (!l->present) {
		json_null(j);
		return;
	}
	json_obj_open(j);
	json_kv_centi(j, "avg10", l->avg10);
	json_kv_centi(j, "avg60", l->avg60);
	json_kv_centi(j, "avg300", l->avg300);
	json_kv_u64(j, "total_us", l->total_us);
	json_key(j, "share");
	if (has_share)
		json_centi(j, share);
	else
		json_null(j);
	json_obj_close(j);
}

// SPDX-License-Identifier: MIT
#include "cg-owner.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"
#include "util.h"
#include "banned.h"

int cg_owner_self(struct cg_owner *ret)
{
	struct cg_owner o = { 0 };
	char sbuf[1024];
	struct proc_stat ps;
	struct stat st;
	char buf[64];
	int r;

	o.pid = getpid();
	/* /proc/self, not /proc/<getpid()>: a /proc of another pid namespace names others so */
	if (read_file("/proc/self/stat", sbuf, sizeof(sbuf)) < 0)
		return -errno ? -errno : -EIO;
	r = proc_stat_parse(sbuf, &ps);
	if (r < 0)
		return r;
	o.start = ps.starttime;
	if (read_file("/proc/sys/kernel/random/boot_id", buf, sizeof(buf)) < 0)
		return -errno ? -errno : -EIO;
	strip_trailing(buf);
	if (!*buf || strlen(buf) >= sizeof(o.boot) || strchr(buf, ' '))
		return -EINVAL;
	memcpy(o.boot, buf, strlen(buf) + 1);
	if (stat("/proc/self/ns/pid", &st) < 0)
		return -errno;
	o.pidns = (uint64_t)st.st_ino;
	*ret = o;
	return 0;
}

int cg_owner_format(const struct cg_owner *o, char *buf, size_t sz)
{
	return xsnprintf(buf, sz, "oomlab-owner 1 name=%s pid=%d start=%llu boot=%s pidns=%llu\n",
			 o->name, (int)o->pid, (unsigned long long)o->start, o->boot,
			 (unsigned long long)o->pidns);
}

/* "key=" then a word up to ' ' or end; returns the word start and length */
static int word(const char **p, const char *end, const char *key, const char **ret, size_t *ret_len)
{
	size_t kl = strlen(key);
	const char *w;

	if ((size_t)(end - *p) < kl + 1 || memcmp(*p, key, kl) != 0 || (*p)[kl] != '=')
		return -EINVAL;
	w = *p + kl + 1;
	*p = w;
	while (*p < end && **p != ' ')
		(*p)++;
	if (*p == w)
		return -EINVAL;
	*ret = w;
	*ret_len = (size_t)(*p - w);
	if (*p < end)
		(*p)++; /* the blank */
	return 0;
}

int cg_owner_parse(const char *buf, size_t len, struct cg_owner *ret)
{
	static const char magic[] = "oomlab-owner 1 ";
	struct cg_owner o = { 0 };
	const char *p = buf, *end = buf + len, *w;
	size_t wl;
	uint64_t v;

	while (end > p && (end[-1] == '\n' || end[-1] == '\0'))
		end--;
	if ((size_t)(end - p) < sizeof(magic) - 1 || memcmp(p, magic, sizeof(magic) - 1) != 0)
		return -EINVAL;
	p += sizeof(magic) - 1;
	if (word(&p, end, "name", &w, &wl) < 0 || wl >= sizeof(o.name) || memchr(w, '/', wl) ||
	    memchr(w, '\0', wl))
		return -EINVAL;
	memcpy(o.name, w, wl);
	if (word(&p, end, "pid", &w, &wl) < 0 || parse_u64_n(w, wl, &v) < 0 || v == 0 ||
	    v > INT32_MAX)
		return -EINVAL;
	o.pid = (pid_t)v;
	if (word(&p, end, "start", &w, &wl) < 0 || parse_u64_n(w, wl, &o.start) < 0)
		return -EINVAL;
	if (word(&p, end, "boot", &w, &wl) < 0 || wl >= sizeof(o.boot) || memchr(w, '\0', wl))
		return -EINVAL;
	memcpy(o.boot, w, wl);
	if (word(&p, end, "pidns", &w, &wl) < 0 || parse_u64_n(w, wl, &o.pidns) < 0)
		return -EINVAL;
	if (p != end)
		return -EINVAL;
	*ret = o;
	return 0;
}

/* decimal, no leading zero, > 0 unless allow_zero */
static int dec(const char *s, size_t n, bool allow_zero, uint64_t *ret)
{
	if (n == 0 || (n > 1 && s[0] == '0'))
		return -EINVAL;
	if (parse_u64_n(s, n, ret) < 0 || (!allow_zero && *ret == 0))
		return -EINVAL;
	return 0;
}

int cg_owned_name_parse(const char *name, pid_t *ret_pid)
{
	const char *p, *d1, *d2;
	uint64_t pid, seq;

	if (!name || !startswith(name, "oomlab-"))
		return -EINVAL;
	p = name + 7;
	d1 = strchr(p, '-');
	if (!d1 || dec(p, (size_t)(d1 - p), false, &pid) < 0 || pid > INT32_MAX)
		return -EINVAL;
	d2 = strchr(d1 + 1, '-');
	if (!d2 || dec(d1 + 1, (size_t)(d2 - d1 - 1), true, &seq) < 0 || seq > UINT32_MAX)
		return -EINVAL;
	if (strlen(d2 + 1) != 8)
		return -EINVAL;
	for (const char *h = d2 + 1; *h; h++)
		if (!((*h >= '0' && *h <= '9') || (*h >= 'a' && *h <= 'f')))
			return -EINVAL;
	if (ret_pid)
		*ret_pid = (pid_t)pid;
	return 0;
}

int cg_owned_name_new(unsigned seq, char *buf, size_t sz)
{
	uint32_t rnd = 0;

	if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd)) {
		/* no entropy yet (early boot): time and pid still differ between namespaces */
		rnd = (uint32_t)(now_us() ^ realtime_us() ^ ((uint64_t)getpid() << 16));
	}
	return xsnprintf(buf, sz, "oomlab-%d-%u-%08x", (int)getpid(), seq, rnd);
}

static uint32_t name_hash(const struct cg_owner *self, pid_t pid, unsigned seq, unsigned attempt)
{
	char in[128];
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a 64 */
	int n = snprintf(in, sizeof(in), "%d %u %s %llu %u", (int)pid, seq, self->boot,
			 (unsigned long long)self->pidns, attempt);

	for (int i = 0; i < n && i < (int)sizeof(in); i++) {
		h ^= (unsigned char)in[i];
		h *= 0x100000001b3ULL;
	}
	return (uint32_t)(h ^ (h >> 32));
}

int cg_owned_name_proof(const struct cg_owner *self, pid_t pid, unsigned seq, unsigned attempt,
			char *buf, size_t sz)
{
	return xsnprintf(buf, sz, "oomlab-%d-%u-%08x", (int)pid, seq,
			 name_hash(self, pid, seq, attempt));
}

bool cg_owned_name_proved(const char *name, const struct cg_owner *self)
{
	pid_t pid;
	unsigned long seq;
	const char *d;
	char buf[64];

	if (cg_owned_name_parse(name, &pid) < 0)
		return false;
	d = strchr(name + 7, '-');
	seq = strtoul(d + 1, NULL, 10);
	for (unsigned a = 0; a < CG_NAME_ATTEMPTS; a++)
		if (cg_owned_name_proof(self, pid, (unsigned)seq, a, buf, sizeof(buf)) >= 0 &&
		    strcmp(buf, name) == 0)
			return true;
	return false;
}

enum cg_owner_state cg_owner_judge(const struct cg_owner *rec, const char *dirname, bool locked,
				   const struct cg_owner *self, uint64_t proc_start, char *why,
				   size_t sz)
{
	if (strcmp(rec->name, dirname) != 0) {
		xsnprintf(why, sz, "its owner record names another directory ('%s')", rec->name);
		return CG_OWNER_UNPROVEN;
	}
	if (locked) {
		xsnprintf(why, sz, "its owner (pid %d) holds its lock", (int)rec->pid);
		return CG_OWNER_ALIVE;
	}
	if (strcmp(rec->boot, self->boot) != 0) {
		xsnprintf(why, sz, "its owner ran before the last boot");
		return CG_OWNER_GONE;
	}
	if (rec->pidns != self->pidns) {
		xsnprintf(why, sz,
			  "its owner (pid %d in pid namespace %llu) no longer holds its lock",
			  (int)rec->pid, (unsigned long long)rec->pidns);
		return CG_OWNER_GONE;
	}
	if (rec->pid == self->pid && rec->start == self->start) {
		xsnprintf(why, sz, "it is ours");
		return CG_OWNER_ALIVE;
	}
	if (proc_start == rec->start) {
		xsnprintf(why, sz, "its owner (pid %d, same start time) is alive", (int)rec->pid);
		return CG_OWNER_ALIVE;
	}
	if (proc_start == 0)
		xsnprintf(why, sz, "its owner (pid %d) is gone", (int)rec->pid);
	else
		xsnprintf(why, sz, "its owner (pid %d) is gone: that pid is now another process",
			  (int)rec->pid);
	return CG_OWNER_GONE;
}

int cg_owner_lock(int dirfd, uint64_t timeout_us)
{
	uint64_t deadline = now_us() + timeout_us;

	for (;;) {
		if (flock(dirfd, LOCK_SH | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -errno;
		if (now_us() >= deadline)
			return -ETIMEDOUT;
		/* a sweeper holds LOCK_EX only while it removes a stale directory */
		struct timespec ts = { 0, 2 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
}

int cg_owner_trylock_sweep(int dirfd)
{
	if (flock(dirfd, LOCK_EX | LOCK_NB) == 0)
		return 1;
	return errno == EWOULDBLOCK ? 0 : -errno;
}

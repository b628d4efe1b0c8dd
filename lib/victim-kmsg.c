// SPDX-License-Identifier: MIT
/*
 * The kernel log behind the victim-source API: the one /dev/kmsg reader (lib/kmsg.c) following
 * new records (lseek(SEEK_END)) into the one report assembler (lib/oom-report.h). Two users:
 *   - the kmsg source (--source kmsg): each assembled kill is delivered like a BPF or tracefs
 *     victim; what is not a kill (records overwritten, a program's imitation, a kill line the
 *     decoder cannot read) is a note (victim_source_opts.on_note);
 *   - the side channel of the kernel-side sources, which fills and checks the constraint: the
 *     tracepoint fires between the report's summary line and its kill line, so a kill is found
 *     either among the last ones assembled or as the open report whose summary named its pid.
 * Only the kernel's own records (facility 0) are parsed: a program's write never is a kill.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kmsg.h"
#include "oom-report.h"
#include "util.h"
#include "victim-internal.h"
#include "banned.h"

#define KMSG_RECENT 16

struct kmsg_feed {
	int fd;
	struct oomreport *rep;
	struct victim_source *s;	      /* the kmsg source; NULL: a side channel */
	struct oom_event recent[KMSG_RECENT]; /* the side channel's last kills */
	unsigned int next;
	bool regular; /* a regular file stands for /dev/kmsg (a --sysroot fixture) */
};

static void feed_on_kill(const struct oom_event *ev, void *userdata)
{
	struct kmsg_feed *f = userdata;
	struct oom_event e;

	if (!f->s) {
		f->recent[f->next++ % KMSG_RECENT] = *ev;
		return;
	}
	e = *ev;
	victim_source_emit(f->s, &e, NULL);
}

static void note(struct kmsg_feed *f, enum victim_note_kind kind, int facility, uint64_t n)
{
	struct victim_note v = { .kind = kind, .facility = facility, .count = n };

	f->s->opts.on_note(&v, f->s->userdata);
}

static int feed_record(const struct kmsg_record *rec, void *userdata)
{
	struct kmsg_feed *f = userdata;
	bool notes = f->s && f->s->opts.on_note;

	if (rec->facility != 0) {
		if (notes && kmsg_mentions_oom(rec->text, rec->len))
			note(f, VICTIM_NOTE_IMITATION, rec->facility, 1);
		return 0;
	}
	if (notes && rec->len > 15 && memmem(rec->text, rec->len, "Killed process", 14)) {
		struct oom_kill_line kl;
		if (oomreport_parse_kill(rec->text, rec->len, &kl) != 0)
			note(f, VICTIM_NOTE_UNPARSED, 0, 1);
	}
	oomreport_feed_text(f->rep, rec->text, rec->len, true, rec->ts_us, true);
	return f->s && f->s->stop < 0; /* the caller has had enough */
}

static int feed_drain(struct kmsg_feed *f)
{
	uint64_t lost = 0;
	int r = kmsg_read_all(f->fd, feed_record, f, &lost);

	if (lost && f->s && f->s->opts.on_note)
		note(f, VICTIM_NOTE_OVERWRITTEN, 0, lost);
	return r < 0 ? r : 0;
}

static int feed_open(const struct host *h, struct victim_source *s, struct kmsg_feed **ret,
		     char *path, size_t sz)
{
	struct oomreport_ops ops = { .on_kill = feed_on_kill };
	struct kmsg_feed *f;
	int fd, r;

	r = host_path(h, "/dev/kmsg", path, sz);
	if (r < 0)
		return r;
	fd = kmsg_open(path, true);
	if (fd < 0)
		return fd;
	f = calloc(1, sizeof(*f));
	ops.userdata = f;
	r = f ? oomreport_new(OOM_SOURCE_KMSG, &ops, &f->rep) : -ENOMEM;
	if (r < 0) {
		free(f);
		close(fd);
		return r;
	}
	f->fd = fd;
	f->s = s;
	{
		struct stat st;
		f->regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	}
	*ret = f;
	return 0;
}

static void feed_close(struct kmsg_feed *f)
{
	if (!f)
		return;
	oomreport_free(f->rep);
	close(f->fd);
	free(f);
}

/* ---- the kmsg source ---- */

static int kmsg_src_open(struct victim_source *s, char *why, size_t sz)
{
	char path[PATH_MAX] = "/dev/kmsg";
	struct kmsg_feed *f;
	int r = feed_open(&s->host, s, &f, path, sizeof(path));

	if (r < 0) {
		xsnprintf(why, sz, "cannot open '%s': %s%s", path, strerror(-r),
			  r == -EPERM || r == -EACCES ?
				  " (needs root, or CAP_SYSLOG when kernel.dmesg_restrict=1)" :
				  "");
		return r;
	}
	xsnprintf(s->detail, sizeof(s->detail), "%s", path);
	s->priv = f;
	return 0;
}

/*
 * A regular file in place of /dev/kmsg (a --sysroot fixture tree) is always readable to poll()
 * and reads 0 at its end, which the read loop cannot tell from "no record yet": polled, it would
 * spin a CPU for as long as the command runs. Followed from its end it can give nothing, so it
 * gets no fd to wait on (-1: poll() ignores it).
 */
static int kmsg_src_fd(const struct victim_source *s)
{
	const struct kmsg_feed *f = s->priv;

	return f->regular ? -1 : f->fd;
}

static int kmsg_src_consume(struct victim_source *s)
{
	return feed_drain(s->priv);
}

static void kmsg_src_close(struct victim_source *s)
{
	feed_close(s->priv);
}

const struct victim_backend victim_backend_kmsg = {
	.kind = VICTIM_SOURCE_KMSG,
	.open = kmsg_src_open,
	.fd = kmsg_src_fd,
	.consume = kmsg_src_consume,
	.close = kmsg_src_close,
};

/* ---- the side channel of the kernel-side sources ---- */

struct kmsg_feed *kmsg_check_open(const struct host *h)
{
	char path[PATH_MAX];
	struct kmsg_feed *f;

	if (!host_is_live(h) || feed_open(h, NULL, &f, path, sizeof(path)) < 0)
		return NULL;
	return f;
}

void kmsg_check_close(struct kmsg_feed *f)
{
	feed_close(f);
}

void kmsg_check_apply(struct kmsg_feed *f, struct oom_event *ev, const struct victim_chain *chain)
{
	struct oom_event log;
	bool found = false;

	(void)feed_drain(f);
	for (unsigned int i = 0; i < KMSG_RECENT && i < f->next; i++) {
		struct oom_event *c = &f->recent[(f->next - 1 - i) % KMSG_RECENT];

		if ((c->have & OOM_HAVE_PID) && c->pid == ev->pid) {
			log = *c;
			c->pid = 0; /* one kill, one event */
			found = true;
			break;
		}
	}
	/* none: the summary is rate-limited (~10 per 5 s), keep what we have */
	if (!found && oomreport_pending(f->rep, ev->pid, &log) < 0)
		return;
	if (oom_event_merge_log(ev, &log) < 0 || ev->scope != OOM_SCOPE_MEMCG ||
	    (ev->have & OOM_HAVE_MEMCG_LIMIT))
		return;
	/* the log named another memcg than ours and had no figures: the chain may */
	for (unsigned int i = 0; chain && i < chain->n; i++) {
		if (strcmp(chain->lv[i].path, ev->oom_memcg) != 0)
			continue;
		ev->memcg_usage_kb = chain->lv[i].usage_kb;
		ev->memcg_limit_kb = chain->lv[i].limit_kb;
		ev->oom_memcg_id = chain->lv[i].id;
		ev->have |= OOM_HAVE_MEMCG_USAGE | OOM_HAVE_MEMCG_LIMIT | OOM_HAVE_OOM_MEMCG_ID;
	}
}

// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the whole assembler. The input is a log; the first byte picks the source
 * (text log with prefixes and wrap joining, or /dev/kmsg records). Checks the invariants
 * every consumer relies on: strings terminated, pid present on every kill.
 */
#include <stdint.h>
#include <string.h>

#include "kmsg.h"
#include "oom-report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_kill(const struct oom_event *ev, void *userdata)
{
	(void)userdata;
	if (!(ev->have & OOM_HAVE_PID) || ev->pid <= 0 || !ev->killed)
		__builtin_trap();
	if (memchr(ev->comm, 0, sizeof(ev->comm)) == NULL ||
	    memchr(ev->task_memcg, 0, sizeof(ev->task_memcg)) == NULL ||
	    memchr(ev->oom_memcg, 0, sizeof(ev->oom_memcg)) == NULL ||
	    memchr(ev->invoker_comm, 0, sizeof(ev->invoker_comm)) == NULL)
		__builtin_trap();
}

static void on_reap(const struct oom_reap *r, void *userdata)
{
	(void)userdata;
	if (r->pid <= 0)
		__builtin_trap();
}

static int line(const char *l, size_t len, void *userdata)
{
	struct oomreport *r = userdata;
	struct kmsg_record rec;

	oomreport_feed_line(r, l, len);
	if (kmsg_parse_record(l, len, &rec) == 0)
		oomreport_feed_text(r, rec.text, rec.len, true, rec.ts_us, true);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oomreport_ops ops = { .on_kill = on_kill, .on_reap = on_reap };
	struct oomreport *r;

	if (size < 1)
		return 0;
	if (oomreport_new((data[0] & 1) ? OOM_SOURCE_KMSG : OOM_SOURCE_LOG, &ops, &r) < 0)
		return 0;
	kmsg_for_each_line((const char *)data + 1, size - 1, line, r);
	oomreport_flush(r);
	oomreport_free(r);
	return 0;
}

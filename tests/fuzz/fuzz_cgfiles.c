// SPDX-License-Identifier: MIT
/*
 * Fuzz target for the parsers of cgroup and host files and of the command-line values:
 * mountinfo (cg_layout_parse_mountinfo), memory.stat (v1 and v2), memory.events,
 * memory.oom_control, /proc/meminfo, PSI files and trigger specs, sizes, rates, durations,
 * verdict thresholds, /proc/PID/cgroup lines, cgroup path normalisation, container names from
 * cgroup paths and the owner record. Checks: no crash, strings terminated, a normalised path
 * stays inside the root. Built with libFuzzer (`make fuzz`) or replayed by
 * tests/fuzz/replay_main.c (`make check`: tests/fuzz/cgfiles-parsers.sh).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cg-name.h"
#include "cg-owner.h"
#include "cgroup.h"
#include "cg-target.h"
#include "memory-stat.h"
#include "psi.h"
#include "util.h"
#include "verdict.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* the replay harness's mutations use these bytes */
const char *fuzz_interesting = " \n\t/:-=,.%0123456789kKMGTmsuhdx";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), norm[256];
	struct cg_layout l;
	struct memcg_stat st;
	struct memcg_events ev;
	struct memcg_oom_control oc;
	struct meminfo mi;
	struct psi p;
	struct verdict_thresholds t = verdict_default_thresholds;
	struct cgname cn;
	struct cg_owner o;
	uint64_t v, a, b;
	bool full, v2, mem;
	const char *path;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (cg_layout_parse_mountinfo(buf, "/fuzzroot", &l) == 0 &&
	    (strnlen(l.v1_memory, sizeof(l.v1_memory)) == sizeof(l.v1_memory) ||
	     strnlen(l.v2, sizeof(l.v2)) == sizeof(l.v2)))
		abort();
	(void)memcg_stat_parse(buf, true, &st);
	(void)memcg_stat_parse(buf, false, &st);
	(void)memcg_events_parse(buf, &ev);
	(void)memcg_oom_control_parse(buf, &oc);
	(void)meminfo_parse(buf, &mi);
	if (psi_parse(buf, &p) == 0 && (p.some.avg10 > 10000 || p.full.avg10 > 10000))
		abort();
	(void)psi_trigger_parse(buf, &full, &a, &b);
	(void)parse_size(buf, &v);
	(void)parse_rate(buf, &v);
	(void)parse_duration_us(buf, &v);
	(void)verdict_thresholds_parse(buf, &t);
	if (t.strained_some > t.sick_some)
		abort(); /* the parser keeps the order, or leaves t as it was */
	if (cg_target_parse_proc_line(buf, &v2, &mem, &path) == 0 &&
	    (path < buf || path > buf + size))
		abort();
	if (cg_target_normalize(buf, norm, sizeof(norm)) == 0 &&
	    (norm[0] != '/' || strstr(norm, "/../") || strstr(norm, "//") ||
	     strnlen(norm, sizeof(norm)) == sizeof(norm)))
		abort();
	if (cgname_parse(buf, &cn) == 0 && strnlen(cn.pod, sizeof(cn.pod)) == sizeof(cn.pod))
		abort();
	(void)cg_owner_parse(buf, size, &o);
	free(buf);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * Pressure stall information (Documentation/accounting/psi.rst): /proc/pressure/<res> and
 * <cgroup>/memory.pressure. Averages are kept in hundredths of a percent exactly as the kernel
 * prints them (two decimals), totals in µs. No floating point.
 */
#ifndef OOMLAB_PSI_H
#define OOMLAB_PSI_H

#include <stdbool.h>
#include <stdint.h>

struct psi_line {
	bool present;
	uint32_t avg10, avg60, avg300; /* hundredths of a percent: 1234 = 12.34 % */
	uint64_t total_us;
};

struct psi {
	struct psi_line some, full; /* full is absent for /proc/pressure/cpu before 5.13 */
};

/* Parse the two-line text. -EINVAL on anything malformed. */
int psi_parse(const char *buf, struct psi *ret);
/* Read and parse a pressure file. -EOPNOTSUPP when PSI is disabled (psi=0). */
int psi_read(const char *path, struct psi *ret);
/* the kernel command line (/proc/cmdline) turns PSI off (psi=0): on 6.1 /proc/pressure then
 * does not exist at all; psi_read() and host_psi_read() answer -EOPNOTSUPP for it */
bool psi_cmdline_disables(const char *cmdline);

/*
 * Stall share over an interval from two totals: hundredths of a percent of wall time, capped
 * at 10000. The averages lag by design (exponential, refreshed every 2 s); this does not.
 */
uint32_t psi_share(uint64_t total_before_us, uint64_t total_after_us, uint64_t wall_us);

/* Parse a trigger spec "some 150ms/2s" or "full 100000 1000000" into what the kernel takes. */
int psi_trigger_parse(const char *spec, bool *ret_full, uint64_t *ret_stall_us,
		      uint64_t *ret_window_us);

/*
 * One line as JSON: key: {"avg10", "avg60", "avg300" (percent), "total_us", "share" (the
 * interval's stall share in percent, null when there is no interval)}, or null when absent.
 */
struct json;
void psi_line_to_json(struct json *j, const char *key, const struct psi_line *l, bool has_share,
		      uint32_t share);

#endif

/* SPDX-License-Identifier: MIT */
/* The guided lab: steps and exercises, their results, and the HTML report. */
#ifndef OOMLAB_LAB_H
#define OOMLAB_LAB_H

#include <stdbool.h>
#include <stdint.h>

#include "oomlab.h"
#include "run-report.h"

/* INTERRUPTED: Ctrl-C (or SIGTERM/SIGHUP) stopped the step; it is neither passed nor failed */
enum lab_status { LAB_PASS, LAB_FAIL, LAB_SKIPPED, LAB_INTERRUPTED };

struct lab_item {
	char id[16]; /* "step1" ... "ex4" */
	bool exercise;
	char title[128];
	enum lab_status status;
	char reason[512];    /* why SKIPPED / FAIL, or a one-line summary */
	char expected[768];  /* what the seed investigation expects */
	char observed[1536]; /* what was measured here */
	/* plot (optional) */
	struct run_point *points;
	size_t npoints;
	uint64_t plot_max, plot_high;	  /* SIZE_UNLIMITED: none */
	int64_t kill_t_us;		  /* -1: no kill */
	int64_t warn_from_us, warn_to_us; /* -1: no warning window */
	char detail[2048];		  /* decoded kill record / ranking, preformatted text */
	/* the quantities the verdict of the step is made from (JSON "measured", bench/lab-stability.sh) */
	struct {
		char key[32];
		uint64_t centi; /* hundredths: 1234 = 12.34 */
	} m[10];
	unsigned nm;
	char kill_line[512]; /* the kernel's kill line for the victim ("" none) */
	/* protection steps: the kernel's badness per process, without and with the adjustment */
	struct lab_bar {
		int pid;
		char comm[64];
		int adj;	       /* as set for the run */
		int64_t before, after; /* points with adj 0 / with adj */
		bool victim;	       /* the kernel's choice with the adjustment */
		bool protected_;       /* the process the step protects */
	} bars[8];
	size_t nbars;
	int killed_pid; /* 0: none seen */
};

const char *lab_status_name(enum lab_status s);

struct lab_host {
	char hostname[128];
	char date[40];	     /* when the lab started, UTC, ISO 8601 */
	char limit_file[32]; /* memory.max (v2) or memory.limit_in_bytes (v1 memory controller) */
	char kernel[128];
	char mode[16];
	bool memory_high, psi, cap_sys_resource, kmsg;
	uint64_t mem_total, mem_available;
};

/* The HTML report: one self-contained file, inline SVG and CSS, no scripts. */
int lab_write_html(const char *path, const struct lab_host *host, const struct lab_item *items,
		   size_t n, uint64_t max, uint64_t high, bool has_high);

/* What the report needs of a run as JSON (inside an open object; `oomlab lab --json`), and
 * read back (`oomlab lab --from-json FILE --report OUT`): items[] get malloc'ed points. */
struct json;
void lab_item_json(struct json *j, const struct lab_item *it);
struct lab_saved {
	struct lab_host host;
	struct lab_item items[16];
	size_t n;
	uint64_t max, high;
	bool has_high;
};
/* 0, or -EINVAL with a message in err */
int lab_load_json(const char *text, struct lab_saved *ret, char *err, size_t errsz);

#endif

// SPDX-License-Identifier: MIT
/*
 * Fuzz target for the parsers behind `oomlab serve`: OCI config.json annotations
 * (k8s_names_from_oci_config, reads runtime files of any container), the Accept header
 * (prom_negotiate, from any HTTP client), journald native datagrams (journal_entry_parse), the
 * cgroup-path naming and the label cut. Same two builds as fuzz_proc.c (libFuzzer, or tests/fuzz/replay_main.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal-send.h"
#include "k8s-name.h"
#include "prom-text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void field(const char *k, size_t kl, const char *v, size_t vl, void *u)
{
	size_t *total = u;
	*total += kl + vl;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), cut[32];
	struct k8s_names k;
	size_t total = 0;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	memset(&k, 0, sizeof(k));
	k8s_names_from_oci_config((const char *)data, size, &k);
	if (strnlen(k.pod, sizeof(k.pod)) >= sizeof(k.pod) ||
	    strnlen(k.namespace, sizeof(k.namespace)) >= sizeof(k.namespace) ||
	    strnlen(k.container, sizeof(k.container)) >= sizeof(k.container))
		abort();
	prom_negotiate(buf);
	if (journal_entry_parse((const char *)data, size, field, &total) >= 0 && total > size)
		abort();
	k8s_names_from_cgroup(buf, &k);
	if (strlen(cgroup_cut_depth(buf, 2, cut, sizeof(cut))) >= sizeof(cut))
		abort();
	free(buf);
	return 0;
}

/* the replay harness's mutations (tests/fuzz/replay_main.c) use these bytes */
const char *fuzz_interesting = "\"\\:{},=\n;q.0123456789abcdef-_/";

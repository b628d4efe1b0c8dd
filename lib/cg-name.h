/* SPDX-License-Identifier: MIT */
/*
 * Name the container, pod or systemd unit a cgroup path belongs to, from the path alone
 * (pure function, no I/O): docker, containerd, cri-o, podman, Kubernetes (QoS class, pod,
 * container) under both the cgroupfs and the systemd cgroup driver, systemd services/scopes.
 */
#ifndef OOMLAB_CGNAME_H
#define OOMLAB_CGNAME_H

#include <stddef.h>

struct cgname {
	char runtime[16];   /* "docker", "containerd", "cri-o", "podman", "systemd", "" */
	char qos[16];	    /* kubepods: "guaranteed", "burstable", "besteffort" */
	char pod[64];	    /* kubepods: pod UID (dashes restored) */
	char container[72]; /* container id, 12 hex digits shown when formatted */
	char unit[128];	    /* systemd unit (service or scope) when no container matched */
};

/* 1 if something was recognized, 0 if not (ret zeroed), never fails. */
int cgname_parse(const char *path, struct cgname *ret);
/* "docker 3f2a1b2c3d4e", "kubepods burstable pod 1234-… container abcdef012345",
 * "systemd nginx.service"; "" if nothing is known. Returns buf. */
const char *cgname_format(const struct cgname *n, char *buf, size_t sz);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Kubernetes names without an API server: what the cgroup path says (QoS class, pod UID,
 * container id; both kubelet cgroup drivers, through cg-name.h) and what the container
 * runtime wrote next to the container (the OCI config.json annotations io.kubernetes.cri.*
 * of containerd, io.kubernetes.{pod,container}.* of CRI-O). Read-only, bounded reads.
 *
 *   containerd  <root>/run/containerd/io.containerd.runtime.v2.task/k8s.io/<id>/config.json
 *   CRI-O       <root>/run/containers/storage/overlay-containers/<id>/userdata/config.json
 *               (and the older <root>/var/lib/containers/storage/overlay-containers/...)
 *
 * root is "" for the host itself or the directory where the host's / is mounted (a DaemonSet's
 * /host). Names are what the runtime recorded at creation; the pod UID from the cgroup path is
 * the one to trust when both exist.
 */
#ifndef OOMLAB_K8SNAME_H
#define OOMLAB_K8SNAME_H

#include <stdbool.h>
#include <stddef.h>

struct k8s_names {
	bool kube;    /* the path is under kubepods */
	char qos[16]; /* guaranteed, burstable, besteffort */
	char pod_uid[64];
	char container_id[72]; /* full id as in the path */
	char runtime[16];      /* containerd, cri-o, docker, ... as the path says */
	/* from the runtime's annotations ("" when not readable) */
	char namespace[128];
	char pod[256];
	char container[128];
	bool sandbox; /* the pod's sandbox (pause) container */
};

/* From the cgroup path alone (pure). Returns 1 for a kubepods path, 0 otherwise (kube false;
 * container_id may still be set for docker/podman). */
int k8s_names_from_cgroup(const char *cgroup, struct k8s_names *ret);

/* Parse an OCI config.json text for the annotations (pure): fills namespace, pod, container,
 * sandbox, and pod_uid when empty. Returns the number of fields found (0: none). */
int k8s_names_from_oci_config(const char *json, size_t len, struct k8s_names *ret);

/* Find and read the runtime's config.json for container id under root. Returns the number of
 * fields found, -ENOENT when no runtime state directory has the id, -errno on a read error. */
int k8s_names_lookup(const char *root, const char *container_id, struct k8s_names *ret);

/* A container id or pod uid safe to put in a path: [0-9a-f-], 12..64 characters. */
bool k8s_id_valid(const char *id);

/* ---- the labels of one kill (pure) ---- */
struct oom_event;
/* "memcg", "none", "cpuset", "memory_policy" from the kernel's constraint (or the scope when a
 * kernel-side source carried none), else "unknown" */
const char *oom_constraint_label(const struct oom_event *ev);
/*
 * Whose limit fired: "node" (global, cpuset or mempolicy OOM), for a memcg OOM under kubepods
 * "container", "pod", "qos" (a QoS class slice) or "kubepods" (node allocatable), elsewhere
 * "cgroup" (the victim's own cgroup) or "ancestor"; "unknown" when the OOMing cgroup is not known.
 */
const char *oom_limit_scope(const struct oom_event *ev);
/* "/a/b/c" cut to depth components into buf ("/" for depth 0 or the root). Returns buf. */
const char *cgroup_cut_depth(const char *path, unsigned depth, char *buf, size_t sz);

#endif

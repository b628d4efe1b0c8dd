// SPDX-License-Identifier: MIT
/* Kubernetes names from cgroup paths and runtime annotations: see k8s-name.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cg-name.h"
#include "oom-event.h"
#include "k8s-name.h"
#include "util.h"
#include "banned.h"

/* a container's config.json is 10-60 KiB (env, mounts, seccomp profile inline: up to ~200) */
#define OCI_CONFIG_MAX (1024 * 1024)

static void copy_str(char *dst, size_t sz, const char *s)
{
	xsnprintf(dst, sz, "%s", s);
}

int k8s_names_from_cgroup(const char *cgroup, struct k8s_names *ret)
{
	struct cgname n;

	memset(ret, 0, sizeof(*ret));
	cgname_parse(cgroup, &n);
	ret->kube = n.qos[0] != '\0';
	copy_str(ret->qos, sizeof(ret->qos), n.qos);
	copy_str(ret->pod_uid, sizeof(ret->pod_uid), n.pod);
	copy_str(ret->container_id, sizeof(ret->container_id), n.container);
	copy_str(ret->runtime, sizeof(ret->runtime), n.runtime);
	return ret->kube ? 1 : 0;
}

/*
 * The JSON string value of "key" anywhere in the text (annotations are a flat object of
 * strings; keys are unique enough that a scan is exact): unescapes \" \\ \/ and drops \uXXXX
 * of control characters. 1 found, 0 not found.
 */
static int json_find_string(const char *js, size_t len, const char *key, char *out, size_t sz)
{
	size_t kl = strlen(key);
	const char *end = js + len, *p = js;

	while (p + kl + 2 <= end) {
		const char *q = memchr(p, '"', (size_t)(end - p));
		const char *v;
		size_t o = 0;

		if (!q || q + kl + 2 > end)
			return 0;
		if (memcmp(q + 1, key, kl) != 0 || q[kl + 1] != '"') {
			p = q + 1;
			continue;
		}
		v = q + kl + 2;
		while (v < end && (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r'))
			v++;
		if (v >= end || *v != ':') {
			p = q + 1;
			continue;
		}
		v++;
		while (v < end && (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r'))
			v++;
		if (v >= end || *v != '"') {
			p = q + 1;
			continue;
		}
		for (v++; v < end && *v != '"'; v++) {
			char c = *v;
			if (c == '\\' && v + 1 < end) {
				v++;
				c = *v;
				if (c == 'u') {
					v += 4 < end - v ? 4 : (size_t)(end - v - 1);
					continue; /* names are ASCII; drop escaped code points */
				}
				if (c == 'n' || c == 't' || c == 'r' || c == 'b' || c == 'f')
					continue;
			}
			if ((unsigned char)c < 0x20)
				continue;
			if (o + 1 < sz)
				out[o++] = c;
		}
		if (v >= end)
			return 0; /* unterminated */
		out[o] = '\0';
		return 1;
	}
	return 0;
}

int k8s_names_from_oci_config(const char *json, size_t len, struct k8s_names *ret)
{
	static const struct {
		const char *key;
		size_t off, sz;
	} keys[] = {
		/* containerd CRI plugin */
		{ "io.kubernetes.cri.sandbox-namespace", offsetof(struct k8s_names, namespace),
		  128 },
		{ "io.kubernetes.cri.sandbox-name", offsetof(struct k8s_names, pod), 256 },
		{ "io.kubernetes.cri.container-name", offsetof(struct k8s_names, container), 128 },
		{ "io.kubernetes.cri.sandbox-uid", offsetof(struct k8s_names, pod_uid), 64 },
		/* CRI-O */
		{ "io.kubernetes.pod.namespace", offsetof(struct k8s_names, namespace), 128 },
		{ "io.kubernetes.pod.name", offsetof(struct k8s_names, pod), 256 },
		{ "io.kubernetes.container.name", offsetof(struct k8s_names, container), 128 },
		{ "io.kubernetes.pod.uid", offsetof(struct k8s_names, pod_uid), 64 },
	};
	char type[32];
	int found = 0;

	for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
		char *dst = (char *)ret + keys[i].off;
		char val[256];

		if (dst[0] && keys[i].off != offsetof(struct k8s_names, pod_uid))
			continue; /* containerd's key came first */
		if (keys[i].off == offsetof(struct k8s_names, pod_uid) && dst[0])
			continue; /* the cgroup path's uid wins */
		if (json_find_string(json, len, keys[i].key, val, sizeof(val)) == 1 && val[0]) {
			copy_str(dst, keys[i].sz, val);
			found++;
		}
	}
	/* containerd: container-type sandbox; CRI-O: io.kubernetes.cri-o.ContainerType sandbox */
	if ((json_find_string(json, len, "io.kubernetes.cri.container-type", type, sizeof(type)) ==
		     1 ||
	     json_find_string(json, len, "io.kubernetes.cri-o.ContainerType", type, sizeof(type)) ==
		     1) &&
	    strcmp(type, "sandbox") == 0) {
		ret->sandbox = true;
		ret->container[0] = '\0'; /* the pause container has no container name */
	}
	return found;
}

bool k8s_id_valid(const char *id)
{
	size_t n = strlen(id);

	if (n < 12 || n > 64)
		return false;
	for (const char *c = id; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f') || *c == '-'))
			return false;
	return true;
}

int k8s_names_lookup(const char *root, const char *container_id, struct k8s_names *ret)
{
	static const struct {
		const char *dir, *file;
	} fmts[] = {
		{ "/run/containerd/io.containerd.runtime.v2.task/k8s.io/", "/config.json" },
		{ "/run/containers/storage/overlay-containers/", "/userdata/config.json" },
		{ "/var/lib/containers/storage/overlay-containers/", "/userdata/config.json" },
	};
	int r = -ENOENT;

	if (!root)
		root = "";
	if (!k8s_id_valid(container_id))
		return -EINVAL;
	for (size_t i = 0; i < ELEMENTSOF(fmts); i++) {
		char path[4096];
		char *buf = NULL;
		ssize_t n;

		if (xsnprintf(path, sizeof(path), "%s%s%s%s", root, fmts[i].dir, container_id,
			      fmts[i].file) < 0)
			return -ENAMETOOLONG;
		n = read_file_alloc(path, &buf);
		if (n == -ENOENT || n == -ENOTDIR) {
			free(buf);
			continue;
		}
		if (n < 0) {
			free(buf);
			r = (int)n;
			continue;
		}
		if (n > OCI_CONFIG_MAX)
			n = OCI_CONFIG_MAX;
		r = k8s_names_from_oci_config(buf, (size_t)n, ret);
		free(buf);
		return r;
	}
	return r;
}

/* ---- labels of a kill ---- */

const char *oom_constraint_label(const struct oom_event *ev)
{
	const char *c = ev->constraint;

	if (strcmp(c, "CONSTRAINT_MEMCG") == 0)
		return "memcg";
	if (strcmp(c, "CONSTRAINT_NONE") == 0)
		return "none";
	if (strcmp(c, "CONSTRAINT_CPUSET") == 0)
		return "cpuset";
	if (strcmp(c, "CONSTRAINT_MEMORY_POLICY") == 0)
		return "memory_policy";
	/* the kernel-side sources without a kernel-log summary: the scope says what it was */
	if (!c[0] && ev->scope == OOM_SCOPE_MEMCG)
		return "memcg";
	if (!c[0] && ev->scope == OOM_SCOPE_GLOBAL)
		return "none";
	return "unknown";
}

static const char *last_component(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

const char *oom_limit_scope(const struct oom_event *ev)
{
	struct k8s_names k;
	const char *last;

	if (ev->scope == OOM_SCOPE_GLOBAL || strcmp(ev->constraint, "CONSTRAINT_NONE") == 0)
		return "node";
	if (strcmp(ev->constraint, "CONSTRAINT_CPUSET") == 0 ||
	    strcmp(ev->constraint, "CONSTRAINT_MEMORY_POLICY") == 0)
		return "node";
	if (!ev->oom_memcg[0])
		return "unknown";
	k8s_names_from_cgroup(ev->oom_memcg, &k);
	if (k.kube) {
		if (k.container_id[0])
			return "container";
		if (k.pod_uid[0])
			return "pod";
		last = last_component(ev->oom_memcg);
		if (strcmp(last, "kubepods") == 0 || strcmp(last, "kubepods.slice") == 0)
			return "kubepods";
		return "qos";
	}
	if (ev->task_memcg[0] && strcmp(ev->task_memcg, ev->oom_memcg) == 0)
		return "cgroup";
	return "ancestor";
}

const char *cgroup_cut_depth(const char *path, unsigned depth, char *buf, size_t sz)
{
	const char *p = path;
	unsigned n = 0;

	while (*p == '/')
		p++;
	while (*p && n < depth) {
		const char *e = strchr(p, '/');
		n++;
		p = e ? e : p + strlen(p);
		if (n < depth)
			while (*p == '/')
				p++;
	}
	if (p == path || n == 0) {
		xsnprintf(buf, sz, "/");
		return buf;
	}
	{
		size_t len = (size_t)(p - path);
		if (len >= sz)
			len = sz - 1;
		memcpy(buf, path, len);
		buf[len] = '\0';
	}
	return buf;
}

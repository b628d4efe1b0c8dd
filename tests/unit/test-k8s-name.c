// SPDX-License-Identifier: MIT
/* lib/k8s-name.c: container and pod names from cgroup paths and OCI state, the limit's scope. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "k8s-name.h"
#include "oom-event.h"
#include "util.h"

START_TEST(test_k8s_cgroup)
{
	struct k8s_names k;

	ck_assert_int_eq(
		k8s_names_from_cgroup(
			"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234abcd_5678_90ef_1234_567890abcdef.slice/cri-containerd-9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d.scope",
			&k),
		1);
	ck_assert_str_eq(k.qos, "burstable");
	ck_assert_str_eq(k.pod_uid, "1234abcd-5678-90ef-1234-567890abcdef");
	ck_assert_str_eq(k.container_id,
			 "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d");
	ck_assert_str_eq(k.runtime, "containerd");
	/* the cgroupfs driver */
	ck_assert_int_eq(
		k8s_names_from_cgroup(
			"/kubepods/besteffort/pod33334444-5555-6666-7777-888899990000/3333333333333333333333333333333333333333333333333333333333333333",
			&k),
		1);
	ck_assert_str_eq(k.qos, "besteffort");
	ck_assert_str_eq(k.pod_uid, "33334444-5555-6666-7777-888899990000");
	ck_assert_int_eq(strlen(k.container_id), 64);
	ck_assert_int_eq(k8s_names_from_cgroup("/system.slice/nginx.service", &k), 0);
	ck_assert(!k.kube);
}
END_TEST

START_TEST(test_k8s_oci)
{
	struct k8s_names k = { 0 };
	const char *cd =
		"{\"annotations\": {\"io.kubernetes.cri.container-type\": \"container\",\n"
		" \"io.kubernetes.cri.container-name\" : \"app\",\"io.kubernetes.cri.sandbox-name\":"
		"\"web-1\", \"io.kubernetes.cri.sandbox-namespace\":\"sh\\\"op\\u0001\","
		"\"io.kubernetes.cri.sandbox-uid\":\"u-1\"}}";
	const char *crio =
		"{\"annotations\":{\"io.kubernetes.pod.name\":\"p\",\"io.kubernetes.pod.namespace\":"
		"\"n\",\"io.kubernetes.container.name\":\"c\",\"io.kubernetes.cri-o.ContainerType\":\"sandbox\"}}";

	ck_assert_int_eq(k8s_names_from_oci_config(cd, strlen(cd), &k), 4);
	ck_assert_str_eq(k.container, "app");
	ck_assert_str_eq(k.pod, "web-1");
	ck_assert_str_eq(k.namespace, "sh\"op");
	ck_assert_str_eq(k.pod_uid, "u-1");
	ck_assert(!k.sandbox);
	memset(&k, 0, sizeof(k));
	xsnprintf(k.pod_uid, sizeof(k.pod_uid), "from-path");
	ck_assert_int_eq(k8s_names_from_oci_config(crio, strlen(crio), &k), 3);
	ck_assert_str_eq(k.pod_uid, "from-path"); /* the path's uid wins */
	ck_assert(k.sandbox);
	ck_assert_str_eq(k.container, "");
	/* cut and malformed input: nothing found, no overrun */
	memset(&k, 0, sizeof(k));
	ck_assert_int_eq(k8s_names_from_oci_config(cd, 60, &k), 0);
	ck_assert_int_eq(k8s_names_from_oci_config("\"io.kubernetes.pod.name\":", 26, &k), 0);
	ck_assert_int_eq(k8s_names_from_oci_config("\"io.kubernetes.pod.name\":\"x", 27, &k), 0);
	ck_assert(!k8s_id_valid("../../etc"));
	ck_assert(!k8s_id_valid("abc"));
	ck_assert(k8s_id_valid("0123456789ab"));
	ck_assert_int_eq(k8s_names_lookup("/nonexistent", "0123456789ab", &k), -ENOENT);
	ck_assert_int_eq(k8s_names_lookup("/", "../../etc/passwd", &k), -EINVAL);
}
END_TEST

static struct oom_event ev(const char *constraint, enum oom_scope scope, const char *oom,
			   const char *task)
{
	struct oom_event e = { 0 };
	xsnprintf(e.constraint, sizeof(e.constraint), "%s", constraint);
	e.scope = scope;
	xsnprintf(e.oom_memcg, sizeof(e.oom_memcg), "%s", oom);
	xsnprintf(e.task_memcg, sizeof(e.task_memcg), "%s", task);
	return e;
}

START_TEST(test_limit_scope)
{
	const char *pod =
		"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234abcd_5678_90ef_1234_567890abcdef.slice";
	char ctr[512], buf[64];
	struct oom_event e;

	xsnprintf(
		ctr, sizeof(ctr),
		"%s/cri-containerd-9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d.scope",
		pod);
	e = ev("CONSTRAINT_MEMCG", OOM_SCOPE_MEMCG, ctr, ctr);
	ck_assert_str_eq(oom_limit_scope(&e), "container");
	e = ev("CONSTRAINT_MEMCG", OOM_SCOPE_MEMCG, pod, ctr);
	ck_assert_str_eq(oom_limit_scope(&e), "pod");
	e = ev("CONSTRAINT_MEMCG", OOM_SCOPE_MEMCG, "/kubepods.slice/kubepods-burstable.slice",
	       ctr);
	ck_assert_str_eq(oom_limit_scope(&e), "qos");
	e = ev("CONSTRAINT_MEMCG", OOM_SCOPE_MEMCG, "/kubepods.slice", ctr);
	ck_assert_str_eq(oom_limit_scope(&e), "kubepods");
	e = ev("CONSTRAINT_MEMCG", OOM_SCOPE_MEMCG, "/kubepods/burstable",
	       "/kubepods/burstable/pod1/x");
	ck_assert_str_eq(oom_limit_scope(&e), "qos");
	e = ev("CONSTRAINT_NONE", OOM_SCOPE_GLOBAL, "", ctr);
	ck_assert_str_eq(oom_limit_scope(&e), "node");
	ck_assert_str_eq(oom_constraint_label(&e), "none");
	e = ev("", OOM_SCOPE_MEMCG, "/a", "/a");
	ck_assert_str_eq(oom_limit_scope(&e), "cgroup");
	ck_assert_str_eq(oom_constraint_label(&e), "memcg");
	e = ev("CONSTRAINT_MEMCG", OOM_SCOPE_MEMCG, "/a", "/a/b");
	ck_assert_str_eq(oom_limit_scope(&e), "ancestor");
	e = ev("CONSTRAINT_MEMCG", OOM_SCOPE_MEMCG, "", "/a/b");
	ck_assert_str_eq(oom_limit_scope(&e), "unknown");
	e = ev("CONSTRAINT_CPUSET", OOM_SCOPE_UNKNOWN, "", "");
	ck_assert_str_eq(oom_limit_scope(&e), "node");
	ck_assert_str_eq(oom_constraint_label(&e), "cpuset");
	e = ev("weird", OOM_SCOPE_UNKNOWN, "", "");
	ck_assert_str_eq(oom_constraint_label(&e), "unknown");

	ck_assert_str_eq(cgroup_cut_depth("/a/b/c", 2, buf, sizeof(buf)), "/a/b");
	ck_assert_str_eq(cgroup_cut_depth("/a/b/c", 1, buf, sizeof(buf)), "/a");
	ck_assert_str_eq(cgroup_cut_depth("/a/b/c", 5, buf, sizeof(buf)), "/a/b/c");
	ck_assert_str_eq(cgroup_cut_depth("/a//b/c", 2, buf, sizeof(buf)), "/a//b");
	ck_assert_str_eq(cgroup_cut_depth("/a/b", 0, buf, sizeof(buf)), "/");
	ck_assert_str_eq(cgroup_cut_depth("/", 2, buf, sizeof(buf)), "/");
	ck_assert_str_eq(cgroup_cut_depth("/abcdefgh/x", 1, buf, 5), "/abc");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("k8sname");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_k8s_cgroup);
	tcase_add_test(tc, test_k8s_oci);
	tcase_add_test(tc, test_limit_scope);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(suite)

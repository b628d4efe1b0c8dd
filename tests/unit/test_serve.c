// SPDX-License-Identifier: MIT
/* The pure parts behind `oomlab serve`: lib/promtext, lib/k8sname, lib/journalsend. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "journalsend.h"
#include "k8sname.h"
#include "oomevent.h"
#include "promtext.h"
#include "util.h"

static char *render(enum prom_format fmt, void (*fn)(struct prom *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	struct prom p;

	prom_init(&p, m, fmt);
	fn(&p);
	prom_finish(&p);
	fclose(m);
	return buf;
}

static void one_counter(struct prom *p)
{
	struct prom_label l[] = { { "cgroup", "/a\"b\\c\nd" },
				  { "pod", "" },
				  { "unit", NULL },
				  { "constraint", "memcg" } };
	struct prom_label el[] = { { "kill_id", "7" }, { "pid", "1234" } };
	struct prom_exemplar ex = { el, 2, 1, 1700000000123456ULL };

	prom_family(p, "oomlab_oom_kills", PROM_COUNTER, "Kills \"by\" cgroup.\nSecond line");
	prom_sample_u64(p, l, 4, 3, &ex);
	prom_family(p, "oomlab_build", PROM_INFO, "version");
	prom_sample_u64(p, NULL, 0, 1, NULL);
	prom_family(p, "oomlab_x_seconds", PROM_GAUGE, "s");
	prom_sample_us(p, NULL, 0, 1500001);
}

START_TEST(test_prom_text)
{
	char *t = render(PROM_TEXT, one_counter);

	ck_assert_str_eq(
		t, "# HELP oomlab_oom_kills_total Kills \"by\" cgroup.\\nSecond line\n"
		   "# TYPE oomlab_oom_kills_total counter\n"
		   "oomlab_oom_kills_total{cgroup=\"/a\\\"b\\\\c\\nd\",constraint=\"memcg\"} 3\n"
		   "# HELP oomlab_build_info version\n"
		   "# TYPE oomlab_build_info gauge\n"
		   "oomlab_build_info 1\n"
		   "# HELP oomlab_x_seconds s\n# TYPE oomlab_x_seconds gauge\n"
		   "oomlab_x_seconds 1.500001\n");
	free(t);
}
END_TEST

START_TEST(test_prom_openmetrics)
{
	char *t = render(PROM_OPENMETRICS, one_counter);

	ck_assert_str_eq(
		t, "# HELP oomlab_oom_kills Kills \\\"by\\\" cgroup.\\nSecond line\n"
		   "# TYPE oomlab_oom_kills counter\n"
		   "oomlab_oom_kills_total{cgroup=\"/a\\\"b\\\\c\\nd\",constraint=\"memcg\"} 3 "
		   "# {kill_id=\"7\",pid=\"1234\"} 1 1700000000.123456\n"
		   "# HELP oomlab_build version\n"
		   "# TYPE oomlab_build info\n"
		   "oomlab_build_info 1\n"
		   "# HELP oomlab_x_seconds s\n# TYPE oomlab_x_seconds gauge\n"
		   "oomlab_x_seconds 1.500001\n# EOF\n");
	free(t);
}
END_TEST

START_TEST(test_prom_negotiate)
{
	ck_assert_int_eq(prom_negotiate(NULL), PROM_TEXT);
	ck_assert_int_eq(prom_negotiate("*/*"), PROM_TEXT);
	ck_assert_int_eq(prom_negotiate("text/plain;version=0.0.4"), PROM_TEXT);
	/* what Prometheus 2.42 sends */
	ck_assert_int_eq(
		prom_negotiate(
			"application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"),
		PROM_OPENMETRICS);
	ck_assert_int_eq(prom_negotiate("text/plain, Application/OpenMetrics-Text; q=0.3"),
			 PROM_OPENMETRICS);
	ck_assert_int_eq(prom_negotiate("application/openmetrics-text; q=0"), PROM_TEXT);
	ck_assert_int_eq(prom_negotiate("application/openmetrics-text;q=0.0"), PROM_TEXT);
	ck_assert_int_eq(prom_negotiate("application/openmetrics-textual"), PROM_OPENMETRICS);
	ck_assert(prom_name_valid("oomlab_a:b", false));
	ck_assert(!prom_name_valid("a:b", true));
	ck_assert(!prom_name_valid("1a", false));
	ck_assert(!prom_name_valid("", true));
}
END_TEST

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

struct fields {
	char got[8][128];
	int n;
};

static void on_field(const char *k, size_t kl, const char *v, size_t vl, void *u)
{
	struct fields *f = u;
	if (f->n < 8)
		snprintf(f->got[f->n++], 128, "%.*s=%.*s", (int)kl, k, (int)vl, v);
}

START_TEST(test_journal_entry)
{
	struct journal_entry e;
	struct fields f = { 0 };

	journal_entry_init(&e);
	journal_entry_add(&e, "MESSAGE", "hello", 5);
	journal_entry_add(&e, "OOMLAB_MULTI", "a\nb", 3);
	journal_entry_addf(&e, "OOMLAB_PID", "%d", 42);
	ck_assert_int_eq(e.err, 0);
	ck_assert_int_eq(journal_entry_parse(e.buf, e.len, on_field, &f), 3);
	ck_assert_str_eq(f.got[0], "MESSAGE=hello");
	ck_assert_str_eq(f.got[1], "OOMLAB_MULTI=a\nb");
	ck_assert_str_eq(f.got[2], "OOMLAB_PID=42");
	/* the binary form on the wire: KEY \n le64 length value \n */
	ck_assert(memcmp(e.buf + 14, "OOMLAB_MULTI\n\3\0\0\0\0\0\0\0a\nb\n", 25) == 0);
	ck_assert_int_eq(journal_entry_parse(e.buf, e.len - 1, on_field, &f), -EINVAL);
	journal_entry_add(&e, "_PID", "1", 1); /* trusted fields are journald's */
	ck_assert_int_eq(e.err, -EINVAL);
	ck_assert_int_eq(journal_send(-1, NULL, &e), -EINVAL);
	journal_entry_free(&e);
	ck_assert(!journal_key_valid("lower"));
	ck_assert(!journal_key_valid("9X"));
	ck_assert(journal_key_valid("OOMLAB_K8S_POD"));
}
END_TEST

static Suite *serve_suite(void)
{
	Suite *s = suite_create("serve");
	TCase *tc = tcase_create("all");
	tcase_add_test(tc, test_prom_text);
	tcase_add_test(tc, test_prom_openmetrics);
	tcase_add_test(tc, test_prom_negotiate);
	tcase_add_test(tc, test_k8s_cgroup);
	tcase_add_test(tc, test_k8s_oci);
	tcase_add_test(tc, test_limit_scope);
	tcase_add_test(tc, test_journal_entry);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(serve_suite)

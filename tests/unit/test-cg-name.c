// SPDX-License-Identifier: MIT
/* lib/cg-name.c: cgroup names in kernel records: parsed and formatted back. */
#include <stdio.h>

#include "testutil.h"
#include "cg-name.h"

static const char *name(const char *path, char *buf)
{
	struct cgname n;
	cgname_parse(path, &n);
	return cgname_format(&n, buf, 200);
}

START_TEST(test_cgname)
{
	char b[200];
	const char *id = "3f2a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8";
	char p[512];

	snprintf(p, sizeof(p), "/docker/%s", id);
	ck_assert_str_eq(name(p, b), "docker 3f2a1b2c3d4e");
	snprintf(p, sizeof(p), "/system.slice/docker-%s.scope", id);
	ck_assert_str_eq(name(p, b), "docker 3f2a1b2c3d4e");
	snprintf(p, sizeof(p), "/machine.slice/libpod-%s.scope", id);
	ck_assert_str_eq(name(p, b), "podman 3f2a1b2c3d4e");
	snprintf(p, sizeof(p), "/system.slice/crio-%s.scope", id);
	ck_assert_str_eq(name(p, b), "cri-o 3f2a1b2c3d4e");
	snprintf(p, sizeof(p), "/kubepods/burstable/pod1234-5678/%s", id);
	ck_assert_str_eq(name(p, b), "kubepods burstable pod 1234-5678 container 3f2a1b2c3d4e");
	snprintf(p, sizeof(p), "/kubepods/pod1234-5678/%s", id);
	ck_assert_str_eq(name(p, b), "kubepods guaranteed pod 1234-5678 container 3f2a1b2c3d4e");
	snprintf(
		p, sizeof(p),
		"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod12_34.slice/cri-containerd-%s.scope",
		id);
	ck_assert_str_eq(name(p, b), "kubepods besteffort pod 12-34 container 3f2a1b2c3d4e");
	ck_assert_str_eq(name("/kubepods.slice/kubepods-pod99.slice", b),
			 "kubepods guaranteed pod 99");
	ck_assert_str_eq(name("/system.slice/nginx.service", b), "systemd nginx.service");
	ck_assert_str_eq(name("/user.slice/user-0.slice/session-3.scope", b),
			 "systemd session-3.scope");
	ck_assert_str_eq(name("/oomlab-test-kmsg-1", b), "");
	ck_assert_str_eq(name("/", b), "");
	ck_assert_str_eq(name("", b), "");
	ck_assert_str_eq(name("/docker/nothex", b), "");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("cgname");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_cgname);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(suite)

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# contrib/kubernetes: the manifests pass yamllint; the DaemonSet is not privileged, has hostPID,
# drops ALL and adds exactly BPF/PERFMON/SYSLOG with RuntimeDefault seccomp, and mounts every
# path the daemon reads (cgroupfs, BTF, /dev/kmsg, and each runtime state directory that
# lib/k8s-name.c looks in, under --root); the monitors honour labels; the alert rules pass
# promtool check rules.
set -u
source "$(dirname "$0")/../_lib.sh"
K=$TOP/contrib/kubernetes
require_cmd python3
python3 -c 'import yaml' 2>/dev/null || skip "needs python3-yaml"
if command -v yamllint >/dev/null; then
	yamllint -s -d '{extends: default, rules: {line-length: {max: 200}, document-start: disable}}' "$K" && echo "SUBTEST PASS yamllint" || { echo "SUBTEST FAIL yamllint: see above"; }
else
	echo "SUBTEST SKIP yamllint: not installed"
fi
# the runtime state directories the code reads, straight from the source
dirs=$(sed -n 's/.*{ "\(\/[a-z/.0-9-]*\)\/", "\/[a-z/.]*" },.*/\1/p' "$TOP/lib/k8s-name.c")
[ -n "$dirs" ] || fail "no runtime directories found in lib/k8s-name.c"
rules=$(mktemp /tmp/oomlab-rules.XXXXXX.yml); trap 'rm -f "$rules"' EXIT
RULES=$rules python3 - "$K" $dirs <<'PY' && echo "SUBTEST PASS daemonset" || echo "SUBTEST FAIL daemonset: see above"
import sys, yaml, os
k, dirs = sys.argv[1], sys.argv[2:]
docs = [d for f in sorted(os.listdir(k)) if f.endswith(".yaml") for d in yaml.safe_load_all(open(os.path.join(k, f))) if d]
ds = [d for d in docs if d["kind"] == "DaemonSet"][0]
spec = ds["spec"]["template"]["spec"]
assert spec["hostPID"] is True
c = spec["containers"][0]
sc = c["securityContext"]
assert sc["privileged"] is False and sc["allowPrivilegeEscalation"] is False
assert sc["capabilities"]["drop"] == ["ALL"], sc
assert sorted(sc["capabilities"]["add"]) == ["BPF", "PERFMON", "SYSLOG"], sc
assert sc["seccompProfile"]["type"] == "RuntimeDefault"
args = c["args"]
assert args[0] == "serve" and "--root=/host" in args, args
root = "/host"
mounts = {m["mountPath"]: m for m in c["volumeMounts"]}
assert all(m.get("readOnly") for m in mounts.values()), mounts
vols = {v["name"]: v for v in spec["volumes"]}
def host_of(path):
    for mp, m in mounts.items():
        if path == mp or path.startswith(mp.rstrip("/") + "/"):
            hp = vols[m["name"]]["hostPath"]["path"]
            return hp + path[len(mp):]
    return None
need = {"/sys/fs/cgroup": "/sys/fs/cgroup", "/sys/kernel/btf/vmlinux": "/sys/kernel/btf/vmlinux", "/dev/kmsg": "/dev/kmsg"}
for d in dirs:
    need[root + d] = d
for path, hostpath in need.items():
    got = host_of(path)
    assert got == hostpath, f"{path}: mounted from {got}, expected the host's {hostpath}"
    print("mount", path, "<-", got)
ports = [p["containerPort"] for p in c["ports"]]
assert ports == [10139], ports
mons = [d for d in docs if d["kind"] in ("PodMonitor", "ServiceMonitor")]
assert len(mons) == 2
for m in mons:
    eps = m["spec"].get("podMetricsEndpoints") or m["spec"].get("endpoints")
    assert all(e["honorLabels"] is True for e in eps), m
rules = [d for d in docs if d["kind"] == "PrometheusRule"][0]
yaml.safe_dump({"groups": rules["spec"]["groups"]}, open(os.environ["RULES"], "w"))
PY
if command -v promtool >/dev/null; then
	promtool check rules "$rules" >"$rules.out" 2>&1 && echo "SUBTEST PASS rules" || echo "SUBTEST FAIL rules: $(cat "$rules.out")"
	rm -f "$rules.out"
else
	echo "SUBTEST SKIP rules: promtool not installed"
fi

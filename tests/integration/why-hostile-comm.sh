#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A process names itself "x) total-vm:1kB" (prctl PR_SET_NAME) and is OOM-killed: oomlab
# reports its true pid and the kernel's true numbers, not the fake ones in its name.
set -u
. "$(dirname "$0")/_kmsg_lib.sh"
kmsg_need
make_cgroup oomlab-test-kmsg-hostile-$$ $((64 << 20)) || exit 1
cg=$CG
start_eater "$cg" 'x) total-vm:1kB'
pid=$EATER_PID
wait $pid
[ $? = 137 ] || { echo "eater not killed"; exit 1; }
# the kernel's own numbers, read from its line for this pid: after the LAST ") total-vm:"
line=$(timeout 2 cat /dev/kmsg 2>/dev/null | grep -a -m1 "Killed process $pid (" || true)
[ -n "$line" ] || { echo "no kill line for $pid in /dev/kmsg"; exit 1; }
echo "kernel: $line"
tvm=$(sed 's/.*) total-vm:\([0-9]*\)kB, anon-rss:.*/\1/' <<<"$line")
anon=$(sed 's/.*anon-rss:\([0-9]*\)kB.*/\1/' <<<"$line")
out=$("$OOMLAB" why --json --pid $pid)
echo "$out"
python3 -c "
import json, sys
k = json.loads(sys.argv[1])['kills']
assert len(k) == 1, k
k = k[0]
assert k['pid'] == $pid, k
assert k['comm'] == 'x) total-vm:1kB', repr(k['comm'])
assert k['total_vm_kb'] == $tvm and k['total_vm_kb'] > 1000, (k['total_vm_kb'], $tvm)
assert k['anon_rss_kb'] == $anon, (k['anon_rss_kb'], $anon)
assert k['oom_score_adj'] == 0 and k['uid'] == 0, k
" "$out"

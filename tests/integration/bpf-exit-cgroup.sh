#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Kernel surprise kept true: a task that has exited but is not reaped yet (a zombie, or an OOM
# victim a few ms after mark_victim) reads "/" in /proc/PID/cgroup: cgroup_exit() moved it to
# the root css_set. Its mm went first (exit_mm), so /proc/PID/status has no VmSize by then: the
# after-the-fact reader (lib/victim.c) relies on that order to never report "/" for a victim
# that lived in a memcg.
set -u
. "$(dirname "$0")/_oomkill.sh"
oom_need_root
need_python
oom_setup exitcg 64M
python3 - "$CGB" <<'PY'
import os, sys, time
cgb = sys.argv[1]
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(r)
    open(f"{cgb}/cgroup.procs", "w").write(str(os.getpid()))
    os.write(w, b"x")
    os._exit(0)
os.close(w)
os.read(r, 1)
alive = [l for l in open(f"/proc/{pid}/cgroup").read().splitlines() if ":memory:" in l]
print("before exit:", alive)
# wait (without reaping) until it is a zombie
for _ in range(200):
    if open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] == "Z":
        break
    time.sleep(0.01)
dead = [l for l in open(f"/proc/{pid}/cgroup").read().splitlines() if ":memory:" in l]
status = open(f"/proc/{pid}/status").read()
os.waitpid(pid, 0)
print("zombie memory line:", dead, "VmSize in status:", "VmSize:" in status)
ok = dead == [dead[0].split(":")[0] + ":memory:/"] and "VmSize:" not in status
sys.exit(0 if ok else 1)
PY

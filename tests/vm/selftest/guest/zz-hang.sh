# SPDX-License-Identifier: MIT
# Harness self-test only: a guest test that hangs inside a cgroup of its own must be killed
# after its time limit, count as a failure, and have its cgroup reported and removed by /init.
# vmt-timeout: 2
mkdir /sys/fs/cgroup/oomlab-test-hang-$$
echo $$ >/sys/fs/cgroup/oomlab-test-hang-$$/cgroup.procs
sleep 600 &
wait

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The v1 layout (issue 18): the same kernel, booted without cgroup_no_v1=all; the guest mounts only v1 hierarchies (memory, cpu,cpuacct, pids).
# The integration checks run with results named v1/...
LAYOUT=v1 exec "$(dirname "$0")/v2-suite.sh" "$@"

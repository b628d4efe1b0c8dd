#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The hybrid layout (issue 18): the same kernel, booted without cgroup_no_v1=all; the guest mounts v1 controllers and a cgroup2 tree without controllers at unified/, like this machine.
# The integration checks run with results named hybrid/...
LAYOUT=hybrid exec "$(dirname "$0")/v2-suite.sh" "$@"

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The psi=0 layout (issue 18): the same kernel, pure cgroup v2, booted with psi=0 (the RHEL/CentOS
# default). The integration checks that need no PSI run as in v2; oomlab-psi-off checks that
# every PSI feature degrades with a clear line. Results are named psi0/...
LAYOUT=psi0 exec "$(dirname "$0")/v2-suite.sh" "$@"

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Install what oomlab needs to build and test on Debian 12 / Ubuntu, and nothing else.
# As root: apt-get installs what is missing. Otherwise: prints the exact apt-get line, exit 1.
#   scripts/deps.sh            build + test packages
#   scripts/deps.sh --print    only print the package list
set -euo pipefail

# build: compiler, make, Check for unit tests, scdoc for man pages
# logs:  zlib, liblzma, libzstd, libsystemd (compressed logs, --journal); systemd-journal-remote,
#        xz-utils, zstd to make the test inputs
# bpf:   clang/llvm + libbpf + bpftool for the CO-RE kill source (BPF=auto drops it if absent)
# vm:    qemu + busybox-static + lz4 for the pure cgroup v2 test VM (tests/vm)
# tests: python3 and jq for test scripts, chromium to render the lab report
PKGS=(gcc make pkg-config check scdoc
	clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev
	liblzma-dev libzstd-dev libsystemd-dev systemd-journal-remote xz-utils zstd
	qemu-system-x86 busybox-static lz4
	python3 jq procps
	chromium)

if [ "${1:-}" = --print ]; then
	printf '%s\n' "${PKGS[@]}"
	exit 0
fi

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "oomlab needs these packages; run as root:" >&2
	echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
	exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Install what oomlab needs to build and test on Debian 12 / Ubuntu, and nothing else.
# As root: apt-get installs what is missing. Otherwise: prints the exact apt-get line, exit 1.
#   scripts/deps.sh            build + test packages
#   scripts/deps.sh --print    only print the package list
set -euo pipefail

# build: compiler, make, Check for unit tests, scdoc for man pages, clang-format (make format-check)
# logs:  zlib, liblzma, libzstd, libsystemd (compressed logs, --journal); systemd-journal-remote,
#        xz-utils, zstd to make the test inputs
# bpf:   clang/llvm + libbpf + bpftool for the CO-RE kill source (BPF=auto drops it if absent)
# vm:    qemu + busybox-static + lz4 for the pure cgroup v2 test VM (tests/vm)
# tests: python3 and jq for test scripts, tmux for the live view and `top` on a real terminal
#        (80x24), chromium to render the lab report, linux-perf (a second user of
#        oom:mark_victim beside the BPF source), util-linux (unshare: private mount namespaces
#        in tests and CI), coreutils (timeout: every test has one), bash-completion for the
#        completion test, strace (counting a command's poll calls: cli/kmsg-regular-file)
# serve: libmicrohttpd (HTTP); prometheus (+promtool), prometheus-node-exporter, curl and
#        yamllint for its tests; systemd (systemd-analyze) for the unit; debhelper, lintian,
#        dpkg-dev, fakeroot for the package build test
PKGS=(gcc make pkg-config check scdoc clang-format
	libmicrohttpd-dev prometheus prometheus-node-exporter curl yamllint python3-yaml systemd
	debhelper lintian dpkg-dev fakeroot
	clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev
	liblzma-dev libzstd-dev libsystemd-dev systemd-journal-remote xz-utils zstd
	qemu-system-x86 busybox-static lz4
	python3 jq procps util-linux coreutils linux-perf strace tmux bash-completion
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
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# prometheus and prometheus-node-exporter start their services on install (0.0.0.0:9090 and
# :9100) where systemd runs: the tests start their own on 127.0.0.1 and need neither.
for s in prometheus prometheus-node-exporter; do
	case " ${missing[*]} " in *" $s "*) ;; *) continue ;; esac
	if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
		systemctl disable --now "$s.service" >/dev/null 2>&1 || true
	fi
done

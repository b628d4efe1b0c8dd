#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The README's headline example works as written after the setup: scripts/setup.sh runs
# `make install` (here into a staging DESTDIR put first on PATH, so this machine's /usr/local
# is not touched), and then `oomlab run --max 64M -- oomlab eat --total 256M`, copied from the
# README, is OOM-killed (137) instead of failing with 127 for want of `oomlab` on PATH.
source "$(dirname "$0")/../_lib.sh"
require_root
require_memcg
top=$(cd "$(dirname "$0")/../.." && pwd)
stage=$(mktemp -d); trap 'rm -rf "$stage"' EXIT
grep -q 'make.* install' "$top/scripts/setup.sh" || fail "scripts/setup.sh does not install oomlab"
make -C "$top" --no-print-directory install DESTDIR="$stage" PREFIX=/usr/local >"$stage/log" 2>&1 ||
	{ cat "$stage/log"; fail "make install failed"; }
cmd=$(sed -n 's/^\$ \(oomlab run .*\)$/\1/p' "$top/README.md" | head -1)
[ -n "$cmd" ] || fail "no '\$ oomlab run' example in README.md"
echo "README: $cmd"
PATH="$stage/usr/local/bin:$PATH" bash -c "$cmd" >"$stage/out" 2>&1
rc=$?
tail -n 15 "$stage/out"
assert_eq "$rc" 137 "exit status of the README's example"
grep -q '^outcome:   killed by SIGKILL (exit status 137): the kernel.s OOM killer' "$stage/out" ||
	fail "the README's example did not end in an OOM kill"
# and without installing, from the checkout, as the README says
(cd "$top" && ./oomlab run -q --max 64M -- ./oomlab eat --total 256M -q >/dev/null 2>&1)
assert_eq "$?" 137 "./oomlab run ... -- ./oomlab eat from the checkout"
exit 0

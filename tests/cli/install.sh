#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make install` with DESTDIR and PREFIX puts the binary and every man page where they belong,
# the installed binary runs, and `make uninstall` removes them again.
source "$(dirname "$0")/../_lib.sh"
require_cmd scdoc
top=$(cd "$(dirname "$0")/../.." && pwd)
stage=$(mktemp -d); trap 'rm -rf "$stage"' EXIT
make -C "$top" --no-print-directory install DESTDIR="$stage" PREFIX=/opt/oomlab >"$stage/log" 2>&1 ||
	{ cat "$stage/log"; fail "make install failed"; }
[ -x "$stage/opt/oomlab/bin/oomlab" ] || fail "no binary in $stage/opt/oomlab/bin"
"$stage/opt/oomlab/bin/oomlab" --version | grep -q '^oomlab ' || fail "installed binary does not run"
for p in "$top"/man/*.scd; do
	n=$(basename "$p" .scd); s=${n##*.}
	[ -s "$stage/opt/oomlab/share/man/man$s/$n" ] || fail "man page $n not installed"
done
for c in share/bash-completion/completions/oomlab share/zsh/site-functions/_oomlab \
	share/fish/vendor_completions.d/oomlab.fish; do
	[ -s "$stage/opt/oomlab/$c" ] || fail "completion $c not installed"
done
make -C "$top" --no-print-directory uninstall DESTDIR="$stage" PREFIX=/opt/oomlab >"$stage/log" 2>&1 ||
	{ cat "$stage/log"; fail "make uninstall failed"; }
left=$(find "$stage/opt" -type f | head -3)
[ -z "$left" ] || fail "uninstall left: $left"

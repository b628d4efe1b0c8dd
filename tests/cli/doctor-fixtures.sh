#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `oomlab doctor` against fixture hosts (v2, v1, hybrid, PSI absent), text and JSON, compared
# with golden files. UPDATE_GOLDEN=1 rewrites the goldens (review the diff before committing).
source "$(dirname "$0")/../_lib.sh"
exp=$(dirname "$0")/expected
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
rc=0
for m in v2 v1 hybrid psi-off; do
	root=$FIXTURES/doctor/$m
	for fmt in text json; do
		args=(); [ $fmt = json ] && args=(--json)
		"$OOMLAB" --sysroot "$root" doctor "${args[@]}" >"$tmp/out" 2>&1 || { echo "doctor $m $fmt: exit $?"; rc=1; }
		sed "s|$root|SYSROOT|g" "$tmp/out" >"$tmp/norm"
		g=$exp/doctor-$m.$fmt
		if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then cp "$tmp/norm" "$g"; continue; fi
		if ! diff -u "$g" "$tmp/norm"; then echo "doctor $m $fmt differs from $g"; rc=1; fi
		[ $fmt = json ] && { python3 -m json.tool "$tmp/out" >/dev/null || { echo "invalid JSON: $m"; rc=1; }; }
	done
done
exit $rc

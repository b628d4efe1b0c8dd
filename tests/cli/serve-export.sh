#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# oomlab export --once on the serve-k8s fixture (tests/fixtures/mk-serve-k8s.py): systemd units,
# pods of both kubelet drivers named from containerd's and CRI-O's annotations (--root), one pod
# without runtime state (named by its uid), label escaping, --depth/--no-pods, --max-series,
# OpenMetrics; promtool check metrics on the text output; usage errors. The scrape duration line
# is the one line that differs run to run and is left out of the goldens.
. "$(dirname "$0")/_golden.sh"
F=$FIXTURES/serve-k8s
x() { "$OOMLAB" --sysroot "$F" export "$@" | grep -v '^oomlab_scrape_duration_seconds '; return "${PIPESTATUS[0]}"; }
golden serve-export x --once --root "$F"
golden serve-export-depth1 x --once --root "$F" --depth 1 --no-pods
golden serve-export-noroot x --once --max-series 4
golden serve-export-om x --once --openmetrics --root "$F" --depth 0
golden serve-export-bad-depth "$OOMLAB" export --depth x
golden serve-export-bad-series "$OOMLAB" export --max-series 0
golden serve-export-json "$OOMLAB" export --json
golden serve-bad-listen "$OOMLAB" serve --listen 127.0.0.1
golden serve-listen-none "$OOMLAB" serve --listen none
golden serve-bad-source "$OOMLAB" serve --source perf
if command -v promtool >/dev/null; then
	out=$("$OOMLAB" --sysroot "$F" export --once --root "$F" | promtool check metrics 2>&1)
	if [ -n "$out" ]; then
		echo "FAIL promtool: $out"
		golden_fail=1
	else
		echo "ok promtool"
	fi
fi
golden_end

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The lab's HTML report renders in headless Chromium: the screenshot is not blank and the plots
# are drawn (polylines with points in the DOM Chromium built).
source "$(dirname "$0")/../_lib.sh"
require_root
require_memcg
require_cmd python3
command -v chromium >/dev/null || skip "needs chromium (apt-get install chromium) to render the report"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$OOMLAB" lab --step 4 --yes --report "$tmp/r.html" >"$tmp/out" 2>&1 || { cat "$tmp/out"; fail "lab --step 4 failed"; }
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
	--disable-component-update --disable-sync --user-data-dir="$tmp/profile")
timeout 60 chromium "${flags[@]}" --window-size=900,1200 --screenshot="$tmp/shot.png" "file://$tmp/r.html" >"$tmp/chr.log" 2>&1
[ -s "$tmp/shot.png" ] || { tail -5 "$tmp/chr.log"; fail "no screenshot"; }
read -r w h nonwhite colors < <(python3 "$(dirname "$0")/../_pngstats.py" "$tmp/shot.png")
echo "screenshot ${w}x${h}, non-white $nonwhite, colours $colors"
python3 -c "import sys; sys.exit(0 if float('$nonwhite') > 0.02 and int('$colors') >= 6 else 1)" ||
	fail "the screenshot looks blank (non-white $nonwhite, $colors colours)"
timeout 60 chromium "${flags[@]}" --dump-dom "file://$tmp/r.html" >"$tmp/dom.html" 2>>"$tmp/chr.log"
n=$(grep -o '<polyline class="cur" points="[0-9]' "$tmp/dom.html" | wc -l)
[ "$n" -ge 1 ] || fail "no usage plot with points in the rendered DOM"
grep -q 'class="kill"' "$tmp/dom.html" || fail "the kill is not marked in the plot"

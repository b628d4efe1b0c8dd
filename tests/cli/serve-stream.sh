#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `oomlab serve` streams /metrics (chunked, rendered block by block: no whole-body buffer) and
# the streamed body is byte for byte what `oomlab export` writes, in both formats, on the
# serve-k8s fixture grown by 1,500 slices (~580 KB: about 18 blocks of 32 KiB, so lines straddle blocks).
# The two differ only in the scrape duration (left out) and the kill source (export has none).
source "$(dirname "$0")/../_lib.sh"
require_cmd curl
tmp=$(mktemp -d /tmp/oomlab-serve-stream.XXXXXX)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; [ -n "$pid" ] && wait "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
F=$tmp/serve-k8s
cp -a "$FIXTURES/serve-k8s" "$F"
# a regular, empty /dev/kmsg: a kill source that never has a kill
mkdir -p "$F/dev" && : >"$F/dev/kmsg"
python3 - "$F/sys/fs/cgroup" <<'PY'
import os, shutil, sys
root = sys.argv[1]
files = ["memory.current", "memory.events", "memory.max", "memory.pressure", "memory.stat", "cgroup.procs"]
for i in range(1, 1501):
    d = os.path.join(root, f"bench-{i}.slice")
    os.mkdir(d)
    for f in files:
        shutil.copyfile(os.path.join(root, "system.slice", f), os.path.join(d, f))
PY

"$OOMLAB" --sysroot "$F" serve --listen 127.0.0.1:0 --root "$F" -s kmsg --max-series 100000 \
	-t 60s 2>"$tmp/err" &
pid=$!
port=
for _ in $(seq 100); do
	port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/metrics|\1|p' "$tmp/err")
	[ -n "$port" ] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
if [ -z "$port" ]; then
	grep -q 'without libmicrohttpd' "$tmp/err" && skip "built without libmicrohttpd"
	cat "$tmp/err"
	fail "serve did not start"
fi

for fmt in text openmetrics; do
	accept=text/plain
	opt=
	[ $fmt = openmetrics ] && accept=application/openmetrics-text && opt=--openmetrics
	curl -fsS -D "$tmp/h.$fmt" -H "Accept: $accept" "http://127.0.0.1:$port/metrics" >"$tmp/serve.$fmt" ||
		fail "$fmt: scrape failed"
	grep -qi '^Transfer-Encoding: chunked' "$tmp/h.$fmt" ||
		fail "$fmt: /metrics is not streamed: $(tr -d '\r' <"$tmp/h.$fmt" | tr '\n' ' ')"
	"$OOMLAB" --sysroot "$F" export --once --root "$F" $opt >"$tmp/export.$fmt" ||
		fail "$fmt: export failed"
	size=$(wc -c <"$tmp/serve.$fmt")
	[ "$size" -gt 500000 ] || fail "$fmt: body of $size bytes, expected one of many blocks"
	# the two lines that differ by design
	strip() { grep -v -e '^oomlab_scrape_duration_seconds ' -e '^oomlab_event_source_up{' "$1"; }
	cmp <(strip "$tmp/serve.$fmt") <(strip "$tmp/export.$fmt") ||
		fail "$fmt: streamed /metrics differs from export: $(diff <(strip "$tmp/serve.$fmt") <(strip "$tmp/export.$fmt") | head -5)"
	grep -q '^oomlab_event_source_up{source="kmsg"} 1$' "$tmp/serve.$fmt" ||
		fail "$fmt: no source line"
	grep -q '^oomlab_tracked_cgroups 15[0-9][0-9]$' "$tmp/serve.$fmt" ||
		fail "$fmt: $(grep '^oomlab_tracked_cgroups' "$tmp/serve.$fmt")"
	tail -c 6 "$tmp/serve.$fmt" | grep -q . || fail "$fmt: empty tail"
	note "$fmt: $size bytes streamed, identical to export"
done
[ "$(tail -n 1 "$tmp/serve.openmetrics")" = "# EOF" ] || fail "openmetrics: no # EOF at the end"
# HEAD: headers only, the scrape is freed unread
curl -fsS -I "http://127.0.0.1:$port/metrics" >"$tmp/head" || fail "HEAD failed"
kill -0 "$pid" 2>/dev/null || fail "serve died"
echo ok

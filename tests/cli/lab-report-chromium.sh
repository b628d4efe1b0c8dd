#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The lab report of a saved real run (tests/fixtures/lab: `oomlab lab --all --json` on the
# hybrid 6.18 machine), rendered with `lab --from-json` (no root, no cgroups, deterministic)
# and checked in headless Chromium: the DOM Chromium built has the pictures (memory and
# pressure plots with points, verdict bands, step 7's idle cgroup, the ranking with the
# victim, the wrapped kill line, the summary, host/kernel/date, the v1 limit file name), ticks
# are 1-2-5 steps, legends list only drawn series; each picture's screenshot is not blank and
# shows its colours (usage blue, band yellow, victim red).
source "$(dirname "$0")/../_lib.sh"
require_cmd python3
command -v chromium >/dev/null || skip "needs chromium (scripts/deps.sh installs it) to render the report"
fx=$FIXTURES/lab/lab-all-hybrid-6.18.json
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$OOMLAB" lab --from-json "$fx" --report "$tmp/r.html" >"$tmp/out" 2>&1 || { cat "$tmp/out"; fail "lab --from-json failed"; }
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
	--disable-component-update --disable-sync --user-data-dir="$tmp/profile")
timeout 90 chromium "${flags[@]}" --dump-dom "file://$tmp/r.html" >"$tmp/dom.html" 2>"$tmp/chr.log"
[ -s "$tmp/dom.html" ] || { tail -5 "$tmp/chr.log"; fail "chromium produced no DOM"; }
bad=0
python3 - "$tmp/dom.html" <<'PY' || bad=1
import html.parser, re, sys
dom = open(sys.argv[1]).read()
fails = []
def sub(name, ok, why):
    print(("SUBTEST PASS %s" % name) if ok else ("SUBTEST FAIL %s: %s" % (name, why)))
    if not ok: fails.append(name)

class P(html.parser.HTMLParser):
    def __init__(s):
        super().__init__(); s.stack = []; s.sections = {}; s.cur = None; s.text = None; s.texts = []
    def handle_starttag(s, tag, a):
        a = dict(a); cls = (a.get("class") or "").split()
        if tag == "section": s.cur = {"id": a.get("id"), "svgs": [], "legend": [], "pre": []}; s.sections[a.get("id")] = s.cur
        if s.cur is None: return
        if tag == "svg": s.cur["svgs"].append({"cls": cls, "poly": {}, "rects": [], "ytick": [], "xtick": []})
        svg = s.cur["svgs"][-1] if s.cur["svgs"] else None
        if tag == "polyline" and svg is not None:
            svg["poly"][cls[0] if cls else ""] = len(a.get("points", "").split())
        if tag == "rect" and svg is not None: svg["rects"].append(cls)
        if tag == "text" and svg is not None and ("ytick" in cls or "xtick" in cls):
            s.text = (svg, "ytick" if "ytick" in cls else "xtick"); s.buf = ""
        if tag == "span" and "entry" in cls: s.cur["legend"].append([c for c in cls if c != "entry"])
        if tag == "pre": s.cur["pre"].append(cls)
    def handle_data(s, d):
        if s.text: s.buf += d
    def handle_endtag(s, tag):
        if tag == "text" and s.text:
            s.text[0][s.text[1]].append(s.buf.replace(" s", "").strip()); s.text = None
        if tag == "section": s.cur = None
p = P(); p.feed(dom)
S = p.sections
mem = [g for sec in S.values() for g in sec["svgs"] if "memory" in g["cls"]]
prs = [g for sec in S.values() for g in sec["svgs"] if "pressure" in g["cls"]]
sub("memory-plots", len(mem) >= 5 and all(g["poly"].get("cur", 0) >= 2 for g in mem), "memory plots with usage points: %r" % [g["poly"] for g in mem])
sub("pressure-plots", len(prs) >= 4 and all(g["poly"].get("some", 0) >= 2 for g in prs), "pressure plots with points")
sub("verdict-bands", all(["band", "strained"] in g["rects"] and ["band", "healthy"] in g["rects"] for g in prs), "a pressure plot without its verdict bands")
# the pressure axis follows the data: step 4's data stays under 1 %, its axis must not reach 100
ax4 = [float(v) for v in S["step4"]["svgs"][1]["ytick"]]
sub("pressure-axis-scaled", 5 < max(ax4) <= 10, "step 4's pressure axis tops at %s" % max(ax4))
def nice(vals):
    v = [float(x) for x in vals]
    if len(v) < 3: return False
    d = [round(b - a, 9) for a, b in zip(v, v[1:])]
    if len(set(d)) != 1 or v[0] != 0: return False
    m = d[0]
    while m >= 10: m /= 10
    while m < 1: m *= 10
    return round(m, 6) in (1, 2, 5)
allticks = [(sec, i, k, g[k]) for sec, s2 in S.items() for i, g in enumerate(s2["svgs"]) if "ranking" not in g["cls"] for k in ("ytick", "xtick")]
badt = [(a, b, c, d) for a, b, c, d in allticks if not nice(d)]
sub("ticks-1-2-5", not badt and allticks, "ticks not 0 + n x {1,2,5}x10^k: %r" % badt[:3])
s7 = S["step7"]["svgs"]
sub("step7-both-cgroups", any(g["poly"].get("peer", 0) >= 2 and g["poly"].get("some", 0) >= 2 for g in s7), "step 7's pressure plot lacks the idle cgroup")
rk = [g for sid in ("step5", "ex4") for g in S[sid]["svgs"] if "ranking" in g["cls"]]
sub("ranking", len(rk) == 2 and all(["bar", "before"] in g["rects"] and any(r[:2] == ["bar", "after"] and "victim" in r for r in g["rects"]) for g in rk), "protection steps without before/after bars and a victim")
# legends: every entry is drawn in its plot (no absent series listed)
draw = {"cur": "cur", "anon": "anon", "file": "file", "some": "some", "full": "full", "avg10": "avg10", "peer": "peer"}
wrong = []
for sid, sec in S.items():
    for g, leg in zip([g for g in sec["svgs"] if "ranking" not in g["cls"]], []):
        pass
legs = re.findall(r'<svg class="plot (memory|pressure)".*?</svg>\s*<p class="legend">(.*?)</p>', dom, re.S)
for kind, leg in legs:
    svg = re.search(r'<svg class="plot %s".*?</svg>\s*<p class="legend">%s' % (kind, re.escape(leg)), dom, re.S).group(0)
    for e in re.findall(r'class="entry ([a-z0-9 -]+)"', leg):
        e = e.split()[0]
        if e in draw and ('<polyline class="%s"' % e) not in svg: wrong.append((kind, e))
        if e == "kill" and 'class="kill"' not in svg: wrong.append((kind, e))
sub("legend-present-only", legs and not wrong, "legend entries not drawn: %r" % wrong[:4])
# usage drawn last (on top) in every memory plot
order_ok = all(re.search(r'<polyline class="cur"[^>]*>\s*</svg>', m, re.S) or m.rfind('class="cur"') > max(m.rfind('class="anon"'), m.rfind('class="file"')) for m in re.findall(r'<svg class="plot memory".*?</svg>', dom, re.S))
sub("usage-on-top", order_ok, "the usage line is not the last series drawn")
sub("kill-line-wrapped", '<pre class="kline">' in dom and "Killed process" in dom and "pre-wrap" in dom, "no wrapped kill line")
sub("header", re.search(r'class="hostname">vm<', dom) and re.search(r'class="kernel">6\.18', dom) and re.search(r'class="date">2026-', dom), "host, kernel or date missing")
sub("limit-file-v1", 'class="limitfile">memory.limit_in_bytes<' in dom and "memory.max 512" not in dom, "the v1 box is not named memory.limit_in_bytes")
sub("summary", 'id="summary"' in dom and "Pressure did not warn before the kill" in dom and "anonymous-memory OOM comes without a pressure warning" in dom, "the summary does not state the run's lesson")
sys.exit(1 if fails else 0)
PY
# screenshots of each kind of picture alone (the page split into one file per picture)
python3 - "$tmp" <<'PY'
import re, sys
d = sys.argv[1]; s = open(d + "/r.html").read()
head = s[:s.index("<body>") + 6]
pick = {"memory": r'<svg class="plot memory".*?</svg>', "pressure": r'<svg class="plot pressure".*?</svg>',
        "ranking": r'<svg class="plot ranking".*?</svg>', "kline": r'<pre class="kline">.*?</pre>'}
for k, rx in pick.items():
    m = re.search(rx, s, re.S)
    open("%s/%s.html" % (d, k), "w").write(head + (m.group(0) if m else "") + "</body></html>")
PY
shot() { # kind min-nonwhite colour...
	local k=$1 min=$2; shift 2
	timeout 90 chromium "${flags[@]}" --window-size=800,400 --screenshot="$tmp/$k.png" "file://$tmp/$k.html" >>"$tmp/chr.log" 2>&1
	if [ ! -s "$tmp/$k.png" ]; then echo "SUBTEST FAIL shot-$k: no screenshot"; bad=1; return; fi
	read -r -a st < <(python3 "$TESTS/_pngstats.py" "$tmp/$k.png" "$@")
	local ok=1 i
	python3 -c "import sys; sys.exit(0 if float('${st[2]}') >= $min else 1)" || ok=0
	for ((i = 4; i < ${#st[@]}; i++)); do [ "${st[i]}" -ge 20 ] || ok=0; done
	if [ $ok = 1 ]; then echo "SUBTEST PASS shot-$k"; else echo "SUBTEST FAIL shot-$k: blank or colours missing (${st[*]}: nonwhite, colours, pixels near $*)"; bad=1; fi
}
shot memory 0.03 1f5fbf
shot pressure 0.10 fdf3d0 eaf7ea 8e44ad
shot ranking 0.02 dd0000 bbbbbb
shot kline 0.01
timeout 90 chromium "${flags[@]}" --window-size=1200,3000 --screenshot="$tmp/page.png" "file://$tmp/r.html" >>"$tmp/chr.log" 2>&1
read -r w h nonwhite colors < <(python3 "$TESTS/_pngstats.py" "$tmp/page.png")
python3 -c "import sys; sys.exit(0 if float('$nonwhite') > 0.05 and int('$colors') >= 20 else 1)" &&
	echo "SUBTEST PASS shot-page" || { echo "SUBTEST FAIL shot-page: blank ($nonwhite, $colors colours)"; bad=1; }
exit $bad

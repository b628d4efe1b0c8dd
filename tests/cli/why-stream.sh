#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `oomlab why --log`: the kills are streamed (memory does not grow with them), the worker threads
# of a mapped log change nothing (OOMLAB_WHY_THREADS), and a read that fails half way shows the
# kills decoded before the error, then the error (man/oomlab-why.1.scd, "EXIT STATUS").
# Memory is asserted, never time.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${TOP:-$(cd "$here/../.." && pwd)}
OOMLAB=${OOMLAB:-$top/oomlab}
FIXTURES=${FIXTURES:-$top/tests/fixtures}
command -v python3 >/dev/null || { echo "SKIP: python3 needed to make the logs"; exit 77; }
[ -x /usr/bin/time ] || { echo "SKIP: /usr/bin/time needed for the peak RSS"; exit 77; }
tmp=$(mktemp -d /tmp/oomlab-why-stream.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass() { echo "SUBTEST PASS $1"; }
fail() { echo "SUBTEST FAIL $1: $2"; }

# 1. the same output with 0, 1, 2 and 4 worker threads, on every text log of the corpus and
# the fixtures (forced below 8 MiB, where the default is none), stdout, stderr and exit status
n=0 bad=
for f in "$top"/tests/corpus/*.log "$FIXTURES"/logs/*.log "$FIXTURES"/logs/*.kmsg \
	"$FIXTURES"/logs/forms/*.log "$FIXTURES"/logs/eras/*.log; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	OOMLAB_WHY_THREADS=0 "$OOMLAB" why --json --log "$f" >"$tmp/ref.out" 2>"$tmp/ref.err"
	echo "exit $?" >>"$tmp/ref.err"
	OOMLAB_WHY_THREADS=0 "$OOMLAB" why --log "$f" >>"$tmp/ref.out" 2>/dev/null
	for t in 1 2 4; do
		OOMLAB_WHY_THREADS=$t "$OOMLAB" why --json --log "$f" >"$tmp/got.out" 2>"$tmp/got.err"
		echo "exit $?" >>"$tmp/got.err"
		OOMLAB_WHY_THREADS=$t "$OOMLAB" why --log "$f" >>"$tmp/got.out" 2>/dev/null
		cmp -s "$tmp/ref.out" "$tmp/got.out" && cmp -s "$tmp/ref.err" "$tmp/got.err" ||
			bad="$bad $(basename "$f")@$t"
	done
done
[ "$n" -ge 60 ] && [ -z "$bad" ] && pass "threads-equal-corpus ($n logs)" ||
	fail "threads-equal-corpus" "$n logs, differ:$bad"

# 2. a large log (several 2 MiB windows): every report of the corpus between filler, a report
# across each window edge, a line longer than a window, CRLF lines and NUL bytes
python3 - "$tmp/big.log" "$top/tests/corpus" "$FIXTURES/logs" <<'PY'
import glob, os, sys
out, dirs = sys.argv[1], sys.argv[2:]
logs = [open(p, "rb").read() for d in dirs for p in sorted(glob.glob(d + "/*.log"))]
W = 2 << 20
fill = b"[ 100.000000] EXT4-fs (vda1): re-mounted. Quota mode: none.\n"
o = bytearray()
i = 0
while len(o) < 9 * W:
    edge = (len(o) // W + 1) * W
    # filler up to ~3 KiB before the next window edge, then a report across it
    while len(o) + len(fill) < edge - 3000:
        o += fill
    o += logs[i % len(logs)]
    if not o.endswith(b"\n"):
        o += b"\n"
    i += 1
    if i == 5:
        o += b"x" * (W + 12345) + b"\n"            # longer than a window
    if i == 9:
        o += logs[0].replace(b"\n", b"\r\n")      # CRLF
    if i == 13:
        o += b"\0" * 300 + fill + b"abc\0def\n"    # a crash's NULs
open(out, "wb").write(o)
PY
OOMLAB_WHY_THREADS=0 "$OOMLAB" why --json --log "$tmp/big.log" >"$tmp/ref.out" 2>"$tmp/ref.err"
echo "exit $?" >>"$tmp/ref.err"
kills=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["kills"]))' "$tmp/ref.out")
ok=1
for t in 1 2 3 4; do
	OOMLAB_WHY_THREADS=$t "$OOMLAB" why --json --log "$tmp/big.log" >"$tmp/got.out" 2>"$tmp/got.err"
	echo "exit $?" >>"$tmp/got.err"
	cmp -s "$tmp/ref.out" "$tmp/got.out" && cmp -s "$tmp/ref.err" "$tmp/got.err" || ok=0
done
# and the default against stdin (read(), no window at all)
"$OOMLAB" why --json --log "$tmp/big.log" >"$tmp/got.out" 2>/dev/null
"$OOMLAB" why --json --log - <"$tmp/big.log" >"$tmp/stdin.out" 2>/dev/null
cmp -s "$tmp/ref.out" "$tmp/got.out" && cmp -s "$tmp/ref.out" "$tmp/stdin.out" || ok=0
[ $ok = 1 ] && [ "$kills" -ge 30 ] && pass "threads-equal-large ($kills kills)" ||
	fail "threads-equal-large" "outputs differ or too few kills ($kills)"

# 3. memory flat in the kills: 50,000 and 20,000 small reports (both large enough for the
# worker threads by default), peak RSS (ru_maxrss), with and without the workers
mk() { # file, reports
	python3 - "$1" "$2" <<'PY'
import sys
out, n = sys.argv[1], int(sys.argv[2])
with open(out, "w") as o:
    for r in range(n):
        t, pid = 1000 + r, 100000 + r
        o.write("[%d.000001] python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
                "[%d.000002] memory: usage 65536kB, limit 65536kB, failcnt 229\n"
                "[%d.000003] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,"
                "oom_memcg=/job-%d,task_memcg=/job-%d,task=python3,pid=%d,uid=0\n"
                "[%d.000004] Memory cgroup out of memory: Killed process %d (python3) total-vm:221548kB, "
                "anon-rss:65152kB, file-rss:6732kB, shmem-rss:0kB, UID:0 pgtables:196kB oom_score_adj:0\n"
                "[%d.000005] oom_reaper: reaped process %d (python3), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB\n"
                % (t, t, t, r % 97, r % 97, pid, t, pid, t, pid))
PY
}
mk "$tmp/k50k.log" 50000
mk "$tmp/k20k.log" 20000
mk "$tmp/k5k.log" 5000
rss() { # threads, file, options...
	local t=$1 f=$2
	shift 2
	OOMLAB_WHY_THREADS=$t /usr/bin/time -f %M "$OOMLAB" why --log "$f" "$@" 2>&1 >"$tmp/rss.out" | tail -1
}
"$OOMLAB" why --log "$tmp/k50k.log" --json >"$tmp/rss.out"
k50=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["kills"]), sum(k["reaped"] for k in d["kills"]))' "$tmp/rss.out")
[ "$k50" = "50000 50000" ] && pass "many-kills-decoded" || fail "many-kills-decoded" "kills/reaped '$k50'"
# kept as a list, 50,000 kills took about 48 MiB more than 20,000 (1.6 KiB each)
for t in 0 2; do
	for form in --json text; do
		o=$form
		[ "$o" = text ] && o=
		r50=$(rss $t "$tmp/k50k.log" $o)
		r20=$(rss $t "$tmp/k20k.log" $o)
		if [ "$r50" -lt 32768 ] && [ $((r50 - r20)) -lt 4096 ]; then
			pass "memory-flat-in-kills-$t-threads${o:+-json} (peak RSS $r50 KiB at 50,000 kills, $r20 KiB at 20,000)"
		else
			fail "memory-flat-in-kills-$t-threads${o:+-json}" "peak RSS $r50 KiB at 50,000 kills, $r20 KiB at 20,000"
		fi
	done
done

# 4. --since DURATION from the newest kill: the same kills from a file and from stdin
a=$("$OOMLAB" why --log "$tmp/k5k.log" --since 100s --json | python3 -c 'import json,sys; k=json.load(sys.stdin)["kills"]; print(len(k), k[0]["pid"])')
b=$("$OOMLAB" why --log - --since 100s --json <"$tmp/k5k.log" | python3 -c 'import json,sys; k=json.load(sys.stdin)["kills"]; print(len(k), k[0]["pid"])')
[ "$a" = "101 104899" ] && [ "$b" = "$a" ] && pass "since-from-newest" || fail "since-from-newest" "file '$a' stdin '$b'"

# 5. a stream cut half way: the kills decoded before the cut, then the error (exit 1); the JSON
# document stays whole and says the error
if command -v gzip >/dev/null; then
	gzip -1 -c "$tmp/k5k.log" >"$tmp/k.gz"
	head -c $(($(stat -c %s "$tmp/k.gz") / 2)) "$tmp/k.gz" >"$tmp/cut.gz"
	"$OOMLAB" why --log "$tmp/cut.gz" --json >"$tmp/cut.json" 2>"$tmp/cut.err"
	rc=$?
	got=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["kills"]) > 100, "corrupt or cut short" in d["error"])' "$tmp/cut.json" 2>&1)
	if [ $rc = 1 ] && [ "$got" = "True True" ] && grep -q 'corrupt or cut short' "$tmp/cut.err"; then
		pass "cut-stream-json"
	else
		fail "cut-stream-json" "exit $rc, '$got', $(head -c 200 "$tmp/cut.err")"
	fi
	"$OOMLAB" why --log "$tmp/cut.gz" >"$tmp/cut.txt" 2>"$tmp/cut.err"
	rc=$?
	if [ $rc = 1 ] && [ "$(grep -c '^OOM kill of pid' "$tmp/cut.txt")" -gt 100 ] &&
		grep -q 'corrupt or cut short' "$tmp/cut.err"; then
		pass "cut-stream-text"
	else
		fail "cut-stream-text" "exit $rc, $(grep -c '^OOM kill of pid' "$tmp/cut.txt") kills shown"
	fi
	# an error before any kill: the error alone, as before
	head -c 100 "$tmp/k.gz" >"$tmp/cut0.gz"
	out=$("$OOMLAB" why --log "$tmp/cut0.gz" --json 2>/dev/null)
	[ "$out" = '{"error":"'"'$tmp/cut0.gz'"': the gzip data is corrupt or cut short"}' ] &&
		pass "cut-before-any-kill" || fail "cut-before-any-kill" "$out"
else
	echo "SUBTEST SKIP cut-stream: gzip not installed"
fi
exit 0

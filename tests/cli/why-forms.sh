#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every log form of issue 14 decodes exactly: tests/fixtures/logs/forms/ (written by its gen.py
# from one real capture, the same report in journald, dmesg, syslog, netconsole, paste, UTF-16
# and JSON clothing) must give the capture's kill field by field (the 16 fields of
# tests/corpus/README.md), a kubectl event table its kill line's fields; the era fixtures in
# tests/fixtures/logs/eras/ (2.6.8 to RHEL 7, cut and damaged lines, forged kernel lines, NUL
# bytes, a pid killed twice) must give their .expect. Compressed rotations (gzip, xz, zstd)
# decode like the plain file; a truncated one is one clear line and a non-zero exit. A line that
# names the OOM killer in a form that cannot be placed gives the "could not decode" account and
# exit 3, never "no OOM kill".
set -u
command -v python3 >/dev/null || { echo "SKIP: python3 needed to compare the JSON"; exit 77; }
L=$FIXTURES/logs
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cmp16() { # LABEL FILE EXPECTED.json [fields]
	"$OOMLAB" why --json --log "$2" >"$tmp/out" 2>"$tmp/err"
	python3 - "$1" "$tmp/out" "$3" "${4:-}" <<'PY'
import json, sys
F = ["pid", "comm", "scope", "constraint", "oom_memcg", "task_memcg", "total_vm_kb", "anon_rss_kb",
     "file_rss_kb", "shmem_rss_kb", "uid", "pgtables_kb", "oom_score_adj", "memcg_usage_kb",
     "memcg_limit_kb", "invoker_comm"]
label, out, exp, only = sys.argv[1:]
fields = only.split(",") if only else F
try:
    got = json.load(open(out))["kills"]
except Exception as e:
    print("SUBTEST FAIL %s: no JSON (%s)" % (label, e)); sys.exit()
want = json.load(open(exp))
want = want["kills"] if isinstance(want, dict) else want
bad = []
if len(got) != len(want):
    bad.append("%d kills, expected %d" % (len(got), len(want)))
for i, (g, w) in enumerate(zip(got, want)):
    for k in fields:
        if g.get(k) != w.get(k):
            bad.append("kill %d %s: %r, expected %r" % (i + 1, k, g.get(k), w.get(k)))
print("SUBTEST %s %s%s" % ("FAIL" if bad else "PASS", label, (": " + "; ".join(bad[:4])) if bad else ""))
PY
}

# the reference: the capture itself, as /dev/kmsg records
"$OOMLAB" why --json --log "$L/captured-6.18-v1-memcg.kmsg" >"$tmp/ref.json" 2>/dev/null ||
	{ echo "cannot decode the reference capture"; exit 1; }
n=0
for f in "$L"/forms/*.log; do
	b=$(basename "$f" .log)
	case $b in
	kubectl-events) cmp16 "forms/$b" "$f" "$tmp/ref.json" pid,comm,total_vm_kb,anon_rss_kb,file_rss_kb,shmem_rss_kb,uid,pgtables_kb,oom_score_adj ;;
	*) cmp16 "forms/$b" "$f" "$tmp/ref.json" ;;
	esac
	n=$((n + 1))
done
[ $n -ge 40 ] || echo "SUBTEST FAIL forms/count: only $n form fixtures found"
for e in "$L"/eras/*.expect; do
	b=${e%.expect}
	f=$(ls "$b.log" "$b.kmsg" 2>/dev/null | head -1)
	[ -n "$f" ] || { echo "SUBTEST FAIL eras/$(basename "$b"): no log beside the .expect"; continue; }
	cmp16 "eras/$(basename "$b")" "$f" "$e"
done
# forged kernel lines are named as imitations, never counted
"$OOMLAB" why --log "$L/eras/forged-syslog-tag.log" >/dev/null 2>"$tmp/err"
grep -q 'written by a program, not by the kernel' "$tmp/err" &&
	echo "SUBTEST PASS eras/forged-syslog-tag-account" ||
	echo "SUBTEST FAIL eras/forged-syslog-tag-account: $(head -c 300 "$tmp/err")"

# compressed rotations: the same kills as the plain file; a cut stream is an error
plain=$L/forms/syslog-rfc3164.log
for c in gzip xz zstd; do
	command -v $c >/dev/null || { echo "SUBTEST SKIP compressed/$c: $c not installed"; continue; }
	$c -c "$plain" >"$tmp/rot.$c"
	cmp16 "compressed/$c" "$tmp/rot.$c" "$tmp/ref.json"
	"$OOMLAB" why --json --log - <"$tmp/rot.$c" >"$tmp/stdin.json" 2>/dev/null
	python3 -c 'import json,sys; sys.exit(0 if len(json.load(open(sys.argv[1]))["kills"]) == 1 else 1)' "$tmp/stdin.json" &&
		echo "SUBTEST PASS compressed/$c-stdin" || echo "SUBTEST FAIL compressed/$c-stdin: not decoded from stdin"
	sz=$(stat -c %s "$tmp/rot.$c")
	head -c $((sz / 2)) "$tmp/rot.$c" >"$tmp/cut.$c"
	"$OOMLAB" why --log "$tmp/cut.$c" >/dev/null 2>"$tmp/err"; rc=$?
	if [ $rc != 0 ] && [ $rc != 3 ] && [ "$(wc -l <"$tmp/err")" -le 3 ] && [ -s "$tmp/err" ]; then
		echo "SUBTEST PASS compressed/$c-truncated"
	else
		echo "SUBTEST FAIL compressed/$c-truncated: exit $rc: $(head -c 300 "$tmp/err")"
	fi
done

# never "no OOM kill" when something names the OOM killer and could not be read
printf 'foo\n[    2.000000] python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n' >"$tmp/undec.log"
out=$("$OOMLAB" why --log "$tmp/undec.log" 2>"$tmp/err"); rc=$?
if [ $rc = 3 ] && grep -q 'could not decode' "$tmp/err" && ! printf '%s' "$out" | grep -q '^no OOM kill in'; then
	echo "SUBTEST PASS undecoded-account"
else
	echo "SUBTEST FAIL undecoded-account: exit $rc, stdout '$out', stderr '$(cat "$tmp/err")'"
fi
exit 0

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The public corpus (tests/corpus): real OOM-killer logs that people posted in public, kept
# verbatim, each with an expectation written by hand from the text (<case>.expected.json: the
# 16 fields of every kill, in log order). For every case: `oomlab why --json --log <case>`,
# compare the 16 fields of each kill, one SUBTEST line per case, then how many kills were exact.
# tests/corpus/KNOWN-FAILING lists cases the decoder does not read yet ("<case> <reason>"):
# they are reported as SKIP, and a listed case that passes now is a failure (shrink the list).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${TOP:-$(cd "$here/../.." && pwd)}
OOMLAB=${OOMLAB:-$top/oomlab}
C=${CORPUS:-$top/tests/corpus}
command -v jq >/dev/null || { echo "SKIP: jq needed to compare the JSON (scripts/deps.sh installs it)"; exit 77; }
[ -x "$OOMLAB" ] || { echo "SKIP: no oomlab binary at $OOMLAB"; exit 77; }
tmp=$(mktemp -d /tmp/oomlab-corpus.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# the 16 fields, in the order of the expected files
F='["pid","comm","scope","constraint","oom_memcg","task_memcg","total_vm_kb","anon_rss_kb","file_rss_kb","shmem_rss_kb","uid","pgtables_kb","oom_score_adj","memcg_usage_kb","memcg_limit_kb","invoker_comm"]'

# known failures: case -> reason
declare -A known=()
if [ -f "$C/KNOWN-FAILING" ]; then
	while read -r name reason; do
		case $name in '' | '#'*) continue ;; esac
		known[$name]=${reason:-unspecified}
	done <"$C/KNOWN-FAILING"
fi

# first difference between expected ($e) and got ($g), or "equal"
cmp_prog='
def proj: . as $k | $F | map($k[.]);
($e.kills) as $E | ($g.kills) as $G |
( [range(0; [($E|length), ($G|length)] | max)] | map(. as $i |
    if $i >= ($G|length) then "kill \($i+1) (pid \($E[$i].pid)): missing (got \($G|length) kills, expected \($E|length))"
    elif $i >= ($E|length) then "kill \($i+1): unexpected extra kill of pid \($G[$i].pid|tojson) (got \($G|length) kills, expected \($E|length))"
    else ($F[] as $k | select($E[$i][$k] != $G[$i][$k]) |
          "kill \($i+1) (pid \($E[$i].pid)) \($k): expected \($E[$i][$k]|tojson) vs got \($G[$i][$k]|tojson)")
    end) | first ) // "equal"'
# kills of $e that have an exact twin in $g (each used once): count per distinct projection
exact_prog='
def proj: . as $k | $F | map($k[.]);
[($e.kills | map(proj) | group_by(.) | map({k: .[0], n: length})) as $E |
 ($g.kills | map(proj)) as $G |
 $E[] | . as $x | [$x.n, ($G | map(select(. == $x.k)) | length)] | min] | add // 0'

cases=0 pass=0 skipped=0 failed=0 kills_total=0 kills_exact=0
for exp in "$C"/*.expected.json; do
	[ -f "$exp" ] || continue
	case=$(basename "$exp" .expected.json)
	log=
	for f in "$C/$case".*; do
		case $f in *.expected.json) ;; *) log=$f ;; esac
	done
	cases=$((cases + 1))
	if [ -z "$log" ]; then
		echo "SUBTEST FAIL corpus/$case: no log file next to $case.expected.json"
		failed=$((failed + 1)); continue
	fi
	if ! jq -e --argjson F "$F" '.kills | type == "array" and all(.[]; keys_unsorted == $F)' "$exp" >/dev/null; then
		echo "SUBTEST FAIL corpus/$case: $case.expected.json is not {\"kills\":[...16 fields in order...]}"
		failed=$((failed + 1)); continue
	fi
	n=$(jq '.kills | length' "$exp")
	kills_total=$((kills_total + n))
	"$OOMLAB" why --json --log "$log" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if ! jq -e '.kills | type == "array"' "$tmp/out" >/dev/null 2>&1; then
		diff="no {\"kills\":[...]} on stdout (exit $rc): $(head -c 200 "$tmp/err" | head -n1)"
		got_exact=0
	else
		diff=$(jq -nr --argjson F "$F" --slurpfile e0 "$exp" --slurpfile g0 "$tmp/out" \
			"\$e0[0] as \$e | \$g0[0] as \$g | $cmp_prog")
		ne=$(jq '.kills | length' "$tmp/out")
		case $ne:$diff in "$n":* | *"kills, expected"*) ;; *) diff="$diff [got $ne kills, expected $n]" ;; esac
		got_exact=$(jq -nr --argjson F "$F" --slurpfile e0 "$exp" --slurpfile g0 "$tmp/out" \
			"\$e0[0] as \$e | \$g0[0] as \$g | $exact_prog")
	fi
	kills_exact=$((kills_exact + got_exact))
	if [ "$diff" = equal ]; then
		if [ -n "${known[$case]+x}" ]; then
			echo "SUBTEST FAIL corpus/$case: decodes exactly now but is listed in tests/corpus/KNOWN-FAILING: remove it from the list"
			failed=$((failed + 1))
		else
			echo "SUBTEST PASS corpus/$case"
			pass=$((pass + 1))
		fi
	elif [ -n "${known[$case]+x}" ]; then
		echo "SUBTEST SKIP corpus/$case: known failing: ${known[$case]} (now: $diff)"
		skipped=$((skipped + 1))
	else
		echo "SUBTEST FAIL corpus/$case: $diff"
		failed=$((failed + 1))
	fi
done
for name in "${!known[@]}"; do
	[ -f "$C/$name.expected.json" ] && continue
	echo "SUBTEST FAIL corpus/KNOWN-FAILING: lists '$name', which is not a case"
	failed=$((failed + 1))
done
[ "$cases" -gt 0 ] || { echo "SUBTEST FAIL corpus: no case in $C"; exit 1; }
echo "corpus: $cases cases ($pass pass, $skipped known failing, $failed fail); kills exact: $kills_exact of $kills_total"
[ "$failed" = 0 ]

# SPDX-License-Identifier: MIT
# `oomlab top --source bpf` (the BPF cgroup iterator) against `--source files` on this kernel
# (the guest's 6.1: another struct layout than the host's, and on the v2 boot the cgroup2 memory
# files the host does not have): a parent with two children, a/ (limit 64M, memory.high 48M on
# v2, a 20 MiB holder) and o/ (limit 32M, one eater OOM-killed). Read files, BPF, files: where
# the two file reads agree, BPF's row must be the same (PSI averages and the verdict they drive
# left out: they decay between reads). Where the kernel refuses the iterator: one clear line,
# and --source auto must fall back to the files.
# vmt-timeout: 90
. /tests/_lib.sh
L=${VMT_LAYOUT:-v2}
name=$L/top-bpf

have_oomlab top || { result "$name" SKIP "oomlab top not available"; exit 0; }
mkcg P topbpf || { finish "$name"; exit 0; }
cg_nest "$P"
mkcg A a "$P" && mkcg O o "$P" || { finish "$name"; exit 0; }
cg_limit "$A" 64M
[ $V1 = 1 ] || cgw "$A" memory.high 48M
cg_limit "$O" 32M
run_in "$A" memeater -l 20 -H 600 -t 600 >"$T/hold" 2>&1 &
hp=$!
wait_line "$T/hold" '^eat: reached' || fail "the holder did not reach 20 MiB"
run_in "$O" memeater -l 64 -t 30 >"$T/oom" 2>&1
sleep 0.3
if ! oomlab top --json --source bpf >"$T/probe" 2>"$T/perr"; then
	cat "$T/perr"
	[ "$(wc -l <"$T/perr")" = 1 ] && grep -q 'bpf' "$T/perr" || fail "--source bpf failed without one clear line"
	oomlab top --json >"$T/auto" 2>&1 || fail "--source auto did not fall back (exit $?)"
	grep -q '"source":"files"' "$T/auto" || fail "--source auto did not say it read the files"
	cg_rm "$O" && cg_rm "$A" && cg_rm "$P" && CGS=
	if [ -z "$FAILS" ]; then result "$name" SKIP "refused here: $(head -n 1 "$T/perr")"; else finish "$name"; fi
	exit 0
fi
p=$(rel "$P")
# rows of our cgroups, one per line, without what decays between two reads
rows() {
	sed 's/{"name":/\n&/g' "$1" | grep -E "^\{\"name\":\"$p(/[^\"]*)?\"" |
		sed -e 's/"avg[0-9]*":[0-9.]*,//g' -e 's/"verdict":"[^"]*","reason":"[^"]*"//' \
			-e 's/[],}]*$//' | sort
}
ok=
for i in 1 2 3 4 5; do
	oomlab top "$p" --json --source files >"$T/f1" 2>&1 || fail "top --source files exit $?"
	oomlab top "$p" --json --source bpf >"$T/b" 2>&1 || fail "top --source bpf exit $?"
	oomlab top "$p" --json --source files >"$T/f2" 2>&1 || fail "top --source files exit $?"
	rows "$T/f1" >"$T/r1"
	rows "$T/b" >"$T/rb"
	rows "$T/f2" >"$T/r2"
	cmp -s "$T/r1" "$T/r2" || { echo "moved between two file reads, again"; continue; }
	ok=1
	break
done
cat "$T/rb"
[ -n "$ok" ] || fail "the files kept moving between two reads (5 attempts)"
[ "$(wc -l <"$T/r1")" = 3 ] || fail "expected 3 rows of ours, got $(wc -l <"$T/r1")"
if [ -n "$ok" ] && ! cmp -s "$T/r1" "$T/rb"; then
	show "$T/r1" "$T/rb"
	fail "bpf and files differ"
fi
grep -q '"source":"bpf"' "$T/b" || fail "top --source bpf did not say bpf"
grep "\"name\":\"$(rel "$O")\"" "$T/rb" | grep -q '"oom_kill":1' || fail "o/: oom_kill is not 1"
grep "\"name\":\"$(rel "$A")\"" "$T/rb" | grep -q '"max":67108864' || fail "a/: max is not 64M"
[ $V1 = 1 ] || grep "\"name\":\"$(rel "$A")\"" "$T/rb" | grep -q '"high":50331648' || fail "a/: high is not 48M"
kill "$hp" 2>/dev/null
wait "$hp" 2>/dev/null
cg_rm "$O" && cg_rm "$A" && cg_rm "$P" && CGS=
finish "$name"

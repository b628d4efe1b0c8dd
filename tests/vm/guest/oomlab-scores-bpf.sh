# SPDX-License-Identifier: MIT
# `oomlab scores --source bpf` against the kernel's own task dump: a 40 MiB and an 8 MiB holder
# share a 64 MiB cgroup; scores (BPF task iterator; where this kernel refuses it, that must be
# one clear line and --source auto must fall back to /proc) ranks them; then an unkillable
# 20 MiB allocation forces a real OOM and the kernel's "Tasks state" table must show the same
# rss and pgtables for each holder (within 2 %), and the kernel must kill the predicted victim.
# vmt-timeout: 90
. /tests/_lib.sh
L=${VMT_LAYOUT:-v2}
name=$L/scores-bpf

have_oomlab scores || { result "$name" SKIP "oomlab scores not available"; exit 0; }
mkcg S sbpf || { finish "$name"; exit 0; }
cg_limit "$S" 64M
run_in "$S" memeater -l 40 -H 600 -t 600 >"$T/big" 2>&1 &
run_in "$S" memeater -l 8 -H 600 -t 600 >"$T/small" 2>&1 &
wait_line "$T/big" '^eat: reached' && wait_line "$T/small" '^eat: reached' ||
	fail "the holders did not reach their sizes"
big=$(eater_pid "$T/big")
small=$(eater_pid "$T/small")
src=bpf
oomlab scores "$(rel "$S")" --source bpf --json >"$T/s" 2>"$T/serr"
rc=$?
cat "$T/s" "$T/serr"
if [ $rc != 0 ]; then
	# refused here: one clear line, and auto falls back
	[ "$(wc -l <"$T/serr")" -ge 1 ] && grep -q 'bpf' "$T/serr" || fail "--source bpf failed without a clear line"
	skipwhy=$(head -n 1 "$T/serr")
	oomlab scores "$(rel "$S")" --json >"$T/s" 2>"$T/serr"
	rc=$?
	cat "$T/s" "$T/serr"
	[ $rc = 0 ] || fail "--source auto did not fall back (exit $rc)"
	src=$(jget source <"$T/s")
fi
echo "source used: $src"
[ "$(jget predicted_victim <"$T/s")" = "$big" ] || fail "predicted_victim '$(jget predicted_victim <"$T/s")', expected $big"
# the real OOM, with the kernel's task dump
run_in "$S" sh -c 'echo -1000 >/proc/self/oom_score_adj && exec memeater -l 20 -t 60' >"$T/trig" 2>&1
kill_line "$big" memeater >/dev/null || fail "the kernel did not kill the predicted victim $big"
# scores' rows: rss_kb, pgtables_kb per pid (processes[] in order)
i=0
while :; do
	p=$(jget "processes.$i.pid" <"$T/s")
	case $p in '' | null) break ;; esac
	rss=$(jget "processes.$i.rss_kb" <"$T/s")
	pgt=$(jget "processes.$i.pgtables_kb" <"$T/s")
	# the kernel's row: [  pid  ] uid tgid total_vm rss pgtables_bytes swapents oom_score_adj name
	row=$(dmesg | grep -E "\[ *$p\] " | tail -n 1)
	krss=$(echo "$row" | awk '{ print $(NF-4) * 4 }')
	kpgt=$(echo "$row" | awk '{ print int($(NF-3) / 1024) }')
	echo "pid $p: scores rss ${rss} kB pgtables ${pgt} kB | kernel dump rss ${krss} kB pgtables ${kpgt} kB"
	if [ -z "$row" ]; then
		fail "pid $p is not in the kernel's task dump"
	else
		awk -v a="$rss" -v b="$krss" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= b * 0.02 + 64) }' ||
			fail "pid $p: rss $rss kB, the kernel's dump says $krss kB"
		[ "$pgt" = "$kpgt" ] || fail "pid $p: pgtables $pgt kB, the kernel's dump says $kpgt kB"
	fi
	i=$((i + 1))
done
[ $i -ge 2 ] || fail "scores listed $i processes, expected the 2 holders"
kill "$small" 2>/dev/null
wait
cg_rm "$S" && CGS=
if [ $src != bpf ] && [ -z "$FAILS" ]; then
	result "$name" SKIP "BPF task iterator refused on this kernel ($skipwhy); the $src fallback matched the kernel's task dump"
	exit 0
fi
finish "$name"

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `eat --mode shmem` keeps its memfd mapped: the eater's RssShmem holds the total, in one
# mapping however many chunks (the reserved windows merge them; one mapping per chunk would hit
# vm.max_map_count on a big machine). `eat --mode memfd` writes its memfd with write(2) and never
# maps it: the pages are allocated (the memfd's st_blocks) but in nobody's rss. Both take a
# --chunk that is not a multiple of the page size.
source "$(dirname "$0")/../_lib.sh"
pid=
tmp_out=$(mktemp)
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -f "$tmp_out"' EXIT
kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
hold() { # mode -> pid, after the summary line
	local f; f=$(mktemp -u); mkfifo "$f"
	"$OOMLAB" eat --mode "$1" --total 48M --chunk 1M --rate max -q --hold >"$f" &
	pid=$!
	read -r -t 10 line <"$f" || fail "$1: no summary"
	rm -f "$f"
	case $line in "eat: 48 MiB ($1) in "*) ;; *) fail "$1: summary '$line'" ;; esac
}
stop() { kill -TERM "$pid"; wait "$pid"; local st=$?; pid=; assert_eq "$st" 143 "exit status after SIGTERM"; }

hold shmem
shm=$(kb "$pid" RssShmem) anon=$(kb "$pid" RssAnon)
maps=$(grep -c 'memfd:oomlab-eat' "/proc/$pid/maps")
stop
[ "$shm" -ge $((48 * 1024)) ] || fail "shmem: RssShmem $shm kB, expected 48 MiB"
[ "$anon" -lt $((8 * 1024)) ] || fail "shmem: RssAnon $anon kB: counted as anonymous"
assert_eq "$maps" 1 "shmem: mappings of the memfd for 48 chunks"
echo "shmem: RssShmem $shm kB, RssAnon $anon kB, $maps mapping"

hold memfd
shm=$(kb "$pid" RssShmem) rss=$(kb "$pid" VmRSS)
fd=$(for f in /proc/$pid/fd/*; do case $(readlink "$f") in /memfd:oomlab-eat*) echo "$f" ;; esac; done)
[ -n "$fd" ] || fail "memfd: no memfd among the eater's descriptors"
size=$(stat -L -c %s "$fd") blocks=$(stat -L -c %b "$fd") bsize=$(stat -L -c %B "$fd")
maps=$(grep -c 'memfd:oomlab-eat' "/proc/$pid/maps")
stop
assert_eq "$size" $((48 << 20)) "memfd: size"
[ $((blocks * bsize)) -ge $((48 << 20)) ] || fail "memfd: $blocks blocks of $bsize bytes allocated, expected 48 MiB"
[ "$shm" -lt 1024 ] || fail "memfd: RssShmem $shm kB, expected the pages unmapped"
assert_eq "$maps" 0 "memfd: mappings left"
echo "memfd: 48 MiB allocated in the memfd, RssShmem $shm kB, VmRSS $rss kB, no mapping"
for m in shmem memfd; do
	"$OOMLAB" eat --mode $m --chunk 1000 --total 10000 --rate max -q >"$tmp_out" 2>&1 ||
		fail "$m: --chunk 1000 --total 10000 failed: $(cat "$tmp_out")"
	grep -q "^eat: 0 MiB ($m) in " "$tmp_out" || fail "$m: --chunk 1000: summary $(cat "$tmp_out")"
done
echo "shmem, memfd: a 1000-byte --chunk works"

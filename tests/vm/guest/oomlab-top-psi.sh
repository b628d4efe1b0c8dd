# SPDX-License-Identifier: MIT
# `oomlab top` and `oomlab psi` on a pure cgroup v2 kernel: a cgroup with memory.max 64M and
# memory.high 60M holding 62 MiB (throttled on the way past high, then above it) must appear in
# `top --json` with its v2 limits (max, high from memory.max/memory.high), PSI with an interval
# share, and a non-healthy verdict; `psi --json` must read the same cgroup through the v2 files.
. /tests/_lib.sh

if ! have_oomlab top || ! have_oomlab psi; then
	result oomlab-top-psi SKIP "oomlab top/psi not available in this build"
	exit 0
fi
mkcg Q toppsi || { finish oomlab-top-psi; exit 0; }
cgw "$Q" memory.max 64M
cgw "$Q" memory.high 60M
name=$(rel "$Q")
run_in "$Q" memeater -l 62 -H "$TMO" -t "$TMO" >"$T/eat" 2>&1 &
ep=$!
wait_line "$T/eat" '^eat: reached' 300 || fail "the eater did not reach 62 MB"
oomlab top --json -i 1s >"$T/top.json" 2>&1 || fail "oomlab top --json exit $?"
oomlab psi --json -i 1s "$name" >"$T/psi.json" 2>&1 || fail "oomlab psi --json exit $?"
oomlab top -n 2 -i 500ms >"$T/top.txt" 2>&1 || fail "oomlab top exit $?"
kill "$ep" 2>/dev/null
wait "$ep" 2>/dev/null
row=$(sed 's/{"name":/\n&/g' "$T/top.json" | grep "^{\"name\":\"$name\"")
echo "top row: $row"
grep "$name" "$T/top.txt"
cat "$T/psi.json"
grep -q '"layout":"v2"' "$T/top.json" || fail "top: layout is not v2"
echo "$row" | grep -q '"trees":"v2"' || fail "top: row not from the v2 tree"
echo "$row" | grep -q '"max":67108864' || fail "top: max is not memory.max 64M"
echo "$row" | grep -q '"high":62914560' || fail "top: high is not memory.high 60M"
echo "$row" | grep -q '"psi":{"some":{[^}]*"share":[0-9]' || fail "top: no interval share"
echo "$row" | grep -qE '"verdict":"(strained|sick|critical)"' || fail "top: healthy above memory.high"
grep -q "\"memory_dir\":\"$Q\"" "$T/psi.json" || fail "psi: memory dir is not the v2 directory"
grep -q '"stall_source":"interval"' "$T/psi.json" || fail "psi: no interval share"
grep -q '"high":62914560' "$T/psi.json" || fail "psi: high is not memory.high"
grep -qE '"verdict":"(strained|sick|critical)"' "$T/psi.json" || fail "psi: healthy above memory.high"
cg_rm "$Q" && CGS=
finish oomlab-top-psi

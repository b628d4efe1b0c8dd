#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `oomlab watch --source bpf --json` into a pipe (issue 22, item 2): stdout is fully buffered and
# flushed once per kill, one write(2) per line. Each of 20 kills must reach the reader while
# watch keeps running (the next kill is provoked only once the reader has the line of the last:
# a bounded wait for the line, not a timing check), every read() must end at a line's end (no
# line written in pieces), and no kill may be missing or repeated.
set -u
. "$(dirname "$0")/_kmsg_lib.sh"
kmsg_need
if ! "$OOMLAB" watch --source bpf --no-kmsg --timeout 1ms >/dev/null 2>"${TMPDIR:-/tmp}/oomlab-watchpipe-probe.$$"; then
	echo "SKIP: the BPF source does not start here: $(tail -1 "${TMPDIR:-/tmp}/oomlab-watchpipe-probe.$$")"
	rm -f "${TMPDIR:-/tmp}/oomlab-watchpipe-probe.$$"
	exit 77
fi
rm -f "${TMPDIR:-/tmp}/oomlab-watchpipe-probe.$$"
make_cgroup oomlab-test-kmsg-watchpipe-$$ $((64 << 20)) || exit 1
cg=$CG
tmp=$(mktemp -d /tmp/oomlab-watchpipe.XXXXXX)
trap 'kmsg_cleanup; rm -rf "$tmp"' EXIT
mkfifo "$tmp/err" "$tmp/out"

# the reader: one os.read() of up to 64 KiB at a time, each line appended to $tmp/lines as it
# arrives; at the end, how many reads stopped inside a line
python3 -c '
import os, sys
out, buf, partial, reads = open(sys.argv[1], "a"), b"", 0, 0
fd = os.open(sys.argv[2], os.O_RDONLY)
while True:
    d = os.read(fd, 1 << 16)
    if not d:
        break
    reads += 1
    partial += not d.endswith(b"\n")
    buf += d
    while b"\n" in buf:
        l, buf = buf.split(b"\n", 1)
        out.write(l.decode() + "\n")
        out.flush()
out.write("END reads=%d partial=%d rest=%d\n" % (reads, partial, len(buf)))
' "$tmp/lines" "$tmp/out" &
rpid=$!
BGPIDS+=("$rpid")
"$OOMLAB" watch --source bpf --json --timeout 120s >"$tmp/out" 2>"$tmp/err" &
wpid=$!
BGPIDS+=("$wpid")
exec 3<"$tmp/err"
started=
while read -r -t 10 line <&3; do
	echo "watch: $line"
	case $line in *"watching "*) started=1 && break ;; esac
done
[ -n "$started" ] || { echo "watch did not start"; exit 1; }
touch "$tmp/lines"

pids=()
for i in $(seq 20); do
	start_eater "$cg"
	p=$EATER_PID
	pids+=("$p")
	wait "$p" 2>/dev/null
	# the kill's line is on the pipe while watch runs: never held back until exit
	for _ in $(seq 100); do
		grep -q "^{\"pid\":$p," "$tmp/lines" && break
		sleep 0.1
	done
	grep -q "^{\"pid\":$p," "$tmp/lines" ||
		{ echo "kill $i (pid $p): no line reached the reader within 10 s while watch runs"; exit 1; }
	sleep 0.05 # watch-20-kills' spacing
done
kill -TERM "$wpid"
wait "$wpid"
rc=$?
[ $rc = 0 ] || { echo "watch exited $rc"; exit 1; }
wait "$rpid"
python3 - "$tmp/lines" "$cg" "${pids[@]}" <<'PY'
import json, sys
path, cg, pids = sys.argv[1], sys.argv[2], [int(p) for p in sys.argv[3:]]
lines = open(path).read().splitlines()
end = [l for l in lines if l.startswith("END ")]
assert len(end) == 1, "the reader did not finish"
stats = dict(kv.split("=") for kv in end[0].split()[1:])
print(f"reader: {stats['reads']} read() calls, {stats['partial']} ending inside a line")
assert stats["partial"] == "0" and stats["rest"] == "0", f"a line came in pieces: {end[0]}"
events = [json.loads(l) for l in lines if not l.startswith("END ")]
mine = [e for e in events if e["pid"] in pids]
print(f"{len(events)} events, {len(mine)} ours")
got = sorted(e["pid"] for e in mine)
assert got == sorted(pids), f"missing {sorted(set(pids) - set(got))}, duplicates {len(got) - len(set(got))}"
for e in mine:
    assert e["source"] == "bpf" and e["killed"] and e["task_memcg"] == cg, e
PY

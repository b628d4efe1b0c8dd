#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `oomlab serve --listen none --textfile F --journal-socket S`: Debian's node_exporter serves F
# through its textfile collector with node_textfile_scrape_error 0 and our kill counted under
# our parent cgroup; the journal entry of our victim arrives on a datagram socket of the test's
# own in journald's native protocol, with oomlab's MESSAGE_ID and the OOMLAB_* fields.
set -u
source "$(dirname "$0")/_serve_lib.sh"
require_root
require_memcg
require_cmd python3
require_cmd curl
[ -r /dev/kmsg ] || skip "/dev/kmsg not readable"
NE=$(command -v prometheus-node-exporter || command -v node_exporter || true)

serve_parent_cgroup "oomlab-test-serve-tf-$$" || fail "cannot create the parent cgroup"
mkdir -p "$SERVE_TMP/tf"
sock=$SERVE_TMP/journal.sock
# the test's journald: every datagram, parsed with the native protocol, as one JSON line
python3 - "$sock" "$SERVE_TMP/journal.jsonl" <<'PY' &
import json, socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
out = open(sys.argv[2], "a")
s.settimeout(120)
while True:
    try:
        d = s.recv(1 << 20)
    except socket.timeout:
        break
    f, i = {}, 0
    while i < len(d):
        nl = d.index(b"\n", i)
        line = d[i:nl]
        if b"=" in line:
            k, v = line.split(b"=", 1); i = nl + 1
        else:
            k = line; n = struct.unpack("<Q", d[nl + 1:nl + 9])[0]
            v = d[nl + 9:nl + 9 + n]; assert d[nl + 9 + n:nl + 10 + n] == b"\n"; i = nl + 10 + n
        f[k.decode()] = v.decode("utf-8", "replace")
    out.write(json.dumps(f) + "\n"); out.flush()
PY
SERVE_PIDS+=($!)
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done

"$OOMLAB" serve --listen none --depth 1 --textfile "$SERVE_TMP/tf/oomlab.prom" --journal-socket "$sock" --json >"$SERVE_TMP/serve.jsonl" 2>"$SERVE_TMP/serve.err" &
SERVE_PIDS+=($!)
for _ in $(seq 100); do grep -q 'writing ' "$SERVE_TMP/serve.err" && break; sleep 0.1; done
cat "$SERVE_TMP/serve.err"
[ -s "$SERVE_TMP/tf/oomlab.prom" ] || fail "no textfile written at start"
provoke_kill || fail "kill not provoked"
echo "victim pid $VICTIM_PID in $VICTIM_CG"
for _ in $(seq 50); do grep -q "\"OOMLAB_VICTIM_PID\": \"$VICTIM_PID\"" "$SERVE_TMP/journal.jsonl" 2>/dev/null && break; sleep 0.1; done

python3 - "$SERVE_TMP/journal.jsonl" "$VICTIM_PID" "$VICTIM_CG" <<'PY' && echo "SUBTEST PASS journal" || echo "SUBTEST FAIL journal: $(cat "$SERVE_TMP/journal.jsonl" 2>/dev/null)"
import json, sys
es = [json.loads(l) for l in open(sys.argv[1])]
e = [e for e in es if e.get("OOMLAB_VICTIM_PID") == sys.argv[2]]
assert len(e) == 1, es
e = e[0]
assert e["MESSAGE_ID"] == "f408794981404bdc81e2c7ebae66aab0", e
assert e["OOMLAB_VICTIM_CGROUP"] == sys.argv[3] and e["OOMLAB_OOM_CGROUP"] == sys.argv[3], e
assert e["OOMLAB_LIMIT_SCOPE"] == "cgroup" and e["OOMLAB_CONSTRAINT"] == "memcg", e
assert e["OOMLAB_LIMIT_BYTES"] == str(32 << 20), e
assert int(e["OOMLAB_ANON_BYTES"]) > 16 << 20 and "OOMLAB_FILE_BYTES" in e and "OOMLAB_SHMEM_BYTES" in e, e
assert int(e["OOMLAB_KILL_ID"]) >= 1 and e["OOMLAB_VICTIM_COMM"] and e["PRIORITY"] == "4", e
assert e["MESSAGE"].startswith("OOM kill: pid " + sys.argv[2]), e
PY

python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
assert any(e["process.pid"] == int(sys.argv[2]) and e["oomlab.victim_cgroup"] == sys.argv[3] for e in ev), ev
' "$SERVE_TMP/serve.jsonl" "$VICTIM_PID" "$VICTIM_CG" && echo "SUBTEST PASS json-stdout" || echo "SUBTEST FAIL json-stdout: $(cat "$SERVE_TMP/serve.jsonl")"
grep -q "^oomlab_oom_kills_total{cgroup=\"$PARENT\",limit_scope=\"cgroup\",constraint=\"memcg\"} 1$" "$SERVE_TMP/tf/oomlab.prom" &&
	echo "SUBTEST PASS textfile" || echo "SUBTEST FAIL textfile: $(grep oom_kills "$SERVE_TMP/tf/oomlab.prom")"
ls "$SERVE_TMP/tf" | grep -v '^oomlab.prom$' && echo "SUBTEST FAIL textfile-tmp: temporary file left" || echo "SUBTEST PASS textfile-tmp"

if [ -z "$NE" ]; then
	echo "SUBTEST SKIP node-exporter: needs prometheus-node-exporter"
	exit 0
fi
port=$(free_port)
"$NE" --web.listen-address="127.0.0.1:$port" --collector.disable-defaults --collector.textfile \
	--collector.textfile.directory="$SERVE_TMP/tf" >"$SERVE_TMP/ne.log" 2>&1 &
SERVE_PIDS+=($!)
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$port/metrics" >"$SERVE_TMP/ne.txt" 2>/dev/null && break; sleep 0.1; done
grep -E '^node_textfile_scrape_error|oomlab_oom_kills_total' "$SERVE_TMP/ne.txt"
grep -qx 'node_textfile_scrape_error 0' "$SERVE_TMP/ne.txt" && grep -q "^oomlab_oom_kills_total{cgroup=\"$PARENT\",constraint=\"memcg\",limit_scope=\"cgroup\"} 1$" "$SERVE_TMP/ne.txt" &&
	echo "SUBTEST PASS node-exporter" || echo "SUBTEST FAIL node-exporter: $(tail -5 "$SERVE_TMP/ne.log")"

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Debian's Prometheus scrapes `oomlab serve` on 127.0.0.1 (OpenMetrics, exemplar storage on):
# after two OOM kills in our own cgroups, the Prometheus HTTP API has
# oomlab_oom_kills_total{cgroup=our parent,limit_scope="cgroup",constraint="memcg"} == 2, an
# exemplar whose pid is our last victim's, the scrape target up, and the PSI counter of our
# parent; promtool check metrics accepts the text format; /events, /healthz, / answer.
set -u
source "$(dirname "$0")/_serve_lib.sh"
require_root
require_memcg
require_cmd python3
require_cmd curl
PROM=$(command -v prometheus || true)
[ -n "$PROM" ] || skip "needs 'prometheus' (Debian package prometheus)"
[ -r /dev/kmsg ] || skip "/dev/kmsg not readable"

serve_parent_cgroup "oomlab-test-serve-prom-$$" || fail "cannot create the parent cgroup"
start_serve --depth 1 --retain 8 || fail "serve did not start"
cat "$SERVE_ERR"
base=http://127.0.0.1:$SERVE_PORT

# the endpoints
curl -fsS "$base/healthz" | grep -qx ok && echo "SUBTEST PASS healthz" || echo "SUBTEST FAIL healthz: not ok"
curl -fsS "$base/" | grep -q 'href="/metrics"' && echo "SUBTEST PASS landing" || echo "SUBTEST FAIL landing: no link to /metrics"
code=$(curl -s -o /dev/null -w '%{http_code}' "$base/nothing")
[ "$code" = 404 ] && echo "SUBTEST PASS 404" || echo "SUBTEST FAIL 404: got $code"
ct=$(curl -fsS -o /dev/null -w '%{content_type}' -H 'Accept: application/openmetrics-text; version=1.0.0' "$base/metrics")
case $ct in application/openmetrics-text*) echo "SUBTEST PASS negotiate" ;; *) echo "SUBTEST FAIL negotiate: $ct" ;; esac

ppor=$(free_port)
cat >"$SERVE_TMP/prom.yml" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: oomlab
    honor_labels: true
    static_configs:
      - targets: ["127.0.0.1:$SERVE_PORT"]
YML
"$PROM" --config.file="$SERVE_TMP/prom.yml" --storage.tsdb.path="$SERVE_TMP/tsdb" \
	--web.listen-address="127.0.0.1:$ppor" --enable-feature=exemplar-storage \
	--log.level=warn >"$SERVE_TMP/prom.log" 2>&1 &
SERVE_PIDS+=($!)
papi=http://127.0.0.1:$ppor
for _ in $(seq 150); do curl -fsS "$papi/-/ready" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fsS "$papi/-/ready" >/dev/null || { tail -20 "$SERVE_TMP/prom.log"; fail "prometheus not ready"; }

t0=$(date +%s)
provoke_kill || fail "first kill not provoked"
provoke_kill || fail "second kill not provoked"
echo "victim pid $VICTIM_PID in $VICTIM_CG"

# wait for a scrape after the kills (scrape interval 1 s)
q() { curl -fsS --get "$papi/api/v1/$1" --data-urlencode "query=$2" ${3:+--data-urlencode "start=$3"} ${4:+--data-urlencode "end=$4"}; }
sel="oomlab_oom_kills_total{cgroup=\"$PARENT\"}"
for _ in $(seq 60); do
	q query "$sel" >"$SERVE_TMP/q.json" 2>/dev/null &&
		python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["data"]["result"]; sys.exit(0 if r and float(r[0]["value"][1]) >= 2 else 1)' "$SERVE_TMP/q.json" && break
	sleep 0.5
done
cat "$SERVE_TMP/q.json"; echo
python3 - "$SERVE_TMP/q.json" <<'PY' && echo "SUBTEST PASS counter" || echo "SUBTEST FAIL counter: see above"
import json, sys
r = json.load(open(sys.argv[1]))["data"]["result"]
assert len(r) == 1, r
m = r[0]["metric"]
assert m["limit_scope"] == "cgroup" and m["constraint"] == "memcg" and m["job"] == "oomlab", m
assert float(r[0]["value"][1]) == 2, r[0]["value"]
PY

q query "up{job=\"oomlab\"}" | grep -q '"value":\[[0-9.]*,"1"\]' && echo "SUBTEST PASS up" || echo "SUBTEST FAIL up: target not up"
q query "oomlab_cgroup_memory_pressure_waiting_seconds_total{cgroup=\"$PARENT\"}" >"$SERVE_TMP/psi.json"
if [ -e /sys/fs/cgroup/unified/cgroup.procs ] || [ -e /sys/fs/cgroup/cgroup.controllers ]; then
	grep -q "\"cgroup\":\"$PARENT\"" "$SERVE_TMP/psi.json" && echo "SUBTEST PASS psi" ||
		echo "SUBTEST FAIL psi: $(cat "$SERVE_TMP/psi.json")"
fi

# the exemplar of the last kill: kill_id and our victim's pid
for _ in $(seq 20); do
	q query_exemplars "$sel" "$t0" "$(($(date +%s) + 5))" >"$SERVE_TMP/ex.json" &&
		grep -q "\"pid\":\"$VICTIM_PID\"" "$SERVE_TMP/ex.json" && break
	sleep 0.5
done
cat "$SERVE_TMP/ex.json"; echo
python3 - "$SERVE_TMP/ex.json" "$VICTIM_PID" <<'PY' && echo "SUBTEST PASS exemplar" || echo "SUBTEST FAIL exemplar: see above"
import json, sys
d = json.load(open(sys.argv[1]))["data"]
ex = [e for s in d for e in s["exemplars"]]
assert any(e["labels"].get("pid") == sys.argv[2] and int(e["labels"]["kill_id"]) >= 1 and e["value"] == "1" for e in ex), ex
PY

# /events has our victim with OpenTelemetry names
curl -fsS "$base/events" >"$SERVE_TMP/events.json"
python3 - "$SERVE_TMP/events.json" "$VICTIM_PID" "$VICTIM_CG" "$PARENT" <<'PY' && echo "SUBTEST PASS events" || echo "SUBTEST FAIL events: pid $VICTIM_PID cgroup $VICTIM_CG: $(cat "$SERVE_TMP/events.json")"
import json, sys
d = json.load(open(sys.argv[1]))
ev = [e for e in d["events"] if e["process.pid"] == int(sys.argv[2])]
assert len(ev) == 1, d
e = ev[0]
# run's own record of the victim may lack the cgroup (a tracefs victim reaped before its
# /proc/PID/cgroup could be read: null); serve's event must still name it, under our parent
want = sys.argv[3] if sys.argv[3] not in ("", "null") else None
vc = e["oomlab.victim_cgroup"] or ""
assert (vc == want if want else vc.startswith(sys.argv[4] + "/")) and e["oomlab.limit_scope"] == "cgroup", e
assert e["oomlab.limit_bytes"] == 32 << 20 and e["oomlab.constraint"] == "memcg", e
assert len(d["events"]) <= 8
PY

# promtool on the text format (the OpenMetrics exemplars are beyond its parser)
if command -v promtool >/dev/null; then
	curl -fsS "$base/metrics" >"$SERVE_TMP/m.txt"
	if promtool check metrics <"$SERVE_TMP/m.txt" >"$SERVE_TMP/lint" 2>&1; then
		echo "SUBTEST PASS promtool"
	else
		echo "SUBTEST FAIL promtool: $(head -5 "$SERVE_TMP/lint")"
	fi
else
	echo "SUBTEST SKIP promtool: not installed"
fi
kill -0 "$SERVE_PID" || fail "serve died"

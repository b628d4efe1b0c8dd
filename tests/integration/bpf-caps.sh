#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The BPF source starts with only CAP_BPF + CAP_PERFMON (uid 65534, no CAP_SYS_ADMIN) and reports
# a kill: libbpf is pointed at /sys/kernel/btf/vmlinux explicitly. Without the two capabilities it
# fails and says why for each source.
set -u
. "$(dirname "$0")/_oomkill.sh"
oom_need_root
need_python
command -v setpriv >/dev/null || { echo "SKIP: setpriv (util-linux) not installed"; exit 77; }
setpriv --list-caps 2>/dev/null | grep -qx 'bpf' ||
	{ echo "SKIP: setpriv does not know CAP_BPF"; exit 77; }
oom_setup bpfcaps 64M
tmp=$(mktemp -d); chmod 755 "$tmp"; trap 'oom_cleanup; rm -rf "$tmp"' EXIT
# a copy nobody can execute (the tree may sit in a directory uid 65534 cannot enter)
cp "$OOMLAB" "$tmp/oomlab" && chmod 755 "$tmp/oomlab"
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
caps="--inh-caps=-all,+bpf,+perfmon --ambient-caps=-all,+bpf,+perfmon"

nobody "$tmp/oomlab" watch --source bpf --timeout 1ms > /dev/null 2> "$tmp/nocap"
st=$?
if grep -q 'not compiled in' "$tmp/nocap"; then echo "SKIP: built with BPF=0"; exit 77; fi
[ $st = 1 ] || { echo "without capabilities: exit $st, want 1"; cat "$tmp/nocap"; exit 1; }
grep -q 'Operation not permitted' "$tmp/nocap" || { cat "$tmp/nocap"; exit 1; }
echo "without capabilities: $(cat "$tmp/nocap")"

OOMLAB_CAPS="$tmp/oomlab"
# setpriv itself (not the shell function) in the background: $! must be oomlab's pid
setpriv --reuid=65534 --regid=65534 --clear-groups $caps "$OOMLAB_CAPS" watch --source bpf --json \
	--timeout 60s > "$tmp/out" 2> "$tmp/err" &
WATCHER=$!
for _ in $(seq 1 100); do grep -q '^oomlab watch: source ' "$tmp/err" && break; sleep 0.05; done
grep -q '^oomlab watch: source bpf' "$tmp/err" || { echo "did not start"; cat "$tmp/err"; exit 1; }
cat "$tmp/err"
pids=$(oom_eat 2>/dev/null)
watch_until "$tmp/out" "$pids" || exit 1
check_events "$tmp/out" "$pids" bpf false

# the scores task iterator: the same two capabilities load it; without them scores falls back
# to /proc and says why
src=$(nobody $caps "$OOMLAB_CAPS" scores --all --top 1 --json 2>&1 | sed -n 's/.*"source":"\([^"]*\)".*/\1/p')
[ "$src" = bpf-task-iter ] || { echo "scores with CAP_BPF+CAP_PERFMON: source '$src', want bpf-task-iter"; exit 1; }
out=$(nobody "$OOMLAB_CAPS" scores --all --top 1 --json 2>&1)
echo "$out" | grep -q '"source":"procfs","source_note":"the kernel refused the BPF task iterator (Operation not permitted)' ||
	{ echo "scores without capabilities: no fallback note"; echo "$out" | head -c 600; exit 1; }
nobody "$OOMLAB_CAPS" scores --all --top 1 --source bpf > /dev/null 2> "$tmp/err" && { echo "--source bpf without capabilities succeeded"; exit 1; }
grep -q 'needs root, or CAP_BPF and CAP_PERFMON' "$tmp/err" || { cat "$tmp/err"; exit 1; }
echo "scores: bpf-task-iter with CAP_BPF+CAP_PERFMON; without: $(cat "$tmp/err")"

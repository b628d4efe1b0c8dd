#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `oomlab watch --exec CMD` runs CMD once per kill with the event in OOMLAB_* variables and as
# JSON on stdin; `--cgroup` keeps only kills of that cgroup; `--count 1` exits after one.
set -u
. "$(dirname "$0")/_kmsg_lib.sh"
kmsg_need
make_cgroup oomlab-test-kmsg-exec-$$ $((64 << 20)) || exit 1
cg=$CG
tmp=$(mktemp -d /tmp/oomlab-watch.XXXXXX)
trap 'kmsg_cleanup; rm -rf "$tmp"' EXIT
mkfifo "$tmp/err"

for attempt in 1 2 3; do
	"$OOMLAB" watch --source kmsg --cgroup "$cg" --count 1 --timeout 5s \
		--exec "cat > $tmp/stdin.json; env | grep ^OOMLAB_ | sort > $tmp/env" >"$tmp/out" 2>"$tmp/err" &
	wpid=$!
	BGPIDS+=("$wpid")
	exec 3<"$tmp/err"
	read -r -t 10 ready <&3 || { echo "watch did not start"; exit 1; }
	start_eater "$cg"
	pid=$EATER_PID
	wait $pid 2>/dev/null
	wait "$wpid"
	rc=$?
	exec 3<&-
	# 0: the kill was seen; 1 with no output: --count 1 not reached by --timeout
	if [ -s "$tmp/out" ]; then
		[ $rc = 0 ] || { echo "watch exited $rc after printing a kill"; exit 1; }
		break
	fi
	[ $rc = 1 ] || { echo "watch exited $rc"; exit 1; }
	# a rate-limited report carries no cgroup; the victim left /proc before watch looked
	echo "attempt $attempt: no cgroup for our kill (report rate-limited), retrying in 5 s"
	sleep 5 # the kernel's printk rate-limit window, nothing to wait on
done
cat "$tmp/out"
grep -q "^kill pid $pid (oomlab-eater) .*cgroup $cg" "$tmp/out" || { echo "text line wrong"; exit 1; }
# the hook runs asynchronously; watch exits without waiting for it
for i in $(seq 50); do [ -s "$tmp/env" ] && break; sleep 0.1; done
cat "$tmp/env"
grep -qx "OOMLAB_PID=$pid" "$tmp/env" || exit 1
grep -qx "OOMLAB_COMM=oomlab-eater" "$tmp/env" || exit 1
grep -qx "OOMLAB_TASK_MEMCG=$cg" "$tmp/env" || exit 1
python3 -c "
import json, sys
e = json.load(open(sys.argv[1]))
assert e['pid'] == $pid and e['task_memcg'] == '$cg', e
" "$tmp/stdin.json"

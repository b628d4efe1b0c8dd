#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every way the BPF source can attach gives the same answer: tp_btf, raw_tp, the classic
# tracepoint (record fields, cgroup after the fact) and the pre-6.9 pid-only path (simulated on a
# newer kernel: the mm figures read after the fact from /proc). The victim here is the task that
# ran the OOM killer, so its memcg chain is read in the kernel even then. With the kernel log
# check on, every kill whose summary line the kernel printed (it is rate-limited: 10 per 5 s) is
# checked: constraint filled, OOMing memcg confirmed.
set -u
. "$(dirname "$0")/_oomkill.sh"
oom_need_root
need_python
oom_setup bpf 64M
tmp=$(mktemp -d); trap 'oom_cleanup; rm -rf "$tmp"' EXIT
fail=0
for mode in "kmsg false" "tp_btf false" "raw_tp false" "tracepoint false" "pid-only true"; do
	set -- $mode
	case $1 in
	pid-only) args="--pid-only --no-kmsg" ;;
	kmsg) args="" ;;
	*) args="--bpf-attach=$1 --no-kmsg" ;;
	esac
	watch_start "$tmp/out" "$tmp/err" --source bpf --json --timeout 60s $args
	echo "== $1: $(cat "$tmp/err")"
	pids=
	for i in 1 2 3; do pids="$pids $(oom_eat 2>/dev/null)"; done
	watch_until "$tmp/out" "$pids" || fail=1
	check_events "$tmp/out" "$pids" bpf "$2" || fail=1
	case $1 in
	tp_btf|raw_tp) grep -q '"oom_memcg_inferred":true' "$tmp/out" || fail=1 ;;
	esac
	if [ "$1" = kmsg ] && [ -r /dev/kmsg ] && command -v dmesg >/dev/null; then
		for p in $pids; do
			dmesg | grep -q "oom-kill:.*,pid=$p,uid=" || continue
			grep "\"pid\":$p," "$tmp/out" | grep -q '"constraint":"CONSTRAINT_MEMCG".*"kmsg_checked":true' ||
				{ echo "pid $p: the kernel printed its summary, the event was not checked"; fail=1; }
			echo "pid $p: checked against the kernel log"
		done
	fi
done
exit $fail

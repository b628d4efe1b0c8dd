#!/bin/sh
# SPDX-License-Identifier: MIT
# A busybox-sh stand-in for `oomlab run` / `oomlab eat` that follows issue 2's --json contract,
# used only by `make vm-selftest` to prove that the oomlab guest tests pass on a correct
# implementation and FAIL on a broken one: MOCK_BREAK=high writes --high into memory.low instead
# of memory.high (a wrong v2 file), MOCK_BREAK=leak leaves the cgroup behind.
# Not a reference implementation: no live view, no PSI, no kernel-log parsing beyond the pid.
CG=/sys/fs/cgroup
BREAK=${MOCK_BREAK:-$(sed -n 's/.*MOCK_BREAK=\([a-z]*\).*/\1/p' /proc/cmdline)}
usage_run() { echo "Usage: oomlab run [--json] [--max SIZE] [--high SIZE] -- COMMAND..."; }
bytes() { case $1 in *M) echo $((${1%M} << 20)) ;; *G) echo $((${1%G} << 30)) ;; *) echo "$1" ;; esac; }
case ${1:-} in
-h | --help) echo "Usage: oomlab COMMAND (mock: run, eat)"; exit 0 ;;
eat)
	shift
	total=0
	while [ $# -gt 0 ]; do
		case $1 in
		--help) echo "Usage: oomlab eat [--total SIZE]"; exit 0 ;;
		--total) total=$(($(bytes "$2") >> 20)); shift ;;
		esac
		shift
	done
	exec memeater -l "$total" -t 60 >/dev/null
	;;
run)
	shift
	json=0 max=max high=
	while [ $# -gt 0 ]; do
		case $1 in
		--help) usage_run; exit 0 ;;
		--json) json=1 ;;
		--max) max=$(bytes "$2"); shift ;;
		--high) high=$(bytes "$2"); shift ;;
		--) shift; break ;;
		*) break ;;
		esac
		shift
	done
	cg=$CG/oomlab-run-$$
	mkdir "$cg" || exit 1
	echo "$max" >"$cg/memory.max"
	hf=memory.high
	[ "$BREAK" = high ] && hf=memory.low
	[ -n "$high" ] && echo "$high" >"$cg/$hf"
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$cg" "$@"
	rc=$?
	kills=$(awk '$1 == "oom_kill" { print $2 }' "$cg/memory.events")
	peak=$(cat "$cg/memory.peak")
	anon=$(awk '$1 == "anon" { print $2 }' "$cg/memory.stat")
	file=$(awk '$1 == "file" { print $2 }' "$cg/memory.stat")
	hb=$(cat "$cg/memory.high")
	[ "$hb" = max ] && hb=null
	vpid=$(dmesg | sed -n "s/.*oom-kill:.*task_memcg=\/oomlab-run-$$[,/].*,pid=\([0-9]*\),.*/\1/p" | tail -n 1)
	[ "$BREAK" = leak ] || rmdir "$cg"
	ec=$rc sig=null killed=false
	if [ $rc -gt 128 ]; then ec=null sig=$((rc - 128)); fi
	[ "$sig" = 9 ] && [ "${kills:-0}" -gt 0 ] && killed=true
	victim=null
	[ -n "$vpid" ] && victim="{\"pid\":$vpid}"
	[ $json = 1 ] && printf '{"cgroup_mode":"v2","cgroup":"/oomlab-run-%s","limit_bytes":%s,"high_bytes":%s,"exit_code":%s,"signal":%s,"oom_killed":%s,"oom_kills":%s,"peak_bytes":%s,"anon_bytes":%s,"file_bytes":%s,"host_available_bytes":0,"verdict":"mock","victim":%s}\n' \
		$$ "$max" "$hb" "$ec" "$sig" "$killed" "${kills:-0}" "$peak" "${anon:-0}" "${file:-0}" "$victim"
	exit $rc
	;;
*) echo "oomlab: mock has no command '${1:-}'" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Signals beyond INT/TERM/HUP reach `oomlab run` too, and none of them leaves its cgroup behind:
# SIGUSR1 is passed on to the workload (which dies of it here: `sleep` has no handler) and the
# run exits 138; SIGQUIT and SIGALRM are treated like SIGTERM (passed on, grace period): ALRM
# ends `sleep` (142); QUIT is ignored by it (a background job of a non-interactive shell starts
# with INT and QUIT ignored), so the grace period ends in the forced kill (137). The random-signal soak (bench/soak-signals.sh) found that USR1, USR2 and
# ALRM ended run before and left its cgroup to the next sweep.
set -u
. "$(dirname "$0")/../_lib.sh"
require_root
require_memcg
fails=0
TMPDIR=$(mktemp -d); trap 'rm -rf "$TMPDIR"' EXIT
for spec in USR1:138 QUIT:137 ALRM:142 USR2:140; do
	sig=${spec%%:*} want=${spec#*:}
	"$OOMLAB" run -q --max 64M --kill-after 1s -- sleep 30 >/dev/null 2>"$TMPDIR/err.$sig" &
	p=$!
	cg=
	for _ in $(seq 50); do
		cg=$(find /sys/fs/cgroup -maxdepth 2 -type d -name "oomlab-$p-*" 2>/dev/null | head -1)
		[ -n "$cg" ] && [ -n "$(cat "$cg/cgroup.procs" 2>/dev/null)" ] && break
		sleep 0.1
	done
	[ -n "$cg" ] || { echo "SUBTEST FAIL $sig: the run's cgroup never appeared"; fails=1; kill -KILL $p; wait $p; continue; }
	kill -$sig $p
	wait $p; rc=$?
	left=$(find /sys/fs/cgroup -maxdepth 2 -type d -name "oomlab-$p-*" 2>/dev/null)
	if [ $rc = $want ] && [ -z "$left" ]; then
		echo "SUBTEST PASS $sig"
	else
		echo "SUBTEST FAIL $sig: exit $rc (want $want), left: ${left:-nothing}: $(tail -3 "$TMPDIR/err.$sig")"
		fails=1
	fi
done
exit $fails

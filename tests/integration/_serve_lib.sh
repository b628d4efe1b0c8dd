# SPDX-License-Identifier: MIT
# Helpers for the `oomlab serve` tests (sourced; not a test). Everything listens on 127.0.0.1
# only; every process started here is remembered by pid and killed by pid on exit; the parent
# cgroup (oomlab-test-serve-<what>-<pid>, at the hierarchy roots) is removed on exit.
source "$(dirname "${BASH_SOURCE[0]}")/../_lib.sh"

SERVE_PIDS=()
SERVE_CGS=()
SERVE_TMP=$(mktemp -d /tmp/oomlab-serve-test.XXXXXX)

serve_cleanup() {
	local p d
	for p in "${SERVE_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${SERVE_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	for ((i = ${#SERVE_CGS[@]} - 1; i >= 0; i--)); do
		d=${SERVE_CGS[$i]}
		rmdir "$d" 2>/dev/null || echo "warning: could not remove $d"
	done
	rm -rf "$SERVE_TMP"
}
trap serve_cleanup EXIT

# a free TCP port on 127.0.0.1 (bound and released: the kernel does not hand it out again at once)
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# serve_parent_cgroup NAME: the parent for `oomlab run --parent` in every tree the layout has
serve_parent_cgroup() {
	local n=$1 d
	for d in /sys/fs/cgroup/memory /sys/fs/cgroup/unified /sys/fs/cgroup; do
		[ -e "$d/cgroup.procs" ] || continue
		[ "$d" = /sys/fs/cgroup ] && [ -e /sys/fs/cgroup/memory/cgroup.procs ] && continue
		mkdir "$d/$n" || return 1
		SERVE_CGS+=("$d/$n")
	done
	PARENT=/$n
}

# start_serve ARGS...: starts `oomlab serve --listen 127.0.0.1:0 ARGS` and waits for it to
# listen; SERVE_PID, SERVE_PORT, SERVE_ERR set.
start_serve() {
	SERVE_ERR=$SERVE_TMP/serve.$RANDOM.err
	"$OOMLAB" serve --listen 127.0.0.1:0 "$@" 2>"$SERVE_ERR" &
	SERVE_PID=$!
	SERVE_PIDS+=("$SERVE_PID")
	for _ in $(seq 100); do
		SERVE_PORT=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/metrics|\1|p' "$SERVE_ERR")
		[ -n "$SERVE_PORT" ] && return 0
		kill -0 "$SERVE_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$SERVE_ERR"
	return 1
}

# provoke_kill: one OOM kill in a new cgroup under $PARENT; VICTIM_PID, VICTIM_CG set
provoke_kill() {
	local out=$SERVE_TMP/run.$RANDOM.json
	"$OOMLAB" run --parent "$PARENT" --max 32M --json -- "$OOMLAB" eat -q --total 128M >"$out" 2>/dev/null
	VICTIM_PID=$(jget victim.pid "$out" 2>/dev/null)
	VICTIM_CG=$(jget victim.task_memcg "$out" 2>/dev/null)
	[ -n "$VICTIM_PID" ] && [ "$VICTIM_PID" != null ]
}

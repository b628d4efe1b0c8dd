# SPDX-License-Identifier: MIT
# The BPF kill source on a real kernel (issue 18). `watch --source bpf --no-kmsg` for a nested
# memcg OOM (the limit on the parent, the eater in a child): the record must name the victim,
# its memcg path (task_memcg = the child) and the OOMing memcg with its limit, all read in the
# kernel at the kill (--no-kmsg: nothing from the log). Then every attach point (tp_btf, raw_tp,
# the classic tracepoint), the pid-only path, and the tracefs source, each with a real kill.
# Runs in every layout (v2, v1, hybrid, psi=0); RESULT names carry the layout ($VMT_LAYOUT).
# vmt-timeout: 150
. /tests/_lib.sh
L=${VMT_LAYOUT:-v2}

if ! have_oomlab watch || ! oomlab doctor 2>/dev/null | grep -q 'bpf.build.*has the BPF'; then
	result "$L/bpf-watch" SKIP "this oomlab has no BPF kill source"
	exit 0
fi

# watch_start ARGS...: start `oomlab watch --json --count 1` in the background, wait until it
# says it is watching; pid in WP, output in $T/json, $T/err
watch_start() {
	rm -f "$T/json" "$T/err"
	oomlab watch --json --count 1 --timeout "${TMO}s" "$@" >"$T/json" 2>"$T/err" &
	WP=$!
	wait_line "$T/err" '^oomlab watch: watching' 150 || fail "oomlab watch $* did not start: $(cat "$T/err")"
}
# kill_in CG: an eater OOM-killed in CG (its pid in EP)
kill_in() {
	run_in "$1" memeater -t "$TMO" >"$T/eat" 2>&1
	_rc=$?
	EP=$(eater_pid "$T/eat")
	[ "$_rc" = 137 ] || fail "eater exit status $_rc, expected 137"
}
j() { jget "$1" <"$T/json"; }

# ---- nested memcg OOM through BPF, nothing from the kernel log ----
mkcg P bpfp || { finish "$L/bpf-watch"; exit 0; }
cg_limit "$P" 64M
cg_nest "$P"
mkcg C bpfc "$P" || { finish "$L/bpf-watch"; exit 0; }
watch_start --source bpf --no-kmsg --cgroup "$(rel "$P")"
kill_in "$C"
wait "$WP"
wrc=$?
cat "$T/err" "$T/json"
[ "$wrc" = 0 ] || fail "oomlab watch exited $wrc"
grep -q '^oomlab watch: source bpf:' "$T/err" || fail "watch did not use the bpf source"
[ "$(wc -l <"$T/json")" = 1 ] || fail "expected exactly one JSON line for --count 1"
[ "$(j pid)" = "$EP" ] || fail "pid '$(j pid)', expected $EP"
[ "$(j source)" = bpf ] || fail "source '$(j source)', expected bpf"
[ "$(j task_memcg)" = "$(rel "$C")" ] || fail "task_memcg '$(j task_memcg)', expected $(rel "$C")"
[ "$(j oom_memcg)" = "$(rel "$P")" ] || fail "oom_memcg '$(j oom_memcg)', expected $(rel "$P")"
[ "$(j memcg_limit_kb)" = 65536 ] || fail "memcg_limit_kb '$(j memcg_limit_kb)', expected 65536 (the parent's limit, read by BPF)"
[ "$(j after_the_fact)" = false ] || fail "after_the_fact '$(j after_the_fact)': the record was not read in the kernel"
[ "$(j comm)" = memeater ] || fail "comm '$(j comm)', expected memeater"
# the kernel's own word on the same kill
summary_line "$EP" | grep -q "oom_memcg=$(rel "$P"),task_memcg=$(rel "$C")," ||
	fail "the kernel's summary line for $EP does not match"
# the tracepoint's shape, detected (never assumed): say which one this kernel has
fmt=/sys/kernel/tracing/events/oom/mark_victim/format
[ -r "$fmt" ] || { mkdir -p /sys/kernel/tracing && mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null; }
if grep -q 'anon_rss' "$fmt" 2>/dev/null; then shape=full; else shape=pid-only; fi
echo "oom:mark_victim shape here: $shape; watch said: $(grep '^oomlab watch: source' "$T/err")"
umount /sys/kernel/tracing 2>/dev/null
if [ $shape = full ]; then
	[ "$(j anon_rss_kb)" -gt 32768 ] 2>/dev/null || fail "anon_rss_kb '$(j anon_rss_kb)' from a full tracepoint record"
fi
cg_rm "$C" && cg_rm "$P" && CGS=
finish "$L/bpf-watch"

# ---- every attach point, the pid-only path, the tracefs source: one real kill each ----
for mode in tp_btf raw_tp tracepoint pid-only tracefs; do
	mkcg W "w$mode" || { finish "$L/bpf-attach-$mode"; continue; }
	cg_limit "$W" 48M
	case $mode in
	pid-only) set -- --source bpf --pid-only ;;
	tracefs) set -- --source tracefs ;;
	*) set -- --source bpf --bpf-attach "$mode" ;;
	esac
	name=$L/bpf-attach-$mode
	[ $mode = tracefs ] && name=$L/tracefs-watch
	watch_start "$@" --cgroup "$(rel "$W")"
	kill_in "$W"
	wait "$WP"
	wrc=$?
	cat "$T/err" "$T/json"
	[ "$wrc" = 0 ] || fail "oomlab watch $* exited $wrc"
	[ "$(j pid)" = "$EP" ] || fail "$mode: pid '$(j pid)', expected $EP"
	[ "$(j task_memcg)" = "$(rel "$W")" ] || fail "$mode: task_memcg '$(j task_memcg)', expected $(rel "$W")"
	case $mode in
	tracefs) [ "$(j source)" = tracefs ] || fail "source '$(j source)', expected tracefs" ;;
	pid-only | tracepoint) grep -q "^oomlab watch: source bpf: tracepoint/mark_victim" "$T/err" ||
		fail "$mode: not attached to the classic tracepoint" ;;
	*) grep -q "^oomlab watch: source bpf: $mode/mark_victim" "$T/err" || {
		# a kernel may refuse one: then watch must have said why and fallen back
		fail "$mode: not attached as $mode"
	} ;;
	esac
	cg_rm "$W" && CGS=
	finish "$name"
done

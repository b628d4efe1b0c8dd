#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# No cgroup is left after: a normal exit (status mirrored), a signal, a failing exec, Ctrl-C
# (SIGINT) during a run, SIGTERM to oomlab alone, and a SIGKILL of oomlab itself (removed by
# `oomlab doctor --clean`, which touches nothing else).
source "$(dirname "$0")/../_lib.sh"
require_root
require_memcg
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT
before=$(oomlab_cgroups)
check_clean() { assert_nothing_left "$before" "cgroups left after $1"; }

"$OOMLAB" run -q -- sh -c 'exit 3' >/dev/null; assert_eq $? 3 "exit status mirrored"; check_clean "exit 3"
"$OOMLAB" run -q -- sh -c 'kill -TERM $$' >/dev/null; assert_eq $? 143 "signal mirrored"; check_clean "SIGTERM of the command"
"$OOMLAB" run -q -- /nonexistent/cmd >/dev/null 2>"$tmp/err"; assert_eq $? 127 "exec ENOENT"
grep -q "cannot execute '/nonexistent/cmd'" "$tmp/err" || fail "exec error message: $(cat "$tmp/err")"
check_clean "failing exec"
echo 'not a program' >"$tmp/noexec"; chmod 644 "$tmp/noexec"
"$OOMLAB" run -q -- "$tmp/noexec" >/dev/null 2>&1; assert_eq $? 126 "exec EACCES"; check_clean "non-executable"

# Ctrl-C: SIGINT to the whole process group, as a terminal does
setsid bash -c "exec '$OOMLAB' run -q --max 256M -- '$OOMLAB' eat --total 32M --hold -q" >/dev/null 2>&1 &
sp=$!; pids+=($sp)
for i in $(seq 100); do [ -n "$(oomlab_cgroups | grep "oomlab-$sp-")" ] && break; sleep 0.05; done
[ -n "$(oomlab_cgroups | grep "oomlab-$sp-")" ] || fail "run did not create its cgroup"
sleep 0.3
kill -INT -- -"$sp"
wait "$sp"; rc=$?
assert_eq "$rc" 130 "exit after Ctrl-C"
check_clean "Ctrl-C"

# SIGTERM to oomlab alone: it forwards, tears down, exits 128+15
"$OOMLAB" run -q --max 256M -- "$OOMLAB" eat --total 32M --hold -q >/dev/null 2>&1 &
rp=$!; pids+=($rp)
for i in $(seq 100); do [ -n "$(oomlab_cgroups | grep "oomlab-$rp-")" ] && break; sleep 0.05; done
sleep 0.3
kill -TERM "$rp"; wait "$rp"; rc=$?
assert_eq "$rc" 143 "exit after SIGTERM"
check_clean "SIGTERM of oomlab"

# SIGKILL of oomlab: the cgroup stays (with the eater inside) until doctor --clean
"$OOMLAB" run -q --max 256M -- "$OOMLAB" eat --total 16M --hold -q >/dev/null 2>&1 &
kp=$!; pids+=($kp)
for i in $(seq 100); do [ -n "$(oomlab_cgroups | grep "oomlab-$kp-")" ] && break; sleep 0.05; done
sleep 0.3
mem=$(oomlab_cgroups | grep "oomlab-$kp-" | grep -v unified | head -1)
eater=$(head -1 "$mem/cgroup.procs")
[ -n "$eater" ] || fail "no eater in $mem"
kill -9 "$kp"; wait "$kp" 2>/dev/null
[ -d "$mem" ] || fail "the cgroup vanished by itself?"
# a decoy that is not ours by name must survive the clean
decoy=$(dirname "$mem")/oomlab-test-decoy-$$
mkdir "$decoy"
"$OOMLAB" doctor --clean >"$tmp/clean" || fail "doctor --clean failed"
grep -q "removed [1-9]" "$tmp/clean" || fail "doctor --clean removed nothing: $(cat "$tmp/clean")"
[ -d "$decoy" ] || fail "doctor --clean removed a cgroup that is not oomlab's"
rmdir "$decoy"
# (a zombie still answers kill -0: check the process state instead)
state=$(awk '{print $3}' "/proc/$eater/stat" 2>/dev/null || true)
[ -z "$state" ] || [ "$state" = Z ] || fail "the orphaned eater $eater survived the clean (state $state)"
check_clean "SIGKILL of oomlab + doctor --clean"
exit 0

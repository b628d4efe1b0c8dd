#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# oomlab watch --source: help, usage errors (exit 2), sources that cannot run on a --sysroot tree, and the
# BPF=0 message.
set -u
fail() { echo "FAIL: $*"; exit 1; }
"$OOMLAB" watch --help | grep -q '^Usage: oomlab watch' || fail "--help"
"$OOMLAB" watch --source perf 2>"$BUILD/trace-usage.err"; [ $? = 2 ] || fail "bad --source: not 2"
grep -q "invalid source 'perf'" "$BUILD/trace-usage.err" || fail "bad --source message"
"$OOMLAB" watch --count 0 2>/dev/null; [ $? = 2 ] || fail "--count 0: not 2"
"$OOMLAB" watch --timeout 1x 2>/dev/null; [ $? = 2 ] || fail "--timeout 1x: not 2"
"$OOMLAB" watch extra 2>/dev/null; [ $? = 2 ] || fail "extra argument: not 2"
# a fixture tree is not a kernel: both sources refuse, saying why
"$OOMLAB" --sysroot "$FIXTURES/victim" watch --source tracefs 2>"$BUILD/trace-usage.err"
[ $? = 1 ] || fail "tracefs on a sysroot: not 1"
grep -q 'needs the live system' "$BUILD/trace-usage.err" || fail "tracefs sysroot message"
"$OOMLAB" --sysroot "$FIXTURES/victim" watch --json 2>/dev/null | grep -q '"error":' ||
	fail "JSON error object"
out=$("$OOMLAB" --sysroot "$FIXTURES/victim" watch --source bpf 2>&1)
case $out in
*'not compiled in (built with BPF=0)'*) echo "BPF=0 build: says so" ;;
*'needs the live system'*) echo "BPF build" ;;
*) fail "bpf on a sysroot: $out" ;;
esac

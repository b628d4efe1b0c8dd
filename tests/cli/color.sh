#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Colour: --color=always colours verdicts (before or after the command name), --color=never and
# a pipe do not, a terminal does (script(1) gives one) unless NO_COLOR is set and not empty,
# --color=always beats NO_COLOR, a bad value is a usage error (exit 2).
source "$(dirname "$0")/../_lib.sh"
require_cmd script
S=(--sysroot "$FIXTURES/sysroot-v2")
esc=$'\033['
bad=0
check() { # name expect(yes|no) cmd...
	local name=$1 want=$2 out; shift 2
	out=$("$@" 2>&1)
	case $out in *"$esc"*) got=yes ;; *) got=no ;; esac
	if [ "$got" = "$want" ]; then echo "SUBTEST PASS $name"; else echo "SUBTEST FAIL $name: colour $got, want $want"; bad=1; fi
}
# on a terminal through script(1): -q quiet, -e exit status, -c command, output to /dev/null
tty_run() { script -qec "$*" /dev/null; }
check always-before yes "$OOMLAB" --color=always "${S[@]}" top -n 1
check always-after yes "$OOMLAB" "${S[@]}" psi --color always /system.slice
check never no "$OOMLAB" --color=never "${S[@]}" top -n 1
check pipe-auto no "$OOMLAB" "${S[@]}" top -n 1
check tty-auto yes tty_run "$OOMLAB --sysroot $FIXTURES/sysroot-v2 top --batch -n 1"
check tty-no-color no tty_run "NO_COLOR=1 $OOMLAB --sysroot $FIXTURES/sysroot-v2 top --batch -n 1"
check tty-no-color-empty yes tty_run "NO_COLOR= $OOMLAB --sysroot $FIXTURES/sysroot-v2 top --batch -n 1"
check tty-never no tty_run "$OOMLAB --color=never --sysroot $FIXTURES/sysroot-v2 top --batch -n 1"
check always-beats-no-color yes env NO_COLOR=1 "$OOMLAB" --color=always "${S[@]}" top -n 1
msg=$("$OOMLAB" --color=sometimes top 2>&1 >/dev/null); rc=$?
if [ "$rc" = 2 ] && [[ $msg == *"invalid value 'sometimes' for --color"* ]]; then echo "SUBTEST PASS bad-value"; else echo "SUBTEST FAIL bad-value: exit $rc, '$msg'"; bad=1; fi
# the verdict text is the same with and without colour (nothing else changes)
a=$("$OOMLAB" --color=always "${S[@]}" top -n 1 | sed 's/\x1b\[[0-9;]*m//g')
b=$("$OOMLAB" --color=never "${S[@]}" top -n 1)
[ "$a" = "$b" ] && echo "SUBTEST PASS same-text" || { echo "SUBTEST FAIL same-text: colour changed more than the SGR codes"; bad=1; }
exit $bad

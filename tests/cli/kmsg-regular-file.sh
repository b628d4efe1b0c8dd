#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A regular file in place of /dev/kmsg (a --sysroot fixture) is always readable to poll() and
# reads 0 at its end: `watch --source kmsg` and `serve -s kmsg` on such a tree spun a CPU for
# as long as they ran. Counted in poll calls (strace), not in time: idle for 1 s, a waiting
# watcher makes a handful, the spinning one made hundreds of thousands.
source "$(dirname "$0")/../_lib.sh"
require_cmd strace
tmp=$(mktemp -d /tmp/oomlab-kmsg-file.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cp -a "$FIXTURES/why-sysroot" "$tmp/root"
: >"$tmp/root/dev/kmsg"
# LeakSanitizer cannot run under ptrace (a SANITIZE=address build ends with "fatal error"):
# the leak check is the sanitizer runs' own business, not this test's
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -qq -c -o "$tmp/calls" \
	-e trace=poll,ppoll "$OOMLAB" --sysroot "$tmp/root" watch --source kmsg --timeout 1s >"$tmp/out" 2>"$tmp/err" ||
	{ cat "$tmp/err"; fail "watch --source kmsg on a regular-file kmsg failed"; }
n=$(awk '$NF == "poll" || $NF == "ppoll" { s += $4 } END { print s + 0 }' "$tmp/calls")
[ "$n" -lt 100 ] || { cat "$tmp/calls"; fail "watch made $n poll calls in 1 s idle (spinning on a regular file)"; }
[ ! -s "$tmp/out" ] || fail "watch printed a kill from an empty log: $(head -c 200 "$tmp/out")"
echo "watch idle 1 s on a regular-file /dev/kmsg: $n poll calls"

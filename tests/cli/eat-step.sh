#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `eat --step SIZE`: after --total (or nothing without it), each line on stdin eats SIZE more and
# prints one step line (text and JSON, also with -q), two lines in one write are two steps, the
# memory is really there (RssAnon grows by the step), the end of input ends the eater (exit 0)
# or, with --hold, it holds until a signal; a signal while it waits for a line ends it by that
# signal (it does not wait for the line).
source "$(dirname "$0")/../_lib.sh"
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }

# start ARGS...: `oomlab eat ARGS` reading fifo in (fd 7 writes it) and writing fifo out (fd 8)
start() {
	rm -f "$tmp/in" "$tmp/out"; mkfifo "$tmp/in" "$tmp/out"
	"$OOMLAB" eat --rate max "$@" <"$tmp/in" >"$tmp/out" &
	pid=$!
	exec 7>"$tmp/in" 8<"$tmp/out"
}
line() { LINE=; read -r -t 10 -u 8 LINE || fail "no line from eat (pid $pid) within 10 s"; }
finish() { # expected-status
	local st
	wait "$pid"; st=$?; pid=
	exec 7>&- 8<&-
	assert_eq "$st" "$1" "exit status"
}

# text: --total 3M then steps of 2M; -q keeps the step lines
start --total 3M --step 2M -q
line; case $LINE in "eat: 3 MiB (anon) in "*) ;; *) fail "summary '$LINE'" ;; esac
a0=$(kb "$pid" RssAnon)
echo >&7; line; assert_eq "$LINE" "step 1: 2.0 MiB more (anon), 5.0 MiB in all" "first step"
a1=$(kb "$pid" RssAnon)
[ $((a1 - a0)) -ge 2000 ] || fail "RssAnon grew from $a0 to $a1 kB on a 2 MiB step"
# one write(2) (cat of a file; bash's printf would write each line on its own)
printf 'x\ny\n' >"$tmp/two"; cat "$tmp/two" >&7; line; assert_eq "$LINE" "step 2: 2.0 MiB more (anon), 7.0 MiB in all" "second step"
line; assert_eq "$LINE" "step 3: 2.0 MiB more (anon), 9.0 MiB in all" "two lines in one write: third step"
a3=$(kb "$pid" RssAnon)
[ $((a3 - a1)) -ge 4000 ] || fail "RssAnon grew from $a1 to $a3 kB on two 2 MiB steps"
exec 7>&-
LINE=; read -r -t 10 -u 8 LINE && fail "a line after the end of input: '$LINE'"
finish 0
echo "text steps: 3 MiB, then 5, 7, 9 MiB; RssAnon $a0 -> $a1 -> $a3 kB; exit 0 at the end of input"

# JSON, no --total: nothing before the first step; an unaligned step size
start --step 1000 --json --mode shmem
line; echo "$LINE" | grep -q '^{"event":"done","mode":"shmem","bytes":0,' || fail "JSON summary '$LINE'"
echo >&7; line
echo "$LINE" | grep -q '^{"event":"step","mode":"shmem","step":1,"step_bytes":1000,"bytes":1000,"elapsed_us":[0-9]*}$' ||
	fail "JSON step '$LINE'"
echo >&7; line
echo "$LINE" | grep -q '"step":2,"step_bytes":1000,"bytes":2000,' || fail "JSON second step '$LINE'"
exec 7>&-
finish 0
echo "JSON steps of 1000 bytes (shmem, unaligned): $LINE"

# --hold: the end of input does not end it, a signal does
start --total 1M --step 1M --hold -q
line
exec 7>&-
sleep 0.3
kill -0 "$pid" 2>/dev/null || fail "eat --step --hold ended at the end of input"
kill -TERM "$pid"
finish 143
echo "--hold: still there after the end of input, ended by SIGTERM (143)"

# a signal while waiting for a line ends it (143, 130), sent as soon as the summary is read, 40
# times (the stopping signals stay blocked from the test of the flag until ppoll() waits; that
# window is a few instructions wide, so a lost wake-up there would rarely show here)
for i in $(seq 40); do
	s=TERM; [ $((i % 2)) = 0 ] && s=INT
	start --total 1M --step 1M -q
	line
	kill -"$s" "$pid"
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
	kill -0 "$pid" 2>/dev/null && fail "eat --step still waiting for a line 5 s after SIG$s"
	finish $((128 + $(kill -l "$s")))
done
echo "SIGTERM/SIGINT while waiting for a line, 40 times: ended by the signal"

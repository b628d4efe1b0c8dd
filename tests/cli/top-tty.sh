#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# oomlab top on a terminal, driven through tmux (send-keys, capture-pane) against a copy of the
# v2 fixture sysroot: q and Ctrl-C quit with 0 and give the terminal back (icanon, echo), M
# re-sorts, / filters, End scrolls to rows that do not fit, Enter lists a cgroup's processes
# (a hostile comm escaped), a 70-column pane never gets a row longer than 70 columns (no wrap),
# SIGTERM restores the terminal too.
source "$(dirname "$0")/../_lib.sh"
require_cmd tmux
tmp=$(mktemp -d)
sock=oomlab-top-test-$$
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
cp -r "$FIXTURES/sysroot-v2" "$tmp/root"
R=$tmp/root
printf '4242\n4343\n' >"$R/sys/fs/cgroup/system.slice/cgroup.procs"
mkproc() { # pid comm rss_kb adj
	mkdir -p "$R/proc/$1"
	printf 'Name:\t%b\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t%s\nPid:\t%s\nVmRSS:\t%s kB\nRssAnon:\t%s kB\nRssFile:\t0 kB\nRssShmem:\t0 kB\nVmSwap:\t0 kB\nVmPTE:\t4 kB\n' \
		"$2" "$1" "$1" "$3" "$3" >"$R/proc/$1/status"
	echo "$4" >"$R/proc/$1/oom_score_adj"
}
mkproc 4242 'nginx' 204800 -500
mkproc 4343 'ev\033[2Jil' 1024 0

# run CMD in a fresh WxH pane; the pane writes the exit status and `stty -a` when oomlab ends
start() { # w h args...
	local w=$1 h=$2; shift 2
	tmux -L "$sock" kill-server 2>/dev/null
	sleep 0.2
	rm -f "$tmp/exit" "$tmp/stty"
	tmux -L "$sock" -f /dev/null new-session -d -x "$w" -y "$h" \
		"LANG=C.UTF-8 $OOMLAB --sysroot $R top $*; echo \$? >$tmp/exit.t; stty -a >$tmp/stty; mv $tmp/exit.t $tmp/exit; sleep 60"
	wait_screen 'CGROUP' || { cap; return 1; }
}
cap() { tmux -L "$sock" capture-pane -p -J; }
# wait (up to 10 s, polling) until the screen matches an extended regex
wait_screen() {
	for _ in $(seq 100); do
		cap | grep -Eq -- "$1" && return 0
		sleep 0.1
	done
	return 1
}
wait_exit() {
	for _ in $(seq 100); do
		[ -f "$tmp/exit" ] && return 0
		sleep 0.1
	done
	return 1
}
keys() { tmux -L "$sock" send-keys "$@"; }
bad=0
ok() { echo "SUBTEST PASS $1"; }
no() { echo "SUBTEST FAIL $1: $2"; bad=1; cap | sed 's/^/    > /'; }
# the first data row (the line after the column header)
first_row() { cap | awk 'f { print; exit } /^CGROUP/ { f = 1 }'; }
term_ok() { grep -qw icanon "$tmp/stty" && grep -qw echo "$tmp/stty" && ! grep -qw -- -icanon "$tmp/stty"; }

# 70 columns: no row longer than the pane (capture -J joins wrapped rows), all 9 cgroups,
# the header still on top, the container id visible
if start 70 20; then
	long=$(cap | LC_ALL=C.UTF-8 python3 -c 'import sys; print(sum(len(l.rstrip("\n")) > 70 for l in sys.stdin))')
	rows=$(cap | awk 'f && /(healthy|strained|sick|critical) *$/ { n++ } /^CGROUP/ { f = 1 } END { print n + 0 }')
	hdr=$(cap | grep -n '^CGROUP' | cut -d: -f1)
	if [ "$long" = 0 ] && [ "$rows" = 9 ] && [ "$hdr" = 2 ] && cap | grep -q 9e8d7c6b5a4f; then
		ok width-70
	else
		no width-70 "rows over 70 columns: $long, cgroup rows $rows (want 9), header on line $hdr (want 2), or the container id 9e8d7c6b5a4f hidden"
	fi
	first_row | grep -q 'scope' || no sort-default "the first row is not the scope with the highest avg10"
	keys M
	if wait_screen 'sort usage' && first_row | grep -q '^/system.slice '; then ok sort-M; else no sort-M "M did not sort by usage"; fi
	keys P
	wait_screen 'sort pressure' && ok sort-P || no sort-P "P did not sort by pressure"
	keys '>'
	wait_screen 'sort usage' && ok sort-cycle || no sort-cycle "> did not go to the next sort key"
	keys / k u b e Enter
	if wait_screen 'filter: kube' && ! cap | grep -q '^/system.slice ' && cap | grep -q '^/kubepods.slice '; then
		ok filter
	else
		no filter "/kube did not leave only the kubepods rows"
	fi
	keys Escape
	if wait_screen '^/system.slice ' && ! cap | grep -q 'filter:'; then ok filter-esc; else no filter-esc "Esc did not clear the filter"; fi
	keys h
	wait_screen 'oomlab top: keys' && ok help || no help "h showed no help"
	keys x
	wait_screen '^/user.slice ' && ok help-close || no help-close "a key did not close the help"
	# the cursor to /system.slice (first by usage), its processes, largest first
	keys M Home Enter
	if wait_screen 'nginx' && cap | grep -Eq '4242 +nginx +200M +-500' && cap | grep -q 'ev\\x1b\[2Jil'; then
		ok expand
	else
		no expand "Enter did not list pid 4242 nginx 200M -500 and the escaped comm"
	fi
	keys q
	if wait_exit && [ "$(cat "$tmp/exit")" = 0 ] && term_ok; then ok quit-q; else no quit-q "q: exit $(cat "$tmp/exit" 2>/dev/null), or the terminal was not restored"; fi
else
	no start "top did not draw a table in tmux"
fi

# a short pane: the rows that do not fit are reached with End, then Home goes back
if start 60 8; then
	if ! cap | grep -q '^/user.slice '; then
		keys End
		if wait_screen '^/user.slice ' && cap | grep -q '^9/9'; then ok scroll-end; else no scroll-end "End did not show the last row"; fi
		keys Home
		wait_screen '^1/9' && ok scroll-home || no scroll-home "Home did not go back"
		keys NPage
		wait_screen '^[4-9]/9' && ok scroll-pgdn || no scroll-pgdn "PgDn did not move"
	else
		no scroll-end "all rows fit in 8 lines: the test needs a shorter pane"
	fi
	keys C-c
	if wait_exit && [ "$(cat "$tmp/exit")" = 0 ] && term_ok; then ok quit-ctrl-c; else no quit-ctrl-c "Ctrl-C: exit $(cat "$tmp/exit" 2>/dev/null) or the terminal was not restored"; fi
fi

# SIGTERM: 143, terminal restored
if start 80 20; then
	pid=$(tmux -L "$sock" list-panes -F '#{pane_pid}')
	opid=$(pgrep -P "$pid" -x oomlab | head -1)
	if [ -n "$opid" ]; then
		kill -TERM "$opid"
		if wait_exit && [ "$(cat "$tmp/exit")" = 143 ] && term_ok; then ok sigterm; else no sigterm "exit $(cat "$tmp/exit" 2>/dev/null) (want 143) or the terminal was not restored"; fi
	else
		no sigterm "cannot find the oomlab process under the pane"
	fi
fi
exit $bad

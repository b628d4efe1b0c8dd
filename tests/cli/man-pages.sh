#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every command listed by `oomlab --help` has a man page that scdoc builds, with the sections
# a user looks for; every man page names an existing command.
source "$(dirname "$0")/../_lib.sh"
require_cmd scdoc
man=$(cd "$(dirname "$0")/../../man" && pwd)
cmds=$("$OOMLAB" --help | awk '/^Commands:/{f=1;next} /^$/{f=0} f{print $1}')
[ -n "$cmds" ] || fail "no commands in --help"
rc=0
for c in $cmds; do
	p=$man/oomlab-$c.1.scd
	[ -f "$p" ] || { echo "no man page for '$c' ($p)"; rc=1; continue; }
	scdoc <"$p" >/dev/null || { echo "scdoc fails on $p"; rc=1; }
	for s in NAME SYNOPSIS DESCRIPTION "EXIT STATUS" FILES "SEE ALSO"; do
		grep -q "^# $s\$" "$p" || { echo "$p: no '# $s' section"; rc=1; }
	done
	"$OOMLAB" "$c" --help >/dev/null 2>&1 || { echo "'oomlab $c --help' failed"; rc=1; }
done
for p in "$man"/oomlab-*.1.scd; do
	c=$(basename "$p" .1.scd); c=${c#oomlab-}
	echo "$cmds" | grep -qx "$c" || { echo "$p documents '$c', which is not a command"; rc=1; }
done
exit $rc

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The bash completion, sourced and driven as bash does (COMP_WORDS, COMP_CWORD, COMPREPLY):
# commands, options of a command, --source values, --color values, cgroups from a fixture tree
# (OOMLAB_SYSROOT and --sysroot), pids; and every long option `oomlab CMD --help` lists is
# offered for CMD (so the completion cannot fall behind the code).
source "$(dirname "$0")/../_lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=/dev/null
source "$top/contrib/completions/oomlab.bash"
bad=0
comp() { # words... (the last one is the word being completed)
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_oomlab
	printf '%s\n' "${COMPREPLY[@]}" | sort
}
want() { # name expected-line... -- words...
	local name=$1; shift
	local exp=() got
	while [ "$1" != -- ]; do exp+=("$1"); shift; done
	shift
	got=$(comp "$@")
	for e in "${exp[@]}"; do
		if ! printf '%s\n' "$got" | grep -qxF -- "$e"; then
			echo "SUBTEST FAIL $name: '$*' did not offer '$e' (got: $(echo $got))"
			bad=1
			return
		fi
	done
	echo "SUBTEST PASS $name"
}
wantnot() { # name unexpected -- words...
	local name=$1 no=$2; shift 3
	if comp "$@" | grep -qxF -- "$no"; then
		echo "SUBTEST FAIL $name: '$*' offered '$no'"
		bad=1
	else
		echo "SUBTEST PASS $name"
	fi
}
want commands top psi scores -- oomlab ''
want command-prefix top -- oomlab to
wantnot command-prefix-only why -- oomlab to
want top-options --sort --batch --interval -- oomlab top --
want sort-keys pressure usage limit kills -- oomlab top --sort ''
want watch-source auto bpf tracefs kmsg -- oomlab watch --source ''
want scores-source bpf proc -- oomlab scores --source ''
want color auto always never -- oomlab --color ''
want color-after-command --color -- oomlab psi --co
export OOMLAB_SYSROOT=$FIXTURES/sysroot-v2
want cgroups-top /kubepods.slice /system.slice /user.slice -- oomlab psi ''
want cgroups-child /kubepods.slice/kubepods-burstable.slice -- oomlab scores /kubepods.slice/
want cgroup-option /system.slice -- oomlab watch --cgroup /sy
unset OOMLAB_SYSROOT
want sysroot-option /kubepods.slice -- oomlab --sysroot "$FIXTURES/sysroot-v2" top /k
want pids "$$" -- oomlab protect ''
want pid-option "$$" -- oomlab scores --pid "${$:0:1}"
# every long option of every command's --help is offered
for cmd in lab run eat doctor scores protect expose psi top why watch; do
	missing=
	got=$(comp oomlab "$cmd" --)
	for o in $("$OOMLAB" "$cmd" --help | grep -oE '^ +(-[a-zA-Z], )?--[a-z0-9-]+' | grep -oE -- '--[a-z0-9-]+'); do
		printf '%s\n' "$got" | grep -qxF -- "$o" || missing+=" $o"
	done
	if [ -n "$missing" ]; then
		echo "SUBTEST FAIL options-$cmd: not completed:$missing"
		bad=1
	else
		echo "SUBTEST PASS options-$cmd"
	fi
done
exit $bad

# SPDX-License-Identifier: MIT
# bash completion for oomlab: commands, options, and the values they take: cgroups (from
# /sys/fs/cgroup, or the tree under --sysroot / OOMLAB_SYSROOT), pids, --source, --sort, ...
# Installed by `make install` into bash-completion's completions directory.

_oomlab_root() {
	local i root=${OOMLAB_SYSROOT:-}
	for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
		case ${COMP_WORDS[i]} in
		--sysroot) root=${COMP_WORDS[i + 1]} ;;
		--sysroot=*) root=${COMP_WORDS[i]#--sysroot=} ;;
		esac
	done
	printf '%s' "$root"
}

# cgroup paths one level below what is typed: "/" lists the top level, "/system.slice/" its
# children; every cgroup tree of the host (cgroup2, v1 memory) is looked at, names merged
_oomlab_cgroups() {
	local cur=$1 root base parent d name seen=" "
	root=$(_oomlab_root)
	base=$root/sys/fs/cgroup
	case $cur in
	/*) parent=${cur%/*}/ ;;
	*) parent=/ ;;
	esac
	for d in "$base" "$base/unified" "$base/memory"; do
		[ -d "$d$parent" ] || continue
		[ -e "$d/cgroup.procs" ] || continue
		for name in "$d$parent"*/; do
			[ -e "${name}cgroup.procs" ] || continue
			name=${name%/}
			name=${parent}${name##*/}
			case $seen in *" $name "*) continue ;; esac
			seen+="$name "
			printf '%s\n' "$name"
		done
	done
}

_oomlab_pids() {
	local root p
	root=$(_oomlab_root)
	for p in "$root"/proc/[0-9]*; do
		[ -d "$p" ] && printf '%s\n' "${p##*/}"
	done
}

_oomlab() {
	local cur prev cmd i words
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	local commands="lab run eat doctor scores protect expose psi top why watch serve export"
	local global="--sysroot --color --help --version"

	# the command: the first word that is not a global option or its value
	cmd=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--sysroot | --color) ((i++)) ;;
		-*) ;;
		*)
			cmd=${COMP_WORDS[i]}
			break
			;;
		esac
	done

	# values of options, wherever they are
	case $prev in
	--sysroot | --dir)
		COMPREPLY=($(compgen -d -- "$cur"))
		return
		;;
	--report | --from-json | --timeline | -l | --log)
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	--color)
		COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
		return
		;;
	--source | -s)
		case $cmd in
		watch) COMPREPLY=($(compgen -W "auto bpf tracefs kmsg" -- "$cur")); return ;;
		scores) COMPREPLY=($(compgen -W "auto bpf proc" -- "$cur")); return ;;
		top) COMPREPLY=($(compgen -W "auto bpf files" -- "$cur")); return ;;
		why) return ;;
		esac
		;;
	--sort)
		COMPREPLY=($(compgen -W "pressure usage limit kills" -- "$cur"))
		return
		;;
	--cgroup-source)
		COMPREPLY=($(compgen -W "auto bpf files" -- "$cur"))
		return
		;;
	--mode)
		COMPREPLY=($(compgen -W "anon file shmem memfd" -- "$cur"))
		return
		;;
	-p | --pid)
		COMPREPLY=($(compgen -W "$(_oomlab_pids)" -- "$cur"))
		return
		;;
	-c | --cgroup | --parent)
		COMPREPLY=($(compgen -W "$(_oomlab_cgroups "$cur")" -- "$cur"))
		return
		;;
	--step)
		COMPREPLY=($(compgen -W "1 2 3 4 5 6 7" -- "$cur"))
		return
		;;
	--exercise)
		COMPREPLY=($(compgen -W "1 2 3 4" -- "$cur"))
		return
		;;
	-a)
		[ "$cmd" = protect ] || [ "$cmd" = expose ] && return
		;;
	-n)
		[ "$cmd" = protect ] || [ "$cmd" = expose ] || return
		;;
	--max | --high | --swap-max | --adj | --interval | -i | --count | --top | \
		--timeout | -t | --since | --thresholds | --rate | --chunk | --total | --progress | --step | \
		--hold | --exec | -e | --wait | --kill-after | --readers | --boot | --listen | \
		--textfile-interval | --depth | --max-series | --retain)
		return
		;;
	esac

	if [ -z "$cmd" ]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$global" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		fi
		return
	fi

	local opts=
	case $cmd in
	lab) opts="--max --high --step --exercise --all --report --from-json --json --yes --help" ;;
	run) opts="--max --high --swap-max --adj --interval --timeline --parent --kill-after --force --output --json --quiet --help" ;;
	eat) opts="--rate --chunk --total --mode --dir --hold --step --leaderless --progress --reread --readers --json --quiet --help" ;;
	doctor) opts="--clean --parent --json --help" ;;
	scores) opts="--pid --all --top --source --json --help" ;;
	protect) opts="--adj --relative --dry-run --json --help" ;;
	expose) opts="--adj --dry-run --json --help" ;;
	psi) opts="--interval --watch --count --log --json --thresholds --wait --timeout --strict --help" ;;
	top) opts="--interval --sort --count --json --thresholds --batch --source --help" ;;
	why) opts="--log --pid --cgroup --since --follow --journal --boot --journal-file --journal-dir --json --help" ;;
	watch) opts="--source --no-kmsg --json --exec --cgroup --count --timeout --latency --help" ;;
	serve) opts="--listen --textfile --textfile-interval --journal --journal-socket --source --no-kmsg --cgroup-source --depth --root --max-series --no-pods --retain --timeout --json --help" ;;
	export) opts="--once --openmetrics --depth --root --max-series --no-pods --help" ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts --color" -- "$cur"))
		return
	fi
	# operands
	case $cmd in
	run)
		# the command to box: a command name, then its own arguments
		COMPREPLY=($(compgen -c -- "$cur"))
		;;
	scores | top)
		COMPREPLY=($(compgen -W "$(_oomlab_cgroups "$cur")" -- "$cur"))
		;;
	psi)
		if [[ $cur == [0-9]* ]]; then
			COMPREPLY=($(compgen -W "$(_oomlab_pids)" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_oomlab_cgroups "$cur")" -- "$cur"))
		fi
		;;
	protect | expose)
		COMPREPLY=($(compgen -W "$(_oomlab_pids)" -- "$cur"))
		;;
	why)
		COMPREPLY=($(compgen -f -- "$cur"))
		;;
	esac
}
complete -F _oomlab oomlab

# SPDX-License-Identifier: MIT
# fish completion for oomlab (installed into vendor_completions.d by `make install`).

function __oomlab_cgroups
    set -l base (set -q OOMLAB_SYSROOT; and echo $OOMLAB_SYSROOT)/sys/fs/cgroup
    echo /
    for d in $base $base/unified $base/memory
        test -e $d/cgroup.procs; or continue
        find $d -mindepth 1 -maxdepth 4 -type d 2>/dev/null | string replace -- $d ''
    end | sort -u
end

function __oomlab_pids
    set -l root (set -q OOMLAB_SYSROOT; and echo $OOMLAB_SYSROOT)
    for p in $root/proc/[0-9]*
        basename $p
    end
end

set -l cmds lab run eat doctor scores protect expose psi top why watch serve export
complete -c oomlab -f
complete -c oomlab -n "not __fish_seen_subcommand_from $cmds" -l sysroot -r -a '(__fish_complete_directories)' -d 'read /proc and /sys under DIR'
complete -c oomlab -l color -x -a 'auto always never' -d 'colour verdicts and PASS/FAIL'
complete -c oomlab -s h -l help -d 'show help'
complete -c oomlab -n "not __fish_seen_subcommand_from $cmds" -s V -l version -d 'show the version'
complete -c oomlab -n "not __fish_seen_subcommand_from $cmds" -a lab -d 'the guided lab'
complete -c oomlab -n "not __fish_seen_subcommand_from $cmds" -a run -d 'box a command in a memory-limited cgroup'
complete -c oomlab -n "not __fish_seen_subcommand_from $cmds" -a eat -d 'a deterministic memory eater'
complete -c oomlab -n "not __fish_seen_subcommand_from $cmds" -a doctor -d 'what this host supports'
complete -c oomlab -n "not __fish_seen_subcommand_from $cmds" -a scores -d 'who the OOM killer would kill next'
complete -c oomlab -n "not __fish_seen_subcommand_from $cmds" -a protect -d 'lower a process oom_score_adj'
complete -c oomlab -n "not __fish_seen_subcommand_from $cmds" -a expose -d 'raise a process oom_score_adj'
complete -c oomlab -n "not __fish_seen_subcommand_from $cmds" -a psi -d 'memory pressure with a verdict'
complete -c oomlab -n "not __fish_seen_subcommand_from $cmds" -a top -d 'every cgroup in one refreshing table'
complete -c oomlab -n "not __fish_seen_subcommand_from $cmds" -a why -d 'explain the OOM kills in a log'
complete -c oomlab -n "not __fish_seen_subcommand_from $cmds" -a watch -d 'stream OOM kills live'
complete -c oomlab -n "not __fish_seen_subcommand_from $cmds" -a serve -d 'export OOM kills and pressure to Prometheus and journald'
complete -c oomlab -n "not __fish_seen_subcommand_from $cmds" -a export -d 'one snapshot of the serve metrics'

# lab
complete -c oomlab -n '__fish_seen_subcommand_from lab' -l max -x -d 'hard limit'
complete -c oomlab -n '__fish_seen_subcommand_from lab' -l high -x -d 'memory.high'
complete -c oomlab -n '__fish_seen_subcommand_from lab' -l step -x -a '1 2 3 4 5 6 7'
complete -c oomlab -n '__fish_seen_subcommand_from lab' -l exercise -x -a '1 2 3 4'
complete -c oomlab -n '__fish_seen_subcommand_from lab' -l all
complete -c oomlab -n '__fish_seen_subcommand_from lab' -l report -r -F
complete -c oomlab -n '__fish_seen_subcommand_from lab' -l from-json -r -F
complete -c oomlab -n '__fish_seen_subcommand_from lab' -l yes
# run
complete -c oomlab -n '__fish_seen_subcommand_from run' -l max -x
complete -c oomlab -n '__fish_seen_subcommand_from run' -l high -x
complete -c oomlab -n '__fish_seen_subcommand_from run' -l swap-max -x
complete -c oomlab -n '__fish_seen_subcommand_from run' -l adj -x
complete -c oomlab -n '__fish_seen_subcommand_from run' -l interval -x
complete -c oomlab -n '__fish_seen_subcommand_from run' -l timeline -r -F
complete -c oomlab -n '__fish_seen_subcommand_from run' -l parent -x -a '(__oomlab_cgroups)'
complete -c oomlab -n '__fish_seen_subcommand_from run' -s q -l quiet
complete -c oomlab -n '__fish_seen_subcommand_from run' -l kill-after -x
complete -c oomlab -n '__fish_seen_subcommand_from run' -l force
complete -c oomlab -n '__fish_seen_subcommand_from run' -s o -l output -r -F
complete -c oomlab -n '__fish_seen_subcommand_from run' -a '(__fish_complete_command)'
# eat
complete -c oomlab -n '__fish_seen_subcommand_from eat' -l mode -x -a 'anon file shmem memfd'
complete -c oomlab -n '__fish_seen_subcommand_from eat' -l rate -x
complete -c oomlab -n '__fish_seen_subcommand_from eat' -l chunk -x
complete -c oomlab -n '__fish_seen_subcommand_from eat' -l total -x
complete -c oomlab -n '__fish_seen_subcommand_from eat' -l dir -x -a '(__fish_complete_directories)'
complete -c oomlab -n '__fish_seen_subcommand_from eat' -l hold
complete -c oomlab -n '__fish_seen_subcommand_from eat' -l step -x
complete -c oomlab -n '__fish_seen_subcommand_from eat' -l leaderless
complete -c oomlab -n '__fish_seen_subcommand_from eat' -l reread
complete -c oomlab -n '__fish_seen_subcommand_from eat' -l readers -x
complete -c oomlab -n '__fish_seen_subcommand_from eat' -l progress -x
complete -c oomlab -n '__fish_seen_subcommand_from eat' -s q -l quiet
# doctor
complete -c oomlab -n '__fish_seen_subcommand_from doctor' -l clean
complete -c oomlab -n '__fish_seen_subcommand_from doctor' -l parent -x -a '(__oomlab_cgroups)'
# scores
complete -c oomlab -n '__fish_seen_subcommand_from scores' -s p -l pid -x -a '(__oomlab_pids)'
complete -c oomlab -n '__fish_seen_subcommand_from scores' -s a -l all
complete -c oomlab -n '__fish_seen_subcommand_from scores' -s n -l top -x
complete -c oomlab -n '__fish_seen_subcommand_from scores' -l source -x -a 'auto bpf proc'
complete -c oomlab -n '__fish_seen_subcommand_from scores' -a '(__oomlab_cgroups)'
# protect, expose
complete -c oomlab -n '__fish_seen_subcommand_from protect expose' -s a -l adj -x
complete -c oomlab -n '__fish_seen_subcommand_from protect' -s r -l relative
complete -c oomlab -n '__fish_seen_subcommand_from protect expose' -s n -l dry-run
complete -c oomlab -n '__fish_seen_subcommand_from protect expose' -a '(__oomlab_pids)'
# psi
complete -c oomlab -n '__fish_seen_subcommand_from psi' -s i -l interval -x
complete -c oomlab -n '__fish_seen_subcommand_from psi' -s w -l watch
complete -c oomlab -n '__fish_seen_subcommand_from psi' -s n -l count -x
complete -c oomlab -n '__fish_seen_subcommand_from psi' -s l -l log -r -F
complete -c oomlab -n '__fish_seen_subcommand_from psi' -l thresholds -x
complete -c oomlab -n '__fish_seen_subcommand_from psi' -l wait -x
complete -c oomlab -n '__fish_seen_subcommand_from psi' -l timeout -x
complete -c oomlab -n '__fish_seen_subcommand_from psi' -l strict
complete -c oomlab -n '__fish_seen_subcommand_from psi' -a '(__oomlab_cgroups)'
# top
complete -c oomlab -n '__fish_seen_subcommand_from top' -s i -l interval -x
complete -c oomlab -n '__fish_seen_subcommand_from top' -l sort -x -a 'pressure usage limit kills'
complete -c oomlab -n '__fish_seen_subcommand_from top' -s n -l count -x
complete -c oomlab -n '__fish_seen_subcommand_from top' -l thresholds -x
complete -c oomlab -n '__fish_seen_subcommand_from top' -s b -l batch
complete -c oomlab -n '__fish_seen_subcommand_from top' -a '(__oomlab_cgroups)'
# why
complete -c oomlab -n '__fish_seen_subcommand_from why' -s l -l log -r -F
complete -c oomlab -n '__fish_seen_subcommand_from why' -s p -l pid -x
complete -c oomlab -n '__fish_seen_subcommand_from why' -s c -l cgroup -x -a '(__oomlab_cgroups)'
complete -c oomlab -n '__fish_seen_subcommand_from why' -s S -l since -x
complete -c oomlab -n '__fish_seen_subcommand_from why' -s f -l follow
complete -c oomlab -n '__fish_seen_subcommand_from why' -s j -l journal
complete -c oomlab -n '__fish_seen_subcommand_from why' -l boot -x -a 'all 0 -1 -2'
complete -c oomlab -n '__fish_seen_subcommand_from why' -l journal-file -r -F
complete -c oomlab -n '__fish_seen_subcommand_from why' -l journal-dir -x -a '(__fish_complete_directories)'
# watch
complete -c oomlab -n '__fish_seen_subcommand_from watch' -s s -l source -x -a 'auto bpf tracefs kmsg'
complete -c oomlab -n '__fish_seen_subcommand_from watch' -l no-kmsg
complete -c oomlab -n '__fish_seen_subcommand_from watch' -s e -l exec -x
complete -c oomlab -n '__fish_seen_subcommand_from watch' -s c -l cgroup -x -a '(__oomlab_cgroups)'
complete -c oomlab -n '__fish_seen_subcommand_from watch' -s n -l count -x
complete -c oomlab -n '__fish_seen_subcommand_from watch' -s t -l timeout -x
complete -c oomlab -n '__fish_seen_subcommand_from watch' -l latency
# every command
complete -c oomlab -n "__fish_seen_subcommand_from $cmds" -s J -l json -d 'JSON output'
# serve
complete -c oomlab -n '__fish_seen_subcommand_from serve' -l listen -x
complete -c oomlab -n '__fish_seen_subcommand_from serve' -l textfile -r -F
complete -c oomlab -n '__fish_seen_subcommand_from serve' -l textfile-interval -x
complete -c oomlab -n '__fish_seen_subcommand_from serve' -l journal
complete -c oomlab -n '__fish_seen_subcommand_from serve' -l journal-socket -r -F
complete -c oomlab -n '__fish_seen_subcommand_from serve' -l source -x -a 'auto bpf tracefs kmsg'
complete -c oomlab -n '__fish_seen_subcommand_from serve' -l no-kmsg
complete -c oomlab -n '__fish_seen_subcommand_from serve export' -l depth -x
complete -c oomlab -n '__fish_seen_subcommand_from serve export' -l root -x -a '(__fish_complete_directories)'
complete -c oomlab -n '__fish_seen_subcommand_from serve export' -l max-series -x
complete -c oomlab -n '__fish_seen_subcommand_from serve export' -l no-pods
complete -c oomlab -n '__fish_seen_subcommand_from serve' -l retain -x
complete -c oomlab -n '__fish_seen_subcommand_from serve' -l timeout -x
# export
complete -c oomlab -n '__fish_seen_subcommand_from export' -l once
complete -c oomlab -n '__fish_seen_subcommand_from export' -l openmetrics

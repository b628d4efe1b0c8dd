# SPDX-License-Identifier: MIT
# `oomlab scores` / `protect` / `expose` against the fixture sysroot tests/fixtures/scores/v1,
# compared with golden outputs in tests/fixtures/scores/expected (UPDATE=1 rewrites them).
# counter_error_pages depends on the CPU count of the machine running the test: filtered out.
set -u
[ "$(getconf PAGESIZE)" = 4096 ] || { echo "SKIP: the fixture assumes 4 KiB pages"; exit 77; }
root=$FIXTURES/scores/v1
exp=$FIXTURES/scores/expected
fails=0

check() { # name expected_rc cmd...
	local name=$1 want=$2; shift 2
	local out rc
	out=$("$OOMLAB" --sysroot "$root" "$@" 2>&1); rc=$?
	out=$(printf '%s\n' "$out" | sed -e 's/"counter_error_pages":[0-9]*,//' -e "s|$FIXTURES|@FIXTURES@|g")
	if [ "$rc" != "$want" ]; then
		echo "FAIL $name: exit $rc, expected $want"; printf '%s\n' "$out"; fails=$((fails + 1)); return
	fi
	if [ "${UPDATE:-0}" = 1 ]; then
		printf '%s\n' "$out" > "$exp/$name"
	elif ! printf '%s\n' "$out" | diff -u "$exp/$name" - ; then
		echo "FAIL $name: output differs from $exp/$name"; fails=$((fails + 1)); return
	fi
	echo "ok $name"
}

check memcg.txt 0 scores /app
check memcg.json 0 scores /app --json
check ancestor.txt 0 scores --pid 103
check global.json 0 scores --all --json
check global-top2.txt 0 scores --top 2
check protect-dry.txt 0 protect 100 --relative --dry-run
check protect-dry.json 0 protect 100 --relative --dry-run --json
check protect-dry-norel.txt 0 protect 100 --dry-run
check refuse-init.txt 1 expose 1 --dry-run
check refuse-kthread.txt 1 protect 2 --dry-run
check expose-dry.txt 0 expose 101 --dry-run
check usage-both.txt 2 scores /app --all
check name.txt 0 scores app
check usage-adj.txt 2 protect 100 --adj 5000
check usage-source.txt 2 scores --all --source bogus
check source-bpf-sysroot.txt 1 scores --all --source bpf
check usage-nopid.txt 2 protect
check missing-cgroup.txt 1 scores /nope
# no limit on the path of pid 201 (the root): only a global OOM kills there, ranked host-wide
check unlimited.txt 0 scores --pid 201
root=$FIXTURES/scores/v2
check v2-swap.json 0 scores /app --json
root=$FIXTURES/scores/v1

# what the numbers must be, independent of the golden files
json=$("$OOMLAB" --sysroot "$root" scores /app --json)
for want in '"scope":"memcg"' '"total_pages":131072' '"predicted_victim":103' '"adj_unit_pages":131' \
	'"pid":103,"comm":"batch","rss_kb":52224,"rss_anon_kb":51200,"rss_file_kb":1024,"rss_shmem_kb":0,"swap_kb":0,"pgtables_kb":128,"oom_score_adj":500,"oom_score":1001,"oom_score_computed":1001,"badness":78588'; do
	case $json in *"$want"*) ;; *) echo "FAIL: '$want' not in: $json"; fails=$((fails + 1)) ;; esac
done
json=$("$OOMLAB" --sysroot "$root" scores --pid 201 --json)
for want in '"scope":"global"' '"ranked":"host"' '"predicted_victim":103' '"name":"/"'; do
	case $json in *"$want"*) ;; *) echo "FAIL: '$want' not in: $json"; fails=$((fails + 1)) ;; esac
done
# init, kernel threads and adj -1000 are unkillable; the global total is RAM + swap
json=$("$OOMLAB" --sysroot "$root" scores --all --json)
for want in '"total_pages":6291456' '"unkillable_reason":"init"' '"unkillable_reason":"kernel thread"' \
	'"unkillable_reason":"oom_score_adj -1000"'; do
	case $json in *"$want"*) ;; *) echo "FAIL: '$want' not in: $json"; fails=$((fails + 1)) ;; esac
done
# cgroup2 with swap: memory.max + min(memory.swap.max, SwapTotal); swap counts like rss
json=$("$OOMLAB" --sysroot "$FIXTURES/scores/v2" scores /app --json)
for want in '"total_pages":163840' '"swap_pages":32768' '"predicted_victim":300' '"adj_unit_pages":163'; do
	case $json in *"$want"*) ;; *) echo "FAIL: '$want' not in: $json"; fails=$((fails + 1)) ;; esac
done
[ $fails = 0 ]

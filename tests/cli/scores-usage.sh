# SPDX-License-Identifier: MIT
# scores / protect / expose: bad input gives one clear line (plus the "Try" hint) and exit 2,
# writes nothing; --help goes to stdout with exit 0; every man page builds with its sections.
# Safety: every protect/expose case runs against the fixture sysroot (which protect and expose
# refuse to write) and names pid 999999, which exists in neither the fixture nor, normally, the
# host, so a case that is wrongly accepted fails without writing anything.
set -u
F=(--sysroot "$FIXTURES/scores/v1")
out=$(mktemp); trap 'rm -f "$out"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
n=0
expect_usage() { # expected-substring args...
	local want=$1; shift
	n=$((n + 1))
	timeout 10 "$OOMLAB" "$@" >"$out" 2>&1 </dev/null
	local rc=$?
	[ $rc = 2 ] || fail "oomlab $*: exit $rc, expected 2: $(cat "$out")"
	grep -q -- "$want" "$out" || fail "oomlab $*: message lacks '$want': $(cat "$out")"
	local lines=$(grep -vc '^Try ' "$out")
	[ "$lines" = 1 ] || fail "oomlab $*: $lines lines instead of one: $(cat "$out")"
}
expect_usage "unknown option '--bogus'" scores --bogus
expect_usage "option '--pid' needs a value" scores --pid
expect_usage "invalid pid '0'" scores --pid 0
expect_usage "invalid pid 'x'" scores --pid x
expect_usage "give one of CGROUP, --pid or --all" scores /a --pid 1
expect_usage "leaves the cgroup filesystem" "${F[@]}" scores /../../../../tmp/x
expect_usage "leaves the cgroup filesystem" "${F[@]}" scores /sys/fs/cgroup/memory/app/../../../../etc
expect_usage "cannot name a cgroup" "${F[@]}" scores "$(printf 'a\nb')"
expect_usage "invalid count" scores --top -1
expect_usage "unexpected argument" scores /a /b
expect_usage "missing PID" "${F[@]}" protect
expect_usage "unknown option '-5'" "${F[@]}" protect -5x
expect_usage "expected -1000..1000" "${F[@]}" protect 999999 --adj 1001
expect_usage "expected -1000..1000" "${F[@]}" protect 999999 --adj abc
expect_usage "option '--adj' needs a value" "${F[@]}" protect 999999 --adj
expect_usage "unexpected argument" "${F[@]}" protect 999999 2
expect_usage "unknown option '--relative'" "${F[@]}" expose 999999 --relative
expect_usage "expected -1000..1000" "${F[@]}" expose 999999 --adj -1001
expect_usage "read-only for protect: add --dry-run" "${F[@]}" protect 100
expect_usage "read-only for expose: add --dry-run" "${F[@]}" expose 101 --adj 900
for c in scores protect expose; do
	"$OOMLAB" $c --help >"$out" 2>/dev/null || fail "$c --help exit $?"
	grep -q "^Usage: oomlab $c" "$out" || fail "$c --help: no usage line"
	p=$TOP/man/oomlab-$c.1.scd
	[ -f "$p" ] || fail "no man page $p"
	if command -v scdoc >/dev/null; then scdoc <"$p" >/dev/null || fail "scdoc fails on $p"; fi
	for s in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" FILES EXAMPLES "SEE ALSO"; do
		grep -q "^# $s\$" "$p" || fail "$p: no '# $s' section"
	done
done
echo "$n usage errors checked"

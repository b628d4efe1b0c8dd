#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# debian/: `dpkg-buildpackage -us -uc -b` builds the package from a copy of the tree (the
# .deb lands next to the source: a temporary directory, never the parent of the checkout),
# lintian reports no error (E:), and the package holds the binary, every man page and the
# systemd unit from contrib/, with libmicrohttpd among its dependencies.
set -u
source "$(dirname "$0")/../_lib.sh"
for c in dpkg-buildpackage dpkg-checkbuilddeps lintian git fakeroot; do require_cmd $c; done
cd "$TOP" || exit 1
[ -d debian ] || fail "no debian/ directory"
dpkg-checkbuilddeps >/dev/null 2>&1 || skip "build dependencies missing: $(dpkg-checkbuilddeps 2>&1 | sed 's/.*Unmet build dependencies: //')"
tmp=$(mktemp -d /tmp/oomlab-deb.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/oomlab"
# tracked files plus new ones not yet committed, without the build outputs (.gitignore)
git ls-files --cached --others --exclude-standard -z | xargs -0 cp -a --parents -t "$tmp/oomlab" 2>/dev/null
cd "$tmp/oomlab" || exit 1
if ! DEB_BUILD_OPTIONS="parallel=2" dpkg-buildpackage -us -uc -b >"$tmp/build.log" 2>&1; then
	tail -30 "$tmp/build.log"
	fail "dpkg-buildpackage failed"
fi
echo "SUBTEST PASS build"
deb=$(ls "$tmp"/oomlab_*_*.deb | head -1)
[ -f "$deb" ] || fail "no .deb built"
lintian "$tmp"/oomlab_*.changes >"$tmp/lintian" 2>&1
cat "$tmp/lintian"
grep -q '^E: ' "$tmp/lintian" && echo "SUBTEST FAIL lintian: $(grep -c '^E: ' "$tmp/lintian") error(s)" || echo "SUBTEST PASS lintian"
dpkg -c "$deb" | awk '{print $6}' >"$tmp/files"
missing=
for f in ./usr/bin/oomlab ./lib/systemd/system/oomlab.service ./etc/default/oomlab; do
	grep -qx "$f" "$tmp/files" || missing="$missing $f"
done
for m in "$TOP"/man/*.scd; do
	p=$(basename "$m" .scd)
	grep -qx "./usr/share/man/man${p##*.}/$p.gz" "$tmp/files" || missing="$missing $p"
done
[ -z "$missing" ] && echo "SUBTEST PASS contents" || echo "SUBTEST FAIL contents: missing$missing"
dpkg-deb -x "$deb" "$tmp/root"
cmp -s "$tmp/root/lib/systemd/system/oomlab.service" "$TOP/contrib/systemd/oomlab.service" &&
	echo "SUBTEST PASS unit" || echo "SUBTEST FAIL unit: not the contrib/systemd unit"
dpkg -I "$deb" | grep -q 'Depends:.*libmicrohttpd' && ldd "$tmp/root/usr/bin/oomlab" | grep -q libmicrohttpd &&
	echo "SUBTEST PASS serve-http" || echo "SUBTEST FAIL serve-http: the packaged binary lacks HTTP"

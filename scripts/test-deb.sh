#!/usr/bin/env bash
# Builds the .deb and installs it into a clean Debian 12 root (docs/packaging.md): apt installs it
# with its Depends from Debian's mirror, `triage check` and `triage --help` run from /, and
# `dpkg -r` leaves none of its files behind.
#
# The clean root (debootstrap --variant=minbase bookworm, debootstrap itself fetched with
# `apt-get download`, not installed) is cached as build/deb-root/bookworm.tar; the .debs apt
# fetched are kept in build/deb-root/archives, so a second run downloads nothing. Needs root
# (chroot, mount).
#
#   scripts/test-deb.sh              uses build/ (BUILD_DIR=... for another)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
cache="$build/deb-root"
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
mkdir -p "$cache/archives"
cache=$(realpath "$cache")

say() { echo "test-deb: $*" >&2; }
fail() { say "FAIL: $*"; exit 1; }

# 1. The package.
cmake --build "$build" --target triage_stripped triage_docs >/dev/null
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(realpath "$build/triage_0.1.0_amd64.deb")
say "package: $deb ($(du -k "$deb" | cut -f1) KiB)"
# Debian policy: no lintian error or warning. The one tag let through: CPack adds ldconfig to
# postinst/postrm because the PostgreSQL plugin lies under /usr/lib/triage (docs/packaging.md).
lint=$(lintian --fail-on error,warning --suppress-tags maintscript-calls-ldconfig "$deb" 2>&1) ||
  { echo "$lint" >&2; fail "lintian found errors or warnings (above)"; }
say "lintian: clean"

# 2. The clean root, cached.
if [[ ! -f "$cache/bookworm.tar" ]]; then
  say "creating the clean Debian 12 root (once)"
  tool="$cache/debootstrap"
  if [[ ! -x "$tool/usr/sbin/debootstrap" ]]; then
    (cd "$cache" && apt-get download debootstrap >/dev/null 2>&1)
    dpkg-deb -x "$cache"/debootstrap_*.deb "$tool"
  fi
  fresh=$(mktemp -d /tmp/triage-debootstrap-XXXXXX)
  DEBOOTSTRAP_DIR="$tool/usr/share/debootstrap" "$tool/usr/sbin/debootstrap" --variant=minbase bookworm \
    "$fresh" "$mirror" >"$cache/debootstrap.log" 2>&1 || { tail -20 "$cache/debootstrap.log" >&2; exit 2; }
  tar -C "$fresh" -cf "$cache/bookworm.tar" .
  rm -rf "$fresh"
fi
root=$(mktemp -d /tmp/triage-debroot-XXXXXX)
trap 'rm -rf "$root"' EXIT
tar -C "$root" -xf "$cache/bookworm.tar"
cp "$deb" "$root/tmp/triage.deb"
cp "$cache"/archives/*.deb "$root/var/cache/apt/archives/" 2>/dev/null || true
cp /etc/resolv.conf "$root/etc/resolv.conf"

# 3. Inside the root, in a private mount namespace (/proc for the binary's own path).
cat >"$root/tmp/inside.sh" <<'INSIDE'
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin
[ -n "$(ls /var/lib/apt/lists 2>/dev/null | grep -v lock)" ] || apt-get update -qq
apt-get install -y -qq --no-install-recommends /tmp/triage.deb >/tmp/apt.log 2>&1 || { tail -20 /tmp/apt.log; exit 1; }
find / -xdev -path /tmp -prune -o -path /var/cache -prune -o -path /var/lib/apt -prune -o -print | sort >/tmp/with-deps
cd /
triage --help >/tmp/help.txt
grep -q 'check' /tmp/help.txt || { echo "triage --help lists no check"; exit 1; }
triage --lang en check 2>&1 | tee /tmp/check.txt
grep -q '/usr/share/triage/rules/: OK' /tmp/check.txt || { echo "triage check did not use the installed rules"; exit 1; }
man -w triage-check >/dev/null 2>&1 || [ -f /usr/share/man/man1/triage-check.1.gz ] || { echo "no man page"; exit 1; }
dpkg -L triage | sort >/tmp/files
dpkg -r triage >/dev/null
dpkg -s triage 2>/dev/null | grep -q '^Status: install' && { echo "still installed"; exit 1; }
left=$(while read -r f; do if [ -f "$f" ]; then echo "$f"; fi; done </tmp/files)
[ -z "$left" ] || { echo "left after dpkg -r:"; echo "$left"; exit 1; }
find / -xdev -path /tmp -prune -o -path /var/cache -prune -o -path /var/lib/apt -prune -o -print | sort >/tmp/after
extra=$(comm -13 /tmp/with-deps /tmp/after | grep -v '^/var/lib/dpkg/' || true)
[ -z "$extra" ] || { echo "new files after dpkg -r:"; echo "$extra"; exit 1; }
gone=$(comm -23 /tmp/with-deps /tmp/after | comm -23 - /tmp/files | grep -v '^/var/lib/dpkg/' || true)
[ -z "$gone" ] || { echo "dpkg -r removed files not its own:"; echo "$gone"; exit 1; }
echo "installed $(wc -l </tmp/files) paths; all removed"
INSIDE
unshare --mount --fork sh -c "mount -t proc proc '$root/proc' && mount --rbind /dev '$root/dev' && \
  chroot '$root' bash ${TRACE:+-x} /tmp/inside.sh" || fail "see above"
cp -n "$root"/var/cache/apt/archives/*.deb "$cache/archives/" 2>/dev/null || true
say "OK: installed into a clean Debian 12 root, ran from /, removed cleanly"

#!/usr/bin/env bash
# Installs the Debian packages triage needs to build and test. Idempotent: does nothing when
# everything is already installed; otherwise one `apt-get update` and one `apt-get install`.
set -euo pipefail
# One package a line, grouped by who needs it, so that additions merge cleanly.
pkgs=(
  # build
  build-essential cmake ninja-build pkg-config clang
  clang-tidy          # scripts/lint.sh --tidy, run by scripts/ci_extra.sh
  # libraries
  libyaml-dev libboost-program-options-dev libfmt-dev libsqlite3-dev libstemmer-dev libedit-dev
  libpq-dev
  libsodium-dev chromium-driver python3-selenium  # web console: Argon2id; its browser test
  # tests
  doctest-dev sqlite3 python3 valgrind tmux
  postgresql-15       # server binaries only: scripts/with_postgres.sh runs a throwaway cluster
  locales             # ru_RU.UTF-8 for the call-screen tests (generated below)
  graphviz            # graph --format svg|png and its test
  # packaging (scripts/test-deb.sh), man pages
  groff-base dpkg-dev fakeroot
  lintian             # scripts/test-deb.sh: Debian policy checks of the .deb
)
# Node.js and npm run the schema test's pinned validator (scripts/test-schema.sh, npm ci at test
# time only). The workplace's machines carry Node.js 20 with npm from NodeSource, which Debian's
# `npm` package would conflict with: use the machine's when there is one, Debian's otherwise
# (docs/packaging.md, "Node.js and npm").
command -v node >/dev/null && command -v npm >/dev/null || pkgs+=(nodejs npm)
pkgs+=("$@")
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Debian's postgresql packages create and start a system cluster on port 5432 that nothing
# here uses: tell postgresql-common not to create one (before the install)...
no_main_cluster() {
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo mkdir -p /etc/postgresql-common/createcluster.d
  echo 'create_main_cluster = false' | $sudo tee /etc/postgresql-common/createcluster.d/triage.conf >/dev/null
  # ...and stop and disable one an earlier install made.
  if command -v pg_lsclusters >/dev/null; then
    pg_lsclusters -h 2>/dev/null | while read -r ver name _; do
      $sudo pg_ctlcluster "$ver" "$name" stop 2>/dev/null || true
      echo manual | $sudo tee "/etc/postgresql/$ver/$name/start.conf" >/dev/null
    done
  fi
}
no_main_cluster
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The call screen is tested at a real terminal under ru_RU.UTF-8 (and C.UTF-8, always present).
if ! locale -a 2>/dev/null | grep -qi '^ru_RU\.utf-\?8$'; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if [ -f /etc/locale.gen ] && ! grep -q '^ru_RU.UTF-8 UTF-8' /etc/locale.gen; then
    echo 'ru_RU.UTF-8 UTF-8' | $sudo tee -a /etc/locale.gen >/dev/null
  fi
  $sudo locale-gen >/dev/null
fi

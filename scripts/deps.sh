#!/usr/bin/env bash
# Installs the Debian packages triage needs to build and test. Idempotent: does nothing when
# everything is already installed; otherwise one `apt-get update` and one `apt-get install`.
set -euo pipefail
pkgs=(build-essential cmake ninja-build pkg-config clang
      libyaml-dev libboost-program-options-dev libfmt-dev libsqlite3-dev sqlite3 doctest-dev
      libstemmer-dev libedit-dev libssl-dev python3 libpq-dev postgresql valgrind
      locales tmux graphviz)
pkgs+=("$@")
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
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

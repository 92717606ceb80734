#!/usr/bin/env bash
# Runs CMD... beside a throwaway PostgreSQL server: installs Debian's postgresql if missing,
# makes a cluster in a temporary folder (initdb), starts it on a free loopback port
# (127.0.0.1 only, unix socket inside the folder, password authentication), exports
# TRIAGE_TEST_PG=postgresql://triage:PASSWORD@127.0.0.1:PORT/postgres, runs CMD, and on exit
# stops the server and deletes the folder. Exits with CMD's status.
#   scripts/with_postgres.sh build/triage_tests -tc='pg*'
# WITH_POSTGRES_FSYNC=off turns fsync off (faster; durability is then not real): never for
# the benchmark.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -gt 0 ] || { echo "usage: scripts/with_postgres.sh CMD [ARGS...]" >&2; exit 2; }

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  "$root/scripts/deps.sh" postgresql
fi
bindir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/triage-pg.XXXXXX")"
# initdb refuses to run as root: then the server runs as the postgres system user.
as_server=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || { echo "with_postgres: no postgres system user" >&2; exit 2; }
  chown postgres: "$tmp"
  as_server=(runuser -u postgres --)
fi
started=""
cleanup() {
  if [ -n "$started" ]; then
    "${as_server[@]}" "$bindir/pg_ctl" -D "$tmp/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
password="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$password" > "$tmp/pwfile"
chmod 600 "$tmp/pwfile"
[ ${#as_server[@]} -gt 0 ] && chown postgres: "$tmp/pwfile"
mkdir -p "$tmp/sock"
[ ${#as_server[@]} -gt 0 ] && chown postgres: "$tmp/sock"

"${as_server[@]}" "$bindir/initdb" -D "$tmp/data" -U triage --pwfile="$tmp/pwfile" \
  --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-sync >"$tmp/initdb.log" 2>&1 || {
  cat "$tmp/initdb.log" >&2; exit 2; }
"${as_server[@]}" "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $tmp/sock -c max_connections=200 -c fsync=${WITH_POSTGRES_FSYNC:-on}" \
  start >/dev/null || { cat "$tmp/server.log" >&2; exit 2; }
started=1

export TRIAGE_TEST_PG="postgresql://triage:$password@127.0.0.1:$port/postgres"
set +e
"$@"
status=$?
set -e
exit "$status"

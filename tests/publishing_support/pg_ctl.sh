#!/bin/sh
# pg_ctl for pytest-postgresql (tests/test_publishing_*.py), with Debian's PostgreSQL 15.
# PostgreSQL refuses to run as root; when the tests run as root (a fresh machine, `make test` as
# root), the folders pytest made for it are handed to the « postgres » user Debian's package
# created, and pg_ctl runs as that user. As any other user, this is pg_ctl itself.
PG_CTL="${CARTE_PG_BIN:-/usr/lib/postgresql/15/bin}/pg_ctl"
if [ "$(id -u)" != 0 ]; then exec "$PG_CTL" "$@"; fi
for arg in "$@"; do
  case "$arg" in
    /*)
      dir="$arg"; [ -e "$dir" ] || dir="$(dirname "$dir")"
      if [ -d "$dir" ] || [ -f "$dir" ]; then
        chown -R postgres "$dir" 2>/dev/null
        parent="$(dirname "$dir")"
        while [ "$parent" != "/" ]; do chmod o+x "$parent" 2>/dev/null; parent="$(dirname "$parent")"; done
      fi;;
  esac
done
# The -D, -l and --pgdata values may also come glued (« --pgdata=/tmp/… »); pytest's folder is the parent of both.
exec runuser -u postgres -- "$PG_CTL" "$@"

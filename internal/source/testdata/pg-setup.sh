#!/usr/bin/env bash
# Prepares the PostgreSQL server that internal/source's tests use: installs
# it if missing, starts the newest cluster, creates role gantry (with the
# password below) and database gantry_test. Safe to run again. Progress goes
# to stderr; stdout is two export lines for the tests:
#
#   eval "$(bash internal/source/testdata/pg-setup.sh)"
#
# Must run as root (it uses apt-get and su postgres).
set -euo pipefail

password="${GANTRY_TEST_PG_PASSWORD:-gantry-test-password}"

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "pg-setup: installing postgresql" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >&2
fi

version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
if ! pg_lsclusters -h | awk '{print $1, $2}' | grep -qx "$version main"; then
  echo "pg-setup: creating cluster $version main" >&2
  pg_createcluster "$version" main >&2
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $4}' | grep -qx online; then
  echo "pg-setup: starting cluster $version main" >&2
  pg_ctlcluster "$version" main start >&2
fi
port="$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')"

for _ in $(seq 1 50); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 0.2
done
pg_isready -h 127.0.0.1 -p "$port" >&2

psql_admin() {
  su postgres -c "psql -p $port -v ON_ERROR_STOP=1 -qAt $*"
}

# The password goes through psql's variable quoting, not the shell's.
psql_admin "-v pw='$password'" >&2 <<'SQL'
SELECT format('CREATE ROLE gantry LOGIN PASSWORD %L', :'pw')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'gantry') \gexec
SELECT format('ALTER ROLE gantry LOGIN PASSWORD %L', :'pw') \gexec
SELECT 'CREATE DATABASE gantry_test OWNER gantry'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'gantry_test') \gexec
SQL

echo "export GANTRY_TEST_PG_URL='postgres://gantry@127.0.0.1:$port/gantry_test?sslmode=disable'"
echo "export GANTRY_TEST_PG_PASSWORD='$password'"

#!/bin/bash
# client_psycopg.sh: every reader and helper from psycopg 3 and psycopg2
# (Debian's python3-psycopg and python3-psycopg2, with the system's
# python3), called the way their users call them
# (.ci/clients/python/psycopg_clients.py), on a fresh database with the
# README's Medium schema.
set -euo pipefail
cd "$(dirname "$0")/../.."
DB=ma_client_psycopg
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true' EXIT
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -f .ci/clients/medium.sql >/dev/null
PGDATABASE=$DB /usr/bin/python3 .ci/clients/python/psycopg_clients.py

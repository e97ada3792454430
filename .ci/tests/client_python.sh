#!/bin/bash
# client_python.sh: every reader and helper from psycopg 3, psycopg2 and
# asyncpg (Debian's python3-psycopg, python3-psycopg2 and python3-asyncpg,
# with the system's python3), called the way their users call them
# (.ci/clients/python/*.py), each on a fresh database with the README's
# Medium schema.
set -euo pipefail
cd "$(dirname "$0")/../.."
DB=ma_client_python
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true' EXIT
for client in psycopg_clients asyncpg_client; do
    echo "# $client"
    psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
    psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -f .ci/clients/medium.sql >/dev/null
    PGDATABASE=$DB /usr/bin/python3 ".ci/clients/python/$client.py"
done

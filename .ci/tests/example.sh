#!/usr/bin/env bash
# The README example (examples/medium_clone.sql) must run without an error in a fresh
# database and leave ada's reading list as the example's last set() made it.
set -euo pipefail
cd "$(dirname "$0")/../.."

db=medium_assoc_example
psql -XAtq -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
psql -Xq -v ON_ERROR_STOP=1 -d "$db" -f examples/medium_clone.sql >/dev/null
got=$(psql -XAt -v ON_ERROR_STOP=1 -d "$db" \
    -c "SELECT string_agg(id::text, ',' ORDER BY id) FROM reading_list(1)")
psql -XAtq -c "DROP DATABASE $db"
[ "$got" = "3,4" ] || { echo "reading_list(1) gave '$got', expected '3,4'"; exit 1; }

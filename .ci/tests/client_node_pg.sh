#!/bin/bash
# client_node_pg.sh: every reader and helper from node-postgres, called the
# way its users call them (.ci/clients/node/node_pg.js), on a fresh database
# with the README's Medium schema.  The pg module is installed from the
# lock file into a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=$(mktemp -d)
DB=ma_client_node_pg
trap 'rm -rf "$WORK"; psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true' EXIT

cp .ci/clients/node/package.json .ci/clients/node/package-lock.json .ci/clients/node/node_pg.js "$WORK/"
(cd "$WORK" && npm ci --no-audit --no-fund --silent)
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -f .ci/clients/medium.sql >/dev/null
PGDATABASE=$DB node "$WORK/node_pg.js"

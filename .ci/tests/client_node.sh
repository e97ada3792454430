#!/bin/bash
# client_node.sh: every reader and helper from node-postgres, postgres.js
# and Sequelize, called the way their users call them (.ci/clients/node/*.js),
# each on a fresh database: the README's Medium schema, and for Sequelize the
# tables sequelize-cli migrations make.  The modules are
# installed from the lock file into a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=$(mktemp -d)
DB=ma_client_node
trap 'rm -rf "$WORK"; psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true' EXIT

cp .ci/clients/node/package.json .ci/clients/node/package-lock.json .ci/clients/node/*.js "$WORK/"
(cd "$WORK" && npm ci --no-audit --no-fund --silent)
for client in node_pg:medium postgres_js:medium sequelize_query:sequelize_cli; do
    echo "# ${client%%:*}"
    psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
    psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -f ".ci/clients/${client#*:}.sql" >/dev/null
    PGDATABASE=$DB node "$WORK/${client%%:*}.js"
done

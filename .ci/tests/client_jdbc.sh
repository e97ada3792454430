#!/bin/bash
# client_jdbc.sh: every reader and helper from JDBC (Debian's
# libpostgresql-jdbc-java and a JDK), called the way its users call them
# (.ci/clients/java/JdbcClient.java), on a fresh database with the README's
# Medium schema.
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=$(mktemp -d)
DB=ma_client_jdbc
JAR=/usr/share/java/postgresql.jar
trap 'rm -rf "$WORK"; psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true' EXIT
javac -d "$WORK" .ci/clients/java/JdbcClient.java
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -f .ci/clients/medium.sql >/dev/null
# pg_virtualenv connects through a Unix socket; the driver needs TCP
PGHOST=localhost PGDATABASE=$DB java -cp "$WORK:$JAR" JdbcClient

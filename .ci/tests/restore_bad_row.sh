#!/bin/bash
# restore_bad_row.sh: one registry row that no longer matches its tables
# cannot make a restore lose the other associations.
#
# A row whose column no longer exists (as a 1.0 database could hold after a
# column was renamed through an inheritance parent) is made by hand in a
# database with two other associations.  After pg_dump -Fc and pg_restore,
# and after pg_dump -Fp and psql, the two others are restored and work, the
# bad one is skipped with a WARNING naming it (pg_restore shows server
# warnings with --verbose), its leftover reader fails with 42704 rather than
# answering for it, and the restore reports no error.  The same database also shows that renaming through the parent is
# tracked now: the registry holds the new name.
#
# Run inside a throwaway cluster, as a superuser:
#   pg_virtualenv -v 15 bash .ci/tests/restore_bad_row.sh
# Exits 0 when everything passes, 1 otherwise.

set -euo pipefail

DB_ORIG=ma_badrow_orig
DB_PLAIN=ma_badrow_plain
DB_CUSTOM=ma_badrow_custom
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
. "$(dirname "$0")/../testlib.sh"

for db in "$DB_ORIG" "$DB_PLAIN" "$DB_CUSTOM"; do
    sql postgres -c "DROP DATABASE IF EXISTS $db" 2>/dev/null
done
sql postgres -c "CREATE DATABASE $DB_ORIG TEMPLATE template0"

sql "$DB_ORIG" >/dev/null <<'SQL'
CREATE EXTENSION medium_assoc;
CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE articles (id int PRIMARY KEY, title text);
CREATE TABLE saves_base (user_id int NOT NULL, article_id int NOT NULL);
CREATE TABLE saves (PRIMARY KEY (user_id, article_id)) INHERITS (saves_base);
CREATE TABLE likes (user_id int REFERENCES users, article_id int REFERENCES articles,
                    "createdAt" timestamptz NOT NULL, "updatedAt" timestamptz NOT NULL,
                    PRIMARY KEY (user_id, article_id));
CREATE TABLE stars (user_id int REFERENCES users, article_id int REFERENCES articles,
                    PRIMARY KEY (user_id, article_id));
INSERT INTO users VALUES (1), (2);
INSERT INTO articles VALUES (10, 'ten'), (11, 'eleven');
SELECT medium_assoc.belongs_to_many('users', 'articles', 'saves', 'saved',
    foreign_key => 'user_id', other_key => 'article_id');
SELECT medium_assoc.belongs_to_many('users', 'articles', 'likes', 'liked');
SELECT medium_assoc.belongs_to_many('users', 'articles', 'stars', 'starred');
SELECT medium_assoc.add('saved', 1, 10), medium_assoc.add('liked', 1, ARRAY[10, 11]),
       medium_assoc.add('starred', 2, 11);
ALTER TABLE saves_base RENAME COLUMN article_id TO art;
SQL

tracked=$(sql "$DB_ORIG" -Atc "SELECT other_key FROM medium_assoc.associations WHERE name = 'saved'")
if [ "$tracked" = art ]; then
    pass "RENAME COLUMN through the inheritance parent is tracked (other_key = art)"
else
    fail "RENAME COLUMN through the inheritance parent not tracked (other_key = $tracked)"
fi

# the row a 1.0 database could hold: a column name that no longer exists
sql "$DB_ORIG" -c "UPDATE medium_assoc.registry SET other_key = 'article_id' WHERE name = 'saved'"

pg_dump -Fc -f "$WORK/dump.custom" "$DB_ORIG"
pg_dump -Fp -f "$WORK/dump.sql" "$DB_ORIG"
sql postgres -c "CREATE DATABASE $DB_CUSTOM TEMPLATE template0"
sql postgres -c "CREATE DATABASE $DB_PLAIN TEMPLATE template0"

check_restored() {
    local label=$1 db=$2 log=$3
    local names out
    if grep -q 'WARNING:  association "saved" skipped: column "article_id" of relation "public.saves" does not exist' "$log"; then
        pass "$label: the bad row is skipped with a warning naming it"
    else
        cat "$log"
        fail "$label: no warning for the bad row"
    fi
    names=$(sql "$db" -Atc "SELECT string_agg(name, ',' ORDER BY name) FROM medium_assoc.associations")
    if [ "$names" = "liked,starred" ]; then
        pass "$label: the other associations are restored ($names)"
    else
        fail "$label: restored associations are '$names', expected 'liked,starred'"
    fi
    out=$(sql "$db" -Atc "SELECT (SELECT string_agg(id::text, ',' ORDER BY id) FROM liked(1)) || ';' ||
                                 medium_assoc.count('starred', 2) || ';' ||
                                 medium_assoc.add('liked', 2, 10)" 2>&1)
    if [ "$out" = "10,11;1;1" ]; then
        pass "$label: the restored associations work"
    else
        fail "$label: restored associations answer '$out', expected '10,11;1;1'"
    fi
    out=$(psql -X -d "$db" -Atc "SELECT * FROM saved(1)" 2>&1 || true)
    if grep -q 'association "saved" does not exist' <<<"$out"; then
        pass "$label: the skipped association's leftover reader fails with 42704"
    else
        fail "$label: the skipped association's reader answers '$out'"
    fi
}

if pg_restore --verbose --exit-on-error -d "$DB_CUSTOM" "$WORK/dump.custom" >"$WORK/custom.log" 2>&1; then
    pass "custom dump restored with pg_restore --exit-on-error"
else
    cat "$WORK/custom.log"
    fail "custom dump did not restore"
fi
check_restored "pg_restore" "$DB_CUSTOM" "$WORK/custom.log"

if sql "$DB_PLAIN" -f "$WORK/dump.sql" >"$WORK/plain.log" 2>&1; then
    pass "plain dump restored with psql -v ON_ERROR_STOP=1"
else
    cat "$WORK/plain.log"
    fail "plain dump did not restore"
fi
check_restored "psql" "$DB_PLAIN" "$WORK/plain.log"

for db in "$DB_ORIG" "$DB_PLAIN" "$DB_CUSTOM"; do
    sql postgres -c "DROP DATABASE IF EXISTS $db"
done
finish restore_bad_row

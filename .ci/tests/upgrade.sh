#!/bin/bash
# upgrade.sh: a 1.0 database keeps working across ALTER EXTENSION UPDATE.
#
# Installs medium_assoc 1.0, registers associations (a scoped one, a
# self-referential one), links rows, then updates to the default version
# and proves that:
#   - the update succeeds and reports the new version,
#   - the registry, the readers and the links are unchanged, and every reader
#     and helper answers as before (the same canonical output),
#   - the objects of the updated database are those of a fresh install
#     (same functions, same signatures, same registry columns),
#   - what the new version adds works (partly typed arguments, the router
#     functions of a 1.0 association),
#   - the updated database survives pg_dump and restore.
# (While a version has no install script of its own, CREATE EXTENSION runs
# the same update scripts, and the fresh-install comparison guards the day
# it gets one.)
#
# Run inside a throwaway cluster, as a superuser:
#   pg_virtualenv -v 15 bash .ci/tests/upgrade.sh
# Exits 0 when everything passes, 1 otherwise.

set -euo pipefail

DB_OLD=ma_upgrade_old
DB_NEW=ma_upgrade_fresh
DB_RESTORED=ma_upgrade_restored
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
. "$(dirname "$0")/../testlib.sh"

default_version=$(sed -n "s/^default_version = '\(.*\)'/\1/p" medium_assoc.control)
for db in "$DB_OLD" "$DB_NEW" "$DB_RESTORED"; do
    sql postgres -c "DROP DATABASE IF EXISTS $db"
    sql postgres -c "CREATE DATABASE $db TEMPLATE template0"
done

sql "$DB_OLD" >/dev/null <<'SQL'
CREATE EXTENSION medium_assoc VERSION '1.0';
CREATE TABLE users (id int PRIMARY KEY, name text);
CREATE TABLE articles (id int PRIMARY KEY, title text);
CREATE TABLE saves (user_id int REFERENCES users, article_id int REFERENCES articles,
                    kind text NOT NULL DEFAULT 'read', PRIMARY KEY (user_id, article_id, kind));
CREATE TABLE follows (follower int REFERENCES users, followee int REFERENCES users,
                      PRIMARY KEY (follower, followee));
INSERT INTO users VALUES (1, 'ann'), (2, 'bob'), (3, 'cy');
INSERT INTO articles SELECT g, 'article ' || g FROM generate_series(1, 5) g;
SELECT medium_assoc.belongs_to_many('users', 'articles', 'saves', 'reading_list',
    scope => '{"kind": "read"}');
SELECT medium_assoc.belongs_to_many('users', 'articles', 'saves', 'bookmarks',
    scope => '{"kind": "bookmark"}');
SELECT medium_assoc.belongs_to_many('users', 'users', 'follows', 'following',
    foreign_key => 'follower', other_key => 'followee');
SELECT medium_assoc.add('reading_list', 1, ARRAY[1, 2, 3]);
SELECT medium_assoc.add('bookmarks', 1, 4);
SELECT medium_assoc.add('following', 1, ARRAY[2, 3]);
-- what the 1.0 library made is the readers alone: the objects this library
-- adds at registration (typed helpers, link rows and documents functions,
-- link rows views) are removed, as a 1.0 database does not have them
DELETE FROM pg_depend
 WHERE refclassid = 'pg_proc'::regclass
   AND refobjid IN (SELECT oid FROM pg_proc WHERE prosrc = 'medium_assoc_reader')
   AND ((classid = 'pg_proc'::regclass
         AND objid IN (SELECT oid FROM pg_proc
                        WHERE prosrc LIKE 'medium\_assoc\_typed\_%' OR prosrc LIKE '-- medium_assoc %'))
        OR classid = 'pg_class'::regclass);
DO $$
DECLARE
    o text;
BEGIN
    FOR o IN SELECT oid::regclass::text FROM pg_class WHERE relkind = 'v' AND relname LIKE '%\_links' LOOP
        EXECUTE 'DROP VIEW ' || o;
    END LOOP;
    FOR o IN SELECT oid::regprocedure::text FROM pg_proc
              WHERE prosrc LIKE 'medium\_assoc\_typed\_%' OR prosrc LIKE '-- medium_assoc %' LOOP
        EXECUTE 'DROP FUNCTION ' || o;
    END LOOP;
END $$;
-- DDL tracking on a 1.0 registry (the library serves it before the update)
ALTER TABLE follows RENAME COLUMN followee TO followed;
ALTER TABLE saves RENAME COLUMN kind TO "saveKind";
SQL

cat >"$WORK/canonical.sql" <<'SQL'
\pset format unaligned
\pset tuples_only on
SELECT name, source, target, through, foreign_key, other_key, source_key, target_key,
       scope::text, reader FROM medium_assoc.associations ORDER BY name;
SELECT * FROM saves ORDER BY 1, 2, 3;
SELECT title FROM reading_list(1) ORDER BY 1;
SELECT title FROM bookmarks(1) ORDER BY 1;
SELECT name FROM following(1) ORDER BY 1;
SELECT source, (target).title FROM reading_list_batch(ARRAY[1, 2]) ORDER BY 1, 2;
SELECT medium_assoc.count('reading_list', 1), medium_assoc.has('bookmarks', 1, 4),
       medium_assoc.has('reading_list', '1', '{1,2}');
SQL

version=$(sql "$DB_OLD" -Atc "SELECT extversion FROM pg_extension WHERE extname = 'medium_assoc'")
[ "$version" = 1.0 ] && pass "installed version 1.0" || fail "installed version is $version, not 1.0"
sql "$DB_OLD" -f "$WORK/canonical.sql" >"$WORK/before.out"

if sql "$DB_OLD" -c "ALTER EXTENSION medium_assoc UPDATE" >"$WORK/update.log" 2>&1; then
    pass "ALTER EXTENSION medium_assoc UPDATE"
else
    cat "$WORK/update.log"
    fail "ALTER EXTENSION medium_assoc UPDATE failed"
fi
version=$(sql "$DB_OLD" -Atc "SELECT extversion FROM pg_extension WHERE extname = 'medium_assoc'")
[ "$version" = "$default_version" ] && pass "updated to $version" \
    || fail "version after the update is $version, not $default_version"

sql "$DB_OLD" -f "$WORK/canonical.sql" >"$WORK/after.out"
if diff -u "$WORK/before.out" "$WORK/after.out"; then
    pass "registry, readers, links and answers unchanged by the update ($(wc -l <"$WORK/after.out") lines)"
else
    fail "the update changed what the associations answer (diff above)"
fi

# the updated database has what a fresh install has
sql "$DB_NEW" -c "CREATE EXTENSION medium_assoc" >/dev/null
objects() {
    sql "$1" -At <<'SQL'
SELECT pg_describe_object(classid, objid, objsubid) || ' ' ||
       coalesce((SELECT pg_get_function_identity_arguments(objid) || ' -> ' ||
                        pg_get_function_result(objid) || ' ' || p.provolatile::text || p.proisstrict::text
                   FROM pg_proc p WHERE classid = 'pg_proc'::regclass AND p.oid = objid), '')
  FROM pg_depend
 WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
   AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'medium_assoc')
 ORDER BY 1;
SELECT attname || ' ' || format_type(atttypid, atttypmod) FROM pg_attribute
 WHERE attrelid = 'medium_assoc.registry'::regclass AND attnum > 0 AND NOT attisdropped
 ORDER BY attnum;
SQL
}
objects "$DB_OLD" >"$WORK/objects_updated"
objects "$DB_NEW" >"$WORK/objects_fresh"
if diff -u "$WORK/objects_fresh" "$WORK/objects_updated"; then
    pass "the updated extension has the objects of a fresh install ($(wc -l <"$WORK/objects_fresh") objects and columns)"
else
    fail "the updated extension differs from a fresh install (diff above)"
fi

# what 1.1 adds: partly typed arguments
out=$(sql "$DB_OLD" -At <<'SQL'
PREPARE a AS SELECT medium_assoc.add($1, $2, $3::int[]);
EXECUTE a('reading_list', '2', '{1,5}');
PREPARE h AS SELECT medium_assoc.has($1, $2::int, $3);
EXECUTE h('reading_list', 2, '{1,5}');
SQL
)
if [ "$(echo $out)" = "2 t" ]; then
    pass "partly typed arguments work after the update"
else
    fail "partly typed arguments answer '$out' after the update"
fi

# before repair(), an ALTER TABLE of a 1.0 association's table makes no
# link rows view (1.0 did not reserve its name)
out=$(sql "$DB_OLD" -At <<'SQL'
ALTER TABLE saves ADD COLUMN upgrade_note text;
ALTER TABLE saves DROP COLUMN upgrade_note;
SELECT to_regclass('reading_list_links') IS NULL;
SQL
)
if [ "$(echo $out)" = "t" ]; then
    pass "ALTER TABLE before repair() leaves a 1.0 association as it was"
else
    fail "ALTER TABLE before repair() answers '$out'"
fi

# repair() gives the associations registered under 1.0 their typed helpers
out=$(sql "$DB_OLD" -At <<'SQL'
SELECT medium_assoc.repair();
SELECT reading_list_add(3, ARRAY[4, 5]);
SELECT reading_list_count(3);
SELECT string_agg(link_article_id::text, ',' ORDER BY link_article_id) FROM reading_list_links(3);
SELECT jsonb_array_length(reading_list) FROM reading_list_json(3);
SELECT count(*) FROM reading_list_links WHERE link_user_id = 3;
SQL
)
if [ "$(echo $out)" = "3 2 2 4,5 2 2" ]; then
    pass "repair() creates the typed helpers, link rows and documents of associations registered under 1.0"
else
    fail "repair(), typed helpers, link rows and documents after the update answer '$out'"
fi

# an association registered under 1.0 gets its router functions (sharding)
out=$(sql "$DB_OLD" -At <<'SQL'
SELECT medium_assoc.shard_of(1, 2) = (medium_assoc.shard_hash(1) & 1);
SELECT position('RUN ON medium_assoc.shard_hash(source)' IN
                medium_assoc.router_functions('reading_list', 'medium_cluster', 'users')) > 0;
SELECT position('SPLIT sources' IN
                medium_assoc.router_functions('reading_list', 'medium_cluster', 'users')) > 0;
SELECT position('RUN ON ALL' IN
                medium_assoc.router_functions('reading_list', 'medium_cluster', 'articles')) > 0;
SQL
)
if [ "$(echo $out)" = "t t t t" ]; then
    pass "an association registered under 1.0 is routed by router_functions() after the update"
else
    fail "router_functions() of a 1.0 association answers '$out'"
fi

# dump and restore of the updated database
pg_dump -Fc -f "$WORK/dump" "$DB_OLD"
if pg_restore --exit-on-error -d "$DB_RESTORED" "$WORK/dump" >"$WORK/restore.log" 2>&1; then
    pass "the updated database restores"
else
    cat "$WORK/restore.log"
    fail "the updated database does not restore"
fi
sql "$DB_OLD" -f "$WORK/canonical.sql" >"$WORK/updated.out"
sql "$DB_RESTORED" -f "$WORK/canonical.sql" >"$WORK/restored.out"
if diff -u "$WORK/updated.out" "$WORK/restored.out"; then
    pass "the restored database answers as the updated one"
else
    fail "the restored database differs (diff above)"
fi

for db in "$DB_OLD" "$DB_NEW" "$DB_RESTORED"; do
    sql postgres -c "DROP DATABASE IF EXISTS $db"
done
finish upgrade

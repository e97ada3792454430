#!/bin/bash
# dump_restore.sh: associations survive pg_dump and restore, in plain and custom format.
#
# Builds a database using medium_assoc with the cases a dump can break:
#   - camelCase identifiers ("userId", "articleId", alias "readingList"),
#   - a source table (and so the readers) in a non-public schema,
#   - scoped associations sharing one through table,
#   - a self-referential association,
#   - a target table with a dropped column, and through tables whose dropped
#     columns come before the key columns (pg_dump renumbers attributes, so
#     attribute numbers stored in the registry must be recomputed on restore),
#   - key, scope and table names renamed after registration,
#   - timestamps found by name, a paranoid association and a target scope
#     (1.1), and every association's typed helpers,
#   - a through table that inherits its key columns, one renamed through
#     the parent (the rename recurses to the child, which the command does
#     not name),
#   - a text-keyed association and through_attrs.
# It records a canonical result set (the associations view, reader and _batch
# output, count, has, through rows, reader comments and reader dependencies by
# name), dumps with pg_dump -Fp (restored with psql -v ON_ERROR_STOP=1) and
# pg_dump -Fc (restored with pg_restore --exit-on-error), and proves that in
# each restored database:
#   - the canonical result set is identical to the original (diff),
#   - add/remove/set/has/count work,
#   - DROP TABLE of every participating table and DROP COLUMN of key and
#     scope columns fail with 2BP01 because a reader depends on them (the
#     dependencies were recorded again on restore), and so does dropping the
#     unique constraint that makes a key unique,
#   - DROP EXTENSION medium_assoc removes every reader.
# The same liveness checks run on the original database, to show they pass
# there too.
#
# Run inside a throwaway cluster, as a superuser:
#   pg_virtualenv -v 15 bash .ci/tests/dump_restore.sh
# Exits 0 when everything passes, 1 otherwise.

set -euo pipefail

DB_ORIG=ma_dump_orig
DB_PLAIN=ma_dump_plain
DB_CUSTOM=ma_dump_custom

# no NOTICEs (DROP ... IF EXISTS, CASCADE) in the output
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

. "$(dirname "$0")/../testlib.sh"

for db in "$DB_ORIG" "$DB_PLAIN" "$DB_CUSTOM"; do
    sql postgres -c "DROP DATABASE IF EXISTS $db"
done
sql postgres -c "CREATE DATABASE $DB_ORIG TEMPLATE template0"

# ---------------------------------------------------------------------------
# The original database
# ---------------------------------------------------------------------------
sql "$DB_ORIG" >/dev/null <<'EOF'
CREATE EXTENSION medium_assoc;

CREATE SCHEMA "Blog";

-- source in a non-public schema, camelCase key
CREATE TABLE "Blog"."Users" (
    "userId" integer PRIMARY KEY,
    name     text NOT NULL
);

-- target with a dropped column
CREATE TABLE public.articles (
    id    integer PRIMARY KEY,
    junk  text,
    title text NOT NULL,
    body  text
);
ALTER TABLE public.articles DROP COLUMN junk;

-- through table whose dropped columns precede the key columns
CREATE TABLE "Blog"."ReadingList" (
    junk1       integer,
    junk2       text,
    "userId"    integer NOT NULL REFERENCES "Blog"."Users",
    "articleId" integer NOT NULL REFERENCES public.articles,
    note        text,
    PRIMARY KEY ("userId", "articleId")
);
ALTER TABLE "Blog"."ReadingList" DROP COLUMN junk1, DROP COLUMN junk2;

-- keys inferred from the foreign keys, both directions
SELECT medium_assoc.belongs_to_many('"Blog"."Users"', 'public.articles',
    '"Blog"."ReadingList"', 'readingList');
SELECT medium_assoc.belongs_to_many('public.articles', '"Blog"."Users"',
    '"Blog"."ReadingList"', 'readers');

-- self-referential
CREATE TABLE "Blog".follows (
    "followerId" integer NOT NULL REFERENCES "Blog"."Users",
    "followeeId" integer NOT NULL REFERENCES "Blog"."Users",
    PRIMARY KEY ("followerId", "followeeId")
);
SELECT medium_assoc.belongs_to_many('"Blog"."Users"', '"Blog"."Users"',
    '"Blog".follows', 'following',
    foreign_key => 'followerId', other_key => 'followeeId');
SELECT medium_assoc.belongs_to_many('"Blog"."Users"', '"Blog"."Users"',
    '"Blog".follows', 'followers',
    foreign_key => 'followeeId', other_key => 'followerId');

-- scoped (polymorphic) through table shared by two associations; its
-- scope column and other key are renamed after registration
CREATE TABLE public.tags (
    id    integer PRIMARY KEY,
    label text NOT NULL UNIQUE
);
CREATE TABLE public.taggings (
    dropped_first integer,
    tag_id        integer NOT NULL REFERENCES public.tags,
    taggable_id   integer NOT NULL,
    kind          text NOT NULL,
    PRIMARY KEY (tag_id, taggable_id, kind)
);
ALTER TABLE public.taggings DROP COLUMN dropped_first;
SELECT medium_assoc.belongs_to_many('public.tags', 'public.articles',
    'public.taggings', 'taggedPosts', other_key => 'taggable_id',
    scope => '{"kind":"post"}');
SELECT medium_assoc.belongs_to_many('public.tags', '"Blog"."Users"',
    'public.taggings', 'taggedUsers', other_key => 'taggable_id',
    scope => '{"kind":"user"}');
ALTER TABLE public.taggings RENAME COLUMN kind TO "taggableType";
ALTER TABLE public.taggings RENAME COLUMN taggable_id TO "taggableId";

-- keys and tables renamed after registration
CREATE TABLE public.collections (
    id   integer PRIMARY KEY,
    name text NOT NULL
);
CREATE TABLE public.collection_items (
    collection_id integer NOT NULL REFERENCES public.collections,
    article_ref   integer NOT NULL REFERENCES public.articles,
    PRIMARY KEY (collection_id, article_ref)
);
SELECT medium_assoc.belongs_to_many('public.collections', 'public.articles',
    'public.collection_items', 'collectionArticles');
ALTER TABLE public.collection_items RENAME COLUMN article_ref TO "articleRef";
ALTER TABLE public.collections RENAME COLUMN id TO "collectionId";
ALTER TABLE public.collection_items RENAME TO "collectionItems";

-- text keys
CREATE TABLE public.labels (
    code  text PRIMARY KEY,
    color text
);
CREATE TABLE public.article_labels (
    article_id integer NOT NULL REFERENCES public.articles,
    label_code text NOT NULL REFERENCES public.labels,
    PRIMARY KEY (article_id, label_code)
);
SELECT medium_assoc.belongs_to_many('public.articles', 'public.labels',
    'public.article_labels', 'articleLabels');

-- no foreign keys at all, a target key that is a unique constraint
CREATE TABLE public.badges (
    id   integer PRIMARY KEY,
    code text NOT NULL UNIQUE
);
CREATE TABLE public.user_badges (
    user_id    integer NOT NULL,
    badge_code text NOT NULL,
    earned     date
);
SELECT medium_assoc.belongs_to_many('"Blog"."Users"', 'public.badges',
    'public.user_badges', 'badges', foreign_key => 'user_id',
    other_key => 'badge_code', target_key => 'code');

-- a through table inheriting its key columns; the other key renamed
-- through the parent
CREATE TABLE public.saves_base (
    user_id    integer NOT NULL,
    article_id integer NOT NULL
);
CREATE TABLE public.saves (
    PRIMARY KEY (user_id, article_id)
) INHERITS (public.saves_base);
SELECT medium_assoc.belongs_to_many('"Blog"."Users"', 'public.articles',
    'public.saves', 'saves', foreign_key => 'user_id', other_key => 'article_id');
ALTER TABLE public.saves_base RENAME COLUMN article_id TO "savedArticle";

-- timestamps found by name, paranoid links, a target scope
CREATE TABLE public.stars (
    "userId"    integer NOT NULL REFERENCES "Blog"."Users",
    "articleId" integer NOT NULL REFERENCES public.articles,
    "createdAt" timestamptz NOT NULL,
    "updatedAt" timestamptz NOT NULL,
    "deletedAt" timestamptz,
    PRIMARY KEY ("userId", "articleId")
);
SELECT medium_assoc.belongs_to_many('"Blog"."Users"', 'public.articles', 'public.stars',
    'starred', timestamps => '{"deletedAt": "deletedAt"}', target_scope => '{"body": null}');

-- has_many: the articles a user wrote (the foreign key on the target)
ALTER TABLE public.articles ADD COLUMN "authorId" integer REFERENCES "Blog"."Users";
SELECT medium_assoc.has_many('"Blog"."Users"', 'public.articles', 'authored');
-- belongs_to: an article's author, the same foreign key from the other side
SELECT medium_assoc.belongs_to('public.articles', '"Blog"."Users"', 'author');
-- a chain: the authors of the articles a user saved
SELECT medium_assoc.chain('savedAuthors', ARRAY['readingList', 'author']);

-- data
INSERT INTO "Blog"."Users" VALUES (1, 'ada'), (2, 'grace'), (3, 'linus'), (4, 'nobody');
INSERT INTO public.articles (id, title, body) VALUES
    (10, 'Why SQL is not dead', 'b10'), (11, 'Joins, explained', 'b11'),
    (12, 'Indexes you forgot', NULL), (13, 'Many-to-many', 'b13');
INSERT INTO public.tags VALUES (1, 'sql'), (2, 'people'), (3, 'unused');
INSERT INTO public.collections VALUES (100, 'favorites'), (101, 'later');
INSERT INTO public.labels VALUES ('db', 'blue'), ('how-to', 'green'), ('x"y', NULL);
INSERT INTO public.badges VALUES (1, 'first-post'), (2, 'reader'), (3, 'ünïcode');

SELECT medium_assoc.add('readingList', 1, ARRAY[10, 11, 12],
    through_attrs => '{"note":"saved by ada"}');
SELECT medium_assoc.add('readingList', 2, 11);
SELECT medium_assoc.add('readers', 13, ARRAY[2, 3]);
SELECT medium_assoc.add('following', 1, ARRAY[2, 3]);
SELECT medium_assoc.add('following', 2, 1);
SELECT medium_assoc.add('followers', 3, 2);
SELECT medium_assoc.add('taggedPosts', 1, ARRAY[10, 13]);
SELECT medium_assoc.add('taggedPosts', 2, 10);
SELECT medium_assoc.add('taggedUsers', 2, ARRAY[1, 2, 3]);
SELECT medium_assoc.add('taggedUsers', 1, 1);
SELECT medium_assoc.add('collectionArticles', 100, ARRAY[10, 12]);
SELECT medium_assoc.add('collectionArticles', 101, '{11,12,13}');
SELECT medium_assoc.add('articleLabels', 10, ARRAY['db', 'x"y']);
SELECT medium_assoc.add('articleLabels', 11, 'how-to');
SELECT medium_assoc.add('badges', 1, ARRAY['first-post', 'ünïcode'], '{"earned":"2024-02-29"}');
SELECT medium_assoc.add('badges', 2, 'reader');
SELECT medium_assoc.add('saves', 1, ARRAY[10, 13]);
SELECT medium_assoc.add('starred', 1, 12), medium_assoc.add('starred', 2, 12);
SELECT medium_assoc.remove('starred', 2, 12);
SELECT medium_assoc.add('authored', 1, ARRAY[10, 11]), medium_assoc.add('authored', 2, 13);
EOF

# ---------------------------------------------------------------------------
# The canonical result set
# ---------------------------------------------------------------------------
cat >"$WORK/canonical.sql" <<'EOF'
\pset format unaligned
\pset tuples_only on
\pset null '<null>'
SET client_min_messages = warning;

\echo == associations
SELECT name, kind, source::text, target::text, through::text, foreign_key,
       other_key, source_key, target_key, scope::text, reader::text,
       timestamps::text, target_scope::text
  FROM medium_assoc.associations ORDER BY name;

\echo == registry attribute numbers match the names
SELECT r.name,
       r.attnums[1] = (SELECT attnum FROM pg_attribute WHERE attrelid = r.through AND attname = r.foreign_key),
       r.attnums[2] = (SELECT attnum FROM pg_attribute WHERE attrelid = r.through AND attname = r.other_key),
       r.attnums[3] = (SELECT attnum FROM pg_attribute WHERE attrelid = r.source AND attname = r.source_key),
       r.attnums[4] = (SELECT attnum FROM pg_attribute WHERE attrelid = r.target AND attname = r.target_key),
       coalesce((SELECT bool_and(r.attnums[4 + k.i] = a.attnum)
                   FROM jsonb_object_keys(r.scope) WITH ORDINALITY AS k(key, i)
                   JOIN pg_attribute a ON a.attrelid = r.through AND a.attname = k.key), true),
       cardinality(r.attnums) = 4 + coalesce((SELECT count(*) FROM jsonb_object_keys(r.scope)), 0)
  FROM medium_assoc.registry r ORDER BY r.name;

\echo == reader and batch functions
SELECT p.oid::regprocedure::text, pg_get_function_result(p.oid), p.provolatile,
       p.proisstrict, p.prosecdef, pg_get_userbyid(p.proowner),
       obj_description(p.oid, 'pg_proc')
  FROM pg_proc p
 WHERE p.prosrc IN ('medium_assoc_reader', 'medium_assoc_batch')
    OR p.prosrc LIKE 'medium\_assoc\_typed\_%'
 ORDER BY 1;

\echo == reader dependencies, by name
SELECT p.oid::regprocedure::text,
       CASE d.refclassid
            WHEN 'pg_class'::regclass THEN
                 d.refobjid::regclass::text ||
                 coalesce('.' || quote_ident((SELECT attname FROM pg_attribute
                                               WHERE attrelid = d.refobjid
                                                 AND attnum = d.refobjsubid
                                                 AND d.refobjsubid <> 0)), '')
            WHEN 'pg_extension'::regclass THEN
                 'extension ' || (SELECT extname FROM pg_extension WHERE oid = d.refobjid)
            WHEN 'pg_proc'::regclass THEN 'function ' || d.refobjid::regprocedure::text
            WHEN 'pg_namespace'::regclass THEN 'schema ' || d.refobjid::regnamespace::text
            WHEN 'pg_type'::regclass THEN 'type ' || d.refobjid::regtype::text
            ELSE d.refclassid::regclass::text
       END AS referenced,
       d.deptype
  FROM pg_proc p
  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
 WHERE p.prosrc IN ('medium_assoc_reader', 'medium_assoc_batch')
 ORDER BY 1, 2, 3;

\echo == through tables
SELECT 'ReadingList', t::text FROM "Blog"."ReadingList" t ORDER BY 2;
SELECT 'follows', t::text FROM "Blog".follows t ORDER BY 2;
SELECT 'taggings', t::text FROM public.taggings t ORDER BY 2;
SELECT 'collectionItems', t::text FROM public."collectionItems" t ORDER BY 2;
SELECT 'article_labels', t::text FROM public.article_labels t ORDER BY 2;
SELECT 'user_badges', t::text FROM public.user_badges t ORDER BY 2;
SELECT 'saves', t::text FROM public.saves t ORDER BY 2;
SELECT 'stars', "userId", "articleId", "deletedAt" IS NOT NULL AS deleted,
       "createdAt" IS NOT NULL AND "updatedAt" IS NOT NULL AS stamped
  FROM public.stars ORDER BY 2, 3;

\echo == readers called by name
SELECT * FROM "Blog"."readingList"(1) ORDER BY id;
SELECT * FROM public.readers(13) ORDER BY "userId";
SELECT * FROM "Blog".following(1) ORDER BY "userId";
SELECT * FROM "Blog".followers(3) ORDER BY "userId";
SELECT * FROM public."taggedPosts"(1) ORDER BY id;
SELECT * FROM public."taggedUsers"(2) ORDER BY "userId";
SELECT * FROM public."collectionArticles"(101) ORDER BY id;
SELECT * FROM public."articleLabels"(10) ORDER BY code;
SELECT * FROM "Blog".badges(1) ORDER BY id;
SELECT source, (target).title FROM "Blog"."readingList_batch"(ARRAY[1, 2, 3, NULL, 1]) ORDER BY 1, 2;
SELECT source, (target).code FROM public."articleLabels_batch"(ARRAY[10, 11, 12]) ORDER BY 1, 2;
SELECT u.name, a.title
  FROM "Blog"."Users" u LEFT JOIN LATERAL "Blog"."readingList"(u."userId") a ON true
 ORDER BY 1, 2;

\echo == link rows and documents
SELECT * FROM "Blog"."readingList_links"(1) ORDER BY id;
SELECT * FROM "Blog".saves_links(1) ORDER BY id;
SELECT * FROM "Blog".starred_links(1) ORDER BY id;
SELECT * FROM public."taggedPosts_links"(1) ORDER BY id;
SELECT * FROM "Blog".badges_links(1) ORDER BY id;
SELECT id, title, "authorId" FROM "Blog".authored(1) ORDER BY id;
SELECT a.id, (SELECT name FROM public.author(a.id)) FROM public.articles a ORDER BY a.id;
SELECT * FROM medium_assoc.chains;
SELECT "userId", name FROM "Blog"."savedAuthors"(1) ORDER BY 1;
SELECT "Blog"."savedAuthors_count"(1);
SELECT medium_assoc.count('authored', 2);
SELECT * FROM "Blog"."readingList_links" ORDER BY "link_userId", id;
SELECT * FROM "Blog".starred_links ORDER BY "link_userId", id;
SELECT c.oid::regclass, c.reloptions, c.relacl, obj_description(c.oid, 'pg_class')
  FROM pg_class c WHERE c.relkind = 'v' AND c.relname LIKE '%\_links' ORDER BY c.oid::regclass::text;
SELECT e FROM "Blog"."readingList_json"(1) j, jsonb_array_elements(j."readingList") e ORDER BY e->>'id';
SELECT e FROM "Blog".badges_json(1, ARRAY['earned']) j, jsonb_array_elements(j.badges) e ORDER BY e->>'id';
SELECT p.oid::regprocedure, pg_get_function_result(p.oid), obj_description(p.oid, 'pg_proc')
  FROM pg_proc p WHERE p.prosrc LIKE '-- medium_assoc %' ORDER BY p.oid::regprocedure::text;

\echo == every association, every source: reader, count, has, batch
CREATE FUNCTION pg_temp.canonical_links() RETURNS SETOF text
LANGUAGE plpgsql AS $fn$
DECLARE
    a       record;
    reader  text;
    batch   text;
    k       text;
    line    text;
    keys    text[];
    linked  text[];
BEGIN
    FOR a IN SELECT * FROM medium_assoc.associations ORDER BY name LOOP
        SELECT format('%I.%I', n.nspname, p.proname), format('%I.%I', n.nspname, p.proname || '_batch')
          INTO reader, batch
          FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE p.oid = a.reader;
        IF reader IS NULL THEN
            RETURN NEXT format('%s: no reader', a.name);
            CONTINUE;
        END IF;
        EXECUTE format('SELECT array_agg(%I::text ORDER BY %I::text) FROM %s',
                       a.source_key, a.source_key, a.source) INTO keys;
        FOREACH k IN ARRAY keys LOOP
            FOR line IN EXECUTE format('SELECT t::text FROM %s(%L) AS t ORDER BY 1', reader, k) LOOP
                RETURN NEXT format('%s(%s) -> %s', a.name, k, line);
            END LOOP;
            EXECUTE format('SELECT array_agg(%I::text ORDER BY %I::text) FROM %s(%L)',
                           a.target_key, a.target_key, reader, k) INTO linked;
            RETURN NEXT format('%s: count(%s) = %s, has(all linked) = %s, has(each) = %s',
                               a.name, k, medium_assoc.count(a.name, k),
                               medium_assoc.has(a.name::text, k, coalesce(linked, '{}')::text),
                               (SELECT string_agg(medium_assoc.has(a.name::text, k, x)::text, ',' ORDER BY x)
                                  FROM unnest(linked) AS x));
        END LOOP;
        FOR line IN EXECUTE format('SELECT source::text || '' -> '' || target::text FROM %s(%L) ORDER BY 1',
                                   batch, keys) LOOP
            RETURN NEXT format('%s_batch -> %s', a.name, line);
        END LOOP;
    END LOOP;
END
$fn$;
SELECT * FROM pg_temp.canonical_links();
EOF

# ---------------------------------------------------------------------------
# Liveness checks: one line per check, "ok" or what went wrong
# ---------------------------------------------------------------------------
cat >"$WORK/liveness.sql" <<'EOF'
\pset format unaligned
\pset tuples_only on
\pset null '<null>'
SET client_min_messages = warning;

-- the SQLSTATE a statement fails with (it is always rolled back)
CREATE FUNCTION pg_temp.sqlstate_of(stmt text) RETURNS text
LANGUAGE plpgsql AS $fn$
BEGIN
    EXECUTE stmt;
    RAISE EXCEPTION USING ERRCODE = 'P0999';
EXCEPTION
    WHEN SQLSTATE 'P0999' THEN RETURN '00000';
    WHEN OTHERS THEN RETURN SQLSTATE;
END
$fn$;

CREATE FUNCTION pg_temp.check(what text, ok boolean) RETURNS text
LANGUAGE sql AS $fn$
    SELECT CASE WHEN ok THEN 'ok: ' ELSE 'WRONG: ' END || what
$fn$;

CREATE FUNCTION pg_temp.expect(stmt text, state text) RETURNS text
LANGUAGE sql AS $fn$
    SELECT CASE WHEN s = state THEN 'ok: ' ELSE 'WRONG (got ' || s || '): ' END
           || stmt || ' -> ' || state
      FROM pg_temp.sqlstate_of(stmt) AS s
$fn$;

-- a DROP that fails with 2BP01 because a reader depends on the object
CREATE FUNCTION pg_temp.expect_reader_dependency(stmt text) RETURNS text
LANGUAGE plpgsql AS $fn$
DECLARE
    detail text;
BEGIN
    EXECUTE stmt;
    RAISE EXCEPTION USING ERRCODE = 'P0999';
EXCEPTION
    WHEN SQLSTATE 'P0999' THEN RETURN 'WRONG (succeeded): ' || stmt;
    WHEN dependent_objects_still_exist THEN
        GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
        IF detail ~ '(^|\n)function [^\n]* depends on ' THEN
            RETURN 'ok: ' || stmt || ' -> 2BP01';
        END IF;
        RETURN 'WRONG (2BP01 but no reader depends): ' || stmt || ': ' || replace(detail, E'\n', '; ');
    WHEN OTHERS THEN RETURN 'WRONG (got ' || SQLSTATE || '): ' || stmt;
END
$fn$;

-- writes through every kind of association
SELECT pg_temp.check('add readingList', medium_assoc.add('readingList', 4, ARRAY[10, 13], '{"note":"n"}') = 2);
SELECT pg_temp.check('add readingList again', medium_assoc.add('readingList', 4, ARRAY[10, 13]) = 0);
SELECT pg_temp.check('has readingList', medium_assoc.has('readingList', 4, ARRAY[10, 13]));
SELECT pg_temp.check('note written', (SELECT note FROM "Blog"."ReadingList" WHERE "userId" = 4 AND "articleId" = 13) = 'n');
SELECT pg_temp.check('readers sees it', EXISTS (SELECT 1 FROM public.readers(13) WHERE "userId" = 4));
SELECT pg_temp.check('remove readingList', medium_assoc.remove('readingList', 4, 10) = 1);
SELECT pg_temp.check('set readingList', (SELECT (added, removed) = (2::bigint, 1::bigint) FROM medium_assoc.set('readingList', 4, ARRAY[11, 12])));
SELECT pg_temp.check('count readingList', medium_assoc.count('readingList', 4) = 2);
SELECT pg_temp.check('set readingList empty', (SELECT (added, removed) = (0::bigint, 2::bigint) FROM medium_assoc.set('readingList', 4, '{}'::int[])));
SELECT pg_temp.check('add following (self)', medium_assoc.add('following', 4, ARRAY[1, 2, 3]) = 3);
SELECT pg_temp.check('followers sees it', (SELECT count(*) FROM "Blog".followers(1) WHERE "userId" = 4) = 1);
SELECT pg_temp.check('add taggedPosts (scoped)', medium_assoc.add('taggedPosts', 3, 12) = 1);
SELECT pg_temp.check('scope written', EXISTS (SELECT 1 FROM public.taggings WHERE tag_id = 3 AND "taggableId" = 12 AND "taggableType" = 'post'));
SELECT pg_temp.check('scope isolates', medium_assoc.count('taggedUsers', 3) = 0);
SELECT pg_temp.check('set taggedUsers keeps posts', (SELECT (added, removed) = (1::bigint, 0::bigint) FROM medium_assoc.set('taggedUsers', 3, ARRAY[4]))
                                                   AND medium_assoc.count('taggedPosts', 3) = 1);
SELECT pg_temp.check('add collectionArticles (renamed)', medium_assoc.add('collectionArticles', 100, '{11,13}') = 2);
SELECT pg_temp.check('remove collectionArticles', medium_assoc.remove('collectionArticles', 100, ARRAY[10, 11, 12, 13]) = 4);
SELECT pg_temp.check('add articleLabels (text keys)', medium_assoc.add('articleLabels', 12, 'x"y') = 1);
SELECT pg_temp.check('has articleLabels', medium_assoc.has('articleLabels', 12, ARRAY['x"y']));
SELECT pg_temp.expect($$SELECT medium_assoc.add('readingList', 3, 999)$$, '23503');
SELECT pg_temp.expect($$SELECT medium_assoc.add('taggedPosts', 1, 999)$$, '23503');

-- registering again: the names are taken, the view knows them
SELECT pg_temp.expect($$SELECT medium_assoc.belongs_to_many('public.articles', '"Blog"."Users"', '"Blog"."ReadingList"', 'readers')$$, '42710');

-- the dependencies were recorded: DROP of a participant fails
SELECT pg_temp.expect_reader_dependency(format('DROP TABLE %s', t))
  FROM (SELECT DISTINCT unnest(ARRAY[source, target, through])::text AS t
          FROM medium_assoc.associations) s
 ORDER BY t;
SELECT pg_temp.expect_reader_dependency($$ALTER TABLE "Blog"."ReadingList" DROP COLUMN "userId"$$);
SELECT pg_temp.expect_reader_dependency($$ALTER TABLE "Blog"."ReadingList" DROP COLUMN "articleId"$$);
SELECT pg_temp.expect_reader_dependency($$ALTER TABLE public.taggings DROP COLUMN "taggableType"$$);
SELECT pg_temp.expect_reader_dependency($$ALTER TABLE public."collectionItems" DROP COLUMN "articleRef"$$);
SELECT pg_temp.expect_reader_dependency($$ALTER TABLE public.collections DROP COLUMN "collectionId"$$);
SELECT pg_temp.expect_reader_dependency($$ALTER TABLE public.user_badges DROP COLUMN badge_code$$);
-- the chain's dependencies were recorded again: its steps cannot be dropped
SELECT pg_temp.expect($$SELECT medium_assoc.drop_association('author')$$, '2BP01');
SELECT pg_temp.expect_reader_dependency($$ALTER TABLE public.badges DROP COLUMN code$$);
-- badges_code_key makes the target key unique and nothing but the association needs it
SELECT pg_temp.expect($$ALTER TABLE public.badges DROP CONSTRAINT badges_code_key$$, '2BP01');
SELECT pg_temp.expect($$ALTER TABLE public.badges DROP CONSTRAINT badges_code_key CASCADE$$, '00000');
SELECT pg_temp.expect($$ALTER TABLE public.user_badges DROP COLUMN earned$$, '00000');
SELECT pg_temp.expect($$ALTER TABLE public.collections DROP COLUMN "collectionId" CASCADE$$, '00000');
SELECT pg_temp.expect($$ALTER TABLE public.taggings ALTER COLUMN "taggableType" TYPE varchar$$, '0A000');
SELECT pg_temp.expect($$ALTER TABLE public.user_badges ALTER COLUMN user_id TYPE bigint$$, '0A000');

-- the data is unchanged by the failed statements above
SELECT pg_temp.check('links intact', (SELECT count(*) FROM "Blog"."ReadingList") = 6
                                  AND medium_assoc.count('readers', 13) = 2);

-- DROP TABLE ... CASCADE removes the association, in a transaction rolled back
BEGIN;
DROP TABLE public.labels CASCADE;
SELECT pg_temp.check('cascade forgets articleLabels',
                     NOT EXISTS (SELECT 1 FROM medium_assoc.associations WHERE name = 'articleLabels')
                     AND NOT EXISTS (SELECT 1 FROM pg_proc WHERE proname IN ('articleLabels', 'articleLabels_batch',
                                                                     'articleLabels_links', 'articleLabels_json')));
ROLLBACK;

-- DROP EXTENSION removes every reader
DROP EXTENSION medium_assoc;
SELECT pg_temp.check('drop extension removes readers',
                     NOT EXISTS (SELECT 1 FROM pg_proc WHERE prosrc IN ('medium_assoc_reader', 'medium_assoc_batch')
                                    OR prosrc LIKE '-- medium_assoc %')
                     AND NOT EXISTS (SELECT 1 FROM pg_class WHERE relkind = 'v' AND relname LIKE '%\_links'));
SELECT pg_temp.check('drop extension forgets the registry',
                     to_regclass('medium_assoc.registry') IS NULL);
SELECT pg_temp.expect('DROP TABLE "Blog"."ReadingList"', '00000');
CREATE EXTENSION medium_assoc;
SELECT pg_temp.check('extension recreated empty', NOT EXISTS (SELECT 1 FROM medium_assoc.associations));
EOF

canonical() {
    sql "$1" -f "$WORK/canonical.sql" >"$WORK/$2.out"
}

liveness() {
    local db=$1 label=$2 out
    if ! out=$(sql "$db" -f "$WORK/liveness.sql" 2>&1); then
        echo "$out"
        fail "$label: liveness script stopped with an error"
        return
    fi
    if grep -v '^ok: ' <<<"$out" | grep -q .; then
        grep -v '^ok: ' <<<"$out"
        fail "$label: associations are not fully alive"
    else
        pass "$label: add/remove/set/has/count work, DROP of participants fails with 2BP01, DROP EXTENSION removes readers ($(grep -c '^ok: ' <<<"$out") checks)"
    fi
}

canonical "$DB_ORIG" original
if [ "$(grep -c . "$WORK/original.out")" -lt 100 ]; then
    cat "$WORK/original.out"
    fail "original: canonical result set is unexpectedly small"
fi

# ---------------------------------------------------------------------------
# Dump and restore
# ---------------------------------------------------------------------------
pg_dump -Fp -f "$WORK/dump.sql" "$DB_ORIG"
pg_dump -Fc -f "$WORK/dump.custom" "$DB_ORIG"
pass "pg_dump -Fp and -Fc"

sql postgres -c "CREATE DATABASE $DB_PLAIN TEMPLATE template0"
if sql "$DB_PLAIN" -f "$WORK/dump.sql" >"$WORK/restore_plain.log" 2>&1; then
    pass "plain dump restored with psql -v ON_ERROR_STOP=1"
else
    cat "$WORK/restore_plain.log"
    fail "plain dump did not restore"
fi

sql postgres -c "CREATE DATABASE $DB_CUSTOM TEMPLATE template0"
if pg_restore --exit-on-error -d "$DB_CUSTOM" "$WORK/dump.custom" >"$WORK/restore_custom.log" 2>&1; then
    pass "custom dump restored with pg_restore --exit-on-error"
else
    cat "$WORK/restore_custom.log"
    fail "custom dump did not restore"
fi

for pair in "$DB_PLAIN:plain" "$DB_CUSTOM:custom"; do
    db=${pair%%:*}
    label=${pair##*:}
    if ! canonical "$db" "$label" 2>"$WORK/$label.err"; then
        cat "$WORK/$label.err"
        fail "$label: canonical queries failed on the restored database"
        continue
    fi
    if diff -u "$WORK/original.out" "$WORK/$label.out"; then
        pass "$label: restored result set identical to the original ($(grep -c . "$WORK/original.out") lines)"
    else
        fail "$label: restored result set differs from the original (diff above)"
    fi
done

liveness "$DB_PLAIN" plain
liveness "$DB_CUSTOM" custom
liveness "$DB_ORIG" original

for db in "$DB_ORIG" "$DB_PLAIN" "$DB_CUSTOM"; do
    sql postgres -c "DROP DATABASE IF EXISTS $db"
done

finish dump_restore

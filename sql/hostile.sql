-- hostile: every public function driven with a generated corpus of hostile
-- input (quotes, semicolons, $$, backslashes, unicode, 63/64-byte and
-- reserved names, NULLs, empty and 100000-element arrays, wrong types,
-- out-of-range numbers, malformed jsonb and array literals, other roles).
-- Each case runs in its own subtransaction and its own transaction.  The
-- test proves that
--   * every SQLSTATE is one the contract documents (any other is listed),
--   * where a case's outcome is certain, it is exactly that SQLSTATE,
--   * after every failing case the registry, the readers and the through
--     tables are exactly as before (a checksum read before and after, partly
--     through the readers, so a damaged cache shows too),
--   * the server survives (pg_regress would report a crash).
-- First, hostile but valid identifiers are registered and used through
-- their readers: the generated SQL quotes everything and nothing is
-- injected (the victims table survives).
--
-- The documented SQLSTATEs (SPEC.md's table and the decisions that complete
-- it): 00000, 42P01, 42703, 42804, 42830, 42710, 42704, 23503, 42501, 22023,
-- 22P02, 22004, 42809; 22003 where a value is out of range for the key type
-- (or a through_attrs column); 22007 where a through_attrs value is not a
-- valid date/time (jsonb_populate_record's own error).  For
-- belongs_to_many, whose tables are regclass arguments, PostgreSQL's own
-- regclass input errors: 42602 invalid name, 42601 too many dotted names,
-- 3F000 unknown schema.  A case may name one more SQLSTATE it expects: the
-- numeric NaN to integer cast raises 0A000, and so does regclass input for a
-- name in another database.
--
-- Where the decisions are silent this test takes the reading closest to
-- them: a through column the helpers can never write (GENERATED ALWAYS, as
-- a stored expression or an identity) is refused like a generated column
-- is in through_attrs, with 22023 -- as through_attrs, and as foreign_key,
-- other_key or scope column at registration; and an empty array of a type
-- that has no cast to the key is 42804 like a non-empty one.
\set VERBOSITY sqlstate
\set SHOW_CONTEXT never
SET client_min_messages = warning;
SET synchronous_commit = off;

CREATE TEMP TABLE hostile_before AS
    SELECT name FROM medium_assoc.associations;

CREATE SCHEMA hostile;
CREATE TABLE hostile.victims (id integer);
INSERT INTO hostile.victims VALUES (1);

CREATE TABLE hostile.users (id integer PRIMARY KEY, name text);
CREATE TABLE hostile.posts (id integer PRIMARY KEY, junk integer, title text);
ALTER TABLE hostile.posts DROP COLUMN junk;
CREATE TABLE hostile.links (
    dropped integer,
    user_id integer REFERENCES hostile.users,
    post_id integer REFERENCES hostile.posts,
    kind    text,
    note    text,
    weight  integer,
    created timestamptz,
    gen     integer GENERATED ALWAYS AS (weight * 2) STORED,
    ident   integer GENERATED ALWAYS AS IDENTITY
);
ALTER TABLE hostile.links DROP COLUMN dropped;
CREATE TABLE hostile.tags (code text PRIMARY KEY);
CREATE TABLE hostile.post_tags (
    post_id  integer REFERENCES hostile.posts,
    tag_code text REFERENCES hostile.tags
);
CREATE TABLE hostile.nokey (id integer, name text);
CREATE VIEW hostile.users_view AS SELECT * FROM hostile.users;
CREATE SEQUENCE hostile.seq;
CREATE TYPE hostile.composite AS (a integer);
-- functions that take the names of would-be readers
CREATE FUNCTION hostile.taken(integer) RETURNS integer LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION hostile.taken2_batch(integer[]) RETURNS integer LANGUAGE sql AS 'SELECT 1';

INSERT INTO hostile.users SELECT g, 'user ' || g FROM generate_series(1, 5) g;
INSERT INTO hostile.posts SELECT g, 'post ' || g FROM generate_series(1, 5) g;
INSERT INTO hostile.tags VALUES ('a'), ('b'), ('数据'), ('x"y');

SELECT medium_assoc.belongs_to_many('hostile.users', 'hostile.posts', 'hostile.links', 'hostile_assoc');
SELECT medium_assoc.belongs_to_many('hostile.users', 'hostile.posts', 'hostile.links', 'hostile_scoped',
                                    scope => '{"kind": "fav"}');
SELECT medium_assoc.belongs_to_many('hostile.posts', 'hostile.tags', 'hostile.post_tags', 'hostile_tagged');

-- ---------------------------------------------------------------------------
-- Hostile but valid identifiers: schema, tables, columns, aliases and scope
-- values with quotes, semicolons, $$, backslashes, spaces, unicode and
-- reserved words.  Registration, readers and helpers must all work.
-- ---------------------------------------------------------------------------
CREATE SCHEMA "hostile ""S""; $$ü";
CREATE TABLE "hostile ""S""; $$ü"."src ""q""; DROP TABLE hostile.victims; --" (
    "id ""x"" $$ \" integer PRIMARY KEY,
    name text
);
CREATE TABLE "hostile ""S""; $$ü"."数据 🙂 tgt" (
    "ü key;" text PRIMARY KEY,
    "select" text
);
CREATE TABLE "hostile ""S""; $$ü"."thr $$ \ ;" (
    "fk"";--" integer REFERENCES "hostile ""S""; $$ü"."src ""q""; DROP TABLE hostile.victims; --",
    "ok $$ x" text REFERENCES "hostile ""S""; $$ü"."数据 🙂 tgt",
    "kind'; DROP" text,
    "note\" text
);
CREATE TABLE "hostile ""S""; $$ü"."follows ""me""" (
    "a;" integer REFERENCES "hostile ""S""; $$ü"."src ""q""; DROP TABLE hostile.victims; --",
    "b$$" integer REFERENCES "hostile ""S""; $$ü"."src ""q""; DROP TABLE hostile.victims; --"
);
-- 63-byte names of a table, its key, and the through table's columns
DO $ddl$
BEGIN
    EXECUTE format('CREATE TABLE %I.%I (%I text PRIMARY KEY)',
                   'hostile "S"; $$ü', repeat('t', 63), repeat('k', 63));
    EXECUTE format('CREATE TABLE %I.%I (%I integer, %I text)',
                   'hostile "S"; $$ü', repeat('l', 63), repeat('f', 63), repeat('o', 63));
END
$ddl$;
INSERT INTO "hostile ""S""; $$ü"."src ""q""; DROP TABLE hostile.victims; --"
    VALUES (1, 'one'), (2, 'two'), (3, 'three');
INSERT INTO "hostile ""S""; $$ü"."数据 🙂 tgt"
    VALUES ('k1', 'a'), ('k2''; DROP TABLE hostile.victims; --', 'b'), ('数据', 'c');
SELECT format('INSERT INTO %I.%I VALUES (''l1''), (''l2'')', 'hostile "S"; $$ü', repeat('t', 63)) \gexec

-- inferred keys; the alias is an injection attempt
SELECT medium_assoc.belongs_to_many('"hostile ""S""; $$ü"."src ""q""; DROP TABLE hostile.victims; --"',
    '"hostile ""S""; $$ü"."数据 🙂 tgt"', '"hostile ""S""; $$ü"."thr $$ \ ;"',
    'x"); DROP TABLE hostile.victims; --');
-- unicode alias; the scope's column and value are injection attempts
SELECT medium_assoc.belongs_to_many('"hostile ""S""; $$ü"."src ""q""; DROP TABLE hostile.victims; --"',
    '"hostile ""S""; $$ü"."数据 🙂 tgt"', '"hostile ""S""; $$ü"."thr $$ \ ;"',
    'ü数据🙂 "q" ;$$',
    scope => '{"kind''; DROP": "a''b\\c\"d$$; DROP TABLE hostile.victims; --"}');
-- a reserved word, the other direction, text source key
SELECT medium_assoc.belongs_to_many('"hostile ""S""; $$ü"."数据 🙂 tgt"',
    '"hostile ""S""; $$ü"."src ""q""; DROP TABLE hostile.victims; --"',
    '"hostile ""S""; $$ü"."thr $$ \ ;"', 'select');
-- a reserved word, self-referential, keys with ; and $$
SELECT medium_assoc.belongs_to_many('"hostile ""S""; $$ü"."src ""q""; DROP TABLE hostile.victims; --"',
    '"hostile ""S""; $$ü"."src ""q""; DROP TABLE hostile.victims; --"',
    '"hostile ""S""; $$ü"."follows ""me"""', 'user', foreign_key => 'a;', other_key => 'b$$');
-- a 57-byte alias (the longest), 63-byte table and column names, every key given
SELECT medium_assoc.belongs_to_many('"hostile ""S""; $$ü"."src ""q""; DROP TABLE hostile.victims; --"',
    format('%I.%I', 'hostile "S"; $$ü', repeat('t', 63)),
    format('%I.%I', 'hostile "S"; $$ü', repeat('l', 63)),
    repeat('数', 19), foreign_key => repeat('f', 63), other_key => repeat('o', 63),
    source_key => 'id "x" $$ \', target_key => repeat('k', 63));
-- backslash, $$, semicolon and quote in the alias; keys given
SELECT medium_assoc.belongs_to_many('"hostile ""S""; $$ü"."src ""q""; DROP TABLE hostile.victims; --"',
    '"hostile ""S""; $$ü"."数据 🙂 tgt"', '"hostile ""S""; $$ü"."thr $$ \ ;"',
    'a\b$$;''', foreign_key => 'fk";--', other_key => 'ok $$ x',
    source_key => 'id "x" $$ \', target_key => 'ü key;');

SELECT name, source, target, through, foreign_key, other_key, source_key, target_key, scope, reader
  FROM medium_assoc.associations
 WHERE source::text LIKE '"hostile ""S""%'
 ORDER BY name COLLATE "C";
SELECT p.oid::regprocedure AS function, obj_description(p.oid, 'pg_proc') AS comment
  FROM pg_proc p
 WHERE p.pronamespace = '"hostile ""S""; $$ü"'::regnamespace
 ORDER BY p.proname COLLATE "C";

SELECT medium_assoc.add('x"); DROP TABLE hostile.victims; --', 1, ARRAY['k1', 'k2''; DROP TABLE hostile.victims; --'],
                        '{"note\\": "n''); DROP TABLE hostile.victims; --"}');
SELECT medium_assoc.add('ü数据🙂 "q" ;$$', 1, '{k1,数据}');
SELECT medium_assoc.add('select', '数据', ARRAY[2, 3]);
SELECT medium_assoc.add('user', 1, ARRAY[2, 3]);
SELECT medium_assoc.add(repeat('数', 19), 2, '{l1,l2}');
SELECT medium_assoc.add('a\b$$;''', 3, 'k1');

SELECT * FROM "hostile ""S""; $$ü"."x""); DROP TABLE hostile.victims; --"(1) ORDER BY "ü key;" COLLATE "C";
SELECT * FROM "hostile ""S""; $$ü"."ü数据🙂 ""q"" ;$$"(1) ORDER BY "ü key;" COLLATE "C";
SELECT * FROM "hostile ""S""; $$ü"."select"('数据') ORDER BY 1;
SELECT * FROM "hostile ""S""; $$ü"."user"(1) ORDER BY 1;
SELECT * FROM "hostile ""S""; $$ü"."数数数数数数数数数数数数数数数数数数数"(2) ORDER BY 1 DESC;
SELECT * FROM "hostile ""S""; $$ü"."a\b$$;'"(3) ORDER BY "ü key;" COLLATE "C";
SELECT source, target FROM "hostile ""S""; $$ü"."x""); DROP TABLE hostile.victims; --_batch"('{1,2,3,NULL,1}')
 ORDER BY source, (target)."ü key;" COLLATE "C";
SELECT source, target FROM "hostile ""S""; $$ü"."select_batch"(ARRAY['数据', 'k1'])
 ORDER BY source COLLATE "C", (target)."id ""x"" $$ \";
-- link rows and documents: the reader's targets, the through rows' hostile
-- column names prefixed, nothing injected
SELECT (SELECT count(*) FROM "hostile ""S""; $$ü"."x""); DROP TABLE hostile.victims; --_links"(1)) =
       (SELECT count(*) FROM "hostile ""S""; $$ü"."x""); DROP TABLE hostile.victims; --"(1)) AS links_x,
       (SELECT count(*) FROM "hostile ""S""; $$ü"."select_links"('数据')) =
       (SELECT count(*) FROM "hostile ""S""; $$ü"."select"('数据')) AS links_select,
       (SELECT jsonb_array_length("a\b$$;'") FROM "hostile ""S""; $$ü"."a\b$$;'_json"(3)) =
       (SELECT count(*) FROM "hostile ""S""; $$ü"."a\b$$;'"(3)) AS json_a;
SELECT pg_get_function_result('"hostile ""S""; $$ü"."select_links"(text)'::regprocedure);
SELECT e FROM "hostile ""S""; $$ü"."a\b$$;'_json"(3) j, jsonb_array_elements(j."a\b$$;'") e
 ORDER BY e::text COLLATE "C";
-- has_many, belongs_to and a chain over hostile names
CREATE TABLE "hostile ""S""; $$ü"."posts; DROP" (
    "id $$" integer PRIMARY KEY,
    "by ""whom"" " integer REFERENCES "hostile ""S""; $$ü"."src ""q""; DROP TABLE hostile.victims; --"
);
INSERT INTO "hostile ""S""; $$ü"."posts; DROP" VALUES (1, NULL), (2, NULL);
SELECT medium_assoc.has_many('"hostile ""S""; $$ü"."src ""q""; DROP TABLE hostile.victims; --"',
    '"hostile ""S""; $$ü"."posts; DROP"', 'written$$;''x');
SELECT medium_assoc.belongs_to('"hostile ""S""; $$ü"."posts; DROP"',
    '"hostile ""S""; $$ü"."src ""q""; DROP TABLE hostile.victims; --"', 'by"q');
SELECT medium_assoc.add('written$$;''x', 2, ARRAY[1, 2]);
SELECT medium_assoc.count('written$$;''x', 2);
SELECT * FROM medium_assoc.set('by"q', 1, ARRAY[3]);
SELECT "id ""x"" $$ \", name FROM "hostile ""S""; $$ü"."by""q"(1);
SELECT medium_assoc.chain('ch"ain $$;', ARRAY['written$$;''x', 'by"q']);
SELECT "id ""x"" $$ \" FROM "hostile ""S""; $$ü"."ch""ain $$;"(2);
SELECT medium_assoc.drop_chain('ch"ain $$;');
SELECT medium_assoc.drop_association('by"q'), medium_assoc.drop_association('written$$;''x');
DROP TABLE "hostile ""S""; $$ü"."posts; DROP";

-- create(): a target row whose key and column names are hostile, through
-- the generic and the typed form, linked with a hostile scope
SELECT medium_assoc.create('ü数据🙂 "q" ;$$', 2,
    '{"ü key;": "k9'');--", "select": "x$$"}', '{"note\\": "n\"1"}');
SELECT "ü key;", "select" FROM "hostile ""S""; $$ü"."x""); DROP TABLE hostile.victims; --_create"(
    3, '{"ü key;": "$$k10", "select": null}');
SELECT "fk"";--", "ok $$ x", "kind'; DROP", "note\" FROM "hostile ""S""; $$ü"."thr $$ \ ;"
 WHERE "ok $$ x" IN ('k9'');--', '$$k10') ORDER BY "ok $$ x" COLLATE "C";
SELECT medium_assoc.count('x"); DROP TABLE hostile.victims; --', 1) AS count_x,
       medium_assoc.count('ü数据🙂 "q" ;$$', '1') AS count_u,
       medium_assoc.has('user', 1, '{2,3}') AS has_user,
       medium_assoc.has('select', '数据', ARRAY[1]) AS has_select;
-- the scope's value and the attrs were written literally, nothing was injected
SELECT * FROM "hostile ""S""; $$ü"."thr $$ \ ;"
 ORDER BY "fk"";--", "ok $$ x" COLLATE "C", "kind'; DROP" COLLATE "C", "note\" COLLATE "C";
SELECT medium_assoc.remove('ü数据🙂 "q" ;$$', 1, '数据');
-- the unscoped association sees (and so sets) the scoped association's links too
SELECT * FROM medium_assoc.set('x"); DROP TABLE hostile.victims; --', 1, '{k2''; DROP TABLE hostile.victims; --}');
SELECT "fk"";--", "ok $$ x" FROM "hostile ""S""; $$ü"."thr $$ \ ;" ORDER BY "fk"";--", "ok $$ x" COLLATE "C";
SELECT * FROM "hostile ""S""; $$ü"."follows ""me""" ORDER BY 1, 2;
SELECT count(*) AS victims FROM hostile.victims;

-- ---------------------------------------------------------------------------
-- Roles for the privilege cases
-- ---------------------------------------------------------------------------
CREATE ROLE regress_hostile_owner;
CREATE ROLE regress_hostile_other;
CREATE SCHEMA hostile_owned AUTHORIZATION regress_hostile_owner;
GRANT USAGE ON SCHEMA hostile_owned TO regress_hostile_other;
GRANT USAGE ON SCHEMA hostile TO regress_hostile_owner;
-- owned by regress_hostile_owner, in a schema where it may not create
CREATE TABLE hostile.owned_src (id integer PRIMARY KEY);
ALTER TABLE hostile.owned_src OWNER TO regress_hostile_owner;
SET ROLE regress_hostile_owner;
CREATE TABLE hostile_owned.users (id integer PRIMARY KEY);
CREATE TABLE hostile_owned.posts (id integer PRIMARY KEY);
CREATE TABLE hostile_owned.links (
    user_id integer REFERENCES hostile_owned.users,
    post_id integer REFERENCES hostile_owned.posts
);
CREATE TABLE hostile_owned.src_links (
    src_id  integer REFERENCES hostile.owned_src,
    post_id integer REFERENCES hostile_owned.posts
);
INSERT INTO hostile_owned.users SELECT generate_series(1, 3);
INSERT INTO hostile_owned.posts SELECT generate_series(1, 3);
GRANT SELECT ON hostile_owned.users, hostile_owned.posts TO regress_hostile_other;
SELECT medium_assoc.belongs_to_many('hostile_owned.users', 'hostile_owned.posts', 'hostile_owned.links',
                                    'hostile_owned_list');
SELECT medium_assoc.add('hostile_owned_list', 1, 1);
RESET ROLE;

-- ---------------------------------------------------------------------------
-- The corpus.  Every case is one SELECT of one value; the hostile values are
-- parameters ($1 association, $2 source, $3 targets, $4 through_attrs; for
-- belongs_to_many $1..$9 its arguments) or, to test untyped literals,
-- quote_literal()ed into the text.  expect: the SQLSTATE when it is certain.
-- ---------------------------------------------------------------------------
CREATE TABLE hostile.cases (
    id     serial PRIMARY KEY,
    fn     text NOT NULL,
    label  text NOT NULL,
    stmt   text NOT NULL,
    args   text[] NOT NULL DEFAULT '{}',
    role   text,
    expect text
);

-- an expression for a value: a typed parameter, an untyped literal ('lit'),
-- or fixed SQL (param NULL)
CREATE FUNCTION hostile.arg(expr text, n integer, param text) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$
    SELECT CASE WHEN expr = 'lit' THEN quote_nullable(param)
                ELSE replace(expr, '$?', '$' || n) END
$fn$;

-- source values for the integer-keyed hostile_assoc: expected SQLSTATE for
-- add/set (w), remove (rm), has/count (rd)
CREATE TABLE hostile.src_values (n serial, label text, expr text, param text, w text, rm text, rd text, small boolean DEFAULT false);
INSERT INTO hostile.src_values (label, expr, param, w, rm, rd, small) VALUES
    ('int 1',            '$?::integer',  '1',              '00000', '00000', '00000', true),
    ('int missing',      '$?::integer',  '999',            '23503', '00000', '00000', true),
    ('int -1',           '$?::integer',  '-1',             '23503', '00000', '00000', false),
    ('int max',          '$?::integer',  '2147483647',     '23503', '00000', '00000', false),
    ('int null',         '$?::integer',  NULL,             '22004', '22004', '00000', true),
    ('untyped null',     'NULL',         NULL,             '22004', '22004', '00000', true),
    ('smallint 1',       '$?::smallint', '1',              '00000', '00000', '00000', false),
    ('bigint 1',         '$?::bigint',   '1',              '00000', '00000', '00000', false),
    ('bigint 2^40',      '$?::bigint',   '1099511627776',  '22003', '22003', '22003', true),
    ('bigint -2^40',     '$?::bigint',   '-1099511627776', '22003', '22003', '22003', false),
    ('numeric 9e99',     '$?::numeric',  '9e99',           '22003', '22003', '22003', true),
    ('numeric 1.4',      '$?::numeric',  '1.4',            '00000', '00000', '00000', false),
    ('numeric NaN',      '$?::numeric',  'NaN',            '0A000', '0A000', '0A000', false),
    ('float8 1e300',     '$?::float8',   '1e300',          '22003', '22003', '22003', false),
    ('float8 Infinity',  '$?::float8',   'Infinity',       '22003', '22003', '22003', false),
    ('real NaN',         '$?::real',     'NaN',            '22003', '22003', '22003', false),
    ('text 1',           '$?::text',     '1',              '00000', '00000', '00000', true),
    ('text " 1 "',       '$?::text',     ' 1 ',            '00000', '00000', '00000', false),
    ('text empty',       '$?::text',     '',               '22P02', '22P02', '22P02', true),
    ('text abc',         '$?::text',     'abc',            '22P02', '22P02', '22P02', false),
    ('text 1.5',         '$?::text',     '1.5',            '22P02', '22P02', '22P02', false),
    ('text 2^40',        '$?::text',     '1099511627776',  '22003', '22003', '22003', false),
    ('text {1,2}',       '$?::text',     '{1,2}',          NULL,    NULL,    NULL,    false),
    ('text injection',   '$?::text',     '1; DROP TABLE hostile.victims; --', '22P02', '22P02', '22P02', true),
    ('text unicode',     '$?::text',     '数据🙂',         '22P02', '22P02', '22P02', false),
    ('text backslash',   '$?::text',     '1\',             '22P02', '22P02', '22P02', false),
    ('text $$',          '$?::text',     '$$1$$',          '22P02', '22P02', '22P02', false),
    ('varchar 1',        '$?::varchar',  '1',              '00000', '00000', '00000', false),
    ('name 1',           '$?::name',     '1',              '00000', '00000', '00000', false),
    ('char(3) 1',        '$?::char(3)',  '1',              '00000', '00000', '00000', false),
    ('untyped 1',        'lit',          '1',              '00000', '00000', '00000', true),
    ('untyped abc',      'lit',          'abc',            '22P02', '22P02', '22P02', false),
    ('untyped 9e99',     'lit',          '9e99',           '22P02', '22P02', '22P02', false),
    ('untyped 2^40',     'lit',          '1099511627776',  '22003', '22003', '22003', true),
    ('untyped empty',    'lit',          '',               '22P02', '22P02', '22P02', false),
    ('untyped quote',    'lit',          '1''',            '22P02', '22P02', '22P02', false),
    ('point',            '$?::point',    '(1,2)',          '42804', '42804', '42804', true),
    ('boolean',          '$?::boolean',  'true',           '42804', '42804', '42804', false),
    ('jsonb object',     '$?::jsonb',    '{"a": 1}',       '42804', '42804', '42804', true),
    ('jsonb 1',          '$?::jsonb',    '1',              '42804', '42804', '42804', false),
    ('money',            '$?::money',    '1',              '42804', '42804', '42804', false),
    ('bytea',            '$?::bytea',    '\x01',           '42804', '42804', '42804', false),
    ('uuid',             '$?::uuid',     '00000000-0000-0000-0000-000000000001', '42804', '42804', '42804', false),
    ('date',             '$?::date',     '2020-01-01',     '42804', '42804', '42804', false),
    ('int4range',        '$?::int4range', '[1,2)',         '42804', '42804', '42804', false),
    ('composite',        'ROW(1)::hostile.composite', NULL, '42804', '42804', '42804', false),
    ('oid 1',            '$?::oid',      '1',              NULL,    NULL,    NULL,    false),
    ('regclass',         '$?::regclass', 'hostile.users',  NULL,    NULL,    NULL,    false),
    ('int[]',            '$?::integer[]', '{1}',           '42804', '42804', '42804', true),
    ('int[][]',          '$?::integer[]', '{{1},{2}}',     '42804', '42804', '42804', false),
    ('empty int[]',      '$?::integer[]', '{}',            '42804', '42804', '42804', false),
    ('text[]',           '$?::text[]',   '{1}',            '42804', '42804', '42804', false),
    ('huge int[]',       'ARRAY(SELECT generate_series(1, 100000))', NULL, '42804', '42804', '42804', false);

-- target values for hostile_assoc (source 1): add/set (w), remove (rm), has (rd)
CREATE TABLE hostile.tgt_values (n serial, label text, expr text, param text, w text, rm text, rd text, small boolean DEFAULT false);
INSERT INTO hostile.tgt_values (label, expr, param, w, rm, rd, small) VALUES
    ('int 2',               '$?::integer',   '2',              '00000', '00000', '00000', true),
    ('int[] {2,3}',         '$?::integer[]', '{2,3}',          '00000', '00000', '00000', true),
    ('int[] empty',         '$?::integer[]', '{}',             '00000', '00000', '00000', true),
    ('int null',            '$?::integer',   NULL,             '22004', '22004', '00000', true),
    ('untyped null',        'NULL',          NULL,             '22004', '22004', '00000', false),
    ('int[] null',          '$?::integer[]', NULL,             '22004', '22004', '00000', false),
    ('int[] {2,NULL}',      '$?::integer[]', '{2,NULL}',       '22004', '22004', '00000', true),
    ('int[] {NULL}',        '$?::integer[]', '{NULL}',         '22004', '22004', '00000', false),
    ('int[] {2,2,3}',       '$?::integer[]', '{2,2,3}',        '00000', '00000', '00000', false),
    ('int[][]',             '$?::integer[]', '{{2,3},{4,5}}',  NULL,    NULL,    NULL,    true),
    ('int[] {2,999}',       '$?::integer[]', '{2,999}',        '23503', '00000', '00000', true),
    ('int[] {-1}',          '$?::integer[]', '{-1}',           '23503', '00000', '00000', false),
    ('int[] [0:1]={2,3}',   '$?::integer[]', '[0:1]={2,3}',    '00000', '00000', '00000', false),
    ('bigint 2',            '$?::bigint',    '2',              '00000', '00000', '00000', false),
    ('bigint 2^40',         '$?::bigint',    '1099511627776',  '22003', '22003', '22003', true),
    ('bigint[] {2^40}',     '$?::bigint[]',  '{2,1099511627776}', '22003', '22003', '22003', false),
    ('numeric 9e99',        '$?::numeric',   '9e99',           '22003', '22003', '22003', false),
    ('numeric[] {NaN}',     '$?::numeric[]', '{NaN}',          '0A000', '0A000', '0A000', false),
    ('float8 1e300',        '$?::float8',    '1e300',          '22003', '22003', '22003', false),
    ('text 2',              '$?::text',      '2',              '00000', '00000', '00000', true),
    ('text {2,3}',          '$?::text',      '{2,3}',          '00000', '00000', '00000', true),
    ('text "  {2}"',        '$?::text',      '  {2}',          '00000', '00000', '00000', false),
    ('text {}',             '$?::text',      '{}',             '00000', '00000', '00000', false),
    ('text {2,',            '$?::text',      '{2,',            '22P02', '22P02', '22P02', true),
    ('text {{2},{3}}',      '$?::text',      '{{2},{3}}',      NULL,    NULL,    NULL,    false),
    ('text {{2},{3,4}}',    '$?::text',      '{{2},{3,4}}',    '22P02', '22P02', '22P02', true),
    ('text empty',          '$?::text',      '',               '22P02', '22P02', '22P02', true),
    ('text abc',            '$?::text',      'abc',            '22P02', '22P02', '22P02', false),
    ('text [1:2]={2,3}',    '$?::text',      '[1:2]={2,3}',    '22P02', '22P02', '22P02', false),
    ('text {"2","3"}',      '$?::text',      '{"2","3"}',      '00000', '00000', '00000', false),
    ('text {2,abc}',        '$?::text',      '{2,abc}',        '22P02', '22P02', '22P02', false),
    ('text {2,NULL}',       '$?::text',      '{2,NULL}',       '22004', '22004', '00000', false),
    ('text injection',      '$?::text',      '2); DROP TABLE hostile.victims; --', '22P02', '22P02', '22P02', true),
    ('text {} injection',   '$?::text',      '{2}; DROP TABLE hostile.victims', '22P02', '22P02', '22P02', false),
    ('text unicode',        '$?::text',      '数据',           '22P02', '22P02', '22P02', false),
    ('text[] {2,3}',        '$?::text[]',    '{2,3}',          '00000', '00000', '00000', false),
    ('text[] {2,x}',        '$?::text[]',    '{2,x}',          '22P02', '22P02', '22P02', false),
    ('text[] {}',           '$?::text[]',    '{}',             '00000', '00000', '00000', false),
    ('varchar[] {2}',       '$?::varchar[]', '{2}',            '00000', '00000', '00000', false),
    ('untyped 2',           'lit',           '2',              '00000', '00000', '00000', true),
    ('untyped {2,3}',       'lit',           '{2,3}',          '00000', '00000', '00000', false),
    ('untyped {2,',         'lit',           '{2,',            '22P02', '22P02', '22P02', true),
    ('untyped {{2},{3}}',   'lit',           '{{2},{3}}',      NULL,    NULL,    NULL,    false),
    ('untyped empty',       'lit',           '',               '22P02', '22P02', '22P02', false),
    ('untyped {}',          'lit',           '{}',             '00000', '00000', '00000', false),
    ('point',               '$?::point',     '(1,2)',          '42804', '42804', '42804', true),
    ('point[]',             '$?::point[]',   '{"(1,2)"}',      '42804', '42804', '42804', false),
    ('empty point[]',       '$?::point[]',   '{}',             '42804', '42804', '42804', false),
    ('boolean',             '$?::boolean',   'true',           '42804', '42804', '42804', false),
    ('boolean[]',           '$?::boolean[]', '{t,f}',          '42804', '42804', '42804', false),
    ('jsonb array',         '$?::jsonb',     '[2, 3]',         '42804', '42804', '42804', true),
    ('jsonb[]',             '$?::jsonb[]',   '{2,3}',          '42804', '42804', '42804', false),
    ('int4range',           '$?::int4range', '[2,3]',          '42804', '42804', '42804', false),
    ('money[]',             '$?::money[]',   '{1}',            '42804', '42804', '42804', false),
    ('huge int[]',          'ARRAY(SELECT generate_series(1, 100000))', NULL, '23503', '00000', '00000', false),
    ('huge text[]',         'ARRAY(SELECT generate_series(1, 100000)::text)', NULL, '23503', '00000', '00000', false),
    ('huge untyped',        'lit',           (SELECT '{' || string_agg(g::text, ',') || '}' FROM generate_series(1, 100000) g),
                                                               '23503', '00000', '00000', false),
    ('huge int[] + null',   'ARRAY(SELECT generate_series(1, 100000)) || NULL::integer', NULL, '22004', '22004', '00000', false),
    ('huge int[] of 2',     'array_fill(2, ARRAY[100000])', NULL, '00000', '00000', '00000', false);

-- through_attrs for add and set on hostile_assoc (source 1, targets {2,3})
CREATE TABLE hostile.attr_values (n serial, val text, expect text);
INSERT INTO hostile.attr_values (val, expect) VALUES
    (NULL, '00000'), ('{}', '00000'), ('[]', '22023'), ('"x"', '22023'), ('1', '22023'),
    ('null', '22023'), ('true', '22023'), ('[{"note": 1}]', '22023'),
    ('{"a": {"b": 1}}', '42703'), ('{"user_id": 1}', '22023'), ('{"post_id": 1}', '22023'),
    ('{"kind": "x"}', '00000'), ('{"gen": 1}', '22023'), ('{"ident": 1}', '22023'),
    ('{"note": "x''); DROP TABLE hostile.victims; --"}', '00000'), ('{"nosuch": 1}', '42703'),
    ('{"weight": "abc"}', '22P02'), ('{"weight": 9e99}', '22003'), ('{"weight": 2147483648}', '22003'),
    ('{"weight": {"a": 1}}', '22P02'), ('{"weight": 1.5}', '22P02'), ('{"weight": [1]}', '22P02'),
    ('{"ctid": "(0,1)"}', '42703'), ('{"xmin": 1}', '42703'), ('{"tableoid": 1}', '42703'),
    ('{"": 1}', '42703'), ('{"created": "not a date"}', '22007'), ('{"created": "infinity"}', '00000'),
    ('{"........pg.dropped.1........": 1}', '42703'), ('{"note": null}', '00000'), ('{"NOTE": 1}', '42703'),
    ('{"weight": 1, "nosuch": 2}', '42703'), ('{"note": [1, 2]}', '00000'), ('{"note": "数据🙂 $$ \\ \""}', '00000');

-- association names
CREATE TABLE hostile.assoc_values (n serial, val text, valid boolean, small boolean DEFAULT false);
INSERT INTO hostile.assoc_values (val, valid, small) VALUES
    ('hostile_assoc', true, true), ('hostile_scoped', true, true), ('hostile_tagged', true, true),
    ('x"); DROP TABLE hostile.victims; --', true, true), ('ü数据🙂 "q" ;$$', true, false),
    ('select', true, false), ('user', true, false), (repeat('数', 19), true, false), ('a\b$$;''', true, false),
    (NULL, NULL, true), ('', false, true), ('nosuch', false, false), ('HOSTILE_ASSOC', false, true),
    (' hostile_assoc', false, false), ('hostile_assoc ', false, false), ('hostile_assoc_batch', false, false),
    ('hostile.hostile_assoc', false, false), ('medium_assoc.hostile_assoc', false, false),
    ('x"); DROP TABLE hostile.victims; --x', false, false), ('$$', false, false), ('$$;$$', false, false),
    ('a\b', false, false), (E'tab\there', false, false), (E'new\nline', false, false),
    ('ü', false, false), ('数据', false, false), ('🙂', false, false), ('table', false, false),
    (repeat('a', 63), false, false), (repeat('a', 64), false, true), (repeat('x', 10000), false, false),
    ('''', false, false), ('"', false, false), (';', false, false), ('%s', false, false), ('%I', false, false),
    ('\0', false, false), ('hostile_owned_list', true, false);

-- 1. one argument at a time, the others valid
INSERT INTO hostile.cases (fn, label, stmt, args, expect)
SELECT f.fn, 'source ' || v.label,
       format(f.tmpl, '$1', hostile.arg(v.expr, 2, v.param), '$3::integer[]', '$4::jsonb'),
       ARRAY['hostile_assoc', v.param, '{2,3}', NULL],
       CASE f.fn WHEN 'add' THEN v.w WHEN 'set' THEN v.w WHEN 'remove' THEN v.rm ELSE v.rd END
  FROM hostile.src_values v,
       (VALUES (1, 'add', 'SELECT medium_assoc.add(%s, %s, %s, %s)::text'),
               (2, 'remove', 'SELECT medium_assoc.remove(%s, %s, %s)::text'),
               (3, 'set', 'SELECT (SELECT row(added, removed)::text FROM medium_assoc.set(%s, %s, %s, %s))'),
               (4, 'has', 'SELECT medium_assoc.has(%s, %s, %s)::text'),
               (5, 'count', 'SELECT medium_assoc.count(%s, %s)::text')) AS f(o, fn, tmpl)
 ORDER BY v.n, f.o;

INSERT INTO hostile.cases (fn, label, stmt, args, expect)
SELECT f.fn, 'targets ' || v.label,
       format(f.tmpl, '$1', '$2::integer', hostile.arg(v.expr, 3, v.param), '$4::jsonb'),
       ARRAY['hostile_assoc', '1', CASE WHEN v.expr = 'lit' THEN NULL ELSE v.param END, NULL],
       CASE f.fn WHEN 'add' THEN v.w WHEN 'set' THEN v.w WHEN 'remove' THEN v.rm ELSE v.rd END
  FROM hostile.tgt_values v,
       (VALUES (1, 'add', 'SELECT medium_assoc.add(%s, %s, %s, %s)::text'),
               (2, 'remove', 'SELECT medium_assoc.remove(%s, %s, %s)::text'),
               (3, 'set', 'SELECT (SELECT row(added, removed)::text FROM medium_assoc.set(%s, %s, %s, %s))'),
               (4, 'has', 'SELECT medium_assoc.has(%s, %s, %s)::text')) AS f(o, fn, tmpl)
 ORDER BY v.n, f.o;

INSERT INTO hostile.cases (fn, label, stmt, args, expect)
SELECT f.fn, format('through_attrs %s on %s', coalesce(v.val, 'NULL'), a.name),
       format(f.tmpl, '$1', '$2::integer', '$3::integer[]', '$4::jsonb'),
       ARRAY[a.name, '1', '{2,3}', v.val],
       CASE WHEN a.name = 'hostile_assoc' THEN v.expect
            WHEN a.name = 'hostile_scoped' AND v.val = '{"kind": "x"}' THEN '22023' END
  FROM hostile.attr_values v,
       (VALUES (1, 'hostile_assoc'), (2, 'hostile_scoped')) AS a(o, name),
       (VALUES (1, 'add', 'SELECT medium_assoc.add(%s, %s, %s, %s)::text'),
               (2, 'set', 'SELECT (SELECT row(added, removed)::text FROM medium_assoc.set(%s, %s, %s, %s))')) AS f(o, fn, tmpl)
 ORDER BY a.o, v.n, f.o;

INSERT INTO hostile.cases (fn, label, stmt, args, expect)
SELECT f.fn, 'association ' || coalesce(quote_literal(left(v.val, 70)), 'NULL'),
       format(f.tmpl, '$1', '$2::integer', '$3::integer[]', '$4::jsonb'),
       ARRAY[v.val, '1', '{2,3}', NULL],
       CASE WHEN v.valid THEN NULL
            WHEN NOT v.valid THEN '42704'
            WHEN f.fn IN ('has', 'count') THEN '00000'
            ELSE '22004' END
  FROM hostile.assoc_values v,
       (VALUES (1, 'add', 'SELECT medium_assoc.add(%s, %s, %s, %s)::text'),
               (2, 'remove', 'SELECT medium_assoc.remove(%s, %s, %s)::text'),
               (3, 'set', 'SELECT (SELECT row(added, removed)::text FROM medium_assoc.set(%s, %s, %s, %s))'),
               (4, 'has', 'SELECT medium_assoc.has(%s, %s, %s)::text'),
               (5, 'count', 'SELECT medium_assoc.count(%s, %s)::text'),
               (6, 'drop_association', 'SELECT medium_assoc.drop_association(%s)::text')) AS f(o, fn, tmpl)
 WHERE f.fn <> 'drop_association' OR v.valid IS NOT TRUE
 ORDER BY v.n, f.o;

-- 2. cross products: source x targets, association x source, for every helper
INSERT INTO hostile.cases (fn, label, stmt, args)
SELECT f.fn, format('source %s x targets %s', s.label, t.label),
       format(f.tmpl, '$1', hostile.arg(s.expr, 2, s.param), hostile.arg(t.expr, 3, t.param), 'NULL::jsonb'),
       ARRAY['hostile_assoc', CASE WHEN s.expr = 'lit' THEN NULL ELSE s.param END,
             CASE WHEN t.expr = 'lit' THEN NULL ELSE t.param END]
  FROM hostile.src_values s, hostile.tgt_values t,
       (VALUES (1, 'add', 'SELECT medium_assoc.add(%s, %s, %s, %s)::text'),
               (2, 'remove', 'SELECT medium_assoc.remove(%s, %s, %s)::text'),
               (3, 'set', 'SELECT (SELECT row(added, removed)::text FROM medium_assoc.set(%s, %s, %s, %s))'),
               (4, 'has', 'SELECT medium_assoc.has(%s, %s, %s)::text')) AS f(o, fn, tmpl)
 WHERE s.small AND t.small
 ORDER BY s.n, t.n, f.o;

INSERT INTO hostile.cases (fn, label, stmt, args)
SELECT f.fn, format('association %s x source %s', coalesce(quote_literal(left(a.val, 70)), 'NULL'), s.label),
       format(f.tmpl, '$1', hostile.arg(s.expr, 2, s.param), 'ARRAY[2, 3]', 'NULL::jsonb'),
       ARRAY[a.val, CASE WHEN s.expr = 'lit' THEN NULL ELSE s.param END]
  FROM hostile.assoc_values a, hostile.src_values s,
       (VALUES (1, 'add', 'SELECT medium_assoc.add(%s, %s, %s, %s)::text'),
               (2, 'has', 'SELECT medium_assoc.has(%s, %s, %s)::text'),
               (3, 'count', 'SELECT medium_assoc.count(%s, %s)::text')) AS f(o, fn, tmpl)
 WHERE a.small AND s.small
 ORDER BY a.n, s.n, f.o;

-- 3. the readers and batch readers
INSERT INTO hostile.cases (fn, label, stmt, args, expect)
SELECT 'reader', format('%s(%s)', r.reader, v.label),
       format('SELECT count(*)::text FROM %s(%s)', r.reader, hostile.arg(v.expr, 1, v.param)),
       ARRAY[CASE WHEN v.expr = 'lit' THEN NULL ELSE v.param END], v.expect
  FROM (VALUES (1, 'hostile.hostile_assoc', 'integer'), (2, 'hostile.hostile_scoped', 'integer'),
               (3, 'hostile.hostile_tagged', 'integer'),
               (4, '"hostile ""S""; $$ü"."x""); DROP TABLE hostile.victims; --"', 'integer'),
               (5, '"hostile ""S""; $$ü"."select"', 'text'),
               (6, '"hostile ""S""; $$ü"."a\b$$;''"', 'integer')) AS r(o, reader, keytype),
       (VALUES (1, 'integer', 'int 1', '$?::integer', '1', '00000'),
               (2, 'integer', 'int missing', '$?::integer', '999', '00000'),
               (3, 'integer', 'int -1', '$?::integer', '-1', '00000'),
               (4, 'integer', 'int null', '$?::integer', NULL, '00000'),
               (5, 'integer', 'untyped null', 'NULL', NULL, '00000'),
               (6, 'integer', 'smallint 1', '$?::smallint', '1', '00000'),
               (7, 'integer', 'untyped 1', 'lit', '1', '00000'),
               (8, 'integer', 'untyped abc', 'lit', 'abc', '22P02'),
               (9, 'integer', 'untyped 2^31', 'lit', '2147483648', '22003'),
               (10, 'integer', 'untyped empty', 'lit', '', '22P02'),
               (11, 'integer', 'untyped injection', 'lit', '1); DROP TABLE hostile.victims; --', '22P02'),
               (12, 'text', 'text k1', '$?::text', 'k1', '00000'),
               (13, 'text', 'text unicode', '$?::text', '数据', '00000'),
               (14, 'text', 'text null', '$?::text', NULL, '00000'),
               (15, 'text', 'text empty', '$?::text', '', '00000'),
               (16, 'text', 'untyped injection', 'lit', 'k2''; DROP TABLE hostile.victims; --', '00000'),
               (17, 'text', 'text huge', 'repeat(''x'', 100000)', NULL, '00000')) AS v(o, keytype, label, expr, param, expect)
 WHERE v.keytype = r.keytype
 ORDER BY r.o, v.o;

INSERT INTO hostile.cases (fn, label, stmt, args, expect)
SELECT 'batch', format('%s(%s)', r.reader, v.label),
       format('SELECT count(*)::text FROM %s(%s)', r.reader, hostile.arg(v.expr, 1, v.param)),
       ARRAY[CASE WHEN v.expr = 'lit' THEN NULL ELSE v.param END], v.expect
  FROM (VALUES (1, 'hostile.hostile_assoc_batch', 'integer'), (2, 'hostile.hostile_scoped_batch', 'integer'),
               (3, 'hostile.hostile_tagged_batch', 'integer'),
               (4, '"hostile ""S""; $$ü"."x""); DROP TABLE hostile.victims; --_batch"', 'integer'),
               (5, '"hostile ""S""; $$ü"."select_batch"', 'text')) AS r(o, reader, keytype),
       (VALUES (1, 'integer', 'int[] {1,2}', '$?::integer[]', '{1,2}', '00000'),
               (2, 'integer', 'int[] empty', '$?::integer[]', '{}', '00000'),
               (3, 'integer', 'int[] null', '$?::integer[]', NULL, '00000'),
               (4, 'integer', 'untyped null', 'NULL', NULL, '00000'),
               (5, 'integer', 'int[] {NULL}', '$?::integer[]', '{NULL}', '00000'),
               (6, 'integer', 'int[] {1,1,NULL}', '$?::integer[]', '{1,1,NULL}', '00000'),
               (7, 'integer', 'int[][]', '$?::integer[]', '{{1,2},{3,4}}', '00000'),
               (8, 'integer', 'int[] [5:6]={1,2}', '$?::integer[]', '[5:6]={1,2}', '00000'),
               (9, 'integer', 'huge int[]', 'ARRAY(SELECT generate_series(1, 100000))', NULL, '00000'),
               (10, 'integer', 'untyped {1,2}', 'lit', '{1,2}', '00000'),
               (11, 'integer', 'untyped {1,', 'lit', '{1,', '22P02'),
               (12, 'integer', 'untyped abc', 'lit', 'abc', '22P02'),
               (13, 'integer', 'untyped {2147483648}', 'lit', '{2147483648}', '22003'),
               (14, 'text', 'text[] {k1,数据}', '$?::text[]', '{k1,数据}', '00000'),
               (15, 'text', 'text[] {NULL,""}', '$?::text[]', '{NULL,""}', '00000'),
               (16, 'text', 'huge text[]', 'ARRAY(SELECT repeat(''x'', g) FROM generate_series(1, 2000) g)', NULL, '00000')) AS v(o, keytype, label, expr, param, expect)
 WHERE v.keytype = r.keytype
 ORDER BY r.o, v.o;

INSERT INTO hostile.cases (fn, label, stmt, expect) VALUES
    ('reader', 'LATERAL over every user',
     'SELECT count(*)::text FROM hostile.users u LEFT JOIN LATERAL hostile.hostile_assoc(u.id) p ON true', '00000'),
    ('reader', 'in the select list',
     'SELECT count(*)::text FROM (SELECT hostile.hostile_assoc(id) FROM hostile.users) s', '00000'),
    ('reader', 'NULL in the select list',
     'SELECT count(*)::text FROM (SELECT hostile.hostile_assoc(NULL)) s', '00000'),
    ('batch', 'LATERAL over arrays',
     'SELECT count(*)::text FROM (VALUES (ARRAY[1]), (NULL), (''{}''), (ARRAY[1, 2, NULL])) v(a), LATERAL hostile.hostile_assoc_batch(v.a) b', '00000');

-- 4. belongs_to_many: every table triple, then each argument alone
INSERT INTO hostile.cases (fn, label, stmt, args, expect)
SELECT 'belongs_to_many', format('tables %s, %s, %s', coalesce(s.r, 'NULL'), coalesce(t.r, 'NULL'), coalesce(th.r, 'NULL')),
       'SELECT medium_assoc.belongs_to_many($1::regclass, $2::regclass, $3::regclass, $4::name, $5::name, $6::name, $7::name, $8::name, $9::jsonb)::text',
       ARRAY[s.r, t.r, th.r, 'hostile_triple', NULL, NULL, NULL, NULL, NULL],
       CASE WHEN 'hostile.nosuch' IN (s.r, t.r, th.r) THEN '42P01'
            WHEN s.r IS NULL OR t.r IS NULL OR th.r IS NULL THEN '22004' END
  FROM (VALUES (1, 'hostile.users'), (2, 'hostile.posts'), (3, 'hostile.links'), (4, 'hostile.users_view'),
               (5, 'hostile.nosuch'), (6, NULL), (7, 'hostile.nokey'), (8, 'hostile.post_tags')) AS s(o, r),
       (VALUES (1, 'hostile.users'), (2, 'hostile.posts'), (3, 'hostile.links'), (4, 'hostile.users_view'),
               (5, 'hostile.nosuch'), (6, NULL), (7, 'hostile.nokey'), (8, 'hostile.post_tags')) AS t(o, r),
       (VALUES (1, 'hostile.users'), (2, 'hostile.posts'), (3, 'hostile.links'), (4, 'hostile.users_view'),
               (5, 'hostile.nosuch'), (6, NULL), (7, 'hostile.nokey'), (8, 'hostile.post_tags')) AS th(o, r)
 ORDER BY s.o, t.o, th.o;

INSERT INTO hostile.cases (fn, label, stmt, args, expect)
SELECT 'belongs_to_many', format('%s %s', p.arg, coalesce(quote_literal(r.val), 'NULL')),
       'SELECT medium_assoc.belongs_to_many($1::regclass, $2::regclass, $3::regclass, $4::name, $5::name, $6::name, $7::name, $8::name, $9::jsonb)::text',
       ARRAY[CASE p.pos WHEN 1 THEN r.val ELSE 'hostile.users' END,
             CASE p.pos WHEN 2 THEN r.val ELSE 'hostile.posts' END,
             CASE p.pos WHEN 3 THEN r.val ELSE 'hostile.links' END,
             format('hostile_rel_%s_%s', p.pos, r.o), NULL, NULL, NULL, NULL, NULL],
       r.expect
  FROM (VALUES (1, 'source'), (2, 'target'), (3, 'through')) AS p(pos, arg),
       (VALUES (1, 'hostile.nosuch', '42P01'), (2, 'nosuchschema.t', '3F000'), (3, 'a.b.c.d', '42601'),
               (4, '"unterminated', '42602'), (5, '', '42602'), (6, 'x"); DROP TABLE hostile.victims; --', '42602'),
               (7, 'hostile.users_view', '42809'), (8, 'hostile.seq', '42809'), (9, 'hostile.composite', '42809'),
               (10, '0', '42P01'), (11, '4294967295', '42P01'), (12, NULL, '22004'),
               (13, 'hostile."USERS"', '42P01'), (14, 'hostile.' || repeat('z', 64), '42P01'),
               (15, 'hostile.users; DROP TABLE hostile.victims', '42602'), (16, 'hostile.$$', '42P01'),
               (17, 'otherdb.hostile.users', '0A000'), (18, 'hostile.nokey', NULL), (19, 'hostile.tags', NULL),
               (20, 'pg_catalog.pg_class', NULL)) AS r(o, val, expect)
 ORDER BY p.pos, r.o;

INSERT INTO hostile.cases (fn, label, stmt, args, expect)
SELECT 'belongs_to_many', 'alias ' || coalesce(quote_literal(left(a.val, 70)), 'NULL'),
       'SELECT medium_assoc.belongs_to_many($1::regclass, $2::regclass, $3::regclass, $4::name, $5::name, $6::name, $7::name, $8::name, $9::jsonb)::text',
       ARRAY['hostile.users', 'hostile.posts', 'hostile.links', a.val, NULL, NULL, NULL, NULL, NULL],
       a.expect
  FROM (VALUES (1, '', '22023'), (2, ' ', '00000'), (3, 'hostile_alias_ok', '00000'), (4, 'select', '42710'),
               (5, 'user', '42710'), (6, 'table', '00000'), (7, '$$', '00000'), (8, 'a\b', '00000'),
               (9, '"', '00000'), (10, '''', '00000'), (11, ';', '00000'),
               (12, 'x"); DROP TABLE hostile.victims; --', '42710'), (13, 'ü', '00000'), (14, '数据', '00000'),
               (15, '🙂', '00000'), (16, repeat('数', 19), '42710'), (17, repeat('数', 18) || 'xyz', '00000'),
               (18, repeat('数', 19) || 'x', '22023'), (19, repeat('🙂', 14), '00000'), (20, repeat('🙂', 15), '22023'),
               (21, repeat('a', 57), '00000'), (22, repeat('a', 58), '22023'), (23, repeat('a', 63), '22023'),
               (24, repeat('a', 64), '22023'), (25, repeat('b', 10000), '22023'), (26, 'hostile_assoc', '42710'),
               (27, 'HOSTILE_ASSOC', '00000'), (28, 'taken', '42710'), (29, 'taken2', '42710'),
               (30, 'hostile_assoc_batch', '00000'), (31, NULL, '22004'), (32, 'hostile_owned_list', '42710'),
               (33, 'medium_assoc', '00000'), (34, 'count', '00000'), (35, 'a.b', '00000'), (36, E'new\nline', '00000'),
               (37, 'ü', '42710')) AS a(o, val, expect)
 ORDER BY a.o;

INSERT INTO hostile.cases (fn, label, stmt, args, expect)
SELECT 'belongs_to_many', format('%s %s', p.arg, coalesce(quote_literal(left(k.val, 70)), 'NULL')),
       'SELECT medium_assoc.belongs_to_many($1::regclass, $2::regclass, $3::regclass, $4::name, $5::name, $6::name, $7::name, $8::name, $9::jsonb)::text',
       ARRAY['hostile.users', 'hostile.posts', 'hostile.links', format('hostile_key_%s_%s', p.pos, k.o),
             CASE p.pos WHEN 5 THEN k.val END, CASE p.pos WHEN 6 THEN k.val END,
             CASE p.pos WHEN 7 THEN k.val END, CASE p.pos WHEN 8 THEN k.val END, NULL],
       CASE WHEN k.missing THEN '42703'
            WHEN k.val IS NULL THEN '00000'
            WHEN p.pos = 5 AND k.val IN ('user_id', 'weight') THEN '00000'
            WHEN p.pos = 6 AND k.val IN ('post_id', 'weight') THEN '00000'
            WHEN p.pos IN (5, 6) AND k.val IN ('kind', 'note') THEN '42804'
            WHEN p.pos IN (5, 6) AND k.val IN ('gen', 'ident') THEN '22023'
            WHEN p.pos IN (5, 6) AND k.val IN ('id', 'name', 'title') THEN '42703'
            WHEN p.pos IN (7, 8) AND k.val = 'id' THEN '00000'
            WHEN p.pos IN (7, 8) AND k.val IN ('user_id', 'post_id', 'kind', 'note', 'weight', 'gen', 'ident') THEN '42703'
            WHEN p.pos = 7 AND k.val = 'name' THEN '42830'
            WHEN p.pos = 7 AND k.val = 'title' THEN '42703'
            WHEN p.pos = 8 AND k.val = 'title' THEN '42830'
            WHEN p.pos = 8 AND k.val = 'name' THEN '42703' END
  FROM (VALUES (5, 'foreign_key'), (6, 'other_key'), (7, 'source_key'), (8, 'target_key')) AS p(pos, arg),
       (VALUES (1, NULL, false), (2, 'user_id', false), (3, 'post_id', false), (4, 'id', false),
               (5, 'kind', false), (6, 'note', false), (7, 'weight', false), (8, 'name', false),
               (9, 'title', false), (10, 'nosuch', true), (11, '', true), (12, 'ctid', true),
               (13, 'tableoid', true), (14, 'USER_ID', true), (15, '"user_id"', true),
               (16, 'user_id; DROP TABLE hostile.victims; --', true), (17, '........pg.dropped.1........', true),
               (18, '........pg.dropped.2........', true), (19, repeat('k', 64), true), (20, '数据', true),
               (21, 'gen', false), (22, 'ident', false)) AS k(o, val, missing)
 ORDER BY p.pos, k.o;

INSERT INTO hostile.cases (fn, label, stmt, args, expect)
SELECT 'belongs_to_many', 'scope ' || coalesce(s.val, 'NULL'),
       'SELECT medium_assoc.belongs_to_many($1::regclass, $2::regclass, $3::regclass, $4::name, $5::name, $6::name, $7::name, $8::name, $9::jsonb)::text',
       ARRAY['hostile.users', 'hostile.posts', 'hostile.links', format('hostile_scope_%s', s.o), NULL, NULL, NULL, NULL, s.val],
       s.expect
  FROM (VALUES (1, NULL, '00000'), (2, '{}', '00000'), (3, '[]', '22023'), (4, '"x"', '22023'), (5, '1', '22023'),
               (6, 'null', '22023'), (7, 'true', '22023'), (8, '{"a": {"b": 1}}', '22023'), (9, '{"kind": [1]}', '22023'),
               (10, '{"kind": {"a": 1}}', '22023'), (11, '{"user_id": 1}', '22023'), (12, '{"post_id": 1}', '22023'),
               (13, '{"kind": "fav"}', '00000'), (14, '{"kind": null}', '00000'), (15, '{"kind": 1}', '00000'),
               (16, '{"kind": true}', '00000'), (17, '{"nosuch": 1}', '42703'), (18, '{"weight": "abc"}', '22023'),
               (19, '{"weight": 9e99}', '22023'), (20, '{"weight": 1.5}', '22023'), (21, '{"weight": 1}', '00000'),
               (22, '{"created": "nope"}', '22023'), (23, '{"created": "2020-01-01"}', '00000'),
               (24, '{"gen": 2}', '22023'), (25, '{"ident": 1}', '22023'), (26, '{"": 1}', '42703'),
               (27, '{"ctid": "(0,1)"}', '42703'), (28, '{"note": "x''); DROP TABLE hostile.victims; --"}', '00000'),
               (29, '{"kind": "a\\b\"c''d$$"}', '00000'), (30, '{"KIND": 1}', '42703'),
               (31, '{"........pg.dropped.1........": 1}', '42703'), (32, '{"kind": "fav", "weight": 1}', '00000'),
               (33, '{"kind": "fav", "nosuch": 1}', '42703'), (34, '[{"kind": "fav"}]', '22023')) AS s(o, val, expect)
 ORDER BY s.o;

-- every association the cases above may have registered, in use
INSERT INTO hostile.cases (fn, label, stmt, args)
SELECT f.fn, format('%s on %s', f.fn, a.name),
       format(f.tmpl, '$1', '$2::integer', '$3::integer[]', 'NULL::jsonb'),
       ARRAY[a.name, '1', '{2,3}']
  FROM (SELECT 1 AS o, 'hostile_triple' AS name
        UNION ALL SELECT 2, format('hostile_key_%s_%s', p, k) FROM generate_series(5, 8) p, generate_series(1, 22) k
        UNION ALL SELECT 3, format('hostile_scope_%s', s) FROM generate_series(1, 34) s) AS a,
       (VALUES (1, 'add', 'SELECT medium_assoc.add(%s, %s, %s, %s)::text'),
               (2, 'has', 'SELECT medium_assoc.has(%s, %s, %s)::text'),
               (3, 'count', 'SELECT medium_assoc.count(%s, %s)::text'),
               (4, 'set', 'SELECT (SELECT row(added, removed)::text FROM medium_assoc.set(%s, %s, %s, %s))'),
               (5, 'remove', 'SELECT medium_assoc.remove(%s, %s, %s)::text')) AS f(o, fn, tmpl)
 ORDER BY a.o, a.name, f.o;

-- 5. other roles
INSERT INTO hostile.cases (fn, label, stmt, args, role, expect) VALUES
    ('belongs_to_many', 'not the owner of the source',
     'SELECT medium_assoc.belongs_to_many($1::regclass, $2::regclass, $3::regclass, $4::name)::text',
     '{hostile_owned.users,hostile_owned.posts,hostile_owned.links,hostile_role_1}', 'regress_hostile_other', '42501'),
    ('belongs_to_many', 'no REFERENCES on target and through',
     'SELECT medium_assoc.belongs_to_many($1::regclass, $2::regclass, $3::regclass, $4::name, $5::name, $6::name)::text',
     '{hostile_owned.users,hostile.posts,hostile.links,hostile_role_2,user_id,post_id}', 'regress_hostile_owner', '42501'),
    ('belongs_to_many', 'owner of the source, no CREATE on its schema',
     'SELECT medium_assoc.belongs_to_many($1::regclass, $2::regclass, $3::regclass, $4::name)::text',
     '{hostile.owned_src,hostile_owned.posts,hostile_owned.src_links,hostile_role_3}', 'regress_hostile_owner', '42501'),
    ('belongs_to_many', 'not the owner of a source it may read',
     'SELECT medium_assoc.belongs_to_many($1::regclass, $2::regclass, $3::regclass, $4::name)::text',
     '{hostile.users,hostile.posts,hostile.links,hostile_role_4}', 'regress_hostile_owner', '42501'),
    ('belongs_to_many', 'owner registers',
     'SELECT medium_assoc.belongs_to_many($1::regclass, $2::regclass, $3::regclass, $4::name)::text',
     '{hostile_owned.users,hostile_owned.posts,hostile_owned.links,hostile_owned_two}', 'regress_hostile_owner', '00000'),
    ('drop_association', 'not the owner', 'SELECT medium_assoc.drop_association($1)::text',
     '{hostile_owned_list}', 'regress_hostile_other', '42501'),
    ('drop_association', 'not the owner of hostile_assoc', 'SELECT medium_assoc.drop_association($1)::text',
     '{hostile_assoc}', 'regress_hostile_owner', '42501'),
    ('add', 'no INSERT on through', 'SELECT medium_assoc.add($1, $2::integer, $3::integer)::text',
     '{hostile_owned_list,1,2}', 'regress_hostile_other', '42501'),
    ('remove', 'no DELETE on through', 'SELECT medium_assoc.remove($1, $2::integer, $3::integer)::text',
     '{hostile_owned_list,1,1}', 'regress_hostile_other', '42501'),
    ('set', 'no privileges on through', 'SELECT (SELECT row(added, removed)::text FROM medium_assoc.set($1, $2::integer, $3::integer))',
     '{hostile_owned_list,1,2}', 'regress_hostile_other', '42501'),
    ('has', 'no SELECT on through', 'SELECT medium_assoc.has($1, $2::integer, $3::integer)::text',
     '{hostile_owned_list,1,1}', 'regress_hostile_other', '42501'),
    ('count', 'no SELECT on through', 'SELECT medium_assoc.count($1, $2::integer)::text',
     '{hostile_owned_list,1}', 'regress_hostile_other', '42501'),
    ('reader', 'no SELECT on through', 'SELECT count(*)::text FROM hostile_owned.hostile_owned_list($1::integer)',
     '{1}', 'regress_hostile_other', '42501'),
    ('batch', 'no SELECT on through', 'SELECT count(*)::text FROM hostile_owned.hostile_owned_list_batch($1::integer[])',
     '{"{1,2}"}', 'regress_hostile_other', '42501'),
    ('add', 'no privileges on the tables', 'SELECT medium_assoc.add($1, $2::integer, $3::integer)::text',
     '{hostile_assoc,1,2}', 'regress_hostile_owner', '42501'),
    ('count', 'no privileges on the tables', 'SELECT medium_assoc.count($1, $2::integer)::text',
     '{hostile_assoc,1}', 'regress_hostile_owner', '42501'),
    ('reader', 'no privileges on the tables', 'SELECT count(*)::text FROM hostile.hostile_assoc($1::integer)',
     '{1}', 'regress_hostile_owner', '42501'),
    ('add', 'owner adds', 'SELECT medium_assoc.add($1, $2::integer, $3::integer[])::text',
     '{hostile_owned_list,2,"{1,2,3}"}', 'regress_hostile_owner', '00000'),
    ('set', 'owner sets', 'SELECT (SELECT row(added, removed)::text FROM medium_assoc.set($1, $2::integer, $3::integer[]))',
     '{hostile_owned_two,2,"{3}"}', 'regress_hostile_owner', '00000'),
    ('count', 'owner counts', 'SELECT medium_assoc.count($1, $2::integer)::text',
     '{hostile_owned_two,2}', 'regress_hostile_owner', '00000'),
    ('drop_association', 'owner drops', 'SELECT medium_assoc.drop_association($1)::text',
     '{hostile_owned_two}', 'regress_hostile_owner', '00000');

-- 6. dropping: the registered hostile aliases, then again (gone)
INSERT INTO hostile.cases (fn, label, stmt, args, expect)
SELECT 'drop_association', format('%s %s', w.what, quote_literal(left(d.val, 70))),
       'SELECT medium_assoc.drop_association($1)::text', ARRAY[d.val], w.expect
  FROM (VALUES (1, 'drop', '00000'), (2, 'drop again', '42704')) AS w(o, what, expect),
       (VALUES (1, ' '), (2, '$$'), (3, 'a\b'), (4, '"'), (5, ''''), (6, ';'), (7, 'ü'), (8, '数据'), (9, '🙂'),
               (10, 'hostile_triple'), (11, repeat('a', 57)), (12, E'new\nline'), (13, 'hostile_assoc_batch'),
               (14, 'count'), (15, 'HOSTILE_ASSOC')) AS d(o, val)
 ORDER BY w.o, d.o;

-- ---------------------------------------------------------------------------
-- Running the corpus
-- ---------------------------------------------------------------------------
-- the state a failing case must leave alone: the registry, the reader and
-- batch functions with their comments, every through table, and what the
-- readers and helpers (through the backend's cache) return
CREATE FUNCTION hostile.state() RETURNS text
LANGUAGE sql AS $fn$
SELECT md5(concat_ws(E'\n',
    (SELECT string_agg(r::text, E'\n' ORDER BY r.name COLLATE "C") FROM medium_assoc.registry r),
    (SELECT string_agg(concat_ws(' ', a.name, a.reader), E'\n' ORDER BY a.name COLLATE "C")
       FROM medium_assoc.associations a),
    (SELECT string_agg(concat_ws(' ', p.oid::regprocedure, p.proowner, obj_description(p.oid, 'pg_proc')),
                       E'\n' ORDER BY p.oid::regprocedure::text COLLATE "C")
       FROM pg_proc p WHERE p.prosrc IN ('medium_assoc_reader', 'medium_assoc_batch')),
    (SELECT string_agg(t::text, E'\n' ORDER BY t::text COLLATE "C") FROM hostile.links t),
    (SELECT string_agg(t::text, E'\n' ORDER BY t::text COLLATE "C") FROM hostile.post_tags t),
    (SELECT string_agg(t::text, E'\n' ORDER BY t::text COLLATE "C") FROM hostile_owned.links t),
    (SELECT string_agg(t::text, E'\n' ORDER BY t::text COLLATE "C") FROM "hostile ""S""; $$ü"."thr $$ \ ;" t),
    (SELECT count(*) FROM hostile.victims),
    (SELECT string_agg(t::text, E'\n' ORDER BY t::text COLLATE "C") FROM hostile.hostile_assoc(1) t),
    (SELECT string_agg(b::text, E'\n' ORDER BY b::text COLLATE "C") FROM hostile.hostile_scoped_batch('{1,2,3}') b),
    medium_assoc.count('hostile_assoc', 1),
    medium_assoc.has('hostile_tagged', 1, '{a}')))
$fn$;

CREATE TABLE hostile.results (
    id       integer PRIMARY KEY,
    sqlstate text NOT NULL,
    message  text,
    result   text,
    changed  boolean NOT NULL
);

DO $driver$
DECLARE
    c      record;
    st     text;
    msg    text;
    res    text;
    before text := hostile.state();
    after  text;
BEGIN
    FOR c IN SELECT * FROM hostile.cases ORDER BY id LOOP
        res := NULL;
        msg := NULL;
        BEGIN
            IF c.role IS NOT NULL THEN
                PERFORM set_config('role', c.role, true);
            END IF;
            EXECUTE c.stmt INTO res
                USING c.args[1], c.args[2], c.args[3], c.args[4], c.args[5],
                      c.args[6], c.args[7], c.args[8], c.args[9];
            st := '00000';
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
        END;
        PERFORM set_config('role', 'none', true);
        after := hostile.state();
        INSERT INTO hostile.results
            VALUES (c.id, st, left(msg, 200), left(res, 100), st <> '00000' AND after <> before);
        before := after;
        COMMIT;
    END LOOP;
END
$driver$;

-- ---------------------------------------------------------------------------
-- The summary
-- ---------------------------------------------------------------------------
SELECT count(*) AS cases, count(*) >= 500 AS at_least_500 FROM hostile.results;
SELECT c.fn, count(*) AS cases FROM hostile.cases c GROUP BY c.fn ORDER BY c.fn COLLATE "C";
SELECT r.sqlstate, count(*) AS cases FROM hostile.results r GROUP BY r.sqlstate ORDER BY r.sqlstate COLLATE "C";

-- SQLSTATEs outside the documented set
SELECT c.id, c.fn, c.label, r.sqlstate, r.message
  FROM hostile.cases c JOIN hostile.results r USING (id)
 WHERE r.sqlstate <> ALL ('{00000,42P01,42703,42804,42830,42710,42704,23503,42501,22023,22P02,22004,42809,22003}')
   AND NOT (c.fn IN ('add', 'set') AND c.label LIKE 'through_attrs%' AND r.sqlstate = '22007')
   AND NOT (c.fn = 'belongs_to_many' AND r.sqlstate IN ('42602', '42601', '3F000'))
   AND r.sqlstate IS DISTINCT FROM c.expect
 ORDER BY c.id;

-- cases whose outcome is certain and was something else
SELECT c.id, c.fn, c.label, c.expect, r.sqlstate, r.message
  FROM hostile.cases c JOIN hostile.results r USING (id)
 WHERE c.expect IS NOT NULL AND r.sqlstate <> c.expect
 ORDER BY c.id;

-- failing cases that changed something
SELECT c.id, c.fn, c.label, r.sqlstate, r.message
  FROM hostile.cases c JOIN hostile.results r USING (id)
 WHERE r.changed
 ORDER BY c.id;

-- every association still registered has its reader, every reader its
-- association, and reader, _batch and count agree for its first source
CREATE TABLE hostile.consistency (name text, problem text);
DO $check$
DECLARE
    a       record;
    k       text;
    reader  text;
    batch   text;
    n_read  bigint;
    n_batch bigint;
    n_count bigint;
BEGIN
    FOR a IN SELECT * FROM medium_assoc.associations
              WHERE name NOT IN (SELECT name FROM hostile_before) ORDER BY name LOOP
        IF a.reader IS NULL THEN
            INSERT INTO hostile.consistency VALUES (a.name, 'no reader');
            CONTINUE;
        END IF;
        SELECT format('%I.%I', n.nspname, p.proname), format('%I.%I', n.nspname, p.proname || '_batch')
          INTO reader, batch
          FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE p.oid = a.reader;
        EXECUTE format('SELECT min(%I::text) FROM %s', a.source_key, a.source) INTO k;
        CONTINUE WHEN k IS NULL;
        BEGIN
            EXECUTE format('SELECT count(*) FROM %s(%L)', reader, k) INTO n_read;
            EXECUTE format('SELECT count(*) FROM %s(%L)', batch, ARRAY[k]::text) INTO n_batch;
            n_count := medium_assoc.count(a.name, k);
            IF n_read <> n_batch OR n_read <> n_count THEN
                INSERT INTO hostile.consistency
                    VALUES (a.name, format('reader %s, batch %s, count %s', n_read, n_batch, n_count));
            END IF;
        EXCEPTION WHEN OTHERS THEN
            INSERT INTO hostile.consistency VALUES (a.name, SQLSTATE || ' ' || SQLERRM);
        END;
    END LOOP;
END
$check$;
SELECT * FROM hostile.consistency ORDER BY name COLLATE "C";
SELECT p.oid::regprocedure AS reader_without_association
  FROM pg_proc p
 WHERE p.prosrc = 'medium_assoc_reader'
   AND NOT EXISTS (SELECT 1 FROM medium_assoc.registry r WHERE r.name = p.proname)
 ORDER BY 1;
SELECT count(*) AS associations_checked FROM medium_assoc.associations
 WHERE name NOT IN (SELECT name FROM hostile_before);
SELECT count(*) AS victims FROM hostile.victims;

-- ---------------------------------------------------------------------------
-- Clean up: dropping the schemas forgets their associations
-- ---------------------------------------------------------------------------
DROP SCHEMA hostile CASCADE;
DROP SCHEMA "hostile ""S""; $$ü" CASCADE;
DROP OWNED BY regress_hostile_owner, regress_hostile_other CASCADE;
DROP ROLE regress_hostile_owner;
DROP ROLE regress_hostile_other;
SELECT name FROM medium_assoc.associations
EXCEPT SELECT name FROM hostile_before;
SELECT p.oid::regprocedure AS leftover
  FROM pg_proc p
 WHERE p.prosrc IN ('medium_assoc_reader', 'medium_assoc_batch')
   AND NOT EXISTS (SELECT 1 FROM hostile_before b WHERE p.proname IN (b.name, b.name || '_batch'))
 ORDER BY 1;
DROP TABLE hostile_before;

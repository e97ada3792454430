-- errors: every error the contract lists, each with its SQLSTATE, and proof
-- that a failing call changes nothing.
\set VERBOSITY sqlstate
\set SHOW_CONTEXT never
SET client_min_messages = warning;

CREATE TABLE err_users (
    id   integer PRIMARY KEY,
    code text UNIQUE,
    nick text
);
CREATE TABLE err_articles (
    id    integer PRIMARY KEY,
    slug  text,
    title text
);
CREATE TABLE err_reading (
    user_id    integer NOT NULL REFERENCES err_users,
    article_id integer NOT NULL REFERENCES err_articles,
    note       text,
    kind       text,
    n          integer,
    read_on    date,
    twice      integer GENERATED ALWAYS AS (n * 2) STORED
);
-- a through table whose source column is text
CREATE TABLE err_textlinks (
    user_id    text,
    article_id integer REFERENCES err_articles
);
-- a through table without foreign keys
CREATE TABLE err_nofk (
    user_id    integer,
    article_id integer
);
-- a through table with two foreign keys to the source
CREATE TABLE err_twofk (
    author_id  integer REFERENCES err_users,
    editor_id  integer REFERENCES err_users,
    article_id integer REFERENCES err_articles
);
-- a self-referential through table
CREATE TABLE err_follows (
    follower_id integer REFERENCES err_users,
    followed_id integer REFERENCES err_users
);
-- tables without a usable primary key
CREATE TABLE err_nopk (id integer, name text);
CREATE TABLE err_pk2 (a integer, b integer, PRIMARY KEY (a, b));
CREATE TABLE err_nopk_links (nopk_id integer, article_id integer REFERENCES err_articles);
CREATE VIEW err_article_view AS SELECT * FROM err_articles;

INSERT INTO err_users VALUES (1, 'u1', 'ann'), (2, 'u2', 'bob'), (3, 'u3', 'bob');
INSERT INTO err_articles VALUES (1, 's', 'one'), (2, 's', 'two'), (3, 't', 'three'), (4, 'u', 'four');

SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading', 'err_list');
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading', 'err_scoped',
                                    scope => '{"kind": "fav"}');
SELECT medium_assoc.add('err_list', 1, ARRAY[1, 2]);

-- what must not change after an error: the registry, the links, the functions
CREATE VIEW err_state AS
SELECT (SELECT string_agg(name, ',' ORDER BY name)
          FROM medium_assoc.associations WHERE name LIKE 'err\_%') AS associations,
       (SELECT string_agg(format('%s:%s', user_id, article_id), ','
                          ORDER BY user_id, article_id)
          FROM err_reading) AS links,
       (SELECT string_agg(format('%s:%s:%s:%s', note, kind, n, read_on), ','
                          ORDER BY user_id, article_id)
          FROM err_reading) AS attrs,
       (SELECT string_agg(proname, ',' ORDER BY proname)
          FROM pg_proc WHERE proname LIKE 'err\_%') AS functions;
SELECT * FROM err_state;

--
-- 42P01 undefined_table
--
-- the regclass cast itself raises it, before belongs_to_many runs
SELECT medium_assoc.belongs_to_many('err_missing', 'err_articles', 'err_reading', 'err_a');
SELECT * FROM err_state;
SELECT medium_assoc.belongs_to_many('err_users', 'err_missing', 'err_reading', 'err_a');
SELECT * FROM err_state;
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_missing', 'err_a');
SELECT * FROM err_state;
-- an OID that names no table
SELECT medium_assoc.belongs_to_many(4294967295::oid::regclass, 'err_articles', 'err_reading', 'err_a');
SELECT * FROM err_state;

--
-- 42703 undefined_column
--
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading', 'err_a',
                                    foreign_key => 'nope');
SELECT * FROM err_state;
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading', 'err_a',
                                    other_key => 'nope');
SELECT * FROM err_state;
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading', 'err_a',
                                    source_key => 'nope');
SELECT * FROM err_state;
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading', 'err_a',
                                    target_key => 'nope');
SELECT * FROM err_state;
-- identifiers are literal: "User_id" is not user_id
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading', 'err_a',
                                    foreign_key => 'User_id');
SELECT * FROM err_state;
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading', 'err_a',
                                    scope => '{"nope": 1}');
SELECT * FROM err_state;
SELECT medium_assoc.add('err_list', 1, 3, '{"nope": 1}');
SELECT * FROM err_state;
SELECT * FROM medium_assoc.set('err_list', 1, ARRAY[1, 3], '{"note": "x", "nope": 1}');
SELECT * FROM err_state;

--
-- 42804 datatype_mismatch
--
-- integer source key, text through column
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_textlinks', 'err_a',
                                    foreign_key => 'user_id');
SELECT * FROM err_state;
-- text source key, integer through column
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading', 'err_a',
                                    foreign_key => 'user_id', source_key => 'code');
SELECT * FROM err_state;
-- values of a type that does not cast to the integer key
SELECT medium_assoc.add('err_list', 1, point(1, 2));
SELECT * FROM err_state;
SELECT medium_assoc.add('err_list', point(1, 2), 3);
SELECT * FROM err_state;
SELECT medium_assoc.add('err_list', 1, ARRAY[point(1, 2)]);
SELECT * FROM err_state;
SELECT medium_assoc.add('err_list', 1, ARRAY[current_date]);
SELECT * FROM err_state;
-- as in INSERT INTO err_reading (article_id) VALUES (true): there is no
-- assignment cast from boolean to integer (each call in its own transaction)
BEGIN;
SELECT medium_assoc.add('err_list', 1, true);
ROLLBACK;
BEGIN;
SELECT medium_assoc.add('err_list', true, 3);
ROLLBACK;
SELECT * FROM err_state;
SELECT medium_assoc.remove('err_list', 1, point(1, 2));
SELECT * FROM err_state;
SELECT * FROM medium_assoc.set('err_list', 1, ARRAY[point(1, 2)]);
SELECT * FROM err_state;
SELECT medium_assoc.has('err_list', 1, point(1, 2));
SELECT medium_assoc.count('err_list', point(1, 2));
-- a source must be a single value
SELECT medium_assoc.add('err_list', ARRAY[1], 3);
SELECT * FROM err_state;
SELECT medium_assoc.remove('err_list', ARRAY[1], 1);
SELECT * FROM err_state;
SELECT * FROM medium_assoc.set('err_list', ARRAY[1, 2], ARRAY[3]);
SELECT * FROM err_state;
SELECT medium_assoc.has('err_list', ARRAY[1], 1);
SELECT medium_assoc.count('err_list', ARRAY[1]);

--
-- 42830 invalid_foreign_key
--
-- source_key not unique
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading', 'err_a',
                                    foreign_key => 'user_id', source_key => 'nick');
SELECT * FROM err_state;
-- target_key not unique
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading', 'err_a',
                                    other_key => 'article_id', target_key => 'slug');
SELECT * FROM err_state;
-- no foreign key to infer
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_nofk', 'err_a');
SELECT * FROM err_state;
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_nofk', 'err_a',
                                    foreign_key => 'user_id');
SELECT * FROM err_state;
-- two foreign keys to the source: ambiguous
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_twofk', 'err_a');
SELECT * FROM err_state;
-- self-referential without keys
SELECT medium_assoc.belongs_to_many('err_users', 'err_users', 'err_follows', 'err_a');
SELECT * FROM err_state;
SELECT medium_assoc.belongs_to_many('err_users', 'err_users', 'err_follows', 'err_a',
                                    foreign_key => 'follower_id');
SELECT * FROM err_state;
-- no primary key, or a primary key of two columns
SELECT medium_assoc.belongs_to_many('err_nopk', 'err_articles', 'err_nopk_links', 'err_a',
                                    foreign_key => 'nopk_id');
SELECT * FROM err_state;
SELECT medium_assoc.belongs_to_many('err_pk2', 'err_articles', 'err_nopk_links', 'err_a',
                                    foreign_key => 'nopk_id');
SELECT * FROM err_state;
-- the messages and hints name the argument to pass
\set VERBOSITY default
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_nofk', 'err_a');
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_nofk', 'err_a',
                                    foreign_key => 'user_id');
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_twofk', 'err_a');
SELECT medium_assoc.belongs_to_many('err_users', 'err_users', 'err_follows', 'err_a');
SELECT medium_assoc.belongs_to_many('err_users', 'err_users', 'err_follows', 'err_a',
                                    foreign_key => 'follower_id');
SELECT medium_assoc.belongs_to_many('err_nopk', 'err_articles', 'err_nopk_links', 'err_a',
                                    foreign_key => 'nopk_id');
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading', 'err_a',
                                    foreign_key => 'user_id', source_key => 'nick');
\set VERBOSITY sqlstate
SELECT * FROM err_state;
-- each of them works with the keys given
BEGIN;
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_nofk', 'err_a',
                                    foreign_key => 'user_id', other_key => 'article_id');
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_twofk', 'err_b',
                                    foreign_key => 'editor_id');
SELECT medium_assoc.belongs_to_many('err_users', 'err_users', 'err_follows', 'err_c',
                                    foreign_key => 'follower_id', other_key => 'followed_id');
SELECT name, foreign_key, other_key, source_key, target_key
  FROM medium_assoc.associations WHERE name IN ('err_a', 'err_b', 'err_c') ORDER BY name;
ROLLBACK;

--
-- 42710 duplicate_object
--
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading', 'err_list');
SELECT * FROM err_state;
-- also from another source table: names are unique in the database
SELECT medium_assoc.belongs_to_many('err_articles', 'err_users', 'err_reading', 'err_list');
SELECT * FROM err_state;
-- a function of the reader's signature exists
CREATE FUNCTION public.err_taken(integer) RETURNS integer LANGUAGE sql AS 'SELECT $1';
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading', 'err_taken');
SELECT * FROM err_state;
-- a function of the batch reader's signature exists
CREATE FUNCTION public.err_taken2_batch(integer[]) RETURNS integer LANGUAGE sql AS 'SELECT 1';
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading', 'err_taken2');
SELECT * FROM err_state;
\set VERBOSITY default
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading', 'err_list');
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading', 'err_taken');
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading', 'err_taken2');
\set VERBOSITY sqlstate
-- the user's functions are untouched
SELECT err_taken(7), err_taken2_batch(ARRAY[1]);
DROP FUNCTION err_taken(integer);
DROP FUNCTION err_taken2_batch(integer[]);

--
-- 42704 undefined_object
--
SELECT medium_assoc.add('err_nope', 1, 3);
SELECT medium_assoc.remove('err_nope', 1, 1);
SELECT * FROM medium_assoc.set('err_nope', 1, ARRAY[3]);
SELECT medium_assoc.has('err_nope', 1, 1);
SELECT medium_assoc.count('err_nope', 1);
SELECT medium_assoc.drop_association('err_nope');
-- through the text overloads (untyped arguments)
SELECT medium_assoc.add('err_nope', '1', '3');
SELECT medium_assoc.count('err_nope', '1');
-- a name longer than any alias
SELECT medium_assoc.count(repeat('x', 100), 1);
-- names are case-sensitive
SELECT medium_assoc.count('ERR_LIST', 1);
SELECT * FROM err_state;

--
-- 23503 foreign_key_violation
--
SELECT medium_assoc.add('err_list', 1, 99);
SELECT * FROM err_state;
SELECT medium_assoc.add('err_list', 99, 1);
SELECT * FROM err_state;
-- one missing target among several: nothing is added
SELECT medium_assoc.add('err_list', 1, ARRAY[3, 99, 4]);
SELECT * FROM err_state;
SELECT medium_assoc.add('err_list', 2, ARRAY[1, 2, 3, 4, 98]);
SELECT * FROM err_state;
-- set: nothing is removed nor added
SELECT * FROM medium_assoc.set('err_list', 1, ARRAY[3, 99]);
SELECT * FROM err_state;
SELECT * FROM medium_assoc.set('err_list', 99, ARRAY[1]);
SELECT * FROM err_state;
SELECT * FROM medium_assoc.set('err_list', 99, '{}'::int[]);
SELECT * FROM err_state;
-- untyped values go through the same checks
SELECT medium_assoc.add('err_list', '1', '{3,99}');
SELECT * FROM err_state;
-- the through table's foreign keys report a missing key (23503) themselves
\set VERBOSITY default
SELECT medium_assoc.add('err_list', 1, ARRAY[3, 99, 4]);
SELECT medium_assoc.add('err_list', 99, 1);
\set VERBOSITY sqlstate
-- checked even when the through table has no foreign keys
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_nofk', 'err_loose',
                                    foreign_key => 'user_id', other_key => 'article_id');
SELECT medium_assoc.add('err_loose', 1, 99);
SELECT medium_assoc.add('err_loose', 99, 1);
SELECT * FROM medium_assoc.set('err_loose', 1, ARRAY[1, 99]);
SELECT count(*) FROM err_nofk;
SELECT medium_assoc.drop_association('err_loose');

--
-- 22023 invalid_parameter_value
--
-- alias
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading', '');
SELECT * FROM err_state;
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading',
                                    'err_' || repeat('x', 54));
SELECT * FROM err_state;
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading',
                                    'err_' || repeat('x', 80));
SELECT * FROM err_state;
-- 57 bytes is the longest alias
BEGIN;
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading',
                                    'err_' || repeat('x', 53));
SELECT proname FROM pg_proc WHERE proname LIKE 'err\_xxx%' ORDER BY proname;
ROLLBACK;
-- scope
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading', 'err_a',
                                    scope => '[1]');
SELECT * FROM err_state;
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading', 'err_a',
                                    scope => '"fav"');
SELECT * FROM err_state;
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading', 'err_a',
                                    scope => '{"kind": {"is": "fav"}}');
SELECT * FROM err_state;
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading', 'err_a',
                                    scope => '{"kind": ["fav"]}');
SELECT * FROM err_state;
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading', 'err_a',
                                    scope => '{"user_id": 1}');
SELECT * FROM err_state;
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading', 'err_a',
                                    scope => '{"article_id": null}');
SELECT * FROM err_state;
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading', 'err_a',
                                    scope => '{"n": "many"}');
SELECT * FROM err_state;
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading', 'err_a',
                                    scope => '{"read_on": "yesterday-ish"}');
SELECT * FROM err_state;
\set VERBOSITY default
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading', 'err_a',
                                    scope => '{"n": "many"}');
\set VERBOSITY sqlstate
-- foreign_key and other_key must differ
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading', 'err_a',
                                    foreign_key => 'user_id', other_key => 'user_id');
SELECT * FROM err_state;
-- through_attrs
SELECT medium_assoc.add('err_list', 1, 3, '[1]');
SELECT * FROM err_state;
SELECT medium_assoc.add('err_list', 1, 3, '"x"');
SELECT * FROM err_state;
SELECT medium_assoc.add('err_list', 1, 3, '{"user_id": 2}');
SELECT * FROM err_state;
SELECT medium_assoc.add('err_list', 1, 3, '{"article_id": 2}');
SELECT * FROM err_state;
SELECT medium_assoc.add('err_list', 1, 3, '{"twice": 2}');
SELECT * FROM err_state;
SELECT medium_assoc.add('err_scoped', 1, 3, '{"kind": "other"}');
SELECT * FROM err_state;
SELECT * FROM medium_assoc.set('err_list', 1, ARRAY[1], '{"user_id": 2}');
SELECT * FROM err_state;
SELECT * FROM medium_assoc.set('err_list', 1, '{}'::int[], '[]');
SELECT * FROM err_state;
-- a through_attrs value that does not fit its column: jsonb_populate_record's error
SELECT medium_assoc.add('err_list', 1, ARRAY[1, 3], '{"n": "many"}');
SELECT * FROM err_state;
SELECT medium_assoc.add('err_list', 1, ARRAY[1, 3], '{"read_on": "someday"}');
SELECT * FROM err_state;

--
-- 22P02 invalid_text_representation
--
SELECT medium_assoc.add('err_list', 1, 'abc');
SELECT * FROM err_state;
SELECT medium_assoc.add('err_list', 'abc', 3);
SELECT * FROM err_state;
SELECT medium_assoc.add('err_list', 1, '{3,x}');
SELECT * FROM err_state;
SELECT medium_assoc.add('err_list', 1, '{3,4');
SELECT * FROM err_state;
SELECT medium_assoc.remove('err_list', 1, 'abc');
SELECT * FROM err_state;
SELECT * FROM medium_assoc.set('err_list', 1, '{1,x}');
SELECT * FROM err_state;
SELECT medium_assoc.has('err_list', 1, '{1,x}');
SELECT medium_assoc.count('err_list', 'abc');
-- text values are parsed the same way
SELECT medium_assoc.add('err_list', 1, 'abc'::text);
SELECT medium_assoc.add('err_list', 1, ARRAY['3', 'x']);
SELECT * FROM err_state;
-- a value out of the key type's range
SELECT medium_assoc.add('err_list', 1, '99999999999');
SELECT medium_assoc.add('err_list', 1, 99999999999);
SELECT * FROM err_state;

--
-- 42809 wrong_object_type
--
SELECT medium_assoc.belongs_to_many('err_users', 'err_article_view', 'err_reading', 'err_a',
                                    other_key => 'article_id', target_key => 'id');
SELECT * FROM err_state;
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_article_view', 'err_a',
                                    foreign_key => 'id', other_key => 'id');
SELECT * FROM err_state;
CREATE SEQUENCE err_seq;
SELECT medium_assoc.belongs_to_many('err_seq', 'err_articles', 'err_reading', 'err_a');
SELECT * FROM err_state;
DROP SEQUENCE err_seq;

--
-- 22004 null_value_not_allowed
--
SELECT medium_assoc.belongs_to_many(NULL, 'err_articles', 'err_reading', 'err_a');
SELECT medium_assoc.belongs_to_many('err_users', NULL, 'err_reading', 'err_a');
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', NULL, 'err_a');
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading', NULL);
SELECT * FROM err_state;
SELECT medium_assoc.drop_association(NULL);
SELECT medium_assoc.add(NULL, 1, 3);
SELECT medium_assoc.add('err_list', NULL::integer, 3);
SELECT medium_assoc.add('err_list', 1, NULL::integer);
SELECT medium_assoc.add('err_list', 1, ARRAY[3, NULL]);
SELECT medium_assoc.remove('err_list', 1, NULL::integer[]);
SELECT * FROM medium_assoc.set('err_list', 1, NULL::integer[]);
SELECT * FROM err_state;

--
-- 42501 insufficient_privilege
--
CREATE ROLE regress_errors_owner;
CREATE ROLE regress_errors_other;
-- a schema where regress_errors_owner owns a table but may not create
CREATE SCHEMA err_locked;
GRANT USAGE ON SCHEMA err_locked TO regress_errors_owner;
CREATE TABLE err_locked.members (id integer PRIMARY KEY);
CREATE TABLE err_locked.member_articles (
    member_id  integer REFERENCES err_locked.members,
    article_id integer REFERENCES err_articles
);
ALTER TABLE err_locked.members OWNER TO regress_errors_owner;
ALTER TABLE err_locked.member_articles OWNER TO regress_errors_owner;
SET ROLE regress_errors_owner;
SELECT medium_assoc.belongs_to_many('err_locked.members', 'err_articles',
                                    'err_locked.member_articles', 'err_members');
\set VERBOSITY default
SELECT medium_assoc.belongs_to_many('err_locked.members', 'err_articles',
                                    'err_locked.member_articles', 'err_members');
\set VERBOSITY sqlstate
RESET ROLE;
SELECT * FROM err_state;
SELECT count(*) FROM pg_proc WHERE proname LIKE 'err\_members%';
-- with CREATE on the schema it still needs REFERENCES on the target
GRANT CREATE ON SCHEMA err_locked TO regress_errors_owner;
SET ROLE regress_errors_owner;
\set VERBOSITY default
SELECT medium_assoc.belongs_to_many('err_locked.members', 'err_articles',
                                    'err_locked.member_articles', 'err_members');
\set VERBOSITY sqlstate
RESET ROLE;
SELECT count(*) FROM pg_proc WHERE proname LIKE 'err\_members%';
-- with REFERENCES on the target it works
GRANT REFERENCES ON err_articles TO regress_errors_owner;
SET ROLE regress_errors_owner;
SELECT medium_assoc.belongs_to_many('err_locked.members', 'err_articles',
                                    'err_locked.member_articles', 'err_members');
RESET ROLE;
SELECT p.oid::regprocedure, pg_get_userbyid(p.proowner)
  FROM pg_proc p WHERE proname LIKE 'err\_members%' ORDER BY p.oid::regprocedure::text;
-- registering and dropping on a table one does not own
SET ROLE regress_errors_other;
SELECT medium_assoc.belongs_to_many('err_users', 'err_articles', 'err_reading', 'err_stolen');
SELECT medium_assoc.drop_association('err_list');
SELECT medium_assoc.drop_association('err_members');
\set VERBOSITY default
SELECT medium_assoc.drop_association('err_list');
\set VERBOSITY sqlstate
-- the caller's privileges apply to reads and writes
SELECT * FROM err_list(1);
SELECT * FROM err_list_batch(ARRAY[1]);
SELECT medium_assoc.add('err_list', 1, 3);
SELECT medium_assoc.remove('err_list', 1, 1);
SELECT * FROM medium_assoc.set('err_list', 1, ARRAY[3]);
SELECT medium_assoc.has('err_list', 1, 1);
SELECT medium_assoc.count('err_list', 1);
RESET ROLE;
SELECT * FROM err_state;
SET ROLE regress_errors_owner;
SELECT medium_assoc.drop_association('err_members');
RESET ROLE;
SELECT * FROM err_state;

--
-- after all these errors everything still works
--
SELECT medium_assoc.add('err_list', 1, ARRAY[3, 4], '{"note": "ok", "n": 2}');
SELECT * FROM err_list(1) ORDER BY id;
SELECT medium_assoc.count('err_list', 1), medium_assoc.has('err_list', 1, ARRAY[1, 2, 3, 4]);
SELECT * FROM err_state;

-- clean up
SELECT medium_assoc.drop_association('err_scoped');
SELECT medium_assoc.drop_association('err_list');
DROP VIEW err_state;
DROP SCHEMA err_locked CASCADE;
DROP VIEW err_article_view;
DROP TABLE err_reading, err_textlinks, err_nofk, err_twofk, err_follows, err_nopk_links,
           err_nopk, err_pk2, err_users, err_articles;
DROP ROLE regress_errors_owner;
DROP ROLE regress_errors_other;
SELECT count(*) FROM medium_assoc.associations WHERE name LIKE 'err\_%';
SELECT count(*) FROM pg_proc WHERE proname LIKE 'err\_%';

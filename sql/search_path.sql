-- A hostile search_path cannot change what the readers, the helpers, the
-- registry view or the DDL triggers do: every statement they run names
-- its tables, operators and functions with their schemas.
\set VERBOSITY sqlstate
\set SHOW_CONTEXT never

CREATE TABLE public.sp_users (
    id   integer PRIMARY KEY,
    name text NOT NULL
);
CREATE TABLE public.sp_articles (
    id    bigint PRIMARY KEY,
    title text NOT NULL,
    slug  text NOT NULL UNIQUE
);
CREATE TABLE public.sp_reading (
    user_id    integer NOT NULL REFERENCES public.sp_users,
    article_id bigint NOT NULL REFERENCES public.sp_articles,
    kind       text NOT NULL,
    note       text
);
CREATE INDEX sp_reading_user_id ON public.sp_reading (user_id);
CREATE TABLE public.sp_tags (
    label text PRIMARY KEY,
    color text
);
CREATE TABLE public.sp_article_tags (
    article_slug text NOT NULL,
    tag_label    text NOT NULL REFERENCES public.sp_tags
);
INSERT INTO public.sp_users VALUES (1, 'ada'), (2, 'bob'), (3, 'cy');
INSERT INTO public.sp_articles VALUES
    (10, 'a10', 's10'), (11, 'a11', 's11'), (12, 'a12', 's12');
INSERT INTO public.sp_reading VALUES
    (1, 10, 'read', NULL), (1, 11, 'read', NULL), (2, 10, 'read', NULL),
    (1, 12, 'skip', NULL), (3, 12, 'skip', NULL);
INSERT INTO public.sp_tags VALUES ('red', 'r'), ('green', 'g'), ('blue', 'b');
INSERT INTO public.sp_article_tags VALUES ('s10', 'red'), ('s10', 'blue'), ('s11', 'red');

SET search_path = public;
SELECT medium_assoc.belongs_to_many('sp_users', 'sp_articles', 'sp_reading', 'sp_reads',
    scope => '{"kind": "read"}');
-- no index leads with article_id: this one runs its statements
SELECT medium_assoc.belongs_to_many('sp_articles', 'sp_users', 'sp_reading', 'sp_readers',
    scope => '{"kind": "read"}');
-- text keys
SELECT medium_assoc.belongs_to_many('sp_articles', 'sp_tags', 'sp_article_tags', 'sp_tagged',
    foreign_key => 'article_slug', source_key => 'slug');

--
-- The hostile schema
--
CREATE SCHEMA sp_evil;
-- "=" that is always true
CREATE FUNCTION sp_evil.eq(integer, integer) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS 'SELECT true';
CREATE FUNCTION sp_evil.eq(bigint, bigint) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS 'SELECT true';
CREATE FUNCTION sp_evil.eq(integer, bigint) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS 'SELECT true';
CREATE FUNCTION sp_evil.eq(bigint, integer) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS 'SELECT true';
CREATE FUNCTION sp_evil.eq(text, text) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS 'SELECT true';
CREATE OPERATOR sp_evil.= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = sp_evil.eq);
CREATE OPERATOR sp_evil.= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = sp_evil.eq);
CREATE OPERATOR sp_evil.= (LEFTARG = integer, RIGHTARG = bigint, FUNCTION = sp_evil.eq);
CREATE OPERATOR sp_evil.= (LEFTARG = bigint, RIGHTARG = integer, FUNCTION = sp_evil.eq);
CREATE OPERATOR sp_evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = sp_evil.eq);
-- count(*) and count(x) that count wrong
CREATE FUNCTION sp_evil.count_step(bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE AS 'SELECT $1 + 1000';
CREATE AGGREGATE sp_evil.count(*) (SFUNC = sp_evil.count_step, STYPE = bigint, INITCOND = '0');
CREATE FUNCTION sp_evil.count(anyelement) RETURNS bigint
    LANGUAGE sql IMMUTABLE AS 'SELECT 1000::bigint';
CREATE FUNCTION sp_evil.count(text, anyelement) RETURNS bigint
    LANGUAGE sql IMMUTABLE AS 'SELECT 1000::bigint';
-- unnest that repeats the first element
CREATE FUNCTION sp_evil.unnest(anyarray) RETURNS SETOF anyelement
    LANGUAGE sql IMMUTABLE AS 'SELECT $1[1] FROM pg_catalog.generate_series(1, 3)';
-- jsonb_populate_record that ignores the object
CREATE FUNCTION sp_evil.jsonb_populate_record(anyelement, jsonb) RETURNS anyelement
    LANGUAGE sql IMMUTABLE AS 'SELECT $1';
-- a type named like a built-in one
CREATE DOMAIN sp_evil.text AS pg_catalog.varchar(1);
-- tables named like the participants, with junk
CREATE TABLE sp_evil.sp_users (id integer PRIMARY KEY, name pg_catalog.text);
CREATE TABLE sp_evil.sp_articles (id bigint PRIMARY KEY, title pg_catalog.text,
                                  slug pg_catalog.text UNIQUE);
CREATE TABLE sp_evil.sp_reading (user_id integer REFERENCES sp_evil.sp_users,
                                 article_id bigint REFERENCES sp_evil.sp_articles,
                                 kind pg_catalog.text, note pg_catalog.text);
CREATE TABLE sp_evil.sp_tags (label pg_catalog.text PRIMARY KEY, color pg_catalog.text);
CREATE TABLE sp_evil.sp_article_tags (article_slug pg_catalog.text,
                                      tag_label pg_catalog.text REFERENCES sp_evil.sp_tags);
INSERT INTO sp_evil.sp_users VALUES (1, 'evil'), (2, 'evil'), (3, 'evil'), (4, 'evil');
INSERT INTO sp_evil.sp_articles VALUES (10, 'evil', 's10'), (11, 'evil', 's11'),
                                       (12, 'evil', 's12'), (13, 'evil', 's13');
INSERT INTO sp_evil.sp_reading
    SELECT u, a, 'read', 'evil' FROM generate_series(1, 4) u, generate_series(10, 13) a;
INSERT INTO sp_evil.sp_tags VALUES ('red', 'evil'), ('green', 'evil'), ('blue', 'evil'),
                                   ('black', 'evil');
INSERT INTO sp_evil.sp_article_tags
    SELECT s, t FROM unnest(ARRAY['s10', 's11', 's12', 's13']) s,
                     unnest(ARRAY['red', 'green', 'blue', 'black']) t;

-- regclass output depends on the search_path: show tables qualified
CREATE FUNCTION public.sp_qualified(regclass) RETURNS text
    LANGUAGE sql STABLE SET search_path = pg_catalog
    AS 'SELECT quote_ident(n.nspname) || ''.'' || quote_ident(c.relname)
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.oid = $1';

-- The statements compared: they name neither tables nor operators nor
-- unqualified functions the hostile schema shadows.
\set reads 'SELECT (SELECT array_agg(title ORDER BY title) FROM sp_reads(1)) AS reads_1, (SELECT array_agg(title ORDER BY title) FROM sp_reads(3)) AS reads_3, (SELECT array_agg(source || '':'' || (target).title ORDER BY source, (target).title) FROM sp_reads_batch(ARRAY[1, 2, 3, 4])) AS batch, (SELECT array_agg(name ORDER BY name) FROM sp_readers(10)) AS readers_10, (SELECT array_agg(source || '':'' || (target).name ORDER BY source, (target).name) FROM sp_readers_batch(ARRAY[10, 11, 12, 13])) AS readers_batch, (SELECT array_agg(label ORDER BY label) FROM sp_tagged(''s10'')) AS tagged, (SELECT array_agg(source || '':'' || (target).label ORDER BY source, (target).label) FROM sp_tagged_batch(ARRAY[''s10'', ''s11'', ''s12''])) AS tagged_batch;'
\set helpers 'SELECT medium_assoc.count(''sp_reads'', 1) AS count_1, medium_assoc.count(''sp_reads'', 4) AS count_4, medium_assoc.count(''sp_readers'', 12) AS readers_count, medium_assoc.count(''sp_tagged'', ''s10'') AS tagged_count, medium_assoc.has(''sp_reads'', 1, 10) AS has_10, medium_assoc.has(''sp_reads'', 1, 12) AS has_12, medium_assoc.has(''sp_reads'', 1, ARRAY[10, 11]) AS has_all, medium_assoc.has(''sp_reads'', 1, ARRAY[10, 12]) AS has_some, medium_assoc.has(''sp_readers'', 10, 3) AS readers_has, medium_assoc.has(''sp_tagged'', ''s10'', ''green'') AS tagged_has, medium_assoc.has(''sp_tagged'', ''s11'', ARRAY[''red'']) AS tagged_has_red;'
\set writes 'SELECT medium_assoc.add(''sp_reads'', 2, ARRAY[11, 12, 11]) AS added; SELECT medium_assoc.add(''sp_reads'', 2, 10, ''{"note": "n"}'') AS added_attrs; SELECT medium_assoc.remove(''sp_reads'', 2, 11) AS removed; SELECT * FROM medium_assoc.set(''sp_reads'', 2, ''{10,11}''); SELECT medium_assoc.add(''sp_tagged'', ''s12'', ARRAY[''green'', ''blue'']) AS tagged_added; SELECT medium_assoc.remove(''sp_tagged'', ''s12'', ''blue'') AS tagged_removed; SELECT * FROM medium_assoc.set(''sp_tagged'', ''s11'', ARRAY[''red'', ''green'']);'
\set undo 'SELECT * FROM medium_assoc.set(''sp_reads'', 2, ARRAY[10], ''{"note": null}''); SELECT * FROM medium_assoc.set(''sp_tagged'', ''s12'', ''{}''); SELECT * FROM medium_assoc.set(''sp_tagged'', ''s11'', ''red'');'
\set stored 'SELECT user_id, article_id, kind, note FROM public.sp_reading ORDER BY 1, 2, 3; SELECT article_slug, tag_label FROM public.sp_article_tags ORDER BY 1, 2;'
\set view 'SELECT name, public.sp_qualified(source) AS source, public.sp_qualified(target) AS target, public.sp_qualified(through) AS through, foreign_key, other_key, source_key, target_key, scope, reader::oid::regproc AS reader FROM medium_assoc.associations WHERE starts_with(name, ''sp_'') ORDER BY name;'

--
-- With a clean search_path
--
:reads
:helpers
:writes
:stored
:undo
:stored
:view

--
-- sp_evil, then public: the hostile tables shadow the participants
--
SET search_path = sp_evil, public;
SELECT name FROM sp_users ORDER BY id LIMIT 1;
:reads
:helpers
:writes
:stored
:undo
:view

--
-- sp_evil before pg_catalog: its operators and functions win too
--
SET search_path = sp_evil, pg_catalog, public;
SELECT 1 = 2 AS "1 = 2", 1::bigint = 2::bigint AS "1::bigint = 2::bigint",
       'a'::pg_catalog.text = 'b'::pg_catalog.text AS "a = b";
SELECT count(*) FROM pg_catalog.generate_series(1, 2);
SELECT * FROM unnest(ARRAY[1, 2]);
SELECT 'ab'::text;
:reads
:helpers
:writes
:stored
:undo
:view

--
-- The same in a new session, where every statement is prepared under the
-- hostile search_path, with temporary tables shadowing the participants
-- (pg_temp is searched first for tables even when not listed)
--
\c -
\set VERBOSITY sqlstate
\set SHOW_CONTEXT never
CREATE TEMP TABLE sp_users (id integer, name pg_catalog.text);
CREATE TEMP TABLE sp_articles (id bigint, title pg_catalog.text, slug pg_catalog.text);
CREATE TEMP TABLE sp_reading (user_id integer, article_id bigint, kind pg_catalog.text,
                              note pg_catalog.text);
CREATE TEMP TABLE sp_tags (label pg_catalog.text, color pg_catalog.text);
CREATE TEMP TABLE sp_article_tags (article_slug pg_catalog.text, tag_label pg_catalog.text);
INSERT INTO sp_users VALUES (1, 'temp'), (2, 'temp'), (3, 'temp');
INSERT INTO sp_articles VALUES (10, 'temp', 's10'), (11, 'temp', 's11'), (12, 'temp', 's12');
INSERT INTO sp_reading SELECT u, a, 'read', 'temp' FROM generate_series(1, 3) u,
                                                         generate_series(10, 12) a;
INSERT INTO sp_tags VALUES ('red', 'temp'), ('green', 'temp'), ('blue', 'temp');
INSERT INTO sp_article_tags VALUES ('s11', 'green'), ('s12', 'blue');
SET search_path = sp_evil, pg_catalog, public;
:reads
:helpers
:writes
:stored
:undo
:view
-- the same session, clean again: statements prepared under the hostile
-- search_path give the same results
DROP TABLE pg_temp.sp_users, pg_temp.sp_articles, pg_temp.sp_reading, pg_temp.sp_tags,
    pg_temp.sp_article_tags;
SET search_path = public;
:reads
:helpers
:writes
:stored
:undo

--
-- Registering, DDL and dropping under the hostile search_path
--
SET search_path = sp_evil, pg_catalog, public;
-- qualified names: the real tables (keys inferred from their catalogs)
SELECT medium_assoc.belongs_to_many('public.sp_users', 'public.sp_articles',
    'public.sp_reading', 'sp_reads2', scope => '{"kind": "read"}');
SELECT (SELECT array_agg(title ORDER BY title) FROM public.sp_reads2(1)) AS reads2_1,
       medium_assoc.count('sp_reads2', 1) AS count2_1;
-- unqualified names are the caller's to resolve: sp_evil's tables, and the
-- reader goes into sp_evil
SELECT medium_assoc.belongs_to_many('sp_users', 'sp_articles', 'sp_reading', 'sp_evil_reads');
SELECT (SELECT array_agg(title ORDER BY title) FROM sp_evil.sp_evil_reads(1)) AS evil_reads_1;
-- the DDL triggers
ALTER TABLE public.sp_reading RENAME COLUMN note TO remark;
ALTER TABLE public.sp_reading RENAME COLUMN kind TO sort;
ALTER TABLE public.sp_reading ALTER COLUMN user_id TYPE bigint;
ALTER TABLE public.sp_reading ALTER COLUMN sort TYPE varchar(10);
ALTER TABLE public.sp_article_tags ALTER COLUMN tag_label TYPE varchar(10);
ALTER TABLE public.sp_reading ALTER COLUMN remark TYPE varchar(10);
:reads
:helpers
SET search_path = public;
:view
SET search_path = sp_evil, pg_catalog, public;
ALTER TABLE public.sp_reading RENAME COLUMN sort TO kind;
ALTER TABLE public.sp_reading RENAME COLUMN remark TO note;
-- dropping
SELECT medium_assoc.drop_association('sp_reads2');
\set VERBOSITY terse
DROP TABLE sp_evil.sp_reading CASCADE;
\set VERBOSITY sqlstate
SET search_path = public;
SELECT name FROM medium_assoc.associations WHERE starts_with(name, 'sp_') ORDER BY name;
SELECT p.oid::regprocedure FROM pg_proc p WHERE starts_with(p.proname, 'sp_')
 ORDER BY p.oid::regprocedure::text;
:view
:reads
:helpers

--
-- Clean up
--
SET search_path = public;
SELECT medium_assoc.drop_association('sp_reads');
SELECT medium_assoc.drop_association('sp_readers');
SELECT medium_assoc.drop_association('sp_tagged');
DROP TABLE public.sp_reading, public.sp_article_tags, public.sp_tags, public.sp_articles,
    public.sp_users;
DROP FUNCTION public.sp_qualified(regclass);
DROP SCHEMA sp_evil CASCADE;
RESET search_path;
SELECT count(*) FROM medium_assoc.associations WHERE starts_with(name, 'sp_');

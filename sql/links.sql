-- Link rows and documents: <alias>_links(source) returns the targets with
-- their through rows' columns (link_*), <alias>_json(source, link_columns)
-- the same as one jsonb array.  Both are SQL functions the planner inlines,
-- so they answer as the join written by hand: same rows, same privileges,
-- same row-level security, the same indexes for pages and per-source limits.
\set VERBOSITY sqlstate

CREATE TABLE ln_users (id int PRIMARY KEY, name text, created_at date);
-- a target whose column names meet the through table's: id, "createdAt",
-- and link_note, which the through column note would become
CREATE TABLE ln_articles (id int PRIMARY KEY, title text, "createdAt" date, link_note text,
                          kind text NOT NULL DEFAULT 'post');
CREATE TABLE ln_saves (id serial, user_id int NOT NULL REFERENCES ln_users,
                       article_id int NOT NULL REFERENCES ln_articles,
                       saved_at timestamptz NOT NULL, note text, "createdAt" date,
                       "deletedAt" timestamptz,
                       PRIMARY KEY (user_id, article_id));
CREATE INDEX ON ln_saves (user_id, saved_at);
INSERT INTO ln_users SELECT g, 'u' || g, DATE '2026-01-01' + g FROM generate_series(1, 30) g;
INSERT INTO ln_articles (id, title, "createdAt", link_note, kind)
    SELECT g, 't' || g, DATE '2025-01-01' + g, 'ln' || g, CASE WHEN g % 10 = 0 THEN 'video' ELSE 'post' END
      FROM generate_series(1, 200) g;
INSERT INTO ln_saves (user_id, article_id, saved_at, note, "createdAt")
    SELECT u, a, TIMESTAMPTZ '2026-03-01 00:00+00' + ((a * 7919) % 200) * interval '1 hour',
           'n' || u || '-' || a, DATE '2026-02-01'
      FROM generate_series(1, 30) u, generate_series(1, 200) a
     WHERE (u + a) % 3 = 0;
ANALYZE ln_users, ln_articles, ln_saves;

SELECT medium_assoc.belongs_to_many('ln_users', 'ln_articles', 'ln_saves', 'ln_list');
-- paranoid links and a target scope
SELECT medium_assoc.belongs_to_many('ln_users', 'ln_articles', 'ln_saves', 'ln_posts',
    timestamps => '{"deletedAt": "deletedAt"}', target_scope => '{"kind": "post"}');

-- the columns: the target's as they are, then link_ and the through
-- table's, a taken name getting _2
SELECT p.oid::regprocedure, pg_get_function_result(p.oid)
  FROM pg_proc p WHERE proname IN ('ln_list_links', 'ln_list_json') ORDER BY p.oid::regprocedure::text;

-- the view of the same name has the same columns
SELECT array_agg(attname::text ORDER BY attnum) =
       (SELECT array_agg(n ORDER BY i) FROM unnest(
          (SELECT proargnames[2:] FROM pg_proc WHERE proname = 'ln_list_links')) WITH ORDINALITY AS a(n, i))
       AS view_columns_as_function
  FROM pg_attribute WHERE attrelid = 'ln_list_links'::regclass AND attnum > 0;
SELECT obj_description('ln_list_links'::regclass, 'pg_class'),
       (SELECT reloptions FROM pg_class WHERE oid = 'ln_list_links'::regclass);

-- the same rows as the reader and as the hand-written join
SELECT count(*), count(DISTINCT id), min(link_note_2), max(link_saved_at) FROM ln_list_links(3);
SELECT (SELECT array_agg(id ORDER BY id) FROM ln_list_links(3)) =
       (SELECT array_agg(id ORDER BY id) FROM ln_list(3)) AS same_as_reader,
       (SELECT array_agg(ROW(l.*)::text ORDER BY l.id) FROM ln_list_links(3) l) =
       (SELECT array_agg(ROW(a.*, r.*)::text ORDER BY a.id)
          FROM ln_saves r JOIN ln_articles a ON a.id = r.article_id WHERE r.user_id = 3)
       AS same_as_join;
SELECT (SELECT array_agg(ROW(l.*)::text ORDER BY l.id) FROM ln_list_links(3) l) =
       (SELECT array_agg(ROW(v.*)::text ORDER BY v.id) FROM ln_list_links v WHERE link_user_id = 3)
       AS view_as_function,
       (SELECT count(*) FROM ln_list_links) = (SELECT count(*) FROM ln_saves) AS view_all_links;
SELECT count(*) FROM ln_list_links(NULL);
SELECT count(*) FROM ln_list_links(999);

-- a page: newest saved first, 5 a page, then the page after a keyset
SELECT id, link_saved_at FROM ln_list_links(3) ORDER BY link_saved_at DESC, id LIMIT 5;
SELECT id, link_saved_at FROM ln_list_links(3)
 WHERE (link_saved_at, id) < ('2026-03-09 05:00+00', 92)
 ORDER BY link_saved_at DESC, id LIMIT 5;
-- the same pages from the view
SELECT id, link_saved_at FROM ln_list_links WHERE link_user_id = 3
 ORDER BY link_saved_at DESC, id LIMIT 5;
-- ordered by a target column
SELECT id, title FROM ln_list_links(3) ORDER BY title DESC LIMIT 3;

-- the planner sees through the function: no function scan, the
-- (user_id, saved_at) index for a page and for each user's 2 newest
CREATE FUNCTION pg_temp.plan(query text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE line text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || query LOOP
    IF line ~ 'Function Scan|Index Scan Backward|Hash Join|Nested Loop|Limit' THEN
      RETURN NEXT regexp_replace(line, '^\s*(->\s*)?', '');
    END IF;
  END LOOP;
END $$;
SET enable_bitmapscan = off;
SELECT * FROM pg_temp.plan('SELECT * FROM ln_list_links(3) ORDER BY link_saved_at DESC LIMIT 20');
SELECT * FROM pg_temp.plan('SELECT u.id, l.id FROM ln_users u CROSS JOIN LATERAL
    (SELECT * FROM ln_list_links(u.id) ORDER BY link_saved_at DESC LIMIT 2) l');
SELECT * FROM pg_temp.plan('SELECT * FROM ln_list_links WHERE link_user_id = 3
    ORDER BY link_saved_at DESC LIMIT 20');
RESET enable_bitmapscan;
-- each user's 2 newest saved articles: the same as the hand-written LATERAL
SELECT (SELECT array_agg(ROW(u.id, l.id)::text ORDER BY u.id, l.link_saved_at DESC)
          FROM ln_users u CROSS JOIN LATERAL
               (SELECT * FROM ln_list_links(u.id) ORDER BY link_saved_at DESC LIMIT 2) l) =
       (SELECT array_agg(ROW(u.id, l.id)::text ORDER BY u.id, l.saved_at DESC)
          FROM ln_users u CROSS JOIN LATERAL
               (SELECT a.id, r.saved_at FROM ln_saves r JOIN ln_articles a ON a.id = r.article_id
                 WHERE r.user_id = u.id ORDER BY r.saved_at DESC LIMIT 2) l) AS same_newest;
-- eager loading by any predicate on the source: the same as the join
SELECT (SELECT count(*) FROM ln_users u CROSS JOIN LATERAL ln_list_links(u.id) l
         WHERE u.created_at > DATE '2026-01-20') =
       (SELECT count(*) FROM ln_users u JOIN ln_saves r ON r.user_id = u.id
          JOIN ln_articles a ON a.id = r.article_id WHERE u.created_at > DATE '2026-01-20')
       AS same_eager;

-- scope on the target and paranoid links: as the reader
UPDATE ln_saves SET "deletedAt" = now() WHERE user_id = 3 AND article_id IN (3, 6);
SELECT (SELECT array_agg(id ORDER BY id) FROM ln_posts_links(3)) =
       (SELECT array_agg(id ORDER BY id) FROM ln_posts(3)) AS same_as_reader,
       (SELECT array_agg(id ORDER BY id) FROM ln_posts_links WHERE link_user_id = 3) =
       (SELECT array_agg(id ORDER BY id) FROM ln_posts(3)) AS view_as_reader,
       (SELECT count(*) FROM ln_posts_links(3)) AS posts,
       (SELECT count(*) FROM ln_posts_links(3) WHERE id IN (3, 6) OR id % 10 = 0) AS hidden;

-- documents: each target with its link's columns under the through
-- table's name; chosen link columns; none; an empty array without links
SELECT e FROM ln_list_json(1) j, jsonb_array_elements(j.ln_list) e ORDER BY (e->>'id')::int LIMIT 2;
SELECT e->'ln_saves' FROM ln_list_json(1, ARRAY['note', 'nothing']) j,
       jsonb_array_elements(j.ln_list) e ORDER BY (e->>'id')::int LIMIT 2;
SELECT DISTINCT e->'ln_saves' FROM ln_list_json(1, '{}') j, jsonb_array_elements(j.ln_list) e;
SELECT ln_list FROM ln_list_json(999);
SELECT jsonb_array_length(ln_list) = medium_assoc.count('ln_list', 1) FROM ln_list_json(1);
-- sources as documents, with their reading lists
SELECT to_jsonb(u) || jsonb_build_object('ln_list', jsonb_array_length(j.ln_list)) AS doc
  FROM ln_users u CROSS JOIN LATERAL ln_list_json(u.id) j WHERE u.id <= 2 ORDER BY u.id;

-- a hostile search_path changes nothing
CREATE SCHEMA ln_evil;
CREATE FUNCTION ln_evil.always(int, int) RETURNS bool LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR ln_evil.= (LEFTARG = int, RIGHTARG = int, FUNCTION = ln_evil.always);
SET search_path = ln_evil, public;
SELECT count(*) FROM ln_list_links(3);
SELECT jsonb_array_length(ln_list) FROM ln_list_json(3);
RESET search_path;

-- privileges and row-level security: the caller's, as in the join
CREATE ROLE regress_ln_reader;
GRANT SELECT ON ln_articles TO regress_ln_reader;
SET ROLE regress_ln_reader;
SELECT count(*) FROM ln_list_links(3);
SELECT count(*) FROM ln_list_json(3);
SELECT count(*) FROM ln_list_links WHERE link_user_id = 3;
RESET ROLE;
GRANT SELECT ON ln_saves TO regress_ln_reader;
REVOKE SELECT ON ln_articles FROM regress_ln_reader;
GRANT SELECT (id, title) ON ln_articles TO regress_ln_reader;
SET ROLE regress_ln_reader;
-- all of the target's columns are read, as by the join of a.* and r.*
SELECT count(*) FROM ln_list_links(3);
SELECT count(*) FROM (SELECT a.*, r.* FROM ln_saves r JOIN ln_articles a ON a.id = r.article_id
                       WHERE r.user_id = 3) s;
SELECT count(*) FROM (SELECT a.id, a.title, r.* FROM ln_saves r JOIN ln_articles a ON a.id = r.article_id
                       WHERE r.user_id = 3) s;
RESET ROLE;
GRANT SELECT ON ln_articles TO regress_ln_reader;
ALTER TABLE ln_saves ENABLE ROW LEVEL SECURITY;
CREATE POLICY ln_even ON ln_saves FOR SELECT TO regress_ln_reader USING (article_id % 2 = 0);
SET ROLE regress_ln_reader;
SELECT (SELECT count(*) FROM ln_list_links(3)) AS links,
       (SELECT count(*) FROM ln_list_links WHERE link_user_id = 3) AS view,
       (SELECT count(*) FROM ln_list(3)) AS reader,
       (SELECT jsonb_array_length(ln_list) FROM ln_list_json(3)) AS documents;
RESET ROLE;
ALTER TABLE ln_saves DISABLE ROW LEVEL SECURITY;
REVOKE EXECUTE ON FUNCTION ln_list_links(int) FROM PUBLIC;
SET ROLE regress_ln_reader;
SELECT count(*) FROM ln_list_links(3);
RESET ROLE;
GRANT EXECUTE ON FUNCTION ln_list_links(int) TO PUBLIC;

-- DDL: the functions follow renames, new and dropped columns
ALTER TABLE ln_saves RENAME COLUMN note TO remark;
ALTER TABLE ln_articles RENAME COLUMN title TO headline;
ALTER TABLE ln_saves ADD COLUMN rating int;
ALTER TABLE ln_articles DROP COLUMN link_note;
ALTER TABLE ln_saves RENAME TO ln_saved;
CREATE SCHEMA ln_other;
ALTER TABLE ln_articles SET SCHEMA ln_other;
SELECT p.oid::regprocedure, pg_get_function_result(p.oid)
  FROM pg_proc p WHERE proname IN ('ln_list_links', 'ln_list_json') ORDER BY p.oid::regprocedure::text;
SELECT count(*), min(link_remark), min(headline) FROM ln_list_links(3);
SELECT array_agg(attname::text ORDER BY attnum) FROM pg_attribute
 WHERE attrelid = 'ln_list_links'::regclass AND attnum > 0;
SELECT count(*), min(link_remark), min(headline) FROM ln_list_links WHERE link_user_id = 3;
-- a column's type changed: the view is made again around it
ALTER TABLE ln_saved ALTER COLUMN rating TYPE bigint;
SELECT format_type(atttypid, NULL) FROM pg_attribute
 WHERE attrelid = 'ln_list_links'::regclass AND attname = 'link_rating';
SELECT e->'ln_saved' FROM ln_list_json(3, ARRAY['remark']) j, jsonb_array_elements(j.ln_list) e
 ORDER BY (e->>'id')::int LIMIT 1;
-- a schema the functions name is renamed
ALTER SCHEMA ln_other RENAME TO ln_moved;
SELECT count(*), min(headline) FROM ln_list_links(3);
SELECT jsonb_array_length(ln_list) FROM ln_list_json(3);
ALTER SCHEMA ln_moved RENAME TO ln_other;
-- an object built on the link rows holds their columns, as on a view
CREATE VIEW ln_mine AS SELECT * FROM ln_list_links(3);
\set VERBOSITY default
ALTER TABLE ln_saved ADD COLUMN extra int;
\set VERBOSITY sqlstate
DROP VIEW ln_mine;
-- one built on the view: the view keeps its columns (NOTICE), and a
-- column it reads cannot be dropped, as with any view
CREATE VIEW ln_mine AS SELECT id, link_remark FROM ln_list_links;
\set VERBOSITY default
ALTER TABLE ln_saved ADD COLUMN extra int;
ALTER TABLE ln_saved DROP COLUMN remark;
\set VERBOSITY sqlstate
DROP VIEW ln_mine;
ALTER TABLE ln_saved DROP COLUMN extra;
SELECT count(*) FROM pg_attribute WHERE attrelid = 'ln_list_links'::regclass AND attname = 'link_extra';
-- a column dropped with CASCADE under a view of the user's on the link rows
-- view: the user's view goes, the association stays and its view is made
-- again
CREATE VIEW ln_mine AS SELECT id, link_remark FROM ln_list_links;
ALTER TABLE ln_saved ADD COLUMN extra int;
\set VERBOSITY default
ALTER TABLE ln_saved DROP COLUMN remark CASCADE;
\set VERBOSITY sqlstate
SELECT to_regclass('ln_mine') AS user_view, medium_assoc.count('ln_list', 3) AS links,
       (SELECT count(*) FROM ln_list_links WHERE link_user_id = 3) AS view_rows,
       (SELECT count(*) FROM pg_attribute WHERE attrelid = 'ln_list_links'::regclass
           AND attname IN ('link_remark', 'link_extra')) AS view_columns;
-- the view and functions are found by their dependency on the reader: a
-- changed comment, or the reader moved to another schema, change nothing
COMMENT ON VIEW ln_list_links IS 'my comment';
CREATE SCHEMA ln_api;
ALTER FUNCTION ln_list(int) SET SCHEMA ln_api;
ALTER TABLE ln_saved DROP COLUMN extra;
ALTER TABLE ln_saved ADD COLUMN extra2 int;
SELECT count(*) FROM pg_attribute WHERE attrelid = 'ln_list_links'::regclass AND attname = 'link_extra2';
SELECT count(*) FROM pg_proc WHERE proname = 'ln_list_links';
ALTER FUNCTION ln_api.ln_list(int) SET SCHEMA public;
DROP SCHEMA ln_api;
-- the functions and the view are the reader's: not dropped alone, gone with it
\set VERBOSITY default
DROP FUNCTION ln_list_links(int);
DROP VIEW ln_list_links CASCADE;
\set VERBOSITY sqlstate
DROP ROUTINE ln_list_json(int, text[]);
SELECT medium_assoc.drop_association('ln_list');
SELECT count(*) FROM pg_proc WHERE proname LIKE 'ln_list%';
SELECT to_regclass('ln_list_links');
-- a relation of the view's name makes registration fail, changing nothing
CREATE TABLE ln_taken_links (x int);
\set VERBOSITY default
SELECT medium_assoc.belongs_to_many('ln_users', 'ln_other.ln_articles', 'ln_saved', 'ln_taken');
\set VERBOSITY sqlstate
SELECT count(*) FROM pg_proc WHERE proname LIKE 'ln_taken%';
DROP TABLE ln_taken_links;
CREATE FUNCTION ln_taken_json(int, text[]) RETURNS int LANGUAGE sql AS 'SELECT 1';
SELECT medium_assoc.belongs_to_many('ln_users', 'ln_other.ln_articles', 'ln_saved', 'ln_taken');
DROP FUNCTION ln_taken_json(int, text[]);

-- documents of a through table with more columns than a function takes
-- arguments
CREATE TABLE ln_wide_saves (user_id int REFERENCES ln_users, article_id int REFERENCES ln_other.ln_articles,
                            PRIMARY KEY (user_id, article_id));
DO $$
BEGIN
  FOR g IN 1 .. 60 LOOP
    EXECUTE format('ALTER TABLE ln_wide_saves ADD COLUMN c%s int DEFAULT %s', g, g);
  END LOOP;
END $$;
SELECT medium_assoc.belongs_to_many('ln_users', 'ln_other.ln_articles', 'ln_wide_saves', 'ln_wide');
SELECT medium_assoc.add('ln_wide', 1, 2);
SELECT (e->'ln_wide_saves'->>'c60')::int AS c60, (SELECT count(*) FROM jsonb_object_keys(e->'ln_wide_saves')) AS link_columns,
       (SELECT e2->'ln_wide_saves' FROM ln_wide_json(1, '{c7}') j2, jsonb_array_elements(j2.ln_wide) e2) AS chosen
  FROM ln_wide_json(1) j, jsonb_array_elements(j.ln_wide) e;
SELECT medium_assoc.drop_association('ln_wide');
DROP TABLE ln_wide_saves;

-- a type holding the name of the view's row type: refused, naming it
CREATE DOMAIN ln_typ_links AS int;
\set VERBOSITY default
SELECT medium_assoc.belongs_to_many('ln_users', 'ln_other.ln_articles', 'ln_saved', 'ln_typ');
\set VERBOSITY sqlstate
DROP DOMAIN ln_typ_links;

-- repair() repairs each association on its own: one whose view cannot be
-- made again gets a WARNING, the others are repaired
BEGIN;
DELETE FROM pg_depend WHERE refclassid = 'pg_proc'::regclass
   AND refobjid = 'ln_posts(int)'::regprocedure AND classid = 'pg_class'::regclass;
DROP VIEW ln_posts_links;
CREATE TABLE ln_posts_links (x int);
\set VERBOSITY default
SELECT medium_assoc.repair() = (SELECT count(*) - 1 FROM medium_assoc.associations) AS others_repaired;
\set VERBOSITY sqlstate
ROLLBACK;

-- index advice: a NOTICE at registration, and the associations view
\set VERBOSITY default
CREATE TABLE ln_noidx (a_id int REFERENCES ln_other.ln_articles, u_id int REFERENCES ln_users);
SELECT medium_assoc.belongs_to_many('ln_users', 'ln_other.ln_articles', 'ln_noidx', 'ln_noidx_list');
SELECT name, index_advice FROM medium_assoc.associations WHERE name LIKE 'ln%' ORDER BY name;
CREATE INDEX ON ln_noidx (u_id);
SELECT name, index_advice FROM medium_assoc.associations WHERE name LIKE 'ln%' ORDER BY name;

SELECT medium_assoc.drop_association('ln_noidx_list');
SELECT medium_assoc.drop_association('ln_posts');
DROP TABLE ln_noidx, ln_saved, ln_other.ln_articles, ln_users;
DROP SCHEMA ln_other, ln_evil CASCADE;
DROP ROLE regress_ln_reader;

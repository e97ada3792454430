-- DDL on the tables of an association: renames and SET SCHEMA keep it
-- working, DROP of what it uses fails unless CASCADE (which removes it),
-- a key or scope column's type cannot be changed.
\set VERBOSITY sqlstate
\set SHOW_CONTEXT never

CREATE TABLE ddl_users (
    id   integer PRIMARY KEY,
    name text NOT NULL
);
CREATE TABLE ddl_articles (
    id    bigint PRIMARY KEY,
    title text NOT NULL,
    body  text
);
CREATE TABLE ddl_links (
    user_id    integer NOT NULL REFERENCES ddl_users,
    article_id bigint NOT NULL REFERENCES ddl_articles,
    kind       text NOT NULL,
    shelf      integer NOT NULL DEFAULT 1,
    note       text
);
-- users -> articles can be walked by index; articles -> users cannot
CREATE INDEX ddl_links_user_id ON ddl_links (user_id);

INSERT INTO ddl_users VALUES (1, 'ada'), (2, 'bob'), (3, 'cy');
INSERT INTO ddl_articles VALUES
    (10, 'a10', 'x'), (11, 'a11', 'y'), (12, 'a12', 'z'), (13, 'a13', NULL);
INSERT INTO ddl_links VALUES
    (1, 10, 'saved', 1, NULL),
    (1, 11, 'saved', 1, NULL),
    (2, 10, 'saved', 1, NULL),
    (1, 12, 'liked', 1, NULL),    -- outside the scope
    (1, 13, 'saved', 2, NULL),    -- outside the scope
    (3, 12, 'liked', 1, NULL);    -- outside the scope

-- every key given, and a scope of two columns
SELECT medium_assoc.belongs_to_many('ddl_users', 'ddl_articles', 'ddl_links', 'ddl_saved',
    foreign_key => 'user_id', other_key => 'article_id',
    source_key => 'id', target_key => 'id',
    scope => '{"kind": "saved", "shelf": 1}');
SELECT medium_assoc.belongs_to_many('ddl_articles', 'ddl_users', 'ddl_links', 'ddl_savers',
    foreign_key => 'article_id', other_key => 'user_id',
    scope => '{"kind": "saved", "shelf": 1}');

-- The same statements are run after each change below.  They name neither
-- tables nor key columns, which the changes rename.
-- reads: the readers, the batch reader, count and has
\set reads 'SELECT (SELECT array_agg(title ORDER BY title) FROM ddl_saved(1)) AS saved_1, (SELECT array_agg(source || '':'' || (target).title ORDER BY source, (target).title) FROM ddl_saved_batch(ARRAY[1, 2, 3])) AS batch, (SELECT array_agg(name ORDER BY name) FROM ddl_savers(10)) AS savers_10, (SELECT array_agg(source || '':'' || (target).name ORDER BY source, (target).name) FROM ddl_savers_batch(ARRAY[10, 11, 12, 13])) AS savers_batch, medium_assoc.count(''ddl_saved'', 1) AS count_1, medium_assoc.count(''ddl_savers'', 10) AS count_10, medium_assoc.has(''ddl_saved'', 1, ARRAY[10, 11]) AS has_all, medium_assoc.has(''ddl_saved'', 1, 12) AS has_12, medium_assoc.has(''ddl_savers'', 11, 1) AS has_rev;'
-- writes: add, remove, set on user 2 (who has article 10) and on article
-- 13 (which has no links), ending as they began; one line of results
CREATE FUNCTION ddl_writes() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    r text[];
    s record;
BEGIN
    r := r || ('add ' || medium_assoc.add('ddl_saved', 2, ARRAY[11, 12]));
    r := r || ('remove ' || medium_assoc.remove('ddl_saved', 2, 11));
    SELECT * INTO s FROM medium_assoc.set('ddl_saved', 2, '{11}'::text);
    r := r || ('set ' || s.added || '/' || s.removed);
    SELECT * INTO s FROM medium_assoc.set('ddl_saved', 2, ARRAY[10]);
    r := r || ('set ' || s.added || '/' || s.removed);
    r := r || ('add ' || medium_assoc.add('ddl_savers', 13, 3));
    r := r || ('remove ' || medium_assoc.remove('ddl_savers', 13, ARRAY[3]));
    RETURN array_to_string(r, ', ');
END
$$;
\set writes 'SELECT ddl_writes();'
-- view: the registry as the view shows it
\set view 'SELECT name, source, target, through, foreign_key, other_key, source_key, target_key, scope, reader FROM medium_assoc.associations WHERE starts_with(name, ''ddl_'') ORDER BY name;'

:reads
:writes
:reads
:view
-- the links as stored, with their scope columns
SELECT * FROM ddl_links ORDER BY user_id, article_id, kind, shelf;

--
-- Renaming the tables, after the readers have run (their statements are
-- prepared and must be rebuilt)
--
ALTER TABLE ddl_links RENAME TO ddl_links2;
:reads
:writes
ALTER TABLE ddl_users RENAME TO ddl_users2;
:reads
:writes
ALTER TABLE ddl_articles RENAME TO ddl_articles2;
:reads
:writes
:view

--
-- Renaming the key columns, one at a time
--
-- foreign_key of ddl_saved, other_key of ddl_savers
ALTER TABLE ddl_links2 RENAME COLUMN user_id TO "User Id";
:reads
:writes
-- other_key of ddl_saved, foreign_key of ddl_savers
ALTER TABLE ddl_links2 RENAME COLUMN article_id TO aid;
:reads
:writes
-- source_key of ddl_saved, target_key of ddl_savers
ALTER TABLE ddl_users2 RENAME COLUMN id TO user_no;
:reads
:writes
-- target_key of ddl_saved, source_key of ddl_savers
ALTER TABLE ddl_articles2 RENAME COLUMN id TO article_no;
:reads
:writes
:view

--
-- Renaming the scope columns
--
-- "kind" to "category": the scope's keys now sort the other way round
ALTER TABLE ddl_links2 RENAME COLUMN kind TO category;
:reads
:writes
:view
-- and again, with another ALTER TABLE in between
ALTER TABLE ddl_links2 ALTER COLUMN note SET DEFAULT 'n';
:reads
ALTER TABLE ddl_links2 RENAME COLUMN shelf TO a_shelf;
:reads
:writes
:view
SELECT * FROM ddl_links2 ORDER BY "User Id", aid, category, a_shelf;

-- a rename that is rolled back leaves the old names
BEGIN;
ALTER TABLE ddl_links2 RENAME COLUMN aid TO article;
ALTER TABLE ddl_users2 RENAME TO ddl_people;
:reads
SELECT name, source, foreign_key, other_key FROM medium_assoc.associations
 WHERE starts_with(name, 'ddl_') ORDER BY name;
ROLLBACK;
:reads
:writes
:view

--
-- SET SCHEMA of each table
--
CREATE SCHEMA ddl_elsewhere;
ALTER TABLE ddl_links2 SET SCHEMA ddl_elsewhere;
:reads
:writes
ALTER TABLE ddl_users2 SET SCHEMA ddl_elsewhere;
:reads
:writes
ALTER TABLE ddl_articles2 SET SCHEMA ddl_elsewhere;
:reads
:writes
:view
-- the readers stay where they were created
SELECT p.oid::regprocedure, p.pronamespace::regnamespace
  FROM pg_proc p
 WHERE p.proname IN ('ddl_saved', 'ddl_saved_batch', 'ddl_savers', 'ddl_savers_batch')
 ORDER BY p.oid::regprocedure::text;
-- the stored links carry the scope's values
SELECT * FROM ddl_elsewhere.ddl_links2 ORDER BY "User Id", aid, category, a_shelf;

--
-- ALTER COLUMN TYPE of a key or scope column: 0A000, nothing changes
--
ALTER TABLE ddl_elsewhere.ddl_links2 ALTER COLUMN "User Id" TYPE bigint;
ALTER TABLE ddl_elsewhere.ddl_links2 ALTER COLUMN aid TYPE numeric;
ALTER TABLE ddl_elsewhere.ddl_users2 ALTER COLUMN user_no TYPE bigint;
ALTER TABLE ddl_elsewhere.ddl_articles2 ALTER COLUMN article_no TYPE integer;
ALTER TABLE ddl_elsewhere.ddl_links2 ALTER COLUMN category TYPE varchar(20);
ALTER TABLE ddl_elsewhere.ddl_links2 ALTER COLUMN a_shelf TYPE bigint;
-- also among other subcommands, and with USING
ALTER TABLE ddl_elsewhere.ddl_links2 ALTER COLUMN note TYPE varchar(50),
    ALTER COLUMN aid TYPE integer USING aid::integer;
-- unqualified, through the search_path
SET search_path = ddl_elsewhere, public;
ALTER TABLE ddl_users2 ALTER COLUMN user_no TYPE text;
RESET search_path;
\set VERBOSITY default
ALTER TABLE ddl_elsewhere.ddl_links2 ALTER COLUMN "User Id" TYPE bigint;
\set VERBOSITY sqlstate
SELECT attrelid::regclass, attname, format_type(atttypid, atttypmod)
  FROM pg_attribute
 WHERE attrelid IN ('ddl_elsewhere.ddl_links2'::regclass, 'ddl_elsewhere.ddl_users2'::regclass,
                    'ddl_elsewhere.ddl_articles2'::regclass)
   AND attnum > 0 AND NOT attisdropped
 ORDER BY attrelid::regclass::text, attnum;
:view
:reads

-- other columns may change type; the readers follow
ALTER TABLE ddl_elsewhere.ddl_articles2 ALTER COLUMN title TYPE varchar(100);
ALTER TABLE ddl_elsewhere.ddl_users2 ALTER COLUMN name TYPE varchar(20);
ALTER TABLE ddl_elsewhere.ddl_links2 ALTER COLUMN note TYPE varchar(50);
SELECT title, pg_typeof(title) FROM ddl_saved(1) ORDER BY title;
SELECT name, pg_typeof(name) FROM ddl_savers(10) ORDER BY name;
SELECT (target).title, pg_typeof((target).title) FROM ddl_saved_batch(ARRAY[1]) ORDER BY 1;
:reads
:writes

-- a column added to the target is returned; a dropped one is not
ALTER TABLE ddl_elsewhere.ddl_articles2 ADD COLUMN rating integer NOT NULL DEFAULT 5;
UPDATE ddl_elsewhere.ddl_articles2 SET rating = 7 WHERE title = 'a11';
SELECT * FROM ddl_saved(1) ORDER BY title;
SELECT source, target FROM ddl_saved_batch(ARRAY[1, 2]) ORDER BY source, (target).title;
ALTER TABLE ddl_elsewhere.ddl_articles2 DROP COLUMN body;
SELECT * FROM ddl_saved(1) ORDER BY title;
SELECT source, target FROM ddl_saved_batch(ARRAY[1, 2]) ORDER BY source, (target).title;
ALTER TABLE ddl_elsewhere.ddl_users2 ADD COLUMN email text;
UPDATE ddl_elsewhere.ddl_users2 SET email = name || '@example.com';
SELECT * FROM ddl_savers(10) ORDER BY name;
:reads
:writes

--
-- DROP of what an association uses: 2BP01 unless CASCADE
--
-- These tables have no foreign keys, so only the association depends on
-- their columns and constraints.
CREATE TABLE ddl_posts (
    id    integer PRIMARY KEY,
    title text
);
CREATE TABLE ddl_tags (
    id    integer PRIMARY KEY,
    label text NOT NULL CONSTRAINT ddl_tags_label_key UNIQUE,
    color text
);
CREATE TABLE ddl_post_tags (
    post_id   integer,
    tag_label text,
    weight    integer,
    extra     text
);
INSERT INTO ddl_posts VALUES (1, 'p1'), (2, 'p2');
INSERT INTO ddl_tags VALUES (1, 'red', 'r'), (2, 'green', 'g'), (3, 'blue', 'b');
INSERT INTO ddl_post_tags VALUES (1, 'red', 1, NULL), (1, 'blue', 1, NULL), (2, 'red', 0, NULL);
-- source key: the primary key ddl_posts.id; target key: ddl_tags.label,
-- unique by a constraint
SELECT medium_assoc.belongs_to_many('ddl_posts', 'ddl_tags', 'ddl_post_tags', 'ddl_tagged',
    foreign_key => 'post_id', other_key => 'tag_label', target_key => 'label',
    scope => '{"weight": 1}');
SELECT label FROM ddl_tagged(1) ORDER BY label;

-- whether ddl_tagged is registered, and how many of its functions exist
\set tagged 'SELECT v.n AS association, a.reader, (SELECT count(*) FROM pg_proc p WHERE p.proname IN (''ddl_tagged'', ''ddl_tagged_batch'')) AS functions FROM (VALUES (''ddl_tagged'')) v(n) LEFT JOIN medium_assoc.associations a ON a.name = v.n;'
:tagged

-- the participating tables
DROP TABLE ddl_post_tags;
DROP TABLE ddl_posts;
DROP TABLE ddl_tags;
-- the key and scope columns
ALTER TABLE ddl_post_tags DROP COLUMN post_id;
ALTER TABLE ddl_post_tags DROP COLUMN tag_label;
ALTER TABLE ddl_post_tags DROP COLUMN weight;
ALTER TABLE ddl_posts DROP COLUMN id;
ALTER TABLE ddl_tags DROP COLUMN label;
-- the primary key and the unique constraint that make the keys unique
-- (in a transaction, so that nothing else changes if one did succeed)
BEGIN;
ALTER TABLE ddl_posts DROP CONSTRAINT ddl_posts_pkey;
ROLLBACK;
BEGIN;
ALTER TABLE ddl_tags DROP CONSTRAINT ddl_tags_label_key;
ROLLBACK;
-- the batch reader is part of the reader
DROP FUNCTION ddl_tagged_batch(integer[]);
-- other columns and constraints may go
ALTER TABLE ddl_post_tags DROP COLUMN extra;
ALTER TABLE ddl_tags DROP COLUMN color;
ALTER TABLE ddl_tags DROP CONSTRAINT ddl_tags_pkey;
-- the errors name the reader
\set VERBOSITY default
DROP TABLE ddl_post_tags;
ALTER TABLE ddl_tags DROP COLUMN label;
\set VERBOSITY sqlstate
-- nothing changed
:tagged
SELECT * FROM ddl_tagged(1) ORDER BY label;
SELECT source, target FROM ddl_tagged_batch(ARRAY[1, 2]) ORDER BY source, (target).label;
SELECT medium_assoc.add('ddl_tagged', 2, 'green');
SELECT * FROM ddl_post_tags ORDER BY post_id, tag_label, weight;
SELECT conname FROM pg_constraint
 WHERE conrelid IN ('ddl_posts'::regclass, 'ddl_tags'::regclass) ORDER BY conname;

-- CASCADE removes the association and its readers, and nothing else
SET client_min_messages = warning;
ALTER TABLE ddl_tags DROP CONSTRAINT ddl_tags_label_key CASCADE;
RESET client_min_messages;
:tagged
SELECT medium_assoc.count('ddl_tagged', 1);
SELECT * FROM ddl_post_tags ORDER BY post_id, tag_label, weight;
:view
:reads
:writes
-- register it again, the target key unique by an index this time
CREATE UNIQUE INDEX ddl_tags_label_idx ON ddl_tags (label);
SELECT medium_assoc.belongs_to_many('ddl_posts', 'ddl_tags', 'ddl_post_tags', 'ddl_tagged',
    foreign_key => 'post_id', other_key => 'tag_label', target_key => 'label',
    scope => '{"weight": 1}');
BEGIN;
DROP INDEX ddl_tags_label_idx;
ROLLBACK;
:tagged
SET client_min_messages = warning;
DROP INDEX ddl_tags_label_idx CASCADE;
RESET client_min_messages;
:tagged
CREATE UNIQUE INDEX ddl_tags_label_idx ON ddl_tags (label);
SELECT medium_assoc.belongs_to_many('ddl_posts', 'ddl_tags', 'ddl_post_tags', 'ddl_tagged',
    foreign_key => 'post_id', other_key => 'tag_label', target_key => 'label',
    scope => '{"weight": 1}');
-- the messages of these cascades name the reader
\set VERBOSITY terse
-- a scope column
ALTER TABLE ddl_post_tags DROP COLUMN weight CASCADE;
:tagged
SELECT medium_assoc.belongs_to_many('ddl_posts', 'ddl_tags', 'ddl_post_tags', 'ddl_tagged',
    foreign_key => 'post_id', other_key => 'tag_label', target_key => 'label');
SELECT label FROM ddl_tagged(1) ORDER BY label;
-- a key column
ALTER TABLE ddl_post_tags DROP COLUMN tag_label CASCADE;
:tagged
ALTER TABLE ddl_post_tags ADD COLUMN tag_label text;
SELECT medium_assoc.belongs_to_many('ddl_posts', 'ddl_tags', 'ddl_post_tags', 'ddl_tagged',
    foreign_key => 'post_id', other_key => 'tag_label', target_key => 'label');
-- the source key
ALTER TABLE ddl_posts DROP COLUMN id CASCADE;
:tagged
ALTER TABLE ddl_posts ADD COLUMN id integer GENERATED ALWAYS AS IDENTITY
    CONSTRAINT ddl_posts_pkey PRIMARY KEY;
SELECT medium_assoc.belongs_to_many('ddl_posts', 'ddl_tags', 'ddl_post_tags', 'ddl_tagged',
    foreign_key => 'post_id', other_key => 'tag_label', target_key => 'label');
-- the primary key of the source
SET client_min_messages = warning;
ALTER TABLE ddl_posts DROP CONSTRAINT ddl_posts_pkey CASCADE;
RESET client_min_messages;
:tagged
ALTER TABLE ddl_posts ADD PRIMARY KEY (id);
SELECT medium_assoc.belongs_to_many('ddl_posts', 'ddl_tags', 'ddl_post_tags', 'ddl_tagged',
    foreign_key => 'post_id', other_key => 'tag_label', target_key => 'label');
-- the reader itself (no CASCADE needed: the batch reader is part of it)
DROP FUNCTION ddl_tagged(integer);
:tagged
SELECT medium_assoc.belongs_to_many('ddl_posts', 'ddl_tags', 'ddl_post_tags', 'ddl_tagged',
    foreign_key => 'post_id', other_key => 'tag_label', target_key => 'label');
-- each table
DROP TABLE ddl_post_tags CASCADE;
:tagged
CREATE TABLE ddl_post_tags (post_id integer, tag_label text);
SELECT medium_assoc.belongs_to_many('ddl_posts', 'ddl_tags', 'ddl_post_tags', 'ddl_tagged',
    foreign_key => 'post_id', other_key => 'tag_label', target_key => 'label');
DROP TABLE ddl_tags CASCADE;
:tagged
CREATE TABLE ddl_tags (label text PRIMARY KEY);
SELECT medium_assoc.belongs_to_many('ddl_posts', 'ddl_tags', 'ddl_post_tags', 'ddl_tagged',
    foreign_key => 'post_id', other_key => 'tag_label');
DROP TABLE ddl_posts CASCADE;
:tagged
\set VERBOSITY sqlstate
-- the other tables are still there
SELECT relname FROM pg_class WHERE relname IN ('ddl_posts', 'ddl_tags', 'ddl_post_tags')
 ORDER BY relname;
-- the associations on the other tables were never touched
:view
:reads
:writes

--
-- Clean up
--
SELECT medium_assoc.drop_association('ddl_saved');
SELECT medium_assoc.drop_association('ddl_savers');
DROP TABLE ddl_tags, ddl_post_tags;
DROP TABLE ddl_elsewhere.ddl_links2, ddl_elsewhere.ddl_users2, ddl_elsewhere.ddl_articles2;
DROP SCHEMA ddl_elsewhere;
DROP FUNCTION ddl_writes();
:view
SELECT count(*) FROM pg_proc WHERE starts_with(proname, 'ddl_');

--
-- RENAME COLUMN on an inheritance parent or a partitioned table recurses
-- to children and partitions, which the command does not name: an
-- association on a child or partition follows it too, at every level
--
CREATE TABLE ddl_inh_u (id int PRIMARY KEY);
CREATE TABLE ddl_inh_a (id int PRIMARY KEY, title text);
CREATE TABLE ddl_inh_base (user_id int NOT NULL, article_id int NOT NULL);
CREATE TABLE ddl_inh_mid () INHERITS (ddl_inh_base);
CREATE TABLE ddl_inh_leaf (PRIMARY KEY (user_id, article_id)) INHERITS (ddl_inh_mid);
CREATE TABLE ddl_part (user_id int NOT NULL, article_id int NOT NULL) PARTITION BY LIST (user_id);
CREATE TABLE ddl_part_1 PARTITION OF ddl_part FOR VALUES IN (1);
INSERT INTO ddl_inh_u VALUES (1);
INSERT INTO ddl_inh_a VALUES (1, 'one'), (2, 'two');
SELECT medium_assoc.belongs_to_many('ddl_inh_u', 'ddl_inh_a', 'ddl_inh_leaf', 'ddl_inh_reads',
    foreign_key => 'user_id', other_key => 'article_id');
SELECT medium_assoc.belongs_to_many('ddl_inh_u', 'ddl_inh_a', 'ddl_part_1', 'ddl_part_reads',
    foreign_key => 'user_id', other_key => 'article_id');
SELECT medium_assoc.add('ddl_inh_reads', 1, 1), medium_assoc.add('ddl_part_reads', 1, 2);
ALTER TABLE ddl_inh_base RENAME COLUMN article_id TO art;
ALTER TABLE ddl_part RENAME COLUMN user_id TO uid;
SELECT name, foreign_key, other_key FROM medium_assoc.associations
 WHERE name IN ('ddl_inh_reads', 'ddl_part_reads') ORDER BY name;
SELECT obj_description('ddl_inh_reads(int)'::regprocedure, 'pg_proc') LIKE '%(user_id, art)' AS comment_follows;
SELECT title FROM ddl_inh_reads(1);
SELECT title FROM ddl_part_reads(1);
SELECT medium_assoc.add('ddl_inh_reads', 1, 2), medium_assoc.count('ddl_part_reads', 1);
SELECT * FROM ddl_inh_leaf ORDER BY 1, 2;
SELECT medium_assoc.drop_association('ddl_inh_reads'), medium_assoc.drop_association('ddl_part_reads');

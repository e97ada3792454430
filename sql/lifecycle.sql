-- lifecycle: registering, rolling back, dropping, re-registering, and what
-- DROP FUNCTION and DROP EXTENSION do to associations
\set VERBOSITY sqlstate
\set SHOW_CONTEXT never
SET client_min_messages = warning;

CREATE TABLE life_users (id integer PRIMARY KEY, name text);
CREATE TABLE life_articles (id integer PRIMARY KEY, title text);
CREATE TABLE life_reading (
    user_id    integer NOT NULL REFERENCES life_users,
    article_id integer NOT NULL REFERENCES life_articles,
    note       text
);
INSERT INTO life_users VALUES (1, 'ann'), (2, 'bob');
INSERT INTO life_articles VALUES (1, 'one'), (2, 'two'), (3, 'three');
INSERT INTO life_reading VALUES (1, 1, 'kept'), (1, 2, 'kept'), (2, 3, 'kept');

-- the objects an association may leave behind
CREATE VIEW life_objects AS
SELECT (SELECT string_agg(name, ',' ORDER BY name)
          FROM medium_assoc.associations WHERE name LIKE 'life\_%') AS associations,
       (SELECT string_agg(p.oid::regprocedure::text, ',' ORDER BY p.oid::regprocedure::text)
          FROM pg_proc p WHERE p.proname LIKE 'life\_%') AS functions,
       (SELECT count(*)
          FROM pg_depend d
         WHERE d.classid = 'pg_proc'::regclass
           AND d.refclassid = 'pg_class'::regclass
           AND d.refobjid IN ('life_users'::regclass, 'life_articles'::regclass,
                              'life_reading'::regclass)) AS column_deps,
       (SELECT count(*)
          FROM pg_depend d
         WHERE d.classid = 'pg_proc'::regclass
           AND NOT EXISTS (SELECT 1 FROM pg_proc p WHERE p.oid = d.objid)) AS dangling_deps,
       (SELECT count(*)
          FROM pg_description c
         WHERE c.classoid = 'pg_proc'::regclass
           AND NOT EXISTS (SELECT 1 FROM pg_proc p WHERE p.oid = c.objoid)) AS dangling_comments;
CREATE VIEW life_data AS
SELECT string_agg(format('%s:%s:%s', user_id, article_id, note), ','
                  ORDER BY user_id, article_id) AS through_rows
  FROM life_reading;
SELECT * FROM life_objects;
SELECT * FROM life_data;

--
-- a rolled-back registration leaves nothing behind
--
BEGIN;
SELECT medium_assoc.belongs_to_many('life_users', 'life_articles', 'life_reading', 'life_tmp')::oid
       AS tmp_reader \gset
SELECT 'life_tmp_batch(integer[])'::regprocedure::oid AS tmp_batch \gset
SELECT * FROM life_objects;
SELECT * FROM life_tmp(1) ORDER BY id;
SELECT medium_assoc.add('life_tmp', 2, 1);
SELECT medium_assoc.count('life_tmp', 2);
ROLLBACK;
SELECT * FROM life_objects;
SELECT * FROM life_data;
SELECT count(*) FROM pg_depend
 WHERE objid IN (:tmp_reader, :tmp_batch) OR refobjid IN (:tmp_reader, :tmp_batch);
SELECT count(*) FROM pg_description WHERE objoid IN (:tmp_reader, :tmp_batch);
SELECT * FROM life_tmp(1);
SELECT * FROM life_tmp_batch(ARRAY[1]);
SELECT medium_assoc.count('life_tmp', 1);
SELECT medium_assoc.drop_association('life_tmp');
-- a savepoint rolled back behaves the same
BEGIN;
SAVEPOINT s;
SELECT medium_assoc.belongs_to_many('life_users', 'life_articles', 'life_reading', 'life_tmp');
SELECT medium_assoc.count('life_tmp', 1);
ROLLBACK TO SAVEPOINT s;
SELECT medium_assoc.count('life_tmp', 1);
ROLLBACK;
SELECT * FROM life_objects;

--
-- register, use, drop: the readers and the registration go, the data stays
--
SELECT medium_assoc.belongs_to_many('life_users', 'life_articles', 'life_reading', 'life_list')::oid
       AS list_reader \gset
SELECT 'life_list_batch(integer[])'::regprocedure::oid AS list_batch \gset
SELECT * FROM life_objects;
SELECT name, source, target, through, reader FROM medium_assoc.associations
 WHERE name = 'life_list';
SELECT * FROM life_list(1) ORDER BY id;
SELECT medium_assoc.add('life_list', 2, 1, '{"note": "new"}');
SELECT * FROM life_data;
SELECT medium_assoc.drop_association('life_list');
SELECT * FROM life_objects;
SELECT * FROM life_data;
SELECT count(*) FROM pg_depend
 WHERE objid IN (:list_reader, :list_batch) OR refobjid IN (:list_reader, :list_batch);
SELECT count(*) FROM pg_description WHERE objoid IN (:list_reader, :list_batch);
SELECT * FROM life_list(1);
SELECT * FROM life_list_batch(ARRAY[1]);
SELECT medium_assoc.count('life_list', 1);
SELECT medium_assoc.add('life_list', 1, 3);
SELECT medium_assoc.drop_association('life_list');
SELECT * FROM life_data;

--
-- the same alias can be registered again; it sees the existing links
--
SELECT medium_assoc.belongs_to_many('life_users', 'life_articles', 'life_reading', 'life_list');
SELECT * FROM life_objects;
SELECT * FROM life_list(2) ORDER BY id;
SELECT medium_assoc.count('life_list', 1), medium_assoc.count('life_list', 2);
-- dropped and registered again within one transaction
BEGIN;
SELECT medium_assoc.drop_association('life_list');
SELECT medium_assoc.count('life_list', 1);
ROLLBACK;
BEGIN;
SELECT medium_assoc.drop_association('life_list');
SELECT medium_assoc.belongs_to_many('life_articles', 'life_users', 'life_reading', 'life_list');
-- now the reverse direction: articles -> users
SELECT * FROM life_list(1) ORDER BY id;
SELECT medium_assoc.count('life_list', 3);
ROLLBACK;
SELECT name, source, target FROM medium_assoc.associations WHERE name = 'life_list';
SELECT * FROM life_list(1) ORDER BY id;

--
-- a view using the reader blocks drop_association, and the batch reader
-- cannot be dropped on its own
--
CREATE VIEW life_view AS SELECT id, title FROM life_list(1);
SELECT medium_assoc.drop_association('life_list');
SELECT * FROM life_objects;
\set VERBOSITY default
SELECT medium_assoc.drop_association('life_list');
\set VERBOSITY sqlstate
DROP FUNCTION life_list_batch(integer[]);
\set VERBOSITY default
DROP FUNCTION life_list_batch(integer[]);
\set VERBOSITY sqlstate
SELECT * FROM life_objects;
SELECT * FROM life_view ORDER BY id;
DROP VIEW life_view;
-- a view using the batch reader blocks it too
CREATE VIEW life_batch_view AS SELECT source, (target).id FROM life_list_batch(ARRAY[1, 2]);
SELECT medium_assoc.drop_association('life_list');
SELECT * FROM life_objects;
DROP VIEW life_batch_view;

--
-- DROP FUNCTION of the reader removes the association (and its batch reader)
--
DROP FUNCTION life_list(integer);
SELECT * FROM life_objects;
SELECT * FROM life_data;
SELECT medium_assoc.count('life_list', 1);
-- and the alias is free again
SELECT medium_assoc.belongs_to_many('life_users', 'life_articles', 'life_reading', 'life_list');
SELECT medium_assoc.count('life_list', 1);
-- DROP FUNCTION rolled back keeps it
BEGIN;
DROP FUNCTION life_list(integer);
SELECT * FROM life_objects;
ROLLBACK;
SELECT * FROM life_objects;
SELECT medium_assoc.count('life_list', 1);

--
-- DROP EXTENSION removes every reader and batch reader, not the user's data
--
SELECT medium_assoc.belongs_to_many('life_articles', 'life_users', 'life_reading', 'life_readers');
CREATE SCHEMA life_other;
CREATE TABLE life_other.tags (id integer PRIMARY KEY);
CREATE TABLE life_other.article_tags (
    article_id integer REFERENCES life_articles,
    tag_id     integer REFERENCES life_other.tags
);
INSERT INTO life_other.tags VALUES (1);
INSERT INTO life_other.article_tags VALUES (1, 1);
SELECT medium_assoc.belongs_to_many('life_other.tags', 'life_articles',
                                    'life_other.article_tags', 'life_tagged');
SELECT * FROM life_objects;
SELECT count(*) FROM pg_proc WHERE prosrc IN ('medium_assoc_reader', 'medium_assoc_batch');
-- a user view using a reader blocks DROP EXTENSION
CREATE VIEW life_view AS SELECT id FROM life_readers(1);
DROP EXTENSION medium_assoc;
SELECT count(*) FROM pg_proc WHERE prosrc IN ('medium_assoc_reader', 'medium_assoc_batch');
DROP VIEW life_view;
-- the views of this file read medium_assoc.associations: drop them first
DROP VIEW life_objects;
DROP EXTENSION medium_assoc;
SELECT oid::regprocedure FROM pg_proc
 WHERE prosrc IN ('medium_assoc_reader', 'medium_assoc_batch');
SELECT oid::regprocedure FROM pg_proc WHERE proname LIKE 'life\_%';
SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'medium_assoc';
SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'medium_assoc';
SELECT evtname FROM pg_event_trigger WHERE evtname LIKE 'medium\_assoc%';
SELECT count(*) FROM pg_depend d
 WHERE d.classid = 'pg_proc'::regclass
   AND NOT EXISTS (SELECT 1 FROM pg_proc p WHERE p.oid = d.objid);
SELECT * FROM life_data;
SELECT * FROM life_users ORDER BY id;
SELECT * FROM life_articles ORDER BY id;
SELECT * FROM life_other.article_tags;
SELECT * FROM life_list(1);

--
-- the extension is back, empty, and works in this same session
--
CREATE EXTENSION medium_assoc;
SELECT count(*) FROM medium_assoc.associations;
SELECT medium_assoc.count('life_list', 1);
SELECT medium_assoc.belongs_to_many('life_users', 'life_articles', 'life_reading', 'life_list');
SELECT * FROM life_list(1) ORDER BY id;
SELECT medium_assoc.add('life_list', 1, 3);
SELECT medium_assoc.count('life_list', 1);
SELECT medium_assoc.drop_association('life_list');

-- clean up
DROP VIEW life_data;
DROP SCHEMA life_other CASCADE;
DROP TABLE life_reading, life_users, life_articles;
SELECT count(*) FROM medium_assoc.associations WHERE name LIKE 'life\_%';
SELECT count(*) FROM pg_proc WHERE proname LIKE 'life\_%';

-- has_many: the targets whose foreign key holds the source's key
-- (Sequelize's hasMany, Rails' has_many).  add() writes the source's key
-- into the targets' foreign key (a target of another source moves),
-- remove() sets it to NULL (refused by a NOT NULL foreign key, never a
-- delete), set() does both; readers, count and has as for belongs_to_many.
\set VERBOSITY sqlstate

CREATE TABLE hm_users (id serial PRIMARY KEY, handle text UNIQUE NOT NULL);
CREATE TABLE hm_articles (id serial PRIMARY KEY, author_id int REFERENCES hm_users,
                          kind text NOT NULL DEFAULT 'post', title text NOT NULL);
CREATE INDEX ON hm_articles (author_id);
CREATE TABLE hm_posts (id serial PRIMARY KEY, owner int NOT NULL REFERENCES hm_users (id),
                       title text NOT NULL);
INSERT INTO hm_users (handle) VALUES ('ada'), ('bob'), ('cy');
INSERT INTO hm_articles (author_id, title, kind) VALUES
    (1, 'a1', 'post'), (1, 'a2', 'post'), (2, 'b1', 'post'), (NULL, 'orphan', 'post'),
    (1, 'v1', 'video');
INSERT INTO hm_posts (owner, title) VALUES (1, 'p1'), (2, 'p2');

-- the foreign key inferred, or given; every key's name as the catalog has it
SELECT medium_assoc.has_many('hm_users', 'hm_articles', 'hm_authored');
SELECT medium_assoc.has_many('hm_users', 'hm_posts', 'hm_owned', foreign_key => 'owner');
SELECT medium_assoc.has_many('hm_users', 'hm_articles', 'hm_videos', scope => '{"kind": "video"}');
SELECT name, kind, source, target, through, foreign_key, other_key, source_key, target_key, scope
  FROM medium_assoc.associations WHERE name LIKE 'hm%' ORDER BY name;

-- reads
SELECT id, title FROM hm_authored(1) ORDER BY id;
SELECT title FROM hm_videos(1);
SELECT source, (target).title FROM hm_authored_batch(ARRAY[1, 2, 3]) ORDER BY 1, 2;
SELECT medium_assoc.count('hm_authored', 1), hm_authored_count(2), hm_videos_count(1),
       medium_assoc.has('hm_authored', 1, ARRAY[1, 2]), hm_authored_has(1, ARRAY[3]),
       medium_assoc.has('hm_videos', 1, 1);

-- link rows and documents: the targets themselves (no columns of a link),
-- in an inlinable function; no view
SELECT pg_get_function_result('hm_authored_links(int)'::regprocedure);
SELECT id, title FROM hm_authored_links(1) ORDER BY id;
SELECT title FROM hm_videos_links(1);
SELECT jsonb_array_length(hm_authored) FROM hm_authored_json(1);
SELECT to_regclass('hm_authored_links');
SELECT u.handle, count(l.id) FROM hm_users u LEFT JOIN LATERAL hm_authored_links(u.id) l ON true
 GROUP BY u.handle ORDER BY u.handle;

-- add: an orphan and another source's target move here; one already here is
-- not counted; the scope's values are written
SELECT medium_assoc.add('hm_authored', 1, ARRAY[4, 3, 1]);
SELECT hm_videos_add(2, ARRAY[2]);
SELECT id, author_id, kind FROM hm_articles ORDER BY id;
-- a target that is the source's but outside the scope is brought into it
UPDATE hm_articles SET author_id = 2, kind = 'post' WHERE id = 2;
SELECT hm_videos_add(2, ARRAY[2]);
SELECT hm_videos_has(2, ARRAY[2]);
SELECT (hm_videos_create(2, '{"title": "v2", "kind": "post"}')).kind;
DELETE FROM hm_articles WHERE title = 'v2';
-- remove: the foreign key becomes NULL; a target of another source is left
SELECT medium_assoc.remove('hm_authored', 1, ARRAY[4, 5]);
SELECT id, author_id FROM hm_articles ORDER BY id;
-- set: exactly these
SELECT * FROM medium_assoc.set('hm_authored', 3, ARRAY[1, 4]);
SELECT * FROM hm_authored_set(3, '{}');
SELECT id, author_id FROM hm_articles ORDER BY id;
-- create: the new target has the source's key
SELECT id, author_id, title FROM hm_authored_create(3, '{"title": "new", "author_id": 1}');
SELECT medium_assoc.create('hm_owned', 2, '{"title": "p3"}') - 'id';

-- errors change nothing: a NOT NULL foreign key refuses remove and set; a
-- target or source that does not exist; attributes of a link
\set VERBOSITY default
SELECT medium_assoc.remove('hm_owned', 1, 1);
\set VERBOSITY sqlstate
SELECT * FROM medium_assoc.set('hm_owned', 1, '{}');
SELECT medium_assoc.add('hm_authored', 1, 99);
SELECT medium_assoc.add('hm_authored', 99, 1);
SELECT medium_assoc.add('hm_authored', 1, 1, '{"note": "x"}');
SELECT hm_authored_create(1, '{"title": "x"}', '{"note": "x"}');
SELECT id, owner FROM hm_posts ORDER BY id;

-- registration errors: a foreign key to another table's key, the target's own
-- key, no foreign key to infer, a column that does not exist, a taken alias
SELECT medium_assoc.has_many('hm_users', 'hm_articles', 'hm_bad', foreign_key => 'id');
SELECT medium_assoc.has_many('hm_users', 'hm_articles', 'hm_bad', foreign_key => 'nope');
SELECT medium_assoc.has_many('hm_users', 'hm_articles', 'hm_bad', source_key => 'handle');
CREATE TABLE hm_loose (id int PRIMARY KEY, user_id int);
SELECT medium_assoc.has_many('hm_users', 'hm_loose', 'hm_bad');
SELECT medium_assoc.has_many('hm_users', 'hm_articles', 'hm_authored');
SELECT medium_assoc.has_many(NULL, 'hm_articles', 'hm_bad');
SELECT count(*) FROM medium_assoc.associations WHERE name = 'hm_bad';

-- DDL: renamed columns and tables are followed
ALTER TABLE hm_articles RENAME COLUMN author_id TO writer_id;
ALTER TABLE hm_articles RENAME TO hm_texts;
SELECT foreign_key, target FROM medium_assoc.associations WHERE name = 'hm_authored';
SELECT medium_assoc.add('hm_authored', 2, 4), hm_authored_count(2);
ALTER TABLE hm_texts DROP COLUMN writer_id;

-- privileges: the caller's UPDATE on the target's foreign key
CREATE ROLE regress_hm_user;
GRANT SELECT ON hm_users, hm_texts TO regress_hm_user;
SET ROLE regress_hm_user;
SELECT count(*) FROM hm_authored(1);
SELECT medium_assoc.add('hm_authored', 1, 2);
RESET ROLE;
GRANT UPDATE (writer_id) ON hm_texts TO regress_hm_user;
SET ROLE regress_hm_user;
SELECT medium_assoc.add('hm_authored', 1, 2);
RESET ROLE;

-- row-level security that skips the update makes add() fail, not return 0
ALTER TABLE hm_texts ENABLE ROW LEVEL SECURITY;
CREATE POLICY hm_read ON hm_texts FOR SELECT USING (true);
CREATE POLICY hm_none ON hm_texts FOR UPDATE USING (false);
SET ROLE regress_hm_user;
SELECT medium_assoc.add('hm_authored', 3, 2);
SELECT * FROM medium_assoc.set('hm_authored', 3, ARRAY[2]);
RESET ROLE;
ALTER TABLE hm_texts DISABLE ROW LEVEL SECURITY;
SELECT id, writer_id FROM hm_texts WHERE id = 2;

-- discover() registers has_many associations too
CREATE SCHEMA hm_disc;
CREATE TABLE hm_disc.users (id int PRIMARY KEY);
CREATE TABLE hm_disc.comments (id int PRIMARY KEY, user_id int REFERENCES hm_disc.users);
SET client_min_messages = warning;
SELECT kind, alias, registered FROM medium_assoc.discover('hm_disc', true) WHERE kind = 'has_many';
RESET client_min_messages;
INSERT INTO hm_disc.users VALUES (1);
INSERT INTO hm_disc.comments VALUES (10, NULL);
SELECT medium_assoc.add('comments', 1, 10);
SELECT id FROM hm_disc.comments(1);

-- an index on (foreign key, key) makes the index walk usable: add() and
-- set() still link by writing the foreign key
CREATE INDEX hm_posts_owner_id ON hm_posts (owner, id);
SELECT id, owner FROM hm_posts ORDER BY id;
SELECT medium_assoc.add('hm_owned', 2, 1) AS moved, medium_assoc.add('hm_owned', 2, 1) AS again;
SELECT * FROM medium_assoc.set('hm_owned', 1, ARRAY[1]);
SELECT id, owner FROM hm_posts ORDER BY id;
DROP INDEX hm_posts_owner_id;

SELECT medium_assoc.drop_association(name) FROM medium_assoc.associations
 WHERE name LIKE 'hm%' OR name = 'comments' ORDER BY name;
SELECT count(*) FROM pg_proc WHERE proname LIKE 'hm\_%' OR proname LIKE 'comments%';
DROP SCHEMA hm_disc CASCADE;
DROP TABLE hm_texts, hm_posts, hm_loose, hm_users;
DROP ROLE regress_hm_user;

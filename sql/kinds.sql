-- has_one and belongs_to (Sequelize's hasOne and belongsTo): one target at
-- most per source.  set() with one target links it and unlinks the one
-- there was, with none unlinks; add() and remove() are not theirs;
-- create() makes the new target the one; readers, count and has as for the
-- other kinds.
\set VERBOSITY sqlstate

CREATE TABLE kd_users (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE kd_profiles (id serial PRIMARY KEY, user_id int UNIQUE REFERENCES kd_users, bio text);
CREATE TABLE kd_articles (id serial PRIMARY KEY, author_id int REFERENCES kd_users, title text);
CREATE TABLE kd_strict (id serial PRIMARY KEY, owner_id int NOT NULL REFERENCES kd_users);
INSERT INTO kd_users (name) VALUES ('ada'), ('bob'), ('cy');
INSERT INTO kd_profiles (user_id, bio) VALUES (1, 'p-ada'), (NULL, 'spare');
INSERT INTO kd_articles (author_id, title) VALUES (1, 'a1'), (NULL, 'a2');
INSERT INTO kd_strict (owner_id) VALUES (1);

SELECT medium_assoc.belongs_to('kd_articles', 'kd_users', 'kd_author');
SELECT medium_assoc.has_one('kd_users', 'kd_profiles', 'kd_profile');
SELECT medium_assoc.belongs_to('kd_strict', 'kd_users', 'kd_owner', foreign_key => 'owner_id');
SELECT name, kind, source, target, through, foreign_key, other_key, source_key, target_key
  FROM medium_assoc.associations WHERE name LIKE 'kd%' ORDER BY name;

-- belongs_to: get, set, unset
SELECT name FROM kd_author(1);
SELECT count(*) FROM kd_author(2);
SELECT * FROM kd_author_set(2, ARRAY[2]);
SELECT * FROM medium_assoc.set('kd_author', 2, ARRAY[3, 3]);
SELECT name FROM kd_author(2);
SELECT * FROM kd_author_set(2, '{}');
SELECT id, author_id FROM kd_articles ORDER BY id;
SELECT medium_assoc.count('kd_author', 1), medium_assoc.has('kd_author', 1, 1),
       kd_author_has(1, ARRAY[2]);
SELECT source, (target).name FROM kd_author_batch(ARRAY[1, 2]) ORDER BY 1;
SELECT name FROM kd_author_links(1);
SELECT kd_author FROM kd_author_json(1);

-- has_one: set moves the one target; create replaces it
SELECT bio FROM kd_profile(1);
SELECT * FROM kd_profile_set(1, ARRAY[2]);
SELECT id, user_id FROM kd_profiles ORDER BY id;
SELECT bio, user_id FROM kd_profile_create(1, '{"bio": "new"}');
SELECT id, user_id FROM kd_profiles ORDER BY id;
SELECT bio FROM kd_profile(1);
SELECT * FROM kd_profile_set(2, ARRAY[3]);
SELECT * FROM kd_profile_set(2, '{}');
SELECT id, user_id FROM kd_profiles ORDER BY id;

-- belongs_to create: a new target, and the source points at it
SELECT name FROM kd_author_create(2, '{"name": "dee"}');
SELECT u.name FROM kd_articles a JOIN kd_users u ON u.id = a.author_id WHERE a.id = 2;

-- errors change nothing: add and remove, two targets, a NOT NULL foreign
-- key left without a target, a target that does not exist, attributes
\set VERBOSITY default
SELECT medium_assoc.add('kd_author', 1, 2);
SELECT * FROM kd_profile_set(1, ARRAY[1, 2]);
\set VERBOSITY sqlstate
-- (no typed add and remove helpers either)
SELECT kd_profile_remove(1, ARRAY[1]);
SELECT kd_profile_add(1, ARRAY[1]);
SELECT * FROM kd_owner_set(1, '{}');
-- (a NOT NULL foreign key still moves to another target, and create works)
SELECT * FROM kd_owner_set(1, ARRAY[2]);
SELECT name FROM kd_owner_create(1, '{"name": "eve"}');
SELECT * FROM kd_author_set(1, ARRAY[99]);
SELECT * FROM kd_author_set(99, ARRAY[1]);
SELECT kd_author_create(1, '{"name": "x"}', '{"a": 1}');
SELECT id, author_id FROM kd_articles ORDER BY id;
SELECT s.id, u.name FROM kd_strict s JOIN kd_users u ON u.id = s.owner_id ORDER BY s.id;

-- registration errors: a foreign key that is the source's key, no foreign
-- key to infer, a target_key the foreign key does not reference
SELECT medium_assoc.belongs_to('kd_articles', 'kd_users', 'kd_bad', foreign_key => 'id');
CREATE TABLE kd_loose (id int PRIMARY KEY, user_id int);
SELECT medium_assoc.belongs_to('kd_loose', 'kd_users', 'kd_bad');
SELECT medium_assoc.has_one('kd_users', 'kd_loose', 'kd_bad');
SELECT medium_assoc.belongs_to('kd_articles', 'kd_users', 'kd_bad', target_key => 'name');
SELECT count(*) FROM medium_assoc.associations WHERE name = 'kd_bad';

-- a hostile search_path changes nothing: every name and operator the
-- statements use is qualified
CREATE SCHEMA kd_evil;
CREATE FUNCTION kd_evil.always(int, int) RETURNS bool LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR kd_evil.= (LEFTARG = int, RIGHTARG = int, FUNCTION = kd_evil.always);
CREATE TABLE kd_evil.kd_users (id int);
SET search_path = kd_evil, public;
SELECT name FROM kd_author(1);
SELECT * FROM kd_author_set(2, ARRAY[2]);
SELECT * FROM kd_profile_set(2, ARRAY[2]);
SELECT bio FROM kd_profile(2);
SELECT medium_assoc.count('kd_author', 2), medium_assoc.has('kd_profile', 2, 1);
RESET search_path;
DROP SCHEMA kd_evil CASCADE;

-- DDL: the foreign key renamed is followed
ALTER TABLE kd_articles RENAME COLUMN author_id TO writer_id;
SELECT other_key FROM medium_assoc.associations WHERE name = 'kd_author';
SELECT name FROM kd_author(1);

-- discover() registers every kind
CREATE SCHEMA kd_disc;
CREATE TABLE kd_disc.users (id int PRIMARY KEY);
CREATE TABLE kd_disc.avatars (id int PRIMARY KEY, user_id int UNIQUE REFERENCES kd_disc.users);
SET client_min_messages = warning;
SELECT kind, alias, registered FROM medium_assoc.discover('kd_disc', true) ORDER BY kind;
RESET client_min_messages;

SELECT medium_assoc.drop_association(name) FROM medium_assoc.associations
 WHERE name LIKE 'kd%' OR source::text LIKE 'kd_disc.%' ORDER BY name;
DROP SCHEMA kd_disc CASCADE;
DROP TABLE kd_loose, kd_strict, kd_articles, kd_profiles, kd_users;

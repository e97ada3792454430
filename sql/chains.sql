-- Chains: an association defined as a path of registered ones (Rails'
-- has_many :through an association).  reading_list then author: the authors
-- whose articles a user saved, each once; planned as the joins; a step
-- cannot be dropped under a chain; DDL is followed; errors change nothing.
\set VERBOSITY sqlstate

CREATE TABLE ch_users (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE ch_articles (id serial PRIMARY KEY, author_id int REFERENCES ch_users, title text);
CREATE TABLE ch_saves (user_id int REFERENCES ch_users, article_id int REFERENCES ch_articles,
                       hidden bool NOT NULL DEFAULT false, PRIMARY KEY (user_id, article_id));
CREATE TABLE ch_follows (follower int REFERENCES ch_users, followee int REFERENCES ch_users,
                         PRIMARY KEY (follower, followee));
INSERT INTO ch_users (name) VALUES ('ada'), ('bob'), ('cy'), ('dee');
INSERT INTO ch_articles (author_id, title) VALUES (2, 'b1'), (2, 'b2'), (3, 'c1'), (NULL, 'anon');
INSERT INTO ch_saves VALUES (1, 1, false), (1, 2, false), (1, 3, true), (1, 4, false), (2, 3, false);
INSERT INTO ch_follows VALUES (4, 1), (4, 2);
SELECT medium_assoc.belongs_to_many('ch_users', 'ch_articles', 'ch_saves', 'ch_saved',
    scope => '{"hidden": false}');
SELECT medium_assoc.belongs_to('ch_articles', 'ch_users', 'ch_author');
SELECT medium_assoc.belongs_to_many('ch_users', 'ch_users', 'ch_follows', 'ch_followees',
    foreign_key => 'follower', other_key => 'followee');

SELECT medium_assoc.chain('ch_saved_authors', ARRAY['ch_saved', 'ch_author']);
-- three steps: what the people I follow saved, by whom
SELECT medium_assoc.chain('ch_feed_authors', ARRAY['ch_followees', 'ch_saved', 'ch_author']);
SELECT * FROM medium_assoc.chains ORDER BY name;
SELECT p.oid::regprocedure, pg_get_function_result(p.oid) FROM pg_proc p
 WHERE proname LIKE 'ch\_saved\_authors%' ORDER BY p.oid::regprocedure::text;

-- distinct targets, through the scope of every step (the hidden save of c1
-- does not count), the rows in between as their readers read them
SELECT id, name FROM ch_saved_authors(1) ORDER BY id;
SELECT ch_saved_authors_count(1), ch_saved_authors_count(2), ch_saved_authors_count(3);
SELECT * FROM ch_saved_authors_json(2);
SELECT id, name FROM ch_feed_authors(4) ORDER BY id;
-- the same as the joins written by hand
SELECT (SELECT array_agg(id ORDER BY id) FROM ch_saved_authors(1)) =
       (SELECT array_agg(DISTINCT u.id ORDER BY u.id) FROM ch_saves s
          JOIN ch_articles a ON a.id = s.article_id JOIN ch_users u ON u.id = a.author_id
         WHERE s.user_id = 1 AND NOT s.hidden) AS same_as_join;
-- eager loading: the planner sees through the chain (no function scan)
SELECT u.name, count(a.id) FROM ch_users u LEFT JOIN LATERAL ch_saved_authors(u.id) a ON true
 GROUP BY u.name ORDER BY u.name;
CREATE FUNCTION pg_temp.function_scans(query text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE line text; n int := 0;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || query LOOP
    IF line ~ 'Function Scan' THEN n := n + 1; END IF;
  END LOOP;
  RETURN n;
END $$;
SELECT pg_temp.function_scans('SELECT u.name, a.id FROM ch_users u CROSS JOIN LATERAL ch_saved_authors(u.id) a');

-- a hostile search_path changes nothing (qualified operators)
CREATE SCHEMA ch_evil;
CREATE FUNCTION ch_evil.always(int, int) RETURNS bool LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR ch_evil.= (LEFTARG = int, RIGHTARG = int, FUNCTION = ch_evil.always);
SET search_path = ch_evil, pg_catalog, public;
SELECT id FROM ch_saved_authors(1) ORDER BY id;
SELECT ch_saved_authors_count(1);
RESET search_path;
DROP SCHEMA ch_evil CASCADE;

-- a step cannot be dropped under a chain; the chain first
SELECT medium_assoc.drop_association('ch_author');
-- repair() records the chains' dependencies again (pg_upgrade drops them)
BEGIN;
DELETE FROM pg_depend WHERE classid = 'pg_proc'::regclass AND refclassid = 'pg_proc'::regclass
   AND objid IN (SELECT oid FROM pg_proc WHERE proname LIKE 'ch\_saved\_authors%');
SELECT medium_assoc.repair() > 0 AS repaired;
SELECT medium_assoc.drop_association('ch_author');
ROLLBACK;
-- DDL: the bodies follow renames
ALTER TABLE ch_articles RENAME COLUMN author_id TO writer_id;
ALTER TABLE ch_saves RENAME TO ch_bookmarks;
SELECT id FROM ch_saved_authors(1) ORDER BY id;
SELECT id FROM ch_feed_authors(4) ORDER BY id;

-- errors change nothing: one step, a step that does not exist, steps that
-- do not meet, a taken name, NULLs, a chain of another owner's table
SELECT medium_assoc.chain('ch_bad', ARRAY['ch_saved']);
SELECT medium_assoc.chain('ch_bad', ARRAY['ch_saved', 'ch_nope']);
SELECT medium_assoc.chain('ch_bad', ARRAY['ch_author', 'ch_author']);
SELECT medium_assoc.chain('ch_saved', ARRAY['ch_saved', 'ch_author']);
SELECT medium_assoc.chain('ch_saved_authors', ARRAY['ch_saved', 'ch_author']);
SELECT medium_assoc.chain(NULL, ARRAY['ch_saved', 'ch_author']);
SELECT medium_assoc.chain('ch_bad', ARRAY['ch_saved', NULL]);
CREATE ROLE regress_ch_other;
SET ROLE regress_ch_other;
SELECT medium_assoc.chain('ch_bad', ARRAY['ch_saved', 'ch_author']);
SELECT medium_assoc.drop_chain('ch_saved_authors');
RESET ROLE;
DROP ROLE regress_ch_other;
SELECT medium_assoc.drop_chain('ch_nope');
SELECT count(*) FROM medium_assoc.chains WHERE name = 'ch_bad';

-- drop_chain, then the steps can go; a step dropped with CASCADE takes the
-- chain along, which is forgotten
SELECT medium_assoc.drop_chain('ch_saved_authors');
SELECT count(*) FROM pg_proc WHERE proname LIKE 'ch\_saved\_authors%';
DROP TABLE ch_follows CASCADE;
SELECT name FROM medium_assoc.chains;
SELECT count(*) FROM pg_proc WHERE proname LIKE 'ch\_feed\_authors%';

SELECT medium_assoc.drop_association('ch_author');
SELECT medium_assoc.drop_association('ch_saved');
DROP TABLE ch_bookmarks, ch_articles, ch_users;

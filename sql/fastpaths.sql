-- The fast paths (the readers' index walk, count() and has() without a
-- statement, add() leaving checks to foreign keys and looking for the link
-- with the walk) answer exactly what the
-- statements they stand in for answer: the same rows inside a cascade, with
-- orphaned links, without USAGE on a schema, without EXECUTE on a function,
-- whoever ran them first in the backend; and their memory stays flat.
\set VERBOSITY sqlstate

CREATE TABLE fp_u (id int PRIMARY KEY);
CREATE TABLE fp_a (id int PRIMARY KEY, title text);
CREATE TABLE fp_rl (
    user_id int NOT NULL REFERENCES fp_u ON DELETE CASCADE,
    article_id int NOT NULL REFERENCES fp_a ON DELETE CASCADE,
    PRIMARY KEY (user_id, article_id));
INSERT INTO fp_u VALUES (1), (2);
INSERT INTO fp_a SELECT g, 'a' || g FROM generate_series(1, 4) g;
INSERT INTO fp_rl VALUES (1, 1), (1, 2), (1, 3), (2, 3);
SELECT medium_assoc.belongs_to_many('fp_u', 'fp_a', 'fp_rl', 'fp_reads');

-- every way of asking, and the hand-written join, side by side
CREATE FUNCTION fp_answers(uid int, aid int) RETURNS text LANGUAGE sql AS $$
    SELECT format('count()=%s has()=%s reader=%s batch=%s join=%s join_has=%s _linked=%s link_row=%s',
        medium_assoc.count('fp_reads', uid),
        medium_assoc.has('fp_reads', uid, aid),
        (SELECT count(*) FROM fp_reads(uid)),
        (SELECT count(*) FROM fp_reads_batch(ARRAY[uid])),
        (SELECT count(*) FROM fp_rl r JOIN fp_a a ON a.id = r.article_id
          WHERE r.user_id = uid),
        EXISTS (SELECT 1 FROM fp_rl r JOIN fp_a a ON a.id = r.article_id
                 WHERE r.user_id = uid AND r.article_id = aid),
        -- add()'s test for a link row, whatever its target
        medium_assoc._linked('fp_reads', uid, aid),
        EXISTS (SELECT 1 FROM fp_rl r WHERE r.user_id = uid AND r.article_id = aid))
$$;
SELECT fp_answers(1, 3);

-- inside ON DELETE CASCADE, a BEFORE DELETE trigger on the through table
-- runs after the article is gone and before its links are
CREATE FUNCTION fp_rl_bd() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE NOTICE 'user %: %', OLD.user_id, fp_answers(OLD.user_id, 3);
    RETURN OLD;
END $$;
CREATE TRIGGER fp_rl_bd BEFORE DELETE ON fp_rl FOR EACH ROW EXECUTE FUNCTION fp_rl_bd();
\set VERBOSITY default
BEGIN;
DELETE FROM fp_a WHERE id = 3;
ROLLBACK;
-- the same once the visibility map shows every page all visible (count()
-- and has() then probe the target's index without reading its heap, as an
-- index-only scan does; the delete clears the page's bit)
VACUUM fp_a, fp_rl;
SELECT relallvisible > 0 AS all_visible FROM pg_class WHERE oid = 'fp_a'::regclass;
SELECT fp_answers(1, 3);
BEGIN;
DELETE FROM fp_a WHERE id = 3;
ROLLBACK;
\set VERBOSITY sqlstate
DROP TRIGGER fp_rl_bd ON fp_rl;

-- links orphaned while the foreign keys' triggers were disabled
BEGIN;
ALTER TABLE fp_rl DISABLE TRIGGER ALL;
DELETE FROM fp_a WHERE id = 2;
SELECT fp_answers(1, 2);
ALTER TABLE fp_rl ENABLE TRIGGER ALL;
SELECT fp_answers(1, 2);
-- add() of a link that exists but whose target is gone: 23503, as when
-- the link does not exist yet, with one target or several
SELECT medium_assoc.add('fp_reads', 1, 2);
ROLLBACK;
BEGIN;
ALTER TABLE fp_rl DISABLE TRIGGER ALL;
DELETE FROM fp_a WHERE id = 2;
ALTER TABLE fp_rl ENABLE TRIGGER ALL;
SELECT medium_assoc.add('fp_reads', 1, ARRAY[1, 2]);
ROLLBACK;
BEGIN;
ALTER TABLE fp_rl DISABLE TRIGGER ALL;
DELETE FROM fp_a WHERE id = 2;
ALTER TABLE fp_rl ENABLE TRIGGER ALL;
SELECT * FROM medium_assoc.set('fp_reads', 1, ARRAY[1, 2]);
ROLLBACK;

-- ... and under session_replication_role = replica, where foreign keys do
-- not fire at all
BEGIN;
SET LOCAL session_replication_role = replica;
DELETE FROM fp_a WHERE id = 1;
SELECT fp_answers(1, 1);
SELECT medium_assoc.add('fp_reads', 1, 1);
ROLLBACK;
SELECT fp_answers(1, 1);

--
-- Schema USAGE: the statement fails at parse time without it; so do the
-- readers and helpers, whether or not a privileged user ran them first in
-- the backend (the batch reader's plan is cached per backend)
--
CREATE ROLE regress_fp_user;
CREATE SCHEMA fp_hidden;
CREATE TABLE fp_hidden.a (id int PRIMARY KEY, title text);
CREATE TABLE fp_open_u (id int PRIMARY KEY);
CREATE TABLE fp_open_rl (user_id int REFERENCES fp_open_u,
                         article_id int REFERENCES fp_hidden.a,
                         PRIMARY KEY (user_id, article_id));
INSERT INTO fp_open_u VALUES (1);
INSERT INTO fp_hidden.a VALUES (1, 'secret');
INSERT INTO fp_open_rl VALUES (1, 1);
SELECT medium_assoc.belongs_to_many('fp_open_u', 'fp_hidden.a', 'fp_open_rl', 'fp_hidden_reads');
GRANT SELECT, INSERT, DELETE ON fp_open_u, fp_open_rl, fp_hidden.a TO regress_fp_user;
-- the superuser first: plans are prepared and cached in this backend
SELECT title FROM fp_hidden_reads(1);
SELECT source, (target).title FROM fp_hidden_reads_batch(ARRAY[1]);
SELECT medium_assoc.count('fp_hidden_reads', 1), medium_assoc.has('fp_hidden_reads', 1, 1);
SET ROLE regress_fp_user;
\set VERBOSITY terse
SELECT title FROM fp_hidden.a;
SELECT title FROM fp_hidden_reads(1);
\set VERBOSITY sqlstate
SELECT source, (target).title FROM fp_hidden_reads_batch(ARRAY[1]);
SELECT medium_assoc.count('fp_hidden_reads', 1);
SELECT medium_assoc.has('fp_hidden_reads', 1, 1);
SELECT medium_assoc.add('fp_hidden_reads', 1, 1);
SELECT * FROM medium_assoc.set('fp_hidden_reads', 1, ARRAY[1]);
-- remove names only the through table, as DELETE FROM fp_open_rl would
SELECT medium_assoc.remove('fp_hidden_reads', 1, 2);
RESET ROLE;
GRANT USAGE ON SCHEMA fp_hidden TO regress_fp_user;
SET ROLE regress_fp_user;
SELECT title FROM fp_hidden_reads(1);
SELECT source, (target).title FROM fp_hidden_reads_batch(ARRAY[1]);
SELECT medium_assoc.count('fp_hidden_reads', 1), medium_assoc.has('fp_hidden_reads', 1, 1);
RESET ROLE;

--
-- EXECUTE on the equality function the statement's operator calls: the
-- walk would call it directly, so it checks too
--
BEGIN;
REVOKE EXECUTE ON FUNCTION int4eq(int4, int4) FROM PUBLIC;
SET LOCAL ROLE regress_fp_user;
SELECT count(*) FROM fp_rl r JOIN fp_a a ON a.id = r.article_id WHERE r.user_id = 1;
ROLLBACK;
BEGIN;
REVOKE EXECUTE ON FUNCTION int4eq(int4, int4) FROM PUBLIC;
GRANT SELECT ON fp_rl, fp_a TO regress_fp_user;
SET LOCAL ROLE regress_fp_user;
\set VERBOSITY terse
SELECT count(*) FROM fp_reads(1);
\set VERBOSITY sqlstate
ROLLBACK;
BEGIN;
REVOKE EXECUTE ON FUNCTION int4eq(int4, int4) FROM PUBLIC;
GRANT SELECT ON fp_rl, fp_a TO regress_fp_user;
SET LOCAL ROLE regress_fp_user;
SELECT medium_assoc.count('fp_reads', 1);
ROLLBACK;

--
-- add() of one target needs no privilege the statement does not: without
-- EXECUTE on medium_assoc._linked() (or USAGE on its schema) its test for
-- the link is the statement's NOT EXISTS
--
BEGIN;
REVOKE EXECUTE ON FUNCTION medium_assoc._linked(text, "any", "any") FROM PUBLIC;
GRANT SELECT, INSERT, DELETE ON fp_rl TO regress_fp_user;
GRANT SELECT ON fp_u, fp_a TO regress_fp_user;
SET LOCAL ROLE regress_fp_user;
SELECT medium_assoc.add('fp_reads', 2, 4), fp_reads_add(2, ARRAY[4]);
SELECT medium_assoc._linked('fp_reads', 2, 4);
ROLLBACK;
BEGIN;
REVOKE USAGE ON SCHEMA medium_assoc FROM PUBLIC;
GRANT SELECT, INSERT, DELETE ON fp_rl TO regress_fp_user;
GRANT SELECT ON fp_u, fp_a TO regress_fp_user;
SET LOCAL ROLE regress_fp_user;
SELECT fp_reads_add(2, ARRAY[4]), fp_reads_add(2, ARRAY[4]);
ROLLBACK;

--
-- Collations: a key and the through column pointing at it must have the
-- same collation (comparing them otherwise has no collation to use)
--
CREATE TABLE fp_tu (code text COLLATE "POSIX" PRIMARY KEY);
CREATE TABLE fp_tt (code text COLLATE "POSIX" PRIMARY KEY);
CREATE TABLE fp_trl_bad_target (u text COLLATE "POSIX" REFERENCES fp_tu,
                                 t text COLLATE "C" REFERENCES fp_tt);
CREATE TABLE fp_trl_bad_source (u text COLLATE "C" REFERENCES fp_tu,
                                 t text COLLATE "POSIX" REFERENCES fp_tt);
CREATE TABLE fp_trl (u text COLLATE "POSIX" REFERENCES fp_tu,
                     t text COLLATE "POSIX" REFERENCES fp_tt,
                     PRIMARY KEY (u, t));
\set VERBOSITY default
SELECT medium_assoc.belongs_to_many('fp_tu', 'fp_tt', 'fp_trl_bad_target', 'fp_coll');
SELECT medium_assoc.belongs_to_many('fp_tu', 'fp_tt', 'fp_trl_bad_source', 'fp_coll');
\set VERBOSITY sqlstate
SELECT count(*) FROM medium_assoc.associations WHERE name = 'fp_coll';
SELECT medium_assoc.belongs_to_many('fp_tu', 'fp_tt', 'fp_trl', 'fp_coll');
INSERT INTO fp_tu VALUES ('ann');
INSERT INTO fp_tt VALUES ('Pg'), ('c');
SELECT medium_assoc.add('fp_coll', 'ann', ARRAY['Pg', 'c']);
SELECT code FROM fp_coll('ann') ORDER BY code;
SELECT source, (target).code FROM fp_coll_batch(ARRAY['ann']) ORDER BY 2;
SELECT medium_assoc.count('fp_coll', 'ann'), medium_assoc.has('fp_coll', 'ann', 'Pg');

--
-- Memory: a batch reader called once per outer row (LATERAL) keeps
-- per-query memory flat.  ExecutorState is sampled after 2,000 and after
-- 20,000 calls; growth of ~400 bytes a call would show as several MB.
--
CREATE FUNCTION fp_executor_bytes() RETURNS bigint LANGUAGE sql AS $$
    SELECT sum(total_bytes)::bigint FROM pg_backend_memory_contexts
     WHERE name = 'ExecutorState'
$$;
CREATE TEMP TABLE fp_mem AS
SELECT g, CASE WHEN g IN (2000, 20000) THEN fp_executor_bytes() END AS bytes
  FROM generate_series(1, 20000) g,
       LATERAL fp_reads_batch(ARRAY[(g % 2) + 1]) r
 WHERE r.source = 1 OR g IN (2000, 20000);
SELECT (max(bytes) FILTER (WHERE g = 20000) - max(bytes) FILTER (WHERE g = 2000)) < 1000000
       AS batch_memory_flat
  FROM fp_mem;
-- the reader the same way
DROP TABLE fp_mem;
CREATE TEMP TABLE fp_mem AS
SELECT g, CASE WHEN g IN (2000, 20000) THEN fp_executor_bytes() END AS bytes
  FROM generate_series(1, 20000) g, LATERAL fp_reads((g % 2) + 1) r;
SELECT (max(bytes) FILTER (WHERE g = 20000) - max(bytes) FILTER (WHERE g = 2000)) < 1000000
       AS reader_memory_flat
  FROM fp_mem;
DROP TABLE fp_mem;

DROP SCHEMA fp_hidden CASCADE;
DROP OWNED BY regress_fp_user;
DROP ROLE regress_fp_user;
SELECT medium_assoc.drop_association('fp_reads'), medium_assoc.drop_association('fp_coll');
SELECT count(*) FROM medium_assoc.associations WHERE starts_with(name, 'fp_');

-- Typed helpers: each association gets <alias>_add, _remove, _set, _has
-- and _count, whose parameters have the key types, so that a driver that
-- asks the server for parameter types (asyncpg, postgres.js, JDBC) gets
-- integers and arrays of integers, not text.
\set VERBOSITY sqlstate

CREATE TABLE th_users (id int PRIMARY KEY);
CREATE TABLE th_articles (id bigint PRIMARY KEY, title text);
CREATE TABLE th_saves (user_id int REFERENCES th_users, article_id bigint REFERENCES th_articles,
                       note text, PRIMARY KEY (user_id, article_id));
INSERT INTO th_users VALUES (1), (2);
INSERT INTO th_articles SELECT g, 'a' || g FROM generate_series(1, 6) g;
SELECT medium_assoc.belongs_to_many('th_users', 'th_articles', 'th_saves', 'th_saved');
SELECT p.oid::regprocedure, pg_get_function_result(p.oid), p.provolatile, p.proisstrict,
       p.prosecdef, pg_get_function_arguments(p.oid) AS arguments
  FROM pg_proc p WHERE p.proname LIKE 'th\_saved\_%' ORDER BY p.oid::regprocedure::text;

-- untyped parameters get the key types, as a driver sees them
PREPARE th_add AS SELECT th_saved_add($1, $2);
PREPARE th_add_attrs AS SELECT th_saved_add($1, $2, $3);
PREPARE th_set AS SELECT * FROM th_saved_set($1, $2);
PREPARE th_has AS SELECT th_saved_has($1, $2);
PREPARE th_count AS SELECT th_saved_count($1);
PREPARE th_remove AS SELECT th_saved_remove($1, $2);
SELECT name, parameter_types FROM pg_prepared_statements
 WHERE name LIKE 'th\_%' ORDER BY name;
EXECUTE th_add(1, '{1,2,3}');
EXECUTE th_add_attrs(1, '{3,4}', '{"note": "later"}');
EXECUTE th_has(1, '{1,4}');
EXECUTE th_count(1);
EXECUTE th_set(1, '{2,5}');
EXECUTE th_set(2, '{}');
EXECUTE th_remove(1, '{5}');
SELECT user_id, article_id, note FROM th_saves ORDER BY 1, 2;
-- the same as the generic helpers, literal calls included
SELECT th_saved_add(2, ARRAY[1, 6]);
SELECT th_saved_count(2), medium_assoc.count('th_saved', 2);
SELECT th_saved_has(2, ARRAY[1]), th_saved_has(2, ARRAY[]::bigint[]), th_saved_has(2, NULL);
SELECT * FROM th_saved_set(2, ARRAY[6], '{"note": "kept"}');
SELECT user_id, article_id, note FROM th_saves WHERE user_id = 2;
-- their errors are the generic helpers'
SELECT th_saved_add(1, ARRAY[99]);
SELECT th_saved_add(NULL, ARRAY[1]);
SELECT th_saved_add(1, ARRAY[1, NULL]);
SELECT th_saved_add(1, NULL);
-- they run as the caller
CREATE ROLE regress_th_user;
SET ROLE regress_th_user;
SELECT th_saved_count(1);
RESET ROLE;
DROP ROLE regress_th_user;

-- they are part of the reader: not renamed, not dropped alone, gone with it
ALTER FUNCTION th_saved_add(int, bigint[], jsonb) RENAME TO th_other;
DROP FUNCTION th_saved_count(int);
-- their names are taken: another association cannot reuse them
CREATE FUNCTION th_taken_add(int, bigint[], jsonb) RETURNS bigint LANGUAGE sql AS 'SELECT 0::bigint';
SELECT medium_assoc.belongs_to_many('th_users', 'th_articles', 'th_saves', 'th_taken');
DROP FUNCTION th_taken_add(int, bigint[], jsonb);
-- an alias too long for "_remove" (57 bytes) gets no typed helpers
SELECT medium_assoc.belongs_to_many('th_users', 'th_articles', 'th_saves',
    repeat('t', 57));
SELECT count(*) FROM pg_proc WHERE starts_with(proname, repeat('t', 57));
SELECT medium_assoc.drop_association(repeat('t', 57));
SELECT medium_assoc.drop_association('th_saved');
SELECT count(*) FROM pg_proc WHERE proname LIKE 'th\_saved%';
DEALLOCATE ALL;
DROP TABLE th_saves, th_articles, th_users;

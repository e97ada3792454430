-- Partly typed arguments: a client that casts some parameters and leaves
-- the others untyped (node-postgres: add($1, $2, $3::int[])) gets the same
-- answers as with all of them typed or all untyped.  Untyped parameters are
-- emulated with PREPARE ... AS and no declared types.
\set VERBOSITY sqlstate

CREATE TABLE pt_users (id int PRIMARY KEY);
CREATE TABLE pt_articles (id int PRIMARY KEY, title text);
CREATE TABLE pt_saves (user_id int REFERENCES pt_users, article_id int REFERENCES pt_articles,
                       note text, PRIMARY KEY (user_id, article_id));
INSERT INTO pt_users VALUES (1), (2);
INSERT INTO pt_articles SELECT g, 'a' || g FROM generate_series(1, 6) g;
SELECT medium_assoc.belongs_to_many('pt_users', 'pt_articles', 'pt_saves', 'pt_saved');

-- untyped source, typed array of targets
PREPARE pt_add_a AS SELECT medium_assoc.add($1, $2, $3::int[]);
EXECUTE pt_add_a('pt_saved', '1', '{1,2,3}');
PREPARE pt_add_attrs AS SELECT medium_assoc.add($1, $2, $3::int[], $4);
EXECUTE pt_add_attrs('pt_saved', '1', '{4}', '{"note": "later"}');
PREPARE pt_has_a AS SELECT medium_assoc.has($1, $2, $3::int[]);
EXECUTE pt_has_a('pt_saved', '1', '{1,4}');
EXECUTE pt_has_a('pt_saved', '1', '{1,5}');
PREPARE pt_remove_a AS SELECT medium_assoc.remove($1, $2, $3::int[]);
EXECUTE pt_remove_a('pt_saved', '1', '{3}');
PREPARE pt_set_a AS SELECT * FROM medium_assoc.set($1, $2, $3::int[]);
EXECUTE pt_set_a('pt_saved', '1', '{1,2,5}');
EXECUTE pt_set_a('pt_saved', '2', '{}');
-- typed source, untyped targets (one value or an array literal)
PREPARE pt_add_b AS SELECT medium_assoc.add($1, $2::int, $3);
EXECUTE pt_add_b('pt_saved', 2, '{1,6}');
EXECUTE pt_add_b('pt_saved', 2, '3');
PREPARE pt_has_b AS SELECT medium_assoc.has($1, $2::int, $3);
EXECUTE pt_has_b('pt_saved', 2, '{1,3,6}');
PREPARE pt_remove_b AS SELECT medium_assoc.remove($1, $2::int, $3);
EXECUTE pt_remove_b('pt_saved', 2, '6');
PREPARE pt_set_b AS SELECT * FROM medium_assoc.set($1, $2::bigint, $3, $4::jsonb);
EXECUTE pt_set_b('pt_saved', 2, '{1}', '{"note": "kept"}');
SELECT user_id, article_id, note FROM pt_saves ORDER BY 1, 2;
-- literals, typed and untyped, mixed the same ways
SELECT medium_assoc.has('pt_saved', '1', ARRAY[1, 2]), medium_assoc.has('pt_saved', 1, '{1,2}'),
       medium_assoc.has('pt_saved', 1, '5'), medium_assoc.has('pt_saved', 1::bigint, ARRAY[5]::bigint[]);
-- bad input in the untyped half: the key type's own error
EXECUTE pt_add_a('pt_saved', 'one', '{1}');
EXECUTE pt_add_b('pt_saved', 1, '{one}');
-- NULLs: STRICT has() gives NULL, writers refuse them
EXECUTE pt_has_a('pt_saved', NULL, '{1}');
EXECUTE pt_add_b('pt_saved', 1, NULL);
-- the source must still be one value
SELECT medium_assoc.add('pt_saved', ARRAY[1], '2');

DEALLOCATE ALL;
SELECT medium_assoc.drop_association('pt_saved');
DROP TABLE pt_saves, pt_users, pt_articles;

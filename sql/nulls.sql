-- nulls: NULL arguments, NULL elements, empty arrays and duplicates
\set VERBOSITY sqlstate
\set SHOW_CONTEXT never
SET client_min_messages = warning;

CREATE TABLE nul_users (id integer PRIMARY KEY, name text);
CREATE TABLE nul_articles (id integer PRIMARY KEY, title text);
CREATE TABLE nul_reading (
    user_id    integer REFERENCES nul_users,
    article_id integer REFERENCES nul_articles
);
INSERT INTO nul_users VALUES (1, 'ann'), (2, 'bob'), (3, 'cid'), (4, 'dee');
INSERT INTO nul_articles VALUES (1, 'one'), (2, 'two'), (3, 'three'), (4, 'four'), (5, 'five');

SELECT medium_assoc.belongs_to_many('nul_users', 'nul_articles', 'nul_reading', 'nul_list');
SELECT medium_assoc.add('nul_list', 1, ARRAY[1, 2]), medium_assoc.add('nul_list', 2, 3);

CREATE VIEW nul_links AS
SELECT string_agg(format('%s:%s', user_id, article_id), ',' ORDER BY user_id, article_id) AS links,
       count(*) AS rows
  FROM nul_reading;
SELECT * FROM nul_links;

--
-- readers
--
-- a NULL source: no rows
SELECT * FROM nul_list(NULL);
SELECT * FROM nul_list(NULL::integer);
SELECT count(*) FROM nul_list(NULL);
-- eager loading skips NULL sources
SELECT v.id, a.id AS article
  FROM (VALUES (1), (NULL), (2)) AS v(id), LATERAL nul_list(v.id) a
 ORDER BY v.id, a.id;
-- a NULL array: no rows
SELECT * FROM nul_list_batch(NULL);
SELECT * FROM nul_list_batch(NULL::integer[]);
-- NULL elements are ignored, duplicates are returned once
SELECT source, (target).id, (target).title
  FROM nul_list_batch(ARRAY[1, NULL, 1, 2, NULL, 2, 1])
 ORDER BY source, (target).id;
SELECT count(*) FROM nul_list_batch(ARRAY[NULL, NULL]::integer[]);
SELECT count(*) FROM nul_list_batch('{}');
SELECT count(*) FROM nul_list_batch(ARRAY[]::integer[]);

--
-- has and count are STRICT; has gives NULL for a NULL element
--
SELECT medium_assoc.has('nul_list', 1, ARRAY[1, NULL]) IS NULL AS null_element;
SELECT medium_assoc.has('nul_list', 1, ARRAY[3, NULL]) IS NULL AS null_element_unlinked;
SELECT medium_assoc.has('nul_list', 1, ARRAY[NULL]::integer[]) IS NULL AS only_null;
SELECT medium_assoc.has('nul_list', 1, '{1,NULL}') IS NULL AS untyped_null_element;
SELECT medium_assoc.has('nul_list', 1, NULL::integer) IS NULL AS null_target;
SELECT medium_assoc.has('nul_list', 1, NULL::integer[]) IS NULL AS null_targets;
SELECT medium_assoc.has('nul_list', 1, NULL) IS NULL AS untyped_null_targets;
SELECT medium_assoc.has('nul_list', NULL::integer, 1) IS NULL AS null_source;
SELECT medium_assoc.has('nul_list', NULL, '1') IS NULL AS untyped_null_source;
SELECT medium_assoc.has(NULL, 1, 1) IS NULL AS null_association;
SELECT medium_assoc.count('nul_list', NULL::integer) IS NULL AS null_source;
SELECT medium_assoc.count('nul_list', NULL) IS NULL AS untyped_null_source;
SELECT medium_assoc.count(NULL, 1) IS NULL AS null_association;
-- even for an unknown association: STRICT functions are not called
SELECT medium_assoc.count('nul_nope', NULL::integer) IS NULL AS unknown_null_source;

--
-- add, remove and set refuse NULL pieces: 22004, and change nothing
--
SELECT medium_assoc.add(NULL, 1, 3);
SELECT medium_assoc.add('nul_list', NULL::integer, 3);
SELECT medium_assoc.add('nul_list', NULL, '3');
SELECT medium_assoc.add('nul_list', 1, NULL::integer);
SELECT medium_assoc.add('nul_list', 1, NULL::integer[]);
SELECT medium_assoc.add('nul_list', 1, NULL);
SELECT medium_assoc.add('nul_list', 1, ARRAY[3, NULL]);
SELECT medium_assoc.add('nul_list', 1, ARRAY[NULL]::integer[]);
SELECT medium_assoc.add('nul_list', 1, '{3,NULL}');
SELECT medium_assoc.add('nul_list', 1, '{3,NULL}', '{}');
SELECT * FROM nul_links;
SELECT medium_assoc.remove(NULL, 1, 1);
SELECT medium_assoc.remove('nul_list', NULL::integer, 1);
SELECT medium_assoc.remove('nul_list', NULL, '1');
SELECT medium_assoc.remove('nul_list', 1, NULL::integer);
SELECT medium_assoc.remove('nul_list', 1, NULL);
SELECT medium_assoc.remove('nul_list', 1, ARRAY[1, NULL]);
SELECT medium_assoc.remove('nul_list', 1, '{1,NULL}');
SELECT * FROM nul_links;
SELECT * FROM medium_assoc.set(NULL, 1, ARRAY[3]);
SELECT * FROM medium_assoc.set('nul_list', NULL::integer, ARRAY[3]);
SELECT * FROM medium_assoc.set('nul_list', NULL, '{3}');
SELECT * FROM medium_assoc.set('nul_list', 1, NULL::integer[]);
SELECT * FROM medium_assoc.set('nul_list', 1, NULL);
SELECT * FROM medium_assoc.set('nul_list', 1, ARRAY[3, NULL]);
SELECT * FROM medium_assoc.set('nul_list', 1, '{NULL}');
SELECT * FROM nul_links;
\set VERBOSITY default
SELECT medium_assoc.add('nul_list', 1, NULL::integer[]);
SELECT medium_assoc.add('nul_list', 1, ARRAY[3, NULL]);
SELECT medium_assoc.remove('nul_list', NULL::integer, 1);
\set VERBOSITY sqlstate
-- NULL through_attrs mean none
SELECT medium_assoc.add('nul_list', 3, 1, NULL);
SELECT * FROM medium_assoc.set('nul_list', 3, ARRAY[1, 2], NULL);
SELECT * FROM nul_links;
SELECT medium_assoc.remove('nul_list', 3, ARRAY[1, 2]);

--
-- empty arrays
--
SELECT medium_assoc.add('nul_list', 1, ARRAY[]::integer[]);
SELECT medium_assoc.add('nul_list', 1, '{}');
SELECT medium_assoc.add('nul_list', 1, '{}'::text);
SELECT medium_assoc.remove('nul_list', 1, ARRAY[]::integer[]);
SELECT medium_assoc.remove('nul_list', 1, '{}');
SELECT medium_assoc.has('nul_list', 1, ARRAY[]::integer[]);
SELECT medium_assoc.has('nul_list', 1, '{}');
SELECT medium_assoc.has('nul_list', 4, '{}');
SELECT * FROM nul_links;
-- set with an empty array removes all of that source's links, and no other
SELECT * FROM medium_assoc.set('nul_list', 1, ARRAY[]::integer[]);
SELECT * FROM nul_links;
SELECT * FROM medium_assoc.set('nul_list', 1, '{}');
SELECT * FROM medium_assoc.set('nul_list', 2, '{}');
SELECT * FROM nul_links;

--
-- duplicates
--
SELECT medium_assoc.add('nul_list', 3, ARRAY[2, 2, 3]);
SELECT * FROM nul_links;
SELECT medium_assoc.add('nul_list', 3, ARRAY[3, 3, 4, 4]);
SELECT medium_assoc.add('nul_list', 3, '{5,5,5}');
SELECT * FROM nul_links;
SELECT medium_assoc.count('nul_list', 3);
SELECT medium_assoc.has('nul_list', 3, ARRAY[2, 2, 5, 5]);
SELECT medium_assoc.has('nul_list', 3, ARRAY[2, 2, 1]);
SELECT medium_assoc.remove('nul_list', 3, ARRAY[2, 2]);
SELECT medium_assoc.remove('nul_list', 3, '{3,3,1,1}');
SELECT * FROM nul_links;
SELECT * FROM medium_assoc.set('nul_list', 3, ARRAY[1, 1, 4, 4]);
SELECT * FROM nul_links;
SELECT * FROM medium_assoc.set('nul_list', 3, '{4,4,4}');
SELECT * FROM nul_links;
SELECT * FROM nul_list(3) ORDER BY id;

--
-- a source without links
--
SELECT * FROM nul_list(4);
SELECT count(*) FROM nul_list_batch(ARRAY[4]);
SELECT source, (target).id FROM nul_list_batch(ARRAY[4, 3]) ORDER BY 1, 2;
SELECT medium_assoc.count('nul_list', 4);
SELECT medium_assoc.has('nul_list', 4, 1);
SELECT medium_assoc.has('nul_list', 4, ARRAY[1, 2]);
SELECT medium_assoc.remove('nul_list', 4, ARRAY[1, 2]);
-- a source key that matches no row at all reads as empty too
SELECT * FROM nul_list(42);
SELECT medium_assoc.count('nul_list', 42);
SELECT medium_assoc.has('nul_list', 42, 1);
SELECT medium_assoc.remove('nul_list', 42, 1);

--
-- through rows with NULL keys are not links
--
INSERT INTO nul_reading VALUES (4, NULL), (NULL, 1), (NULL, NULL);
SELECT * FROM nul_list(4);
SELECT count(*) FROM nul_list_batch(ARRAY[4]);
SELECT medium_assoc.count('nul_list', 4);
SELECT medium_assoc.has('nul_list', 4, 1);
SELECT medium_assoc.add('nul_list', 4, 1);
SELECT * FROM nul_list(4);
SELECT medium_assoc.count('nul_list', 4);
SELECT medium_assoc.remove('nul_list', 4, 1);
SELECT * FROM nul_links;

-- clean up
SELECT medium_assoc.drop_association('nul_list');
DROP VIEW nul_links;
DROP TABLE nul_reading, nul_users, nul_articles;
SELECT count(*) FROM medium_assoc.associations WHERE name LIKE 'nul\_%';
SELECT count(*) FROM pg_proc WHERE proname LIKE 'nul\_%';

-- The Medium clone: users save articles to their reading list.
-- MediumUser.belongsToMany(MediumArticle, { as: 'reading_list',
--     through: MediumReadingList, foreignKey: 'user_id' })
-- and the reverse registration on the articles.
\set VERBOSITY sqlstate

CREATE TABLE medium_users (
    id       integer PRIMARY KEY,
    username text NOT NULL UNIQUE
);

CREATE TABLE medium_articles (
    id        integer PRIMARY KEY,
    title     text NOT NULL,
    author_id integer NOT NULL REFERENCES medium_users (id),
    claps     integer NOT NULL DEFAULT 0
);

CREATE TABLE medium_reading_list (
    user_id    integer NOT NULL REFERENCES medium_users (id) ON DELETE CASCADE,
    article_id integer NOT NULL REFERENCES medium_articles (id) ON DELETE CASCADE,
    saved_at   timestamptz NOT NULL DEFAULT now(),
    note       text,
    PRIMARY KEY (user_id, article_id)
);

INSERT INTO medium_users VALUES (1, 'ada'), (2, 'grace'), (3, 'linus'), (4, 'nobody');
INSERT INTO medium_articles VALUES
    (1, 'Why SQL is not dead', 1, 10),
    (2, 'Joins, explained with cats', 2, 20),
    (3, 'Indexes you forgot', 2, 30),
    (4, 'Many-to-many without tears', 3, 40),
    (5, 'Vacuum for the rest of us', 1, 50);

-- both registrations; the reader is returned as regprocedure
SELECT medium_assoc.belongs_to_many('medium_users', 'medium_articles',
    'medium_reading_list', 'reading_list', foreign_key => 'user_id');
SELECT medium_assoc.belongs_to_many('medium_articles', 'medium_users',
    'medium_reading_list', 'readers');

SELECT * FROM medium_assoc.associations
 WHERE name IN ('reading_list', 'readers') ORDER BY name;

-- the reader: STRICT STABLE SECURITY INVOKER, in the source's schema,
-- returning SETOF the target's row type; the batch reader likewise
SELECT p.oid::regprocedure AS function, n.nspname, p.provolatile, p.proisstrict,
       p.prosecdef, p.proretset, p.prorettype::regtype,
       pg_get_function_arguments(p.oid) AS arguments,
       pg_get_function_result(p.oid) AS result
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE p.proname IN ('reading_list', 'reading_list_batch', 'readers', 'readers_batch')
 ORDER BY p.proname;

-- its comment describes the association
SELECT obj_description('reading_list(integer)'::regprocedure, 'pg_proc');
SELECT obj_description('readers(integer)'::regprocedure, 'pg_proc');
SELECT obj_description('reading_list_batch(integer[])'::regprocedure, 'pg_proc');

-- adding: one value, an array; returns the number of links created
SELECT medium_assoc.add('reading_list', 1, 2);
SELECT medium_assoc.add('reading_list', 1, ARRAY[3, 4]);
-- an existing link is not duplicated
SELECT medium_assoc.add('reading_list', 1, ARRAY[2, 3]);
SELECT medium_assoc.add('reading_list', 1, ARRAY[2, 5, 5]);
SELECT medium_assoc.add('reading_list', 2, ARRAY[2]);
SELECT medium_assoc.add('reading_list', 3, ARRAY[1, 2]);
SELECT user_id, article_id, note FROM medium_reading_list ORDER BY 1, 2;

-- the reader: one row per link, the target's columns in its order
SELECT * FROM reading_list(1) ORDER BY id;
SELECT * FROM reading_list(3) ORDER BY id;
SELECT id, title FROM public.reading_list(2) ORDER BY id;
-- a source without links, an unknown source, NULL: no rows
SELECT count(*) FROM reading_list(4);
SELECT count(*) FROM reading_list(99);
SELECT count(*) FROM reading_list(NULL);
-- the reverse direction
SELECT * FROM readers(2) ORDER BY id;
SELECT username FROM readers(5) ORDER BY username;
SELECT count(*) FROM readers(4) WHERE username = 'ada';

-- one row per link, as a join: the same row appears for each link
SELECT r.id, r.username, a.id AS article
  FROM readers(2) r, LATERAL reading_list(r.id) a
 ORDER BY r.id, a.id;

-- eager loading over all users with LATERAL
SELECT u.username, a.id, a.title
  FROM medium_users u, LATERAL reading_list(u.id) a
 ORDER BY u.username, a.id;
SELECT u.username, count(a.id) AS saved
  FROM medium_users u LEFT JOIN LATERAL reading_list(u.id) a ON true
 GROUP BY u.username ORDER BY u.username;
-- the reader returns the table's row type
SELECT a FROM reading_list(2) a;
SELECT (reading_list(2)).title;

-- the batch reader: (source, target) pairs for many sources at once
SELECT source, (target).title FROM reading_list_batch(ARRAY[1, 2, 3]) ORDER BY 1, (target).id;
SELECT source, target FROM reading_list_batch(ARRAY[3, 3, NULL, 4, 99]) ORDER BY 1, (target).id;
SELECT count(*) FROM reading_list_batch('{}');
SELECT count(*) FROM reading_list_batch(NULL);
SELECT b.source, (b.target).*
  FROM reading_list_batch(ARRAY(SELECT id FROM medium_users)) b
 ORDER BY b.source, (b.target).id;
SELECT source, (target).username FROM readers_batch(ARRAY[2, 5]) ORDER BY 1, 2;

-- through_attrs: applied to new links and to existing ones
SELECT medium_assoc.add('reading_list', 2, ARRAY[2, 3], '{"note": "to read"}');
SELECT user_id, article_id, note FROM medium_reading_list WHERE user_id = 2 ORDER BY 2;
SELECT medium_assoc.add('reading_list', 2, 2, '{"note": "read twice"}');
SELECT user_id, article_id, note FROM medium_reading_list WHERE user_id = 2 ORDER BY 2;
-- saved_at kept its default; through_attrs can set it too
SELECT medium_assoc.add('reading_list', 2, 3,
    '{"saved_at": "2024-01-02 03:04:05+00", "note": null}');
SELECT user_id, article_id, saved_at AT TIME ZONE 'UTC' AS saved_at_utc, note
  FROM medium_reading_list WHERE user_id = 2 AND article_id = 3;
SELECT count(*) FROM medium_reading_list WHERE user_id = 2 AND saved_at IS NULL;

-- remove: returns links deleted, ignores absent links
SELECT medium_assoc.remove('reading_list', 1, 2);
SELECT medium_assoc.remove('reading_list', 1, ARRAY[2, 3, 99]);
SELECT medium_assoc.remove('reading_list', 1, ARRAY[2, 3]);
SELECT medium_assoc.remove('reading_list', 4, ARRAY[1]);
SELECT medium_assoc.remove('reading_list', 1, '{}'::int[]);
SELECT id FROM reading_list(1) ORDER BY id;

-- set: returns (added, removed); afterwards the links are exactly targets
SELECT * FROM medium_assoc.set('reading_list', 1, ARRAY[1, 4]);
SELECT id FROM reading_list(1) ORDER BY id;
SELECT * FROM medium_assoc.set('reading_list', 1, ARRAY[1, 4]);
SELECT * FROM medium_assoc.set('reading_list', 1, ARRAY[4, 2, 3, 3]);
SELECT id FROM reading_list(1) ORDER BY id;
-- through_attrs apply to kept and new links
SELECT * FROM medium_assoc.set('reading_list', 1, ARRAY[3, 5], '{"note": "weekend"}');
SELECT user_id, article_id, note FROM medium_reading_list WHERE user_id = 1 ORDER BY 2;
-- other users' links untouched
SELECT user_id, article_id, note FROM medium_reading_list WHERE user_id <> 1 ORDER BY 1, 2;
-- an empty array removes all
SELECT * FROM medium_assoc.set('reading_list', 1, '{}'::int[]);
SELECT count(*) FROM reading_list(1);
SELECT * FROM medium_assoc.set('reading_list', 1, '{}'::int[]);
SELECT * FROM medium_assoc.set('reading_list', 1, ARRAY[1, 2, 5]);

-- has: single value, array, empty array
SELECT medium_assoc.has('reading_list', 1, 2);
SELECT medium_assoc.has('reading_list', 1, 3);
SELECT medium_assoc.has('reading_list', 1, ARRAY[1, 5]);
SELECT medium_assoc.has('reading_list', 1, ARRAY[1, 3]);
SELECT medium_assoc.has('reading_list', 1, '{}'::int[]);
SELECT medium_assoc.has('reading_list', 4, '{}'::int[]);
SELECT medium_assoc.has('reading_list', 4, 1);
SELECT medium_assoc.has('readers', 2, ARRAY[1, 2, 3]);
SELECT medium_assoc.has('readers', 2, ARRAY[1, 4]);

-- count
SELECT medium_assoc.count('reading_list', 1);
SELECT medium_assoc.count('reading_list', 4);
SELECT medium_assoc.count('readers', 2);
SELECT u.username, medium_assoc.count('reading_list', u.id)
  FROM medium_users u ORDER BY u.id;

-- untyped literals are parsed as the key type
SELECT medium_assoc.add('reading_list', '4', '{2,3}');
SELECT medium_assoc.add('reading_list', '4', '1');
SELECT medium_assoc.has('reading_list', '4', '{1,2,3}');
SELECT medium_assoc.count('reading_list', '4');
SELECT medium_assoc.remove('reading_list', '4', ' {1}');
SELECT * FROM medium_assoc.set('reading_list', '4', '{3,5}');
SELECT id FROM reading_list(4) ORDER BY id;
-- a literal that does not parse as the key type
SELECT medium_assoc.add('reading_list', '4', 'one');
SELECT medium_assoc.add('reading_list', 'four', '1');
SELECT medium_assoc.add('reading_list', '4', '{1,x}');
SELECT id FROM reading_list(4) ORDER BY id;

-- untyped parameters (what node-postgres sends) resolve to the text overloads
PREPARE medium_add AS SELECT medium_assoc.add($1, $2, $3);
SELECT parameter_types FROM pg_prepared_statements WHERE name = 'medium_add';
EXECUTE medium_add('reading_list', '4', '{4}');
EXECUTE medium_add('reading_list', '4', '1');
EXECUTE medium_add('reading_list', '4', '{4}');
PREPARE medium_add_attrs AS SELECT medium_assoc.add($1, $2, $3, $4);
EXECUTE medium_add_attrs('reading_list', '4', '{4,2}', '{"note": "from node"}');
PREPARE medium_remove AS SELECT medium_assoc.remove($1, $2, $3);
EXECUTE medium_remove('reading_list', '4', '{1,99}');
PREPARE medium_set AS SELECT * FROM medium_assoc.set($1, $2, $3);
EXECUTE medium_set('reading_list', '4', '{2,3,4}');
PREPARE medium_has AS SELECT medium_assoc.has($1, $2, $3);
EXECUTE medium_has('reading_list', '4', '{2,3,4}');
EXECUTE medium_has('reading_list', '4', '5');
PREPARE medium_count AS SELECT medium_assoc.count($1, $2);
EXECUTE medium_count('reading_list', '4');
PREPARE medium_read AS SELECT id, title FROM reading_list($1) ORDER BY id;
EXECUTE medium_read('4');
PREPARE medium_batch AS SELECT source, (target).id FROM reading_list_batch($1) ORDER BY 1, 2;
EXECUTE medium_batch('{4,1}');
SELECT user_id, article_id, note FROM medium_reading_list WHERE user_id = 4 ORDER BY 2;
EXECUTE medium_add('reading_list', '4', '{}');
EXECUTE medium_add('reading_list', '4', '{99}');
EXECUTE medium_add('reading_list', '4', 'x');
EXECUTE medium_has('reading_list', '4', '{}');
EXECUTE medium_count('reading_list', '4');
DEALLOCATE medium_add;
DEALLOCATE medium_add_attrs;
DEALLOCATE medium_remove;
DEALLOCATE medium_set;
DEALLOCATE medium_has;
DEALLOCATE medium_count;
DEALLOCATE medium_read;
DEALLOCATE medium_batch;

-- values of other types that cast to the key type
SELECT medium_assoc.remove('reading_list', 3::bigint, ARRAY[1, 2]::bigint[]);
SELECT medium_assoc.add('reading_list', 3::bigint, 2::bigint);
SELECT medium_assoc.add('reading_list', 3::numeric, 2.0);
SELECT medium_assoc.add('reading_list', 3::smallint, ARRAY[3.0, 4.0]);
SELECT medium_assoc.add('reading_list', '3'::text, '5'::text);
SELECT medium_assoc.add('reading_list', '3'::varchar, '{1}'::text);
SELECT medium_assoc.has('reading_list', 3::bigint, ARRAY[1, 2, 3, 4, 5]::numeric[]);
SELECT medium_assoc.count('reading_list', 3.0);
SELECT medium_assoc.count('reading_list', '3'::text);
SELECT medium_assoc.remove('reading_list', 3::bigint, ARRAY['4', '5']::text[]);
SELECT * FROM medium_assoc.set('reading_list', 3::bigint, ARRAY[1, 2]::bigint[]);
SELECT id FROM reading_list(3) ORDER BY id;
-- a value of a type with no cast to the key type
SELECT medium_assoc.add('reading_list', 3, now());
SELECT medium_assoc.add('reading_list', 3, ARRAY['2024-01-01'::date]);
SELECT medium_assoc.add('reading_list', point(1, 2), 1);
-- a source that is an array
SELECT medium_assoc.add('reading_list', ARRAY[3], 1);
-- a value out of the key type's range
SELECT medium_assoc.add('reading_list', 3, 10000000000);
SELECT id FROM reading_list(3) ORDER BY id;

-- add/set of a source or target that does not exist
SELECT medium_assoc.add('reading_list', 99, 1);
SELECT medium_assoc.add('reading_list', 1, ARRAY[3, 99]);
SELECT * FROM medium_assoc.set('reading_list', 1, ARRAY[99]);
SELECT * FROM medium_assoc.set('reading_list', 99, '{}'::int[]);
SELECT id FROM reading_list(1) ORDER BY id;

-- an unknown association
SELECT medium_assoc.add('reading_lists', 1, 1);
SELECT medium_assoc.count('Reading_list', 1);

-- registering the reverse under the lesson's name is just another alias;
-- a rolled back registration leaves nothing behind
BEGIN;
SELECT medium_assoc.belongs_to_many('medium_articles', 'medium_users',
    'medium_reading_list', 'articles');
SELECT id, username FROM articles(2) ORDER BY id;
SELECT name, source, target, foreign_key, other_key, reader
  FROM medium_assoc.associations WHERE name = 'articles';
ROLLBACK;
SELECT count(*) FROM medium_assoc.associations WHERE name = 'articles';
SELECT count(*) FROM pg_proc WHERE proname IN ('articles', 'articles_batch');

-- a scoped association: only through rows of kind 'post' are its links
CREATE TABLE medium_claps (
    user_id    integer NOT NULL REFERENCES medium_users (id),
    article_id integer NOT NULL REFERENCES medium_articles (id),
    kind       text NOT NULL,
    amount     integer NOT NULL DEFAULT 1,
    PRIMARY KEY (user_id, article_id, kind)
);
SELECT medium_assoc.belongs_to_many('medium_users', 'medium_articles',
    'medium_claps', 'clapped_posts', scope => '{"kind": "post"}');
SELECT name, foreign_key, other_key, scope FROM medium_assoc.associations
 WHERE name = 'clapped_posts';
SELECT obj_description('clapped_posts(integer)'::regprocedure, 'pg_proc');
INSERT INTO medium_claps VALUES (1, 1, 'draft', 5), (1, 2, 'draft', 5), (2, 3, 'draft', 5);
-- rows of another kind are not seen
SELECT count(*) FROM clapped_posts(1);
SELECT medium_assoc.count('clapped_posts', 1);
SELECT medium_assoc.has('clapped_posts', 1, 1);
-- writes stamp the scope column
SELECT medium_assoc.add('clapped_posts', 1, ARRAY[1, 3]);
SELECT medium_assoc.add('clapped_posts', 1, ARRAY[1, 3]);
SELECT * FROM medium_claps ORDER BY 1, 2, 3;
SELECT id FROM clapped_posts(1) ORDER BY id;
SELECT source, (target).id FROM clapped_posts_batch(ARRAY[1, 2]) ORDER BY 1, 2;
SELECT medium_assoc.count('clapped_posts', 1);
SELECT medium_assoc.has('clapped_posts', 1, ARRAY[1, 3]);
SELECT medium_assoc.has('clapped_posts', 1, ARRAY[1, 2]);
-- through_attrs only touch links of the scope
SELECT medium_assoc.add('clapped_posts', 1, ARRAY[1, 2], '{"amount": 50}');
SELECT * FROM medium_claps ORDER BY 1, 2, 3;
-- remove and set leave rows of another kind alone
SELECT medium_assoc.remove('clapped_posts', 1, ARRAY[1, 2]);
SELECT * FROM medium_claps ORDER BY 1, 2, 3;
SELECT * FROM medium_assoc.set('clapped_posts', 1, ARRAY[4]);
SELECT * FROM medium_claps ORDER BY 1, 2, 3;
SELECT * FROM medium_assoc.set('clapped_posts', 1, '{}'::int[]);
SELECT * FROM medium_claps ORDER BY 1, 2, 3;
-- the scope column cannot be set through through_attrs
SELECT medium_assoc.add('clapped_posts', 1, 1, '{"kind": "draft"}');
SELECT * FROM medium_claps ORDER BY 1, 2, 3;

-- clean up
SELECT medium_assoc.drop_association('clapped_posts');
SELECT medium_assoc.drop_association('readers');
SELECT medium_assoc.drop_association('reading_list');
SELECT count(*) FROM medium_assoc.associations
 WHERE name IN ('reading_list', 'readers', 'clapped_posts');
SELECT count(*) FROM pg_proc
 WHERE proname IN ('reading_list', 'reading_list_batch', 'readers',
                   'readers_batch', 'clapped_posts', 'clapped_posts_batch');
DROP TABLE medium_claps, medium_reading_list, medium_articles, medium_users;

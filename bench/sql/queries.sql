-- The queries of the in-server measurements (bench/sql/eager.sql) and the
-- pairs bench/sql/check.sql compares, kept in two tables of the throwaway
-- database so that both run the same text.
--
-- bench_query: one query each, in a group (grp) timed together; the group's
-- hand-written query (hand) is the baseline of the others in it.  Untimed
-- queries are the pgbench scripts' statements with fixed parameters, there
-- only to be checked.
-- bench_check: an assoc query and the hand-written query it must agree with;
-- each side is read through a format() template (%s: the query) that picks
-- comparable columns, and check.sql compares count(*) and the sum of the
-- hashes of the row texts (so row order does not matter, except where the
-- template numbers the rows).
--
--   psql variables:
--     users, n        n users (n <= users) for the eager groups
--     pred_ts         created_at bound that about n users are below
--     json_n          users of the documents group
--     client_n        users of the end-to-end eager pgbench pair
--     page_uid, key_ts, key_aid   the page reader and the keyset page's key

\set ON_ERROR_STOP 1
SET client_min_messages = warning;

-- n ids spread evenly over 1..users, as one array literal
SELECT format('%L::integer[]', array_agg(1 + i * :users / :n ORDER BY i)::text) AS ids
  FROM generate_series(0::bigint, :n - 1) AS i
\gset

DROP TABLE IF EXISTS bench_check, bench_query;
CREATE TABLE bench_query (
    name  text PRIMARY KEY,
    grp   text NOT NULL,
    hand  boolean NOT NULL,
    timed boolean NOT NULL,
    q     text NOT NULL
);
CREATE TABLE bench_check (
    assoc      text REFERENCES bench_query,
    hand       text REFERENCES bench_query,
    assoc_rows text NOT NULL DEFAULT '%s',
    hand_rows  text NOT NULL DEFAULT '%s',
    PRIMARY KEY (assoc, hand)
);

-- eager loading of n users by an array of their ids
INSERT INTO bench_query VALUES
('array_hand', 'array', true, true, format(
  'SELECT u.id, a.*, r.user_id, r.article_id, r.saved_at FROM medium_users u JOIN medium_reading_list r ON r.user_id = u.id JOIN medium_articles a ON a.id = r.article_id WHERE u.id = ANY (%s)', :'ids')),
('array_links', 'array', false, true, format(
  'SELECT u.id, l.* FROM medium_users u CROSS JOIN LATERAL reading_list_links(u.id) l WHERE u.id = ANY (%s)', :'ids')),
('array_reader', 'array', false, true, format(
  'SELECT u.id, a.* FROM medium_users u CROSS JOIN LATERAL reading_list(u.id) a WHERE u.id = ANY (%s)', :'ids')),
('array_batch', 'array', false, true, format(
  'SELECT * FROM reading_list_batch(%s)', :'ids'));

-- eager loading of the users a predicate on the source table picks
INSERT INTO bench_query VALUES
('pred_hand', 'pred', true, true, format(
  'SELECT u.id, a.*, r.user_id, r.article_id, r.saved_at FROM medium_users u JOIN medium_reading_list r ON r.user_id = u.id JOIN medium_articles a ON a.id = r.article_id WHERE u.created_at < timestamptz %L', :'pred_ts')),
('pred_links', 'pred', false, true, format(
  'SELECT u.id, l.* FROM medium_users u CROSS JOIN LATERAL reading_list_links(u.id) l WHERE u.created_at < timestamptz %L', :'pred_ts')),
('pred_reader', 'pred', false, true, format(
  'SELECT u.id, a.* FROM medium_users u CROSS JOIN LATERAL reading_list(u.id) a WHERE u.created_at < timestamptz %L', :'pred_ts')),
('pred_batch', 'pred', false, true, format(
  'SELECT * FROM reading_list_batch(ARRAY(SELECT id FROM medium_users WHERE created_at < timestamptz %L))', :'pred_ts'));

-- the 3 newest links of each of the first n users
INSERT INTO bench_query VALUES
('top3_hand', 'top3', true, true, format(
  'SELECT u.id, l.* FROM medium_users u CROSS JOIN LATERAL (SELECT a.*, r.saved_at FROM medium_reading_list r JOIN medium_articles a ON a.id = r.article_id WHERE r.user_id = u.id ORDER BY r.saved_at DESC LIMIT 3) l WHERE u.id <= %s', :n)),
('top3_links', 'top3', false, true, format(
  'SELECT u.id, l.* FROM medium_users u CROSS JOIN LATERAL (SELECT * FROM reading_list_links(u.id) ORDER BY link_saved_at DESC LIMIT 3) l WHERE u.id <= %s', :n));

-- one jsonb document per user, the link's saved_at nested in each article
-- (the same statements as the json pgbench pair, with :lo = 1)
INSERT INTO bench_query VALUES
('json_hand', 'json', true, true, format(
  'SELECT u.id, l.doc FROM medium_users u CROSS JOIN LATERAL (SELECT COALESCE(jsonb_agg(to_jsonb(a) || jsonb_build_object(''medium_reading_list'', jsonb_build_object(''saved_at'', r.saved_at))), ''[]'') AS doc FROM medium_reading_list r JOIN medium_articles a ON a.id = r.article_id WHERE r.user_id = u.id) l WHERE u.id BETWEEN 1 AND %s', :json_n)),
('json_links', 'json', false, true, format(
  'SELECT u.id, j.reading_list FROM medium_users u CROSS JOIN LATERAL reading_list_json(u.id, ARRAY[''saved_at'']) j WHERE u.id BETWEEN 1 AND %s', :json_n));

-- the pgbench pairs' statements (bench/pgbench/{page,keyset,eager}_*.sql)
INSERT INTO bench_query VALUES
('page_hand', 'page', true, false, format(
  'SELECT a.*, r.user_id, r.article_id, r.saved_at FROM medium_reading_list r JOIN medium_articles a ON a.id = r.article_id WHERE r.user_id = %s ORDER BY r.saved_at DESC, r.article_id LIMIT 20', :page_uid)),
('page_links', 'page', false, false, format(
  'SELECT * FROM reading_list_links(%s) ORDER BY link_saved_at DESC, link_article_id LIMIT 20', :page_uid)),
('keyset_hand', 'keyset', true, false, format(
  'SELECT a.*, r.user_id, r.article_id, r.saved_at FROM medium_reading_list r JOIN medium_articles a ON a.id = r.article_id WHERE r.user_id = %s AND r.saved_at <= timestamptz %L AND (r.saved_at < timestamptz %L OR r.article_id > %s) ORDER BY r.saved_at DESC, r.article_id LIMIT 20',
  :page_uid, :'key_ts', :'key_ts', :key_aid)),
('keyset_links', 'keyset', false, false, format(
  'SELECT * FROM reading_list_links(%s) WHERE link_saved_at <= timestamptz %L AND (link_saved_at < timestamptz %L OR link_article_id > %s) ORDER BY link_saved_at DESC, link_article_id LIMIT 20',
  :page_uid, :'key_ts', :'key_ts', :key_aid)),
('page_view', 'page', false, false, format(
  'SELECT * FROM reading_list_links WHERE link_user_id = %s ORDER BY link_saved_at DESC, link_article_id LIMIT 20', :page_uid)),
('keyset_view', 'keyset', false, false, format(
  'SELECT * FROM reading_list_links WHERE link_user_id = %s AND link_saved_at <= timestamptz %L AND (link_saved_at < timestamptz %L OR link_article_id > %s) ORDER BY link_saved_at DESC, link_article_id LIMIT 20',
  :page_uid, :'key_ts', :'key_ts', :key_aid)),
('eager_hand', 'eager', true, false, format(
  'SELECT u.id, a.*, r.user_id, r.article_id, r.saved_at FROM medium_users u JOIN medium_reading_list r ON r.user_id = u.id JOIN medium_articles a ON a.id = r.article_id WHERE u.id BETWEEN 1 AND %s', :client_n)),
('eager_links', 'eager', false, false, format(
  'SELECT u.id, l.* FROM medium_users u CROSS JOIN LATERAL reading_list_links(u.id) l WHERE u.id BETWEEN 1 AND %s', :client_n));

-- the link rows are the hand join's rows, column for column
INSERT INTO bench_check (assoc, hand) VALUES
('array_links', 'array_hand'), ('pred_links', 'pred_hand'),
('eager_links', 'eager_hand');
-- pages: the same rows in the same order
INSERT INTO bench_check VALUES
('page_links', 'page_hand',
 'SELECT row_number() OVER () AS pos, x.* FROM (%s) x',
 'SELECT row_number() OVER () AS pos, x.* FROM (%s) x'),
('keyset_links', 'keyset_hand',
 'SELECT row_number() OVER () AS pos, x.* FROM (%s) x',
 'SELECT row_number() OVER () AS pos, x.* FROM (%s) x');
-- reader and batch: the same (user, article) pairs as the hand join
INSERT INTO bench_check
SELECT s || '_' || side, s || '_hand',
       CASE side WHEN 'batch' THEN 'SELECT uid, (t).id FROM (%s) AS x(uid, t)'
                 ELSE 'SELECT uid, aid FROM (%s) AS x(uid, aid)' END,
       'SELECT uid, aid FROM (%s) AS x(uid, aid)'
  FROM unnest(ARRAY['array', 'pred']) AS s, unnest(ARRAY['reader', 'batch']) AS side;
-- top 3: the same (user, article, saved_at)
INSERT INTO bench_check VALUES
('top3_links', 'top3_hand',
 'SELECT uid, aid, link_saved_at FROM (%s) AS x(uid, aid)',
 'SELECT uid, aid, saved_at FROM (%s) AS x(uid, aid)');
-- documents: the same elements for each user, in any order
INSERT INTO bench_check VALUES
('json_links', 'json_hand',
 'SELECT uid, jsonb_array_length(doc), e.value FROM (%s) AS x(uid, doc) LEFT JOIN LATERAL jsonb_array_elements(doc) AS e ON true',
 'SELECT uid, jsonb_array_length(doc), e.value FROM (%s) AS x(uid, doc) LEFT JOIN LATERAL jsonb_array_elements(doc) AS e ON true');

-- The Medium data set of the benchmark: deterministic, skewed like real data.
--
-- psql variables (bench/run passes them):
--   users, articles, links   scale; links is approximate
--   fresh                    the last `fresh` articles are never saved, so
--                            add+remove can link them without hitting a link
--   mem_links                links of the one "bulk reader" in read_history
--   page_links               links of the one "page reader" in the reading
--                            list (at most the number of savable articles)
--
-- Links per user follow a power law: the user of rank k (1 = heaviest) has
-- m * (users / k)^0.7 links, at least 1 and at most 5000 (or the number of
-- articles), with m chosen so that the total is about `links`.  At 100k users
-- and 2M links that is: at least 6, median 10, p90 31, p99 155, 69 users with
-- 1000 to 5000.  Ranks are a fixed permutation of the user ids, so heavy users
-- are spread over the id range (pgbench's zipfian uid favours low ids; list
-- size and activity are independent).  A user's articles are an arithmetic
-- progression modulo the number of savable articles, so they are distinct.
-- Links are inserted in saved_at order, as they would arrive, so one user's
-- links are spread over the heap.
--
-- The pages test: one "page reader" (id users + 1) with page_links links,
-- saved at distinct times spread over the same year, inserted with the
-- others.  The two special users are created after the regular ones (ids
-- users + 1 and users + 2, the latest created_at), so that neither an id
-- range nor a created_at bound over the regular users reaches them.

\set ON_ERROR_STOP 1
SET client_min_messages = warning;

CREATE EXTENSION IF NOT EXISTS medium_assoc;

CREATE TABLE medium_users (
    id         serial PRIMARY KEY,
    username   text NOT NULL UNIQUE,
    bio        text,
    created_at timestamptz NOT NULL
);

CREATE TABLE medium_articles (
    id         serial PRIMARY KEY,
    title      text NOT NULL,
    body       text NOT NULL,
    author_id  integer NOT NULL REFERENCES medium_users (id),
    created_at timestamptz NOT NULL
);

CREATE TABLE medium_reading_list (
    user_id    integer NOT NULL REFERENCES medium_users (id) ON DELETE CASCADE,
    article_id integer NOT NULL REFERENCES medium_articles (id) ON DELETE CASCADE,
    saved_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, article_id)
);

INSERT INTO medium_users (username, bio, created_at)
SELECT 'user' || g,
       'Writes about topic ' || (g % 97),
       timestamptz '2019-01-01 00:00+00' + g * interval '7 minutes'
  FROM generate_series(1, :users) AS g;

INSERT INTO medium_users (username, created_at)
VALUES ('page_reader', timestamptz '2019-01-01 00:00+00' + (:users + 1) * interval '7 minutes');
SELECT id AS page_uid, least(:page_links, :articles - :fresh) AS page_n
  FROM medium_users WHERE username = 'page_reader'
\gset

-- body: 200 bytes
INSERT INTO medium_articles (title, body, author_id, created_at)
SELECT 'Article ' || g || ': ' || left(md5(g::text), 16),
       rpad(md5(g::text) || ' ', 200, md5((g * 31)::text)),
       (g::bigint * 7919 % :users) + 1,
       timestamptz '2020-01-01 00:00+00' + g * interval '3 minutes'
  FROM generate_series(1, :articles) AS g;

CREATE TEMP TABLE link_counts AS
WITH p AS (
    SELECT :users::bigint AS u,
           (:articles - :fresh)::bigint AS a,
           0.7::float8 AS alpha,
           least(5000, :articles - :fresh)::int AS cap
), norm AS (
    SELECT :links / sum(power(p.u::float8 / k, p.alpha)) AS m
      FROM p, generate_series(1, p.u) AS k
)
SELECT id,
       least(p.cap, greatest(1, round(norm.m * power(p.u::float8 / rank_, p.alpha))))::int AS n
  FROM p, norm,
       LATERAL generate_series(1, p.u) AS id,
       LATERAL (SELECT (id * 2147483647 % p.u) + 1 AS rank_) AS r;

-- stride of the progression: a prime that does not divide the number of
-- savable articles, so that a user's articles are distinct
SELECT CASE WHEN (:articles - :fresh) % 1000003 = 0 THEN 999983 ELSE 1000003 END AS stride
\gset

INSERT INTO medium_reading_list (user_id, article_id, saved_at)
SELECT c.id,
       ((c.id::bigint * 7919 + j::bigint * :stride) % (:articles - :fresh)) + 1,
       timestamptz '2023-01-01 00:00+00'
         + ((c.id::bigint * 7919 + j::bigint * 104729) % 1051200) * interval '30 seconds'
  FROM link_counts AS c, LATERAL generate_series(0, c.n - 1) AS j
UNION ALL
SELECT :page_uid,
       ((j::bigint * :stride) % (:articles - :fresh)) + 1,
       timestamptz '2023-01-01 00:00+00' + j * (interval '365 days' / :page_n)
  FROM generate_series(0, :page_n - 1) AS j
 ORDER BY 3, 1, 2;

CREATE INDEX ON medium_reading_list (article_id);
-- pages and per-user top n, newest first (both sides use it)
CREATE INDEX ON medium_reading_list (user_id, saved_at);

-- MediumUser.belongsToMany(MediumArticle, { as: 'reading_list',
--     through: MediumReadingList, foreignKey: 'user_id' })
SELECT medium_assoc.belongs_to_many('medium_users', 'medium_articles',
    'medium_reading_list', 'reading_list', foreign_key => 'user_id');

-- The memory test: one "bulk reader" with mem_links reads (a read history
-- may hold an article many times, so it needs no million articles).
INSERT INTO medium_users (username, created_at)
VALUES ('bulk_reader', timestamptz '2019-01-01 00:00+00' + (:users + 2) * interval '7 minutes');
SELECT id AS bulk_uid FROM medium_users WHERE username = 'bulk_reader'
\gset

CREATE TABLE medium_read_history (
    user_id    integer NOT NULL,
    article_id integer NOT NULL,
    read_at    timestamptz NOT NULL
);
INSERT INTO medium_read_history (user_id, article_id, read_at)
SELECT :bulk_uid, (g % (:articles - :fresh)) + 1,
       timestamptz '2023-01-01 00:00+00' + g * interval '1 second'
  FROM generate_series(1, :mem_links) AS g;
ALTER TABLE medium_read_history
    ADD FOREIGN KEY (user_id) REFERENCES medium_users (id),
    ADD FOREIGN KEY (article_id) REFERENCES medium_articles (id);
CREATE INDEX ON medium_read_history (user_id);
SELECT medium_assoc.belongs_to_many('medium_users', 'medium_articles',
    'medium_read_history', 'read_history');

VACUUM ANALYZE;
CHECKPOINT;

-- A small, deterministic Medium data set for bench/node.
--
-- Creates the tables, the data and the reading_list association only when they
-- are absent, so it can run against a database that already holds a larger
-- data set with the same table names (that one is left untouched).
--
--   1,000 users, 2,000 articles, 10..30 saved articles per user (20 on average)
--
-- Needs the extension:  CREATE EXTENSION medium_assoc;
-- Run with:             psql -v ON_ERROR_STOP=1 -f bench/node/setup.sql

\set ON_ERROR_STOP 1

CREATE TABLE IF NOT EXISTS medium_users (
    id       serial PRIMARY KEY,
    username text NOT NULL
);

CREATE TABLE IF NOT EXISTS medium_articles (
    id         serial PRIMARY KEY,
    title      text NOT NULL,
    body       text,
    author_id  integer REFERENCES medium_users (id),
    created_at timestamptz
);

CREATE TABLE IF NOT EXISTS medium_reading_list (
    user_id    integer NOT NULL REFERENCES medium_users (id) ON DELETE CASCADE,
    article_id integer NOT NULL REFERENCES medium_articles (id) ON DELETE CASCADE,
    saved_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, article_id)
);

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM medium_users) THEN
        INSERT INTO medium_users (id, username)
        SELECT u, 'user' || u
          FROM generate_series(1, 1000) AS u;
        PERFORM setval(pg_get_serial_sequence('medium_users', 'id'), 1000);
    END IF;

    IF NOT EXISTS (SELECT 1 FROM medium_articles) THEN
        INSERT INTO medium_articles (id, title, body, author_id, created_at)
        SELECT a,
               'Article ' || a,
               repeat(md5(a::text), 8),          -- 256 characters
               1 + (a * 7) % 1000,
               timestamptz '2024-01-01 00:00:00+00' + a * interval '1 hour'
          FROM generate_series(1, 2000) AS a;
        PERFORM setval(pg_get_serial_sequence('medium_articles', 'id'), 2000);
    END IF;

    IF NOT EXISTS (SELECT 1 FROM medium_reading_list) THEN
        -- k * 101 mod 2000 is distinct for k = 1..30 (101 and 2000 are coprime)
        INSERT INTO medium_reading_list (user_id, article_id, saved_at)
        SELECT u,
               1 + (u * 37 + k * 101) % 2000,
               timestamptz '2024-06-01 00:00:00+00' + (u * 31 + k) * interval '1 minute'
          FROM generate_series(1, 1000) AS u,
               generate_series(1, 10 + u % 21) AS k;
    END IF;

    -- MediumUser.belongsToMany(MediumArticle, { as: 'reading_list',
    --     through: MediumReadingList, foreignKey: 'user_id', otherKey: 'article_id' })
    IF NOT EXISTS (SELECT 1 FROM medium_assoc.associations
                    WHERE name = 'reading_list') THEN
        PERFORM medium_assoc.belongs_to_many('medium_users', 'medium_articles',
            'medium_reading_list', 'reading_list',
            foreign_key => 'user_id', other_key => 'article_id');
    END IF;
END
$$;

ANALYZE medium_users, medium_articles, medium_reading_list;

SELECT (SELECT count(*) FROM medium_users)        AS users,
       (SELECT count(*) FROM medium_articles)     AS articles,
       (SELECT count(*) FROM medium_reading_list) AS links;

-- The Medium clone: users save articles to their reading list, follow each
-- other and clap for articles.
-- Run with psql on a database where medium_assoc is installed:
--   psql -v ON_ERROR_STOP=1 -f examples/medium_clone.sql

CREATE EXTENSION IF NOT EXISTS medium_assoc;

CREATE TABLE medium_users (
    id       serial PRIMARY KEY,
    username text NOT NULL UNIQUE
);

CREATE TABLE medium_articles (
    id        serial PRIMARY KEY,
    title     text NOT NULL,
    author_id integer NOT NULL REFERENCES medium_users (id)
);

-- the through table: one row per article a user saved
CREATE TABLE medium_reading_list (
    user_id    integer NOT NULL REFERENCES medium_users (id) ON DELETE CASCADE,
    article_id integer NOT NULL REFERENCES medium_articles (id) ON DELETE CASCADE,
    saved_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, article_id)
);
CREATE INDEX ON medium_reading_list (article_id);
CREATE INDEX ON medium_reading_list (user_id, saved_at);
CREATE INDEX ON medium_articles (author_id);

-- who follows whom: a self-referential through table
CREATE TABLE medium_follows (
    follower_id integer NOT NULL REFERENCES medium_users (id) ON DELETE CASCADE,
    followee_id integer NOT NULL REFERENCES medium_users (id) ON DELETE CASCADE,
    PRIMARY KEY (follower_id, followee_id)
);
CREATE INDEX ON medium_follows (followee_id);

-- claps: a through table with a surrogate key and a count of its own
CREATE TABLE medium_claps (
    id         serial PRIMARY KEY,
    user_id    integer NOT NULL REFERENCES medium_users (id) ON DELETE CASCADE,
    article_id integer NOT NULL REFERENCES medium_articles (id) ON DELETE CASCADE,
    claps      integer NOT NULL DEFAULT 1 CHECK (claps BETWEEN 1 AND 50),
    UNIQUE (user_id, article_id)
);
CREATE INDEX ON medium_claps (article_id);

INSERT INTO medium_users (username) VALUES ('ada'), ('grace'), ('linus');
INSERT INTO medium_articles (title, author_id) VALUES
    ('Why SQL is not dead', 1),
    ('Joins, explained with cats', 2),
    ('Indexes you forgot', 2),
    ('Many-to-many without tears', 3);

-- MediumUser.belongsToMany(MediumArticle, { as: 'reading_list',
--     through: MediumReadingList, foreignKey: 'user_id' })
SELECT medium_assoc.belongs_to_many('medium_users', 'medium_articles',
    'medium_reading_list', 'reading_list', foreign_key => 'user_id');

-- MediumArticle.belongsToMany(MediumUser, { as: 'readers', through: ... })
SELECT medium_assoc.belongs_to_many('medium_articles', 'medium_users',
    'medium_reading_list', 'readers');

-- user.addReading_list([...])
SELECT medium_assoc.add('reading_list', 1, ARRAY[2, 3, 4]);
SELECT medium_assoc.add('reading_list', 2, 2);
SELECT medium_assoc.add('reading_list', 3, ARRAY[1, 2]);

\echo 'ada''s reading list:'
SELECT id, title FROM reading_list(1) ORDER BY id;

\echo 'readers of "Joins, explained with cats":'
SELECT username FROM readers(2) ORDER BY username;

\echo 'every reading list in one statement:'
SELECT u.username, count(a.id) AS saved
  FROM medium_users u LEFT JOIN LATERAL reading_list(u.id) a ON true
 GROUP BY u.username ORDER BY u.username;

-- user.setReading_list([...]), hasReading_list, countReading_list
SELECT * FROM medium_assoc.set('reading_list', 1, ARRAY[3, 4]);
SELECT medium_assoc.has('reading_list', 1, ARRAY[3, 4]) AS has_both,
       medium_assoc.count('reading_list', 1) AS saved;

-- following: MediumUser.belongsToMany(MediumUser, { as: 'followees',
--     through: MediumFollow, foreignKey: 'follower_id', otherKey: 'followee_id' })
SELECT medium_assoc.belongs_to_many('medium_users', 'medium_users', 'medium_follows',
    'followees', foreign_key => 'follower_id', other_key => 'followee_id');
SELECT medium_assoc.belongs_to_many('medium_users', 'medium_users', 'medium_follows',
    'followers', foreign_key => 'followee_id', other_key => 'follower_id');
SELECT followees_add(1, ARRAY[2, 3]), followees_add(2, ARRAY[3]);
\echo 'who follows linus:'
SELECT username FROM followers(3) ORDER BY username;

-- claps, with the count on the link
SELECT medium_assoc.belongs_to_many('medium_users', 'medium_articles', 'medium_claps',
    'clapped');
SELECT clapped_add(2, ARRAY[1], '{"claps": 10}'), clapped_add(3, ARRAY[1, 4]);
\echo 'claps per article, from the link rows:'
SELECT id, title, sum(link_claps) AS claps
  FROM clapped_links GROUP BY id, title ORDER BY id;

-- user.createReading_list({ title }, { through }): a new article, saved at once
SELECT id, title FROM reading_list_create(2, '{"title": "Drafts are articles too", "author_id": 2}');

-- a reading-list page: newest saved first, with the date saved
\echo 'grace''s reading list, newest first:'
SELECT title, link_saved_at IS NOT NULL AS saved
  FROM reading_list_links WHERE link_user_id = 2
 ORDER BY link_saved_at DESC, id LIMIT 20;

-- each user's two newest saved articles, in one statement
SELECT u.username, l.title
  FROM medium_users u CROSS JOIN LATERAL
       (SELECT * FROM reading_list_links(u.id) ORDER BY link_saved_at DESC, id LIMIT 2) l
 ORDER BY u.username, l.title;

-- the users as the API answers: each with its reading list
SELECT jsonb_pretty(to_jsonb(u) || jsonb_build_object('reading_list', j.reading_list))
  FROM medium_users u CROSS JOIN LATERAL reading_list_json(u.id, ARRAY['saved_at']) j
 WHERE u.id = 1;

-- a user's articles: MediumUser.hasMany(MediumArticle, { as: 'authored',
--     foreignKey: 'author_id' })
SELECT medium_assoc.has_many('medium_users', 'medium_articles', 'authored');
\echo 'what grace wrote:'
SELECT title FROM authored(2) ORDER BY title;

-- an article's author: MediumArticle.belongsTo(MediumUser, { as: 'author' })
SELECT medium_assoc.belongs_to('medium_articles', 'medium_users', 'author');
SELECT a.title, u.username AS author
  FROM medium_articles a CROSS JOIN LATERAL author(a.id) u ORDER BY a.id;

-- has_many :saved_authors, through: :reading_list (the article's author)
SELECT medium_assoc.chain('saved_authors', ARRAY['reading_list', 'author']);
\echo 'whose articles ada saved:'
SELECT username FROM saved_authors(1) ORDER BY username;

SELECT name, source, target, through, foreign_key, other_key, reader, index_advice
  FROM medium_assoc.associations ORDER BY name;

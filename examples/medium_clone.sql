-- The Medium clone: users save articles to their reading list.
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

SELECT name, source, target, through, foreign_key, other_key, reader
  FROM medium_assoc.associations ORDER BY name;

-- The README's Medium schema, for the client tests.
CREATE EXTENSION IF NOT EXISTS medium_assoc;
CREATE TABLE medium_users (id int PRIMARY KEY, name text);
CREATE TABLE medium_articles (id int PRIMARY KEY, title text NOT NULL);
CREATE TABLE medium_reading_list (
    user_id int NOT NULL REFERENCES medium_users,
    article_id int NOT NULL REFERENCES medium_articles,
    note text,
    PRIMARY KEY (user_id, article_id));
INSERT INTO medium_users VALUES (1, 'ada'), (2, 'grace');
INSERT INTO medium_articles SELECT g, 'article ' || g FROM generate_series(1, 8) g;
SELECT medium_assoc.belongs_to_many('medium_users', 'medium_articles',
    'medium_reading_list', 'reading_list');

-- Keys inferred from foreign keys, and registrations whose writes could not
-- succeed refused: a through column's own foreign key names the key it
-- points at; a foreign key that references another column than the key
-- given makes the registration fail with 42830 and a hint that works.
\set VERBOSITY default

CREATE TABLE ki_users (id int PRIMARY KEY, handle text NOT NULL UNIQUE);
CREATE TABLE ki_articles (id int PRIMARY KEY, slug text NOT NULL UNIQUE);
-- the through columns reference the unique, non-primary-key columns
CREATE TABLE ki_saves (
    user_handle  text NOT NULL REFERENCES ki_users (handle),
    article_slug text NOT NULL REFERENCES ki_articles (slug),
    PRIMARY KEY (user_handle, article_slug));
INSERT INTO ki_users VALUES (1, 'ann'), (2, 'bob');
INSERT INTO ki_articles VALUES (10, 'sql'), (11, 'joins');

-- nothing named: the only foreign key to each table names both columns
SELECT medium_assoc.belongs_to_many('ki_users', 'ki_articles', 'ki_saves', 'ki_all_inferred');
SELECT foreign_key, other_key, source_key, target_key
  FROM medium_assoc.associations WHERE name = 'ki_all_inferred';
SELECT medium_assoc.drop_association('ki_all_inferred');

-- the through columns named: their foreign keys name the keys
SELECT medium_assoc.belongs_to_many('ki_users', 'ki_articles', 'ki_saves', 'ki_saved',
    foreign_key => 'user_handle', other_key => 'article_slug');
SELECT foreign_key, other_key, source_key, target_key
  FROM medium_assoc.associations WHERE name = 'ki_saved';
SELECT medium_assoc.add('ki_saved', 'ann', ARRAY['sql', 'joins']);
SELECT slug FROM ki_saved('ann') ORDER BY slug;
SELECT medium_assoc.drop_association('ki_saved');

-- only source_key given (the case that used to register target_key = the
-- primary key, after which every add failed and the reader found nothing)
SELECT medium_assoc.belongs_to_many('ki_users', 'ki_articles', 'ki_saves', 'ki_by_source',
    source_key => 'handle');
SELECT other_key, target_key FROM medium_assoc.associations WHERE name = 'ki_by_source';
SELECT medium_assoc.add('ki_by_source', 'bob', 'joins');
SELECT slug FROM ki_by_source('bob');
SELECT medium_assoc.drop_association('ki_by_source');

-- a key that the through column's foreign key does not reference: refused
SELECT medium_assoc.belongs_to_many('ki_users', 'ki_articles', 'ki_saves', 'ki_wrong',
    foreign_key => 'user_handle', other_key => 'article_slug', target_key => 'id');
SELECT medium_assoc.belongs_to_many('ki_users', 'ki_articles', 'ki_saves', 'ki_wrong',
    source_key => 'id', other_key => 'article_slug');
SELECT count(*) FROM medium_assoc.associations WHERE name = 'ki_wrong';
-- following the hint works
SELECT medium_assoc.belongs_to_many('ki_users', 'ki_articles', 'ki_saves', 'ki_wrong',
    foreign_key => 'user_handle', other_key => 'article_slug', target_key => 'slug');
SELECT medium_assoc.drop_association('ki_wrong');

-- the same with integer keys, where a wrong key would compare fine and the
-- registration used to succeed: the through column references legacy_id,
-- a unique column that is not the primary key
CREATE TABLE ki_posts (id int PRIMARY KEY, legacy_id int NOT NULL UNIQUE, title text);
CREATE TABLE ki_post_saves (
    user_id int NOT NULL REFERENCES ki_users,
    post_legacy_id int NOT NULL REFERENCES ki_posts (legacy_id));
INSERT INTO ki_posts VALUES (1, 1001, 'first'), (2, 1002, 'second');
SELECT medium_assoc.belongs_to_many('ki_users', 'ki_posts', 'ki_post_saves', 'ki_posts_saved',
    source_key => 'id', other_key => 'post_legacy_id');
SELECT other_key, target_key FROM medium_assoc.associations WHERE name = 'ki_posts_saved';
SELECT medium_assoc.add('ki_posts_saved', 1, 1002);
SELECT title FROM ki_posts_saved(1);
SELECT medium_assoc.drop_association('ki_posts_saved');
SELECT medium_assoc.belongs_to_many('ki_users', 'ki_posts', 'ki_post_saves', 'ki_posts_wrong',
    other_key => 'post_legacy_id', target_key => 'id');
SELECT medium_assoc.belongs_to_many('ki_users', 'ki_posts', 'ki_post_saves', 'ki_posts_wrong',
    target_key => 'id');
SELECT count(*) FROM medium_assoc.associations WHERE name = 'ki_posts_wrong';

-- a through table with foreign keys to the primary key and to another
-- column of the same table: the usual inference (the primary key) applies
CREATE TABLE ki_mixed (
    user_id int NOT NULL REFERENCES ki_users,
    article_id int NOT NULL REFERENCES ki_articles,
    article_slug text REFERENCES ki_articles (slug));
SELECT medium_assoc.belongs_to_many('ki_users', 'ki_articles', 'ki_mixed', 'ki_mixed_reads');
SELECT foreign_key, other_key, source_key, target_key
  FROM medium_assoc.associations WHERE name = 'ki_mixed_reads';
SELECT medium_assoc.drop_association('ki_mixed_reads');

-- no foreign keys at all: keys default to the primary keys, as before
CREATE TABLE ki_loose (u int, a int);
SELECT medium_assoc.belongs_to_many('ki_users', 'ki_articles', 'ki_loose', 'ki_loose_reads',
    foreign_key => 'u', other_key => 'a');
SELECT source_key, target_key FROM medium_assoc.associations WHERE name = 'ki_loose_reads';
SELECT medium_assoc.drop_association('ki_loose_reads');

DROP TABLE ki_saves, ki_mixed, ki_loose, ki_post_saves, ki_posts, ki_users, ki_articles;

-- discover(): the associations a schema's foreign keys imply, with
-- conventional aliases and the index each would need; with register, the
-- belongs_to_many ones are registered.  On the Medium clone's schema, on
-- the GitHub example (repos and users through orgs, a junction with a
-- surrogate key) and on the tables sequelize-cli migrations make.
\set VERBOSITY sqlstate

CREATE SCHEMA dsc_medium;
CREATE TABLE dsc_medium.users (id serial PRIMARY KEY, name text);
CREATE TABLE dsc_medium.profiles (id serial PRIMARY KEY, user_id int UNIQUE REFERENCES dsc_medium.users, bio text);
CREATE TABLE dsc_medium.articles (id serial PRIMARY KEY, author_id int NOT NULL REFERENCES dsc_medium.users, title text);
CREATE TABLE dsc_medium.reading_list (user_id int REFERENCES dsc_medium.users,
    article_id int REFERENCES dsc_medium.articles, saved_at timestamptz,
    PRIMARY KEY (user_id, article_id));
CREATE TABLE dsc_medium.follows (follower_id int REFERENCES dsc_medium.users,
    followee_id int REFERENCES dsc_medium.users, PRIMARY KEY (follower_id, followee_id));
-- a composite foreign key implies nothing; an entity with three is no junction
CREATE TABLE dsc_medium.pairs (a int, b int, PRIMARY KEY (a, b));
CREATE TABLE dsc_medium.pair_refs (a int, b int, FOREIGN KEY (a, b) REFERENCES dsc_medium.pairs);

SELECT kind, alias, source, target, through, foreign_key, other_key, source_key, target_key,
       index_advice, registered
  FROM medium_assoc.discover('dsc_medium');

-- registering: the belongs_to_many rows, and they work
SET client_min_messages = warning;
SELECT kind, alias, registered FROM medium_assoc.discover('dsc_medium', register => true)
 WHERE kind IN ('belongs_to_many', 'has_many');
RESET client_min_messages;
INSERT INTO dsc_medium.users (name) VALUES ('ada'), ('grace'), ('linus');
INSERT INTO dsc_medium.articles (author_id, title) VALUES (1, 'a'), (2, 'b');
SELECT medium_assoc.add('followees', 1, ARRAY[2, 3]),
       medium_assoc.add('reading_list_articles', 3, ARRAY[1, 2]);
SELECT name FROM dsc_medium.followers(2);
SELECT title FROM dsc_medium.reading_list_articles(3) ORDER BY 1;
SELECT name FROM dsc_medium.users(1) ORDER BY 1;
-- a second run finds them registered and registers nothing again (a
-- has_many onto a table without a single-column key, a junction here,
-- cannot be registered: a NOTICE says why, each time)
SET client_min_messages = warning;
SELECT alias, registered FROM medium_assoc.discover('dsc_medium', true)
 WHERE kind IN ('belongs_to_many', 'has_many') ORDER BY alias;
RESET client_min_messages;
\set VERBOSITY default
SELECT medium_assoc.has_many('dsc_medium.users', 'dsc_medium.reading_list', 'users_reading_list');
\set VERBOSITY sqlstate

-- the GitHub example: repos belongsToMany users through orgs, a table of
-- its own with a surrogate key and a column of its own
CREATE SCHEMA dsc_github;
CREATE TABLE dsc_github.users (id bigserial PRIMARY KEY, login text UNIQUE NOT NULL);
CREATE TABLE dsc_github.repos (id bigserial PRIMARY KEY, name text NOT NULL);
CREATE TABLE dsc_github.orgs (id bigserial PRIMARY KEY, repo_id bigint NOT NULL REFERENCES dsc_github.repos,
    user_id bigint NOT NULL REFERENCES dsc_github.users, role text NOT NULL DEFAULT 'member');
SELECT kind, alias, source, target, through, index_advice
  FROM medium_assoc.discover('dsc_github') WHERE kind = 'belongs_to_many';
-- an alias already taken is reported and left out; the others register
SET client_min_messages = warning;
SELECT kind, alias, registered FROM medium_assoc.discover('dsc_github', true)
 WHERE kind IN ('belongs_to_many', 'has_many') ORDER BY alias;
RESET client_min_messages;

-- the tables sequelize-cli migrations make: camelCase keys
CREATE SCHEMA dsc_seq;
CREATE TABLE dsc_seq."MediumUsers" ("id" SERIAL PRIMARY KEY);
CREATE TABLE dsc_seq."MediumArticles" ("id" SERIAL PRIMARY KEY);
CREATE TABLE dsc_seq."MediumReadingLists" ("id" SERIAL PRIMARY KEY,
    "userId" INTEGER REFERENCES dsc_seq."MediumUsers" ("id"),
    "articleId" INTEGER REFERENCES dsc_seq."MediumArticles" ("id"),
    "createdAt" TIMESTAMPTZ NOT NULL, "updatedAt" TIMESTAMPTZ NOT NULL);
SELECT kind, alias, source, target, foreign_key, other_key
  FROM medium_assoc.discover('dsc_seq') WHERE kind = 'belongs_to_many';

-- an empty schema; a schema that does not exist; a NULL schema
CREATE SCHEMA dsc_empty;
SELECT count(*) FROM medium_assoc.discover('dsc_empty');
SELECT count(*) FROM medium_assoc.discover('dsc_nope');
SELECT count(*) FROM medium_assoc.discover(NULL);

SELECT medium_assoc.drop_association(name) FROM medium_assoc.associations
 WHERE source::text LIKE 'dsc_%' ORDER BY name;
DROP SCHEMA dsc_medium, dsc_github, dsc_seq, dsc_empty CASCADE;

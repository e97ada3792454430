-- The GitHub example: repos belong to many users through orgs, a through
-- table that is an entity of its own (a surrogate key, a role).  The
-- associations are found from the foreign keys by discover().
-- Run with psql on a database where medium_assoc is installed:
--   psql -v ON_ERROR_STOP=1 -f examples/github.sql

CREATE EXTENSION IF NOT EXISTS medium_assoc;

CREATE TABLE gh_users (
    id    bigserial PRIMARY KEY,
    login text NOT NULL UNIQUE
);

CREATE TABLE gh_repos (
    id   bigserial PRIMARY KEY,
    name text NOT NULL UNIQUE
);

CREATE TABLE gh_orgs (
    id      bigserial PRIMARY KEY,
    repo_id bigint NOT NULL REFERENCES gh_repos (id) ON DELETE CASCADE,
    user_id bigint NOT NULL REFERENCES gh_users (id) ON DELETE CASCADE,
    role    text NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'admin')),
    UNIQUE (repo_id, user_id)
);
CREATE INDEX ON gh_orgs (user_id);

INSERT INTO gh_users (login) VALUES ('octocat'), ('hubot'), ('monalisa');
INSERT INTO gh_repos (name) VALUES ('hello-world'), ('linguist'), ('docs');

-- what the foreign keys imply; register the many-to-many ones
SELECT kind, alias, source, target, through, index_advice
  FROM medium_assoc.discover('public')
 WHERE source::text LIKE 'gh\_%' ORDER BY source::text, kind, alias;
SELECT alias, registered
  FROM medium_assoc.discover('public', register => true)
 WHERE kind = 'belongs_to_many' AND through = 'gh_orgs'::regclass ORDER BY alias;

-- Repo.belongsToMany(User, { through: Org }): members and their role
SELECT users_add(1, ARRAY[1, 2]), users_add(1, ARRAY[3], '{"role": "admin"}');
SELECT users_add(2, ARRAY[1]);
SELECT repos_add(2, ARRAY[3]);

\echo 'members of hello-world, with their role:'
SELECT login, link_role FROM users_links(1) ORDER BY login;

\echo 'repos of octocat:'
SELECT name FROM repos(1) ORDER BY name;

-- set: hello-world's members are now exactly octocat and monalisa
SELECT * FROM users_set(1, ARRAY[1, 3]);
SELECT users_count(1) AS members, users_has(1, ARRAY[2]) AS hubot_is_member;

-- a new repo, created and joined by hubot as admin in one call
SELECT name FROM repos_create(2, '{"name": "hubot-scripts"}', '{"role": "admin"}');

\echo 'every repo with its members, as the API answers:'
SELECT r.name, j.users
  FROM gh_repos r CROSS JOIN LATERAL users_json(r.id, ARRAY['role']) j ORDER BY r.id;

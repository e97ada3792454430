-- create(): insert a target row from a JSON object and link it to a
-- source in one call, returning the new row (Sequelize's
-- createReading_list(values, { through })).  Columns the object leaves out
-- take their defaults; the target scope's columns get the scope's values;
-- the link is made by add()'s path; an error leaves nothing behind.
\set VERBOSITY sqlstate

CREATE TABLE cr_users (id int PRIMARY KEY);
CREATE TABLE cr_articles (id serial PRIMARY KEY, title text NOT NULL,
                          kind text NOT NULL DEFAULT 'post', published date DEFAULT '2026-01-01',
                          slug text GENERATED ALWAYS AS (lower(title)) STORED);
CREATE TABLE cr_saves (user_id int REFERENCES cr_users, article_id int REFERENCES cr_articles,
                       note text, "createdAt" timestamptz NOT NULL, "updatedAt" timestamptz NOT NULL,
                       PRIMARY KEY (user_id, article_id));
INSERT INTO cr_users VALUES (1), (2);
SELECT medium_assoc.belongs_to_many('cr_users', 'cr_articles', 'cr_saves', 'cr_saved');
SELECT medium_assoc.belongs_to_many('cr_users', 'cr_articles', 'cr_saves', 'cr_videos',
    target_scope => '{"kind": "video"}');
SELECT oid::regprocedure, pg_get_function_result(oid) FROM pg_proc WHERE proname = 'cr_saved_create';

-- the typed helper returns the row; defaults and the generated column filled
SELECT * FROM cr_saved_create(1, '{"title": "Hello"}', '{"note": "first"}');
-- the generic one returns it as jsonb; an untyped source is parsed
SELECT medium_assoc.create('cr_saved', 1, '{"title": "Second", "published": "2026-02-03"}');
PREPARE cr_untyped AS SELECT medium_assoc.create($1, $2, $3);
EXECUTE cr_untyped('cr_saved', '2', '{"title": "Third"}');
-- the target scope's values fill what the object leaves out
SELECT title, kind FROM cr_videos_create(2, '{"title": "A video"}');
SELECT user_id, article_id, note, "createdAt" IS NOT NULL AND "updatedAt" IS NOT NULL AS stamped
  FROM cr_saves ORDER BY 1, 2;
SELECT medium_assoc.count('cr_saved', 1), medium_assoc.count('cr_videos', 2);

-- errors change nothing: a target outside the scope, a column that does not
-- exist, a generated column, not an object, a NOT NULL column left out, a
-- source that does not exist, NULLs
SELECT title FROM cr_videos_create(1, '{"title": "Not a video", "kind": "post"}');
SELECT title FROM cr_saved_create(1, '{"nope": 1}');
SELECT title FROM cr_saved_create(1, '{"title": "x", "slug": "y"}');
SELECT title FROM cr_saved_create(1, '[1]');
SELECT title FROM cr_saved_create(1, '{}');
SELECT title FROM cr_saved_create(99, '{"title": "No such user"}');
SELECT title FROM cr_saved_create(NULL, '{"title": "x"}');
SELECT title FROM cr_saved_create(1, NULL);
SELECT medium_assoc.create(NULL, 1, '{"title": "x"}');
SELECT medium_assoc.create('cr_nope', 1, '{"title": "x"}');
SELECT title FROM cr_saved_create(1, '{"title": "x"}', '{"nope": 1}');
SELECT count(*) AS articles FROM cr_articles;
SELECT count(*) AS links FROM cr_saves;
-- the error's context names the helper and the step
\set VERBOSITY default
SELECT title FROM cr_saved_create(1, '{}');
SELECT title FROM cr_saved_create(99, '{"title": "No such user"}');
\set VERBOSITY sqlstate

-- privileges and row-level security: the caller's
CREATE ROLE regress_cr_user;
GRANT SELECT ON cr_users, cr_articles, cr_saves TO regress_cr_user;
SET ROLE regress_cr_user;
SELECT title FROM cr_saved_create(1, '{"title": "No insert privilege"}');
RESET ROLE;
GRANT INSERT ON cr_articles TO regress_cr_user;
GRANT USAGE ON SEQUENCE cr_articles_id_seq TO regress_cr_user;
SET ROLE regress_cr_user;
SELECT title FROM cr_saved_create(1, '{"title": "No link privilege"}');
RESET ROLE;
GRANT INSERT, UPDATE ON cr_saves TO regress_cr_user;
ALTER TABLE cr_articles ENABLE ROW LEVEL SECURITY;
CREATE POLICY cr_read ON cr_articles FOR SELECT USING (true);
CREATE POLICY cr_only_drafts ON cr_articles FOR INSERT TO regress_cr_user
    WITH CHECK (published IS NULL);
SET ROLE regress_cr_user;
SELECT title FROM cr_saved_create(1, '{"title": "Published"}');
SELECT title, published FROM cr_saved_create(1, '{"title": "Draft", "published": null}');
RESET ROLE;
ALTER TABLE cr_articles DISABLE ROW LEVEL SECURITY;
SELECT count(*) AS articles FROM cr_articles;

DEALLOCATE ALL;
SELECT medium_assoc.drop_association('cr_saved');
SELECT medium_assoc.drop_association('cr_videos');
DROP TABLE cr_saves, cr_articles, cr_users;
DROP ROLE regress_cr_user;

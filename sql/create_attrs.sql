-- Attributes only the links being created take (create_attrs), beside the
-- through_attrs every link given takes: Sequelize's through attributes that
-- are set once, when a link is made.
\set VERBOSITY sqlstate

CREATE TABLE ca_users (id int PRIMARY KEY);
CREATE TABLE ca_articles (id int PRIMARY KEY);
CREATE TABLE ca_saves (user_id int REFERENCES ca_users, article_id int REFERENCES ca_articles,
                       source text, note text, PRIMARY KEY (user_id, article_id));
INSERT INTO ca_users VALUES (1);
INSERT INTO ca_articles SELECT generate_series(1, 5);
SELECT medium_assoc.belongs_to_many('ca_users', 'ca_articles', 'ca_saves', 'ca_saved');
SELECT medium_assoc.add('ca_saved', 1, ARRAY[1, 2], '{"note": "first"}', '{"source": "import"}');
-- an existing link takes through_attrs only; the new one both
SELECT medium_assoc.add('ca_saved', 1, ARRAY[2, 3], '{"note": "second"}', '{"source": "web"}');
SELECT article_id, source, note FROM ca_saves ORDER BY 1;
-- create_attrs alone, one target, and a key in both (create_attrs wins for
-- the link created)
SELECT medium_assoc.add('ca_saved', 1, 4, NULL, '{"source": "api"}');
SELECT medium_assoc.add('ca_saved', 1, ARRAY[4, 5], '{"source": "x"}', '{"source": "new"}');
SELECT article_id, source, note FROM ca_saves ORDER BY 1;
-- set: kept links take through_attrs, new ones create_attrs too
SELECT * FROM medium_assoc.set('ca_saved', 1, ARRAY[1, 2], '{"note": "kept"}', '{"source": "set"}');
SELECT * FROM medium_assoc.set('ca_saved', 1, ARRAY[2, 3], '{"note": "kept"}', '{"source": "set"}');
SELECT article_id, source, note FROM ca_saves ORDER BY 1;
-- the typed helpers take it too, by name
SELECT ca_saved_add(1, ARRAY[4], create_attrs => '{"source": "typed"}');
SELECT * FROM ca_saved_set(1, ARRAY[4, 5], create_attrs => '{"source": "typed"}');
SELECT article_id, source, note FROM ca_saves ORDER BY 1;
-- validated as through_attrs, before anything changes
SELECT medium_assoc.add('ca_saved', 1, 1, NULL, '{"user_id": 2}');
SELECT medium_assoc.add('ca_saved', 1, 1, NULL, '{"nope": 2}');
SELECT medium_assoc.add('ca_saved', 1, 1, NULL, '[1]');
SELECT count(*) FROM ca_saves;

SELECT medium_assoc.drop_association('ca_saved');
DROP TABLE ca_saves, ca_users, ca_articles;

-- An error raised inside a generated statement names the helper, the
-- association and what the statement was doing in its CONTEXT, not the
-- statement's text; the caller's own context lines are kept.
\set VERBOSITY default
\set SHOW_CONTEXT always

CREATE TABLE ec_users (id int PRIMARY KEY);
CREATE TABLE ec_articles (id int PRIMARY KEY, title text);
CREATE TABLE ec_saves (
    user_id int NOT NULL REFERENCES ec_users,
    article_id int NOT NULL REFERENCES ec_articles,
    "rank" int NOT NULL,
    PRIMARY KEY (user_id, article_id));
INSERT INTO ec_users VALUES (1);
INSERT INTO ec_articles VALUES (1, 'one'), (2, 'two');
SELECT medium_assoc.belongs_to_many('ec_users', 'ec_articles', 'ec_saves', 'ec_saved');

-- a NOT NULL violation, one target and several
SELECT medium_assoc.add('ec_saved', 1, 1);
SELECT medium_assoc.add('ec_saved', 1, ARRAY[1, 2]);
SELECT * FROM medium_assoc.set('ec_saved', 1, ARRAY[2]);
-- through_attrs that do not convert
SELECT medium_assoc.add('ec_saved', 1, 1, '{"rank": "first"}');
SELECT medium_assoc.add('ec_saved', 1, 1, '{"rank": 1}');
-- a foreign-key violation raised by the constraint itself
SELECT medium_assoc.add('ec_saved', 1, 3, '{"rank": 1}');
-- inside the caller's own function: its context line follows
CREATE FUNCTION ec_save(a int) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    RETURN medium_assoc.add('ec_saved', 1, a);
END $$;
SELECT ec_save(2);

-- a reader running its statement (row-level security applies) without
-- SELECT on a column of the target
CREATE ROLE regress_ec_user;
GRANT SELECT ON ec_saves TO regress_ec_user;
GRANT SELECT (id) ON ec_articles TO regress_ec_user;
ALTER TABLE ec_saves ENABLE ROW LEVEL SECURITY;
CREATE POLICY ec_all ON ec_saves USING (true);
SET ROLE regress_ec_user;
SELECT * FROM ec_saved(1);
SELECT * FROM ec_saved_batch(ARRAY[1]);
RESET ROLE;

SELECT medium_assoc.drop_association('ec_saved');
DROP OWNED BY regress_ec_user;
DROP ROLE regress_ec_user;
DROP FUNCTION ec_save(int);
DROP TABLE ec_saves, ec_users, ec_articles;

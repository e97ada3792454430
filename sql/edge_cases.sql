-- Edge cases: fixed-length keys, nested calls, many sources in one
-- transaction, other ways to rename, temporary tables, repair().
\set VERBOSITY sqlstate

CREATE TABLE edge_users (code char(3) PRIMARY KEY, name text);
CREATE TABLE edge_tags (label char(3) PRIMARY KEY);
CREATE TABLE edge_user_tags (
    user_code char(3) REFERENCES edge_users,
    tag_label char(3) REFERENCES edge_tags,
    note text,
    kind char(8) NOT NULL DEFAULT 'like',
    PRIMARY KEY (user_code, tag_label, kind));
INSERT INTO edge_users VALUES ('abc', 'ann'), ('xyz', 'xavier');
INSERT INTO edge_tags VALUES ('sql'), ('pg '), ('c  ');
SELECT medium_assoc.belongs_to_many('edge_users', 'edge_tags', 'edge_user_tags',
    'edge_tagged', scope => '{"kind": "like"}');

-- char(n) keys and scope values are compared and written at their length
SELECT medium_assoc.add('edge_tagged', 'abc', ARRAY['sql', 'pg'], '{"note": "kept"}');
SELECT * FROM edge_user_tags ORDER BY 1, 2;
SELECT source, (target).label FROM edge_tagged_batch(ARRAY['abc', 'xyz']::char(3)[]) ORDER BY 2;
SELECT * FROM medium_assoc.set('edge_tagged', 'abc', ARRAY['sql', 'pg']);
SELECT user_code, tag_label, note FROM edge_user_tags ORDER BY 1, 2;
SELECT medium_assoc.remove('edge_tagged', 'abc'::char(3), 'pg'::char(3));
SELECT label FROM edge_tagged('abc') ORDER BY 1;

-- a helper called from a trigger while another call is using the
-- association, after the registry changed: the outer call carries on with
-- the association it started with
CREATE TABLE edge_log (n bigint);
SELECT medium_assoc.belongs_to_many('edge_users', 'edge_tags', 'edge_user_tags',
    'edge_spare', foreign_key => 'user_code', other_key => 'tag_label');
CREATE FUNCTION edge_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM medium_assoc.drop_association('edge_spare');
    INSERT INTO edge_log SELECT medium_assoc.count('edge_tagged', 'abc');
    RETURN NULL;
END $$;
CREATE TRIGGER edge_count AFTER DELETE ON edge_user_tags
    FOR EACH ROW EXECUTE FUNCTION edge_count();
SELECT medium_assoc.add('edge_tagged', 'abc', 'c');
SELECT * FROM medium_assoc.set('edge_tagged', 'abc', ARRAY['c']);
SELECT user_code, tag_label FROM edge_user_tags ORDER BY 1, 2;
SELECT * FROM edge_log;
SELECT name FROM medium_assoc.associations WHERE name::text LIKE 'edge%' ORDER BY 1;
DROP TRIGGER edge_count ON edge_user_tags;

-- one transaction writing the links of thousands of sources holds a
-- bounded number of locks
CREATE TABLE edge_many (id int PRIMARY KEY);
CREATE TABLE edge_many_links (many_id int REFERENCES edge_many, tag_label char(3) REFERENCES edge_tags);
INSERT INTO edge_many SELECT generate_series(1, 20000);
SELECT medium_assoc.belongs_to_many('edge_many', 'edge_tags', 'edge_many_links', 'edge_many_tags');
BEGIN;
SELECT sum(medium_assoc.add('edge_many_tags', id, 'sql')) FROM edge_many;
SELECT count(*) <= 2 * 256 AS bounded FROM pg_locks
 WHERE locktype = 'advisory' AND objsubid = 19777 AND pid = pg_backend_pid();
COMMIT;
SELECT count(*) FROM edge_many_links;

-- renaming a reader is refused whatever the statement
ALTER ROUTINE edge_tagged(char) RENAME TO edge_renamed;
ALTER FUNCTION edge_tagged_batch(char[]) RENAME TO edge_renamed_batch;
SELECT proname FROM pg_proc WHERE proname::text LIKE 'edge%' ORDER BY 1;

-- a column renamed through ALTER VIEW ... RENAME COLUMN (allowed on tables)
ALTER VIEW edge_user_tags RENAME COLUMN user_code TO "userCode";
SELECT foreign_key FROM medium_assoc.associations WHERE name = 'edge_tagged';
SELECT label FROM edge_tagged('abc') ORDER BY 1;

-- temporary tables are refused: the association would outlive them
CREATE TEMP TABLE edge_temp_links (user_code char(3), tag_label char(3));
SELECT medium_assoc.belongs_to_many('edge_users', 'edge_tags', 'edge_temp_links',
    'edge_temp', foreign_key => 'user_code', other_key => 'tag_label');
SELECT count(*) FROM medium_assoc.associations WHERE name = 'edge_temp';

-- repair() records again the dependencies pg_upgrade does not carry
BEGIN;
DELETE FROM pg_depend
 WHERE classid = 'pg_proc'::regclass
   AND objid = 'edge_tagged(char)'::regprocedure
   AND refclassid = 'pg_class'::regclass;
-- (the link rows view's own dependencies are carried: it is a view)
SELECT count(*) AS reader_column_deps FROM pg_depend
 WHERE classid = 'pg_proc'::regclass AND objid = 'edge_tagged(char)'::regprocedure
   AND refclassid = 'pg_class'::regclass;
SELECT medium_assoc.repair();
SELECT count(*) AS reader_column_deps FROM pg_depend
 WHERE classid = 'pg_proc'::regclass AND objid = 'edge_tagged(char)'::regprocedure
   AND refclassid = 'pg_class'::regclass;
DROP TABLE edge_user_tags;
ROLLBACK;

-- with foreign keys not firing (a replica, or disabled triggers), count,
-- has and add do not rely on them
SELECT medium_assoc.add('edge_many_tags', 1, ARRAY['pg', 'c']);
SET session_replication_role = replica;
DELETE FROM edge_tags WHERE label = 'pg';
SELECT medium_assoc.count('edge_many_tags', 1), medium_assoc.has('edge_many_tags', 1, 'pg'),
       (SELECT count(*) FROM edge_many_tags(1));
SELECT medium_assoc.add('edge_many_tags', 1, 'zzz');
RESET session_replication_role;
ALTER TABLE edge_many_links DISABLE TRIGGER ALL;
SELECT medium_assoc.add('edge_many_tags', 2, 'zzz');
ALTER TABLE edge_many_links ENABLE TRIGGER ALL;
SELECT count(*) FROM edge_many_links WHERE tag_label = 'zzz';

-- a column added to the target with a default: old rows show the default
ALTER TABLE edge_tags ADD COLUMN color text NOT NULL DEFAULT 'grey';
SELECT * FROM edge_tagged('abc') ORDER BY 1;
SELECT source, (target).color FROM edge_tagged_batch(ARRAY['abc']::char(3)[]);

SELECT medium_assoc.drop_association('edge_tagged');
SELECT medium_assoc.drop_association('edge_many_tags');
DROP TABLE edge_many_links, edge_many, edge_user_tags, edge_tags, edge_users, edge_log;
DROP FUNCTION edge_count();

-- Privileges and row-level security: registering needs ownership of the
-- source table; readers and helpers run as the caller, whose privileges
-- and row-level security policies apply.
\set VERBOSITY sqlstate
\set SHOW_CONTEXT never

CREATE ROLE regress_priv_owner;
CREATE ROLE regress_priv_member IN ROLE regress_priv_owner;
CREATE ROLE regress_priv_user;
CREATE SCHEMA priv_s;
GRANT USAGE, CREATE ON SCHEMA priv_s TO regress_priv_owner;
GRANT USAGE ON SCHEMA priv_s TO regress_priv_user;

SET ROLE regress_priv_owner;
CREATE TABLE priv_s.priv_users (
    id   integer PRIMARY KEY,
    name text NOT NULL
);
CREATE TABLE priv_s.priv_articles (
    id    integer PRIMARY KEY,
    title text NOT NULL
);
CREATE TABLE priv_s.priv_links (
    user_id    integer NOT NULL REFERENCES priv_s.priv_users,
    article_id integer NOT NULL REFERENCES priv_s.priv_articles,
    note       text,
    PRIMARY KEY (user_id, article_id)
);
INSERT INTO priv_s.priv_users VALUES (1, 'ada'), (2, 'bob'), (3, 'cy');
INSERT INTO priv_s.priv_articles VALUES (1, 'a1'), (2, 'a2'), (3, 'a3'), (4, 'a4'), (5, 'a5');
INSERT INTO priv_s.priv_links (user_id, article_id) VALUES (1, 1), (1, 2), (1, 3), (2, 1), (2, 2);
RESET ROLE;

-- the links as the superuser sees them
\set links 'SELECT user_id, article_id, note FROM priv_s.priv_links ORDER BY user_id, article_id;'

--
-- Registering
--
-- the owner needs CREATE on the schema, where the reader goes
REVOKE CREATE ON SCHEMA priv_s FROM regress_priv_owner;
SET ROLE regress_priv_owner;
SELECT medium_assoc.belongs_to_many('priv_s.priv_users', 'priv_s.priv_articles',
    'priv_s.priv_links', 'priv_reads');
\set VERBOSITY default
SELECT medium_assoc.belongs_to_many('priv_s.priv_users', 'priv_s.priv_articles',
    'priv_s.priv_links', 'priv_reads');
\set VERBOSITY sqlstate
RESET ROLE;
SELECT count(*) FROM medium_assoc.associations WHERE starts_with(name, 'priv_');
SELECT count(*) FROM pg_proc WHERE proname IN ('priv_reads', 'priv_reads_batch');
GRANT CREATE ON SCHEMA priv_s TO regress_priv_owner;
-- the owner, who is not a superuser, registers both directions
SET ROLE regress_priv_owner;
SELECT medium_assoc.belongs_to_many('priv_s.priv_users', 'priv_s.priv_articles',
    'priv_s.priv_links', 'priv_reads');
SELECT medium_assoc.belongs_to_many('priv_s.priv_articles', 'priv_s.priv_users',
    'priv_s.priv_links', 'priv_readers');
SELECT title FROM priv_s.priv_reads(1) ORDER BY title;
RESET ROLE;
-- the readers belong to the owner and run as their caller
SELECT p.oid::regprocedure, p.proowner::regrole, p.prosecdef, p.provolatile, p.proisstrict
  FROM pg_proc p
 WHERE p.proname IN ('priv_reads', 'priv_reads_batch', 'priv_readers', 'priv_readers_batch')
 ORDER BY p.proname;

-- someone else may neither register nor drop an association of the table
SET ROLE regress_priv_user;
SELECT medium_assoc.belongs_to_many('priv_s.priv_users', 'priv_s.priv_articles',
    'priv_s.priv_links', 'priv_other');
SELECT medium_assoc.drop_association('priv_reads');
\set VERBOSITY default
SELECT medium_assoc.belongs_to_many('priv_s.priv_users', 'priv_s.priv_articles',
    'priv_s.priv_links', 'priv_other');
SELECT medium_assoc.drop_association('priv_reads');
\set VERBOSITY sqlstate
RESET ROLE;
-- even with CREATE on the schema
GRANT CREATE ON SCHEMA priv_s TO regress_priv_user;
SET ROLE regress_priv_user;
SELECT medium_assoc.belongs_to_many('priv_s.priv_users', 'priv_s.priv_articles',
    'priv_s.priv_links', 'priv_other');
RESET ROLE;
REVOKE CREATE ON SCHEMA priv_s FROM regress_priv_user;
SELECT name, source, reader FROM medium_assoc.associations
 WHERE starts_with(name, 'priv_') ORDER BY name;
SELECT count(*) FROM pg_proc WHERE proname IN ('priv_other', 'priv_other_batch');

-- a member of the owning role counts as the owner
SET ROLE regress_priv_member;
SELECT medium_assoc.belongs_to_many('priv_s.priv_users', 'priv_s.priv_articles',
    'priv_s.priv_links', 'priv_member');
SELECT medium_assoc.drop_association('priv_member');
RESET ROLE;
-- a superuser may register on anyone's table; the reader belongs to the
-- table's owner
SELECT medium_assoc.belongs_to_many('priv_s.priv_users', 'priv_s.priv_articles',
    'priv_s.priv_links', 'priv_super');
SELECT p.oid::regprocedure, p.proowner::regrole, p.prosecdef
  FROM pg_proc p WHERE p.proname IN ('priv_super', 'priv_super_batch') ORDER BY p.proname;
SELECT medium_assoc.drop_association('priv_super');

--
-- Reading needs SELECT on the through and target tables
--
-- the queries regress_priv_user runs below
\set reads 'SELECT (SELECT array_agg(title ORDER BY title) FROM priv_s.priv_reads(1)) AS reads_1, (SELECT array_agg(source || '':'' || (target).title ORDER BY source, (target).title) FROM priv_s.priv_reads_batch(ARRAY[1, 2, 3])) AS batch, (SELECT array_agg(name ORDER BY name) FROM priv_s.priv_readers(1)) AS readers_1, (SELECT array_agg(source || '':'' || (target).name ORDER BY source, (target).name) FROM priv_s.priv_readers_batch(ARRAY[1, 2, 3])) AS readers_batch, medium_assoc.count(''priv_reads'', 1) AS count_1, medium_assoc.count(''priv_readers'', 1) AS readers_count_1, medium_assoc.has(''priv_reads'', 1, ARRAY[1, 2]) AS has_1_2, medium_assoc.has(''priv_reads'', 1, 3) AS has_3, medium_assoc.has(''priv_readers'', 2, 1) AS readers_has;'

-- no privilege on any table
SET ROLE regress_priv_user;
SELECT * FROM priv_s.priv_reads(1);
SELECT * FROM priv_s.priv_reads_batch(ARRAY[1]);
SELECT * FROM priv_s.priv_readers(1);
SELECT * FROM priv_s.priv_readers_batch(ARRAY[1]);
SELECT medium_assoc.count('priv_reads', 1);
SELECT medium_assoc.count('priv_readers', 1);
SELECT medium_assoc.has('priv_reads', 1, 1);
SELECT medium_assoc.has('priv_reads', 1, ARRAY[1, 2]);
\set VERBOSITY default
SELECT * FROM priv_s.priv_reads(1);
\set VERBOSITY sqlstate
RESET ROLE;

-- SELECT on the through table only
SET ROLE regress_priv_owner;
GRANT SELECT ON priv_s.priv_links TO regress_priv_user;
SET ROLE regress_priv_user;
SELECT * FROM priv_s.priv_reads(1);
SELECT * FROM priv_s.priv_reads_batch(ARRAY[1]);
SELECT * FROM priv_s.priv_readers(1);
SELECT * FROM priv_s.priv_readers_batch(ARRAY[1]);
SELECT medium_assoc.count('priv_reads', 1);
SELECT medium_assoc.count('priv_readers', 1);
SELECT medium_assoc.has('priv_reads', 1, 1);
SELECT medium_assoc.has('priv_reads', 1, ARRAY[1, 2]);
RESET ROLE;

-- SELECT on the target tables only
SET ROLE regress_priv_owner;
REVOKE SELECT ON priv_s.priv_links FROM regress_priv_user;
GRANT SELECT ON priv_s.priv_articles, priv_s.priv_users TO regress_priv_user;
SET ROLE regress_priv_user;
SELECT * FROM priv_s.priv_reads(1);
SELECT * FROM priv_s.priv_reads_batch(ARRAY[1]);
SELECT * FROM priv_s.priv_readers(1);
SELECT * FROM priv_s.priv_readers_batch(ARRAY[1]);
SELECT medium_assoc.count('priv_reads', 1);
SELECT medium_assoc.count('priv_readers', 1);
SELECT medium_assoc.has('priv_reads', 1, 1);
SELECT medium_assoc.has('priv_reads', 1, ARRAY[1, 2]);
RESET ROLE;

-- SELECT on the key columns of the through table is enough
SET ROLE regress_priv_owner;
GRANT SELECT (user_id, article_id) ON priv_s.priv_links TO regress_priv_user;
SET ROLE regress_priv_user;
:reads
RESET ROLE;

-- SELECT on the tables; the sources' tables are not read
SET ROLE regress_priv_owner;
REVOKE SELECT (user_id, article_id) ON priv_s.priv_links FROM regress_priv_user;
GRANT SELECT ON priv_s.priv_links TO regress_priv_user;
SET ROLE regress_priv_user;
:reads
RESET ROLE;

--
-- Writing needs INSERT (add), DELETE (remove) or both (set) on the
-- through table, and SELECT on the tables
--
SET ROLE regress_priv_user;
SELECT medium_assoc.add('priv_reads', 3, 4);
SELECT medium_assoc.add('priv_reads', 3, ARRAY[4, 5]);
SELECT medium_assoc.remove('priv_reads', 1, 1);
SELECT * FROM medium_assoc.set('priv_reads', 3, ARRAY[4]);
SELECT * FROM medium_assoc.set('priv_reads', 1, ARRAY[1]);
SELECT medium_assoc.add('priv_readers', 4, 3);
\set VERBOSITY default
SELECT medium_assoc.add('priv_reads', 3, 4);
SELECT medium_assoc.remove('priv_reads', 1, 1);
\set VERBOSITY sqlstate
RESET ROLE;
:links

-- INSERT: add works, remove and set do not
SET ROLE regress_priv_owner;
GRANT INSERT ON priv_s.priv_links TO regress_priv_user;
SET ROLE regress_priv_user;
SELECT medium_assoc.add('priv_reads', 3, ARRAY[4, 5]);
SELECT medium_assoc.add('priv_readers', 4, 1);
SELECT medium_assoc.remove('priv_reads', 3, 4);
SELECT * FROM medium_assoc.set('priv_reads', 3, ARRAY[4]);
SELECT * FROM medium_assoc.set('priv_reads', 3, ARRAY[1, 4, 5]);
RESET ROLE;
:links

-- DELETE: remove works, add and set do not
SET ROLE regress_priv_owner;
REVOKE INSERT ON priv_s.priv_links FROM regress_priv_user;
GRANT DELETE ON priv_s.priv_links TO regress_priv_user;
SET ROLE regress_priv_user;
SELECT medium_assoc.remove('priv_reads', 3, 5);
SELECT medium_assoc.remove('priv_readers', 4, 1);
SELECT medium_assoc.add('priv_reads', 3, 5);
SELECT * FROM medium_assoc.set('priv_reads', 3, ARRAY[1]);
SELECT * FROM medium_assoc.set('priv_reads', 3, ARRAY[1, 4]);
RESET ROLE;
:links

-- both: set works
SET ROLE regress_priv_owner;
GRANT INSERT ON priv_s.priv_links TO regress_priv_user;
SET ROLE regress_priv_user;
SELECT * FROM medium_assoc.set('priv_reads', 3, ARRAY[1, 5]);
SELECT * FROM medium_assoc.set('priv_reads', 3, ARRAY[]::integer[]);
-- through_attrs also need UPDATE on their columns, whether or not a link
-- exists (as INSERT ... ON CONFLICT DO UPDATE does)
SELECT medium_assoc.add('priv_reads', 3, 1, '{"note": "n"}');
SELECT * FROM medium_assoc.set('priv_reads', 3, ARRAY[1], '{"note": "n"}');
RESET ROLE;
:links
SET ROLE regress_priv_owner;
GRANT UPDATE (note) ON priv_s.priv_links TO regress_priv_user;
SET ROLE regress_priv_user;
SELECT medium_assoc.add('priv_reads', 3, 1, '{"note": "n"}');
SELECT * FROM medium_assoc.set('priv_reads', 3, ARRAY[1, 2], '{"note": "m"}');
RESET ROLE;
:links
SET ROLE regress_priv_user;
SELECT * FROM medium_assoc.set('priv_reads', 3, '{}');
RESET ROLE;
:links

-- add and set check that the source and targets exist: SELECT on them
SET ROLE regress_priv_owner;
REVOKE SELECT ON priv_s.priv_articles FROM regress_priv_user;
SET ROLE regress_priv_user;
SELECT medium_assoc.add('priv_reads', 3, 4);
SELECT * FROM medium_assoc.set('priv_reads', 3, ARRAY[4]);
RESET ROLE;
SET ROLE regress_priv_owner;
GRANT SELECT ON priv_s.priv_articles TO regress_priv_user;
RESET ROLE;
:links

--
-- Row-level security
--
SET ROLE regress_priv_owner;
ALTER TABLE priv_s.priv_links ENABLE ROW LEVEL SECURITY;
CREATE POLICY priv_links_read ON priv_s.priv_links FOR SELECT USING (article_id < 3);
CREATE POLICY priv_links_add ON priv_s.priv_links FOR INSERT WITH CHECK (article_id <> 4);
CREATE POLICY priv_links_remove ON priv_s.priv_links FOR DELETE USING (true);
ALTER TABLE priv_s.priv_articles ENABLE ROW LEVEL SECURITY;
CREATE POLICY priv_articles_read ON priv_s.priv_articles FOR SELECT USING (id <> 2);
RESET ROLE;
:links

-- regress_priv_user sees only the links to articles 1 and 2, and of the
-- articles not article 2
SET ROLE regress_priv_user;
:reads
SELECT * FROM priv_s.priv_reads(1);
SELECT * FROM priv_s.priv_readers(2);
SELECT medium_assoc.has('priv_reads', 1, 2);
SELECT medium_assoc.has('priv_readers', 3, 1);
-- with row_security off, reading what a policy filters is an error
SET row_security = off;
SELECT * FROM priv_s.priv_reads(1);
SELECT * FROM priv_s.priv_reads_batch(ARRAY[1]);
SELECT * FROM priv_s.priv_readers(1);
SELECT medium_assoc.count('priv_reads', 1);
SELECT medium_assoc.count('priv_readers', 1);
SELECT medium_assoc.has('priv_reads', 1, 1);
RESET row_security;
RESET ROLE;
-- the owner is exempt, unless the policies are forced on it
SET ROLE regress_priv_owner;
:reads
ALTER TABLE priv_s.priv_links FORCE ROW LEVEL SECURITY;
ALTER TABLE priv_s.priv_articles FORCE ROW LEVEL SECURITY;
:reads
ALTER TABLE priv_s.priv_links NO FORCE ROW LEVEL SECURITY;
ALTER TABLE priv_s.priv_articles NO FORCE ROW LEVEL SECURITY;
:reads
RESET ROLE;
-- and so is the superuser
:reads

-- writes obey the policies
SET ROLE regress_priv_user;
-- the INSERT policy rejects links to article 4
SELECT medium_assoc.add('priv_reads', 2, 4);
SELECT medium_assoc.add('priv_reads', 2, ARRAY[3, 4]);
SELECT medium_assoc.add('priv_readers', 4, 2);
SELECT * FROM medium_assoc.set('priv_reads', 2, ARRAY[1, 4]);
\set VERBOSITY default
SELECT medium_assoc.add('priv_reads', 2, 4);
\set VERBOSITY sqlstate
RESET ROLE;
:links
SET ROLE regress_priv_user;
-- article 2 is hidden from regress_priv_user: it does not exist for add
SELECT medium_assoc.add('priv_reads', 3, 2);
-- a link the INSERT policy allows, though the SELECT policy hides it
SELECT medium_assoc.add('priv_reads', 2, 5);
SELECT medium_assoc.has('priv_reads', 2, 5);
-- remove only sees visible links
SELECT medium_assoc.remove('priv_reads', 2, 5);
SELECT medium_assoc.remove('priv_reads', 2, 1);
-- set removes the visible links that are not wanted (2 -> 2), keeps the
-- hidden ones (2 -> 5)
SELECT * FROM medium_assoc.set('priv_reads', 2, ARRAY[3]);
RESET ROLE;
:links

--
-- Clean up
--
SET ROLE regress_priv_owner;
SELECT medium_assoc.drop_association('priv_reads');
RESET ROLE;
-- dropping what the owner owns (its tables and readers) forgets priv_readers
DROP OWNED BY regress_priv_owner, regress_priv_user;
SELECT count(*) FROM pg_class WHERE relnamespace = 'priv_s'::regnamespace;
SELECT count(*) FROM pg_proc WHERE pronamespace = 'priv_s'::regnamespace;
SELECT count(*) FROM medium_assoc.associations WHERE starts_with(name, 'priv_');
DROP SCHEMA priv_s;
DROP ROLE regress_priv_member;
DROP ROLE regress_priv_owner;
DROP ROLE regress_priv_user;

-- Sharding with PL/Proxy, what a shard makes for the router: the hash that
-- places rows and routes calls, the cluster's configuration and the
-- association's router functions (their whole text, reviewed here; the
-- deployment itself is .ci/tests/sharded.sh), and every error.
\set VERBOSITY sqlstate

-- one hash for every key type: the text form's, 0 for NULL
SELECT medium_assoc.shard_hash(5) AS int4, medium_assoc.shard_hash(5::bigint) AS int8,
       medium_assoc.shard_hash('5'::text) AS text, medium_assoc.shard_hash(NULL::int) AS null;
SELECT n, medium_assoc.shard_of(n, 1) AS of1, medium_assoc.shard_of(n, 2) AS of2,
       medium_assoc.shard_of(n, 4) AS of4
FROM generate_series(1, 6) n;
-- shard_of is what PL/Proxy computes: hash & (shards - 1)
SELECT bool_and(medium_assoc.shard_of(n, 8) = (medium_assoc.shard_hash(n) & 7)) AS masks,
       bool_and(medium_assoc.shard_of(n, 8) BETWEEN 0 AND 7) AS in_range
FROM generate_series(-1000, 1000) n;
-- usable in a CHECK (immutable)
CREATE TABLE sh_users (id int PRIMARY KEY CHECK (medium_assoc.shard_of(id, 2) = 0), name text);
INSERT INTO sh_users SELECT n, 'u' || n FROM generate_series(1, 20) n
 WHERE medium_assoc.shard_of(n, 2) = 0;
INSERT INTO sh_users VALUES ((SELECT min(n) FROM generate_series(1, 20) n
                              WHERE medium_assoc.shard_of(n, 2) = 1), 'elsewhere');

-- the cluster
SELECT medium_assoc.router_cluster('medium_cluster',
    ARRAY['host=10.0.0.1 dbname=medium', 'host=10.0.0.2 dbname=medium'], 'app', '5 s');
SELECT medium_assoc.router_cluster('c', ARRAY['a', 'b', 'c']);
SELECT medium_assoc.router_cluster('c', '{}');
SELECT medium_assoc.router_cluster('c', ARRAY['a', NULL]);
SELECT medium_assoc.router_cluster('c', ARRAY['a'], timeout => '0 s');
SELECT medium_assoc.router_cluster('c', ARRAY[['a'], ['b']]);
SELECT medium_assoc.router_cluster(NULL, ARRAY['a']);
-- a name cannot break out of the generated script's header comment
SELECT split_part(medium_assoc.router_cluster(E'c\nDROP TABLE x; --', ARRAY['a']), E'\n', 1) AS header;

-- the router functions of an association and of its reverse
CREATE TABLE sh_articles (id int PRIMARY KEY, title text NOT NULL);
CREATE TABLE sh_reads (
    user_id int NOT NULL REFERENCES sh_users ON DELETE CASCADE,
    article_id int NOT NULL REFERENCES sh_articles ON DELETE CASCADE,
    saved_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, article_id));
CREATE INDEX ON sh_reads (article_id);
SELECT medium_assoc.belongs_to_many('sh_users', 'sh_articles', 'sh_reads', 'sh_list');
SELECT medium_assoc.belongs_to_many('sh_articles', 'sh_users', 'sh_reads', 'sh_readers',
                                    foreign_key => 'article_id');
\pset format unaligned
\pset tuples_only on
SELECT medium_assoc.router_functions('sh_list', 'medium_cluster', 'sh_users');
SELECT medium_assoc.router_functions('sh_readers', 'medium_cluster', 'sh_users');
\pset format aligned
\pset tuples_only off

-- per helper, a PL/Proxy function in medium_assoc_router (two for a
-- fanned-out write or has: all targets split by shard, or whole to one) and
-- the function the application calls, named as on the shard, which returns
-- the proxy's answer (combining the shards' for a fanned-out value) or
-- names the shards it waited for when cut short
SELECT count(*) AS router_functions,
       count(*) FILTER (WHERE l ~ 'LANGUAGE plproxy VOLATILE' AND l ~ '^ medium_assoc_router[.]') AS proxies,
       count(*) FILTER (WHERE l ~ 'LANGUAGE plpgsql VOLATILE' AND l ~ '^ public[.]'
                        AND l ~ 'no answer from') AS called
FROM regexp_split_to_table(medium_assoc.router_functions('sh_readers', 'medium_cluster', 'sh_users')
                           || medium_assoc.router_functions('sh_list', 'medium_cluster', 'sh_users'),
                           E'CREATE FUNCTION') l
WHERE l ~ '^ ';

-- the shards an error names: their number and where they are, never a
-- password; all of them for a fan-out (NULL)
CREATE FOREIGN DATA WRAPPER sh_fdw;
CREATE SERVER sh_cluster FOREIGN DATA WRAPPER sh_fdw
    OPTIONS (query_timeout '10',
             p0 'host=db0.example port=5432 dbname=medium password=secret0 sslhost=x keepalives=1',
             p1 'hostaddr=10.0.0.2 port = 5433 user=app password=''se port=1 cret'' dbname=''my db''');
SELECT medium_assoc._shard_label('sh_cluster', ARRAY[0]);
SELECT medium_assoc._shard_label('sh_cluster', ARRAY[medium_assoc.shard_hash(1), medium_assoc.shard_hash(2), 7]);
SELECT medium_assoc._shard_label('sh_cluster', NULL);
SELECT medium_assoc._shard_label('no_such_cluster', ARRAY[0]);
DROP SERVER sh_cluster;
DROP FOREIGN DATA WRAPPER sh_fdw;

-- what cannot be routed
SELECT medium_assoc.router_functions('no_such_alias', 'medium_cluster', 'sh_users');
SELECT medium_assoc.router_functions('sh_list', 'medium_cluster', 'sh_reads');
CREATE TABLE sh_tags (code numeric PRIMARY KEY);
CREATE TABLE sh_user_tags (user_id int REFERENCES sh_users, code numeric REFERENCES sh_tags,
                           PRIMARY KEY (code, user_id));
SELECT medium_assoc.belongs_to_many('sh_tags', 'sh_users', 'sh_user_tags', 'sh_tag_users',
                                    foreign_key => 'code');
SELECT medium_assoc.belongs_to_many('sh_users', 'sh_tags', 'sh_user_tags', 'sh_user_tags_of',
                                    foreign_key => 'user_id');
-- routed by a numeric key: its text form is not canonical (1.0 and 1)
SELECT medium_assoc.router_functions('sh_tag_users', 'medium_cluster', 'sh_tags');
-- fanned out by the users' integer key, whatever the source's key
SELECT position('SPLIT targets' IN medium_assoc.router_functions('sh_tag_users', 'medium_cluster', 'sh_users')) > 0 AS split;
SELECT medium_assoc.router_functions('sh_user_tags_of', 'medium_cluster', 'sh_users') IS NOT NULL AS routed_by_int_key;
-- users linked to users cannot be split: a routed call sees one shard's
CREATE TABLE sh_follows (follower int REFERENCES sh_users, followed int REFERENCES sh_users,
                         PRIMARY KEY (follower, followed));
SELECT medium_assoc.belongs_to_many('sh_users', 'sh_users', 'sh_follows', 'sh_following',
                                    foreign_key => 'follower', other_key => 'followed');
SELECT medium_assoc.router_functions('sh_following', 'medium_cluster', 'sh_users');
SELECT medium_assoc.router_functions(NULL, 'medium_cluster', 'sh_users');
-- names that need quoting, and a header that stays a comment
CREATE SCHEMA "Odd Sch";
CREATE TABLE "Odd Sch"."We""ird" (id int PRIMARY KEY, user_id int REFERENCES sh_users);
SELECT medium_assoc.has_many('sh_users', '"Odd Sch"."We""ird"', E'odd\nDROP TABLE y; --');
SELECT l FROM regexp_split_to_table(
    medium_assoc.router_functions(E'odd\nDROP TABLE y; --', 'c''x', 'sh_users'), E'\n') l
 WHERE l ~ '^(--|CREATE SCHEMA|CREATE FUNCTION|    CLUSTER|REVOKE)';
-- a has_many is routed by its source, never fanned out
CREATE TABLE sh_posts (id int PRIMARY KEY, user_id int REFERENCES sh_users);
SELECT medium_assoc.has_many('sh_users', 'sh_posts', 'sh_posts_of');
SELECT medium_assoc.router_functions('sh_posts_of', 'medium_cluster', 'sh_posts');
SELECT position('RUN ON medium_assoc.shard_hash(source)' IN
                medium_assoc.router_functions('sh_posts_of', 'medium_cluster', 'sh_users')) > 0 AS routed;

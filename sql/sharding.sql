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
-- the proxy's answer (in C, router.c) or combines the shards' (PL/pgSQL),
-- and names the shards it waited for when cut short
SELECT count(*) AS router_functions,
       count(*) FILTER (WHERE l ~ 'LANGUAGE plproxy VOLATILE' AND l ~ '^ medium_assoc_router[.]') AS proxies,
       count(*) FILTER (WHERE l ~ '^ public[.]' AND l ~ 'LANGUAGE c VOLATILE'
                        AND l ~ 'medium_assoc_route_(source|sources|all)''') AS passing_on,
       count(*) FILTER (WHERE l ~ '^ public[.]' AND l ~ 'LANGUAGE plpgsql VOLATILE'
                        AND l ~ 'no answer from') AS combining
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
             p1 'hostaddr=127.0.0.1 port = 1 user=app password=''se port=2 cret'' dbname=''my db''');
SELECT medium_assoc._shard_label('sh_cluster', ARRAY[0]);
SELECT medium_assoc._shard_label('sh_cluster', ARRAY[medium_assoc.shard_hash(1), medium_assoc.shard_hash(2), 7]);
SELECT medium_assoc._shard_label('sh_cluster', NULL);
SELECT medium_assoc._shard_label('no_such_cluster', ARRAY[0]);
SELECT medium_assoc._shard_labels('sh_cluster');

\set VERBOSITY default
-- the generated script refuses a medium_assoc_router schema someone else owns
CREATE ROLE sh_schema_owner;
CREATE SCHEMA medium_assoc_router AUTHORIZATION sh_schema_owner;
SELECT substring(medium_assoc.router_functions('sh_list', 'medium_cluster', 'sh_users')
                 FROM 'DO \$do\$ BEGIN.*?END \$do\$;') \gexec
DROP SCHEMA medium_assoc_router;
DROP ROLE sh_schema_owner;
\set VERBOSITY sqlstate
-- the functions the application calls on a router pass the call to their
-- proxy in medium_assoc_router (here SQL functions standing in for
-- PL/Proxy's) and return its answer; cut short, they name the shards the
-- call waited for (the cluster from the proxy's "CLUSTER '...';")
CREATE SCHEMA IF NOT EXISTS medium_assoc_router;
CREATE FUNCTION medium_assoc_router.sh_route(source int) RETURNS int
    LANGUAGE sql AS $$ SELECT $1 + 1 /* CLUSTER 'sh_cluster'; */ $$;
CREATE FUNCTION sh_route(source int) RETURNS int
    LANGUAGE c AS '$libdir/medium_assoc', 'medium_assoc_route_source';
CREATE FUNCTION medium_assoc_router.sh_route_set(sources int[]) RETURNS TABLE (source int, n int)
    LANGUAGE sql AS $$ SELECT s, s * 10 FROM unnest($1) AS s /* CLUSTER 'sh_cluster'; */ $$;
CREATE FUNCTION sh_route_set(sources int[]) RETURNS TABLE (source int, n int)
    LANGUAGE c AS '$libdir/medium_assoc', 'medium_assoc_route_sources';
CREATE FUNCTION medium_assoc_router.sh_route_slow(source int) RETURNS SETOF int
    LANGUAGE sql AS $$ SELECT $1 FROM pg_sleep(5) /* CLUSTER 'sh_cluster'; */ $$;
CREATE FUNCTION sh_route_slow(source int) RETURNS SETOF int
    LANGUAGE c AS '$libdir/medium_assoc', 'medium_assoc_route_source';
CREATE FUNCTION medium_assoc_router.sh_route_slow_all(source int) RETURNS SETOF int
    LANGUAGE sql AS $$ SELECT $1 FROM pg_sleep(5) /* CLUSTER 'sh_cluster'; */ $$;
CREATE FUNCTION sh_route_slow_all(source int) RETURNS SETOF int
    LANGUAGE c AS '$libdir/medium_assoc', 'medium_assoc_route_all';
CREATE FUNCTION medium_assoc_router.sh_route_slow_batch(sources int[]) RETURNS SETOF int
    LANGUAGE sql AS $$ SELECT 1 FROM pg_sleep(5) /* CLUSTER 'sh_cluster'; */ $$;
CREATE FUNCTION sh_route_slow_batch(sources int[]) RETURNS SETOF int
    LANGUAGE c AS '$libdir/medium_assoc', 'medium_assoc_route_sources';
CREATE FUNCTION medium_assoc_router.sh_route_elsewhere(source int) RETURNS SETOF int
    LANGUAGE sql AS $$ SELECT $1 FROM pg_sleep(5) /* CLUSTER 'not_a_server'; */ $$;
CREATE FUNCTION sh_route_elsewhere(source int) RETURNS SETOF int
    LANGUAGE c AS '$libdir/medium_assoc', 'medium_assoc_route_source';
CREATE FUNCTION medium_assoc_router.sh_route_rows(source text) RETURNS SETOF int
    LANGUAGE sql AS $$ SELECT x FROM generate_series(1, 100) AS x
                       WHERE pg_sleep(0.06)::text = '' /* CLUSTER 'sh_cluster'; */ $$;
CREATE FUNCTION sh_route_rows(source text) RETURNS SETOF int
    LANGUAGE c AS '$libdir/medium_assoc', 'medium_assoc_route_source';
CREATE FUNCTION medium_assoc_router.sh_route_fails(source int) RETURNS int
    LANGUAGE sql AS $$ SELECT 1 / ($1 - $1) /* CLUSTER 'sh_cluster'; */ $$;
CREATE FUNCTION sh_route_fails(source int) RETURNS int
    LANGUAGE c AS '$libdir/medium_assoc', 'medium_assoc_route_source';
CREATE FUNCTION sh_no_proxy(source int) RETURNS int
    LANGUAGE c AS '$libdir/medium_assoc', 'medium_assoc_route_source';
SELECT sh_route(1), sh_route(NULL);
SELECT * FROM sh_route_set(ARRAY[1, 2, 3]);
SELECT sh_route_set(ARRAY[4, 5]) LIMIT 1;
SELECT s, (SELECT count(*) FROM sh_route_set(ARRAY[s, s + 1]) LIMIT 1) FROM generate_series(1, 3) AS s;
-- shard_hash(1) and shard_hash(2) fall on shards 1 and 0 of two
SELECT medium_assoc.shard_of(1, 2), medium_assoc.shard_of(2, 2);
\set VERBOSITY default
-- (shard 1's server, asked before PL/Proxy is let cancel, refuses at once:
-- the cancel is PL/Proxy's, no detail)
SET statement_timeout = '200ms';
SELECT * FROM sh_route_slow(1);
-- a changed server is read again
RESET statement_timeout;
ALTER SERVER sh_cluster OPTIONS (SET p1 'host=db1.example port=6432 dbname=medium');
SET statement_timeout = '200ms';
SELECT * FROM sh_route_slow(1);
SELECT * FROM sh_route_slow(2);
SELECT * FROM sh_route_slow(NULL);
SELECT * FROM sh_route_slow_batch(ARRAY[1, 2]);
SELECT * FROM sh_route_slow_all(1);
-- cut short after the first rows, a text key of a table's row
SELECT sh_route_rows(k), medium_assoc.shard_of(k, 2) FROM (SELECT repeat('k', 3) AS k) AS v;
-- a cluster without a server (configured by plproxy.get_cluster_*())
SELECT * FROM sh_route_elsewhere(1);
-- a fan-out combined in PL/pgSQL, which names the shards, gets its proxy's
-- rows through <proxy>_parts, whose errors pass on as they are
CREATE FUNCTION medium_assoc_router.sh_route_slow_all_parts(source int) RETURNS SETOF int
    LANGUAGE c AS '$libdir/medium_assoc', 'medium_assoc_route_parts';
SELECT * FROM medium_assoc_router.sh_route_slow_all_parts(1);
RESET statement_timeout;
CREATE FUNCTION medium_assoc_router.sh_route_set_parts(sources int[]) RETURNS TABLE (source int, n int)
    LANGUAGE c AS '$libdir/medium_assoc', 'medium_assoc_route_parts';
SELECT sum(n) FROM medium_assoc_router.sh_route_set_parts(ARRAY[1, 2, 3]);
CREATE FUNCTION medium_assoc_router.sh_route_fails_parts(source int) RETURNS int
    LANGUAGE c AS '$libdir/medium_assoc', 'medium_assoc_route_parts';
SELECT medium_assoc_router.sh_route_fails_parts(1);
CREATE FUNCTION sh_route_misnamed(source int) RETURNS int
    LANGUAGE c AS '$libdir/medium_assoc', 'medium_assoc_route_parts';
SELECT sh_route_misnamed(1);
CREATE FUNCTION sh_route_nothing_parts(source int) RETURNS int
    LANGUAGE c AS '$libdir/medium_assoc', 'medium_assoc_route_parts';
SELECT sh_route_nothing_parts(1);
SELECT medium_assoc.shard_of('kkk'::text, 2) AS kkk_shard;
SELECT medium_assoc._shard_labels('not_a_server');
-- other errors pass unchanged
SELECT sh_route_fails(1);
SELECT sh_no_proxy(1);
-- a proxy that returns something else, or that someone else put there, is
-- refused; so is a declaration the router cannot route by
CREATE FUNCTION medium_assoc_router.sh_route_text(source int) RETURNS text
    LANGUAGE sql AS $$ SELECT 'x' /* CLUSTER 'sh_cluster'; */ $$;
CREATE FUNCTION sh_route_text(source int) RETURNS int
    LANGUAGE c AS '$libdir/medium_assoc', 'medium_assoc_route_source';
CREATE ROLE sh_router_other;
CREATE FUNCTION medium_assoc_router.sh_route_other(source int) RETURNS int
    LANGUAGE sql AS $$ SELECT 1 /* CLUSTER 'sh_cluster'; */ $$;
ALTER FUNCTION medium_assoc_router.sh_route_other(int) OWNER TO sh_router_other;
CREATE FUNCTION sh_route_other(source int) RETURNS int
    LANGUAGE c AS '$libdir/medium_assoc', 'medium_assoc_route_source';
CREATE FUNCTION medium_assoc_router.sh_route_scalar(sources int) RETURNS int
    LANGUAGE sql AS $$ SELECT 1 /* CLUSTER 'sh_cluster'; */ $$;
CREATE FUNCTION sh_route_scalar(sources int) RETURNS int
    LANGUAGE c AS '$libdir/medium_assoc', 'medium_assoc_route_sources';
CREATE FUNCTION sh_route_noargs() RETURNS int
    LANGUAGE c AS '$libdir/medium_assoc', 'medium_assoc_route_source';
CREATE FUNCTION medium_assoc_router.sh_route_numeric(source numeric) RETURNS int
    LANGUAGE sql AS $$ SELECT 1 /* CLUSTER 'sh_cluster'; */ $$;
CREATE FUNCTION sh_route_numeric(source numeric) RETURNS int
    LANGUAGE c AS '$libdir/medium_assoc', 'medium_assoc_route_source';
-- a strict proxy is not called with a NULL
CREATE FUNCTION medium_assoc_router.sh_route_strict(source int) RETURNS SETOF int
    LANGUAGE sql STRICT AS $$ SELECT 1 / 0 /* CLUSTER 'sh_cluster'; */ $$;
CREATE FUNCTION sh_route_strict(source int) RETURNS SETOF int
    LANGUAGE c AS '$libdir/medium_assoc', 'medium_assoc_route_source';
SELECT sh_route_text(1);
SELECT sh_route_other(1);
SELECT sh_route_scalar(1);
SELECT sh_route_noargs();
SELECT sh_route_numeric(1);
SELECT count(*) FROM sh_route_strict(NULL);
\set VERBOSITY sqlstate
-- the proxy is called as SQL would call it: EXECUTE on it, USAGE on its schema
CREATE ROLE sh_router_app;
GRANT USAGE ON SCHEMA medium_assoc_router TO sh_router_app;
REVOKE EXECUTE ON FUNCTION medium_assoc_router.sh_route(int) FROM PUBLIC;
SET ROLE sh_router_app;
SELECT sh_route(1);
RESET ROLE;
GRANT EXECUTE ON FUNCTION medium_assoc_router.sh_route(int) TO sh_router_app;
REVOKE USAGE ON SCHEMA medium_assoc_router FROM sh_router_app;
SET ROLE sh_router_app;
SELECT sh_route(1);
RESET ROLE;
GRANT USAGE ON SCHEMA medium_assoc_router TO sh_router_app;
SET ROLE sh_router_app;
SELECT sh_route(1);
RESET ROLE;
DROP SCHEMA medium_assoc_router CASCADE;
DROP FUNCTION sh_route, sh_route_set, sh_route_slow, sh_route_slow_all, sh_route_slow_batch,
    sh_route_elsewhere, sh_route_rows, sh_route_fails, sh_no_proxy, sh_route_text, sh_route_other,
    sh_route_scalar, sh_route_noargs, sh_route_numeric, sh_route_strict, sh_route_misnamed,
    sh_route_nothing_parts;
DROP ROLE sh_router_app;
DROP ROLE sh_router_other;
DROP SERVER sh_cluster;
DROP FOREIGN DATA WRAPPER sh_fdw;

-- names holding a dollar quote's tag do not end the generated bodies early
CREATE TABLE "sh_art$proxy$" (id int PRIMARY KEY, user_id int REFERENCES sh_users,
                              "a$do$b" text, "c$wrapper$" text);
SELECT medium_assoc.has_many('sh_users', '"sh_art$proxy$"', 'sh_dollar_of');
SELECT l FROM regexp_split_to_table(
    medium_assoc.router_functions('sh_dollar_of', 'medium_cluster', 'sh_users'), E'\n') l
 WHERE l ~ '^(DO|END|AS) ' AND l ~ '[$]' LIMIT 6;
SELECT medium_assoc.drop_association('sh_dollar_of');
DROP TABLE "sh_art$proxy$";

-- what cannot be routed
SELECT medium_assoc.router_functions('no_such_alias', 'medium_cluster', 'sh_users');
-- an alias whose fanned-out functions' names would not fit (44 bytes fit)
SELECT medium_assoc.belongs_to_many('sh_articles', 'sh_users', 'sh_reads', repeat('r', 45),
                                    foreign_key => 'article_id', other_key => 'user_id');
\set VERBOSITY default
SELECT medium_assoc.router_functions(repeat('r', 45), 'medium_cluster', 'sh_users');
\set VERBOSITY sqlstate
SELECT medium_assoc.drop_association(repeat('r', 45));
SELECT medium_assoc.belongs_to_many('sh_articles', 'sh_users', 'sh_reads', repeat('r', 44),
                                    foreign_key => 'article_id', other_key => 'user_id');
SELECT length(medium_assoc.router_functions(repeat('r', 44), 'medium_cluster', 'sh_users')) > 0 AS fits;
SELECT medium_assoc.drop_association(repeat('r', 44));
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
-- a cluster name with a backslash, as PL/Proxy reads it
SELECT l FROM regexp_split_to_table(
    medium_assoc.router_functions('sh_list', E'c\\x', 'sh_users'), E'\n') l
 WHERE l ~ 'CLUSTER' LIMIT 1;
-- a has_many is routed by its source, never fanned out
CREATE TABLE sh_posts (id int PRIMARY KEY, user_id int REFERENCES sh_users);
SELECT medium_assoc.has_many('sh_users', 'sh_posts', 'sh_posts_of');
SELECT medium_assoc.router_functions('sh_posts_of', 'medium_cluster', 'sh_posts');
SELECT position('RUN ON medium_assoc.shard_hash(source)' IN
                medium_assoc.router_functions('sh_posts_of', 'medium_cluster', 'sh_users')) > 0 AS routed;

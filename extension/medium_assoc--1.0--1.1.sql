/* medium_assoc--1.0--1.1.sql: update script from 1.0 to 1.1 */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION medium_assoc UPDATE TO '1.1'" to load this file. \quit

-- Link helpers for partly typed arguments.  A client that casts only some
-- parameters (node-postgres: add($1, $2, $3::int[])) leaves the others
-- untyped, and an untyped parameter cannot be given to an "any" argument
-- (42P18).  With these, an untyped source next to a typed array of
-- targets, or a typed source next to untyped targets, resolves: the
-- untyped one arrives as text and is parsed as the key type, as through
-- the all-text overloads.

CREATE FUNCTION medium_assoc.add(association pg_catalog.text,
    source pg_catalog.text, targets pg_catalog.anyarray,
    through_attrs pg_catalog.jsonb DEFAULT NULL)
RETURNS pg_catalog.int8
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'medium_assoc_add';

CREATE FUNCTION medium_assoc.add(association pg_catalog.text,
    source pg_catalog.anynonarray, targets pg_catalog.text,
    through_attrs pg_catalog.jsonb DEFAULT NULL)
RETURNS pg_catalog.int8
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'medium_assoc_add';

CREATE FUNCTION medium_assoc.remove(association pg_catalog.text,
    source pg_catalog.text, targets pg_catalog.anyarray)
RETURNS pg_catalog.int8
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'medium_assoc_remove';

CREATE FUNCTION medium_assoc.remove(association pg_catalog.text,
    source pg_catalog.anynonarray, targets pg_catalog.text)
RETURNS pg_catalog.int8
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'medium_assoc_remove';

CREATE FUNCTION medium_assoc.set(association pg_catalog.text,
    source pg_catalog.text, targets pg_catalog.anyarray,
    through_attrs pg_catalog.jsonb DEFAULT NULL)
RETURNS TABLE(added pg_catalog.int8, removed pg_catalog.int8)
LANGUAGE C VOLATILE ROWS 1
AS 'MODULE_PATHNAME', 'medium_assoc_set';

CREATE FUNCTION medium_assoc.set(association pg_catalog.text,
    source pg_catalog.anynonarray, targets pg_catalog.text,
    through_attrs pg_catalog.jsonb DEFAULT NULL)
RETURNS TABLE(added pg_catalog.int8, removed pg_catalog.int8)
LANGUAGE C VOLATILE ROWS 1
AS 'MODULE_PATHNAME', 'medium_assoc_set';

CREATE FUNCTION medium_assoc.has(association pg_catalog.text,
    source pg_catalog.text, targets pg_catalog.anyarray)
RETURNS pg_catalog.bool
LANGUAGE C STABLE STRICT
AS 'MODULE_PATHNAME', 'medium_assoc_has';

CREATE FUNCTION medium_assoc.has(association pg_catalog.text,
    source pg_catalog.anynonarray, targets pg_catalog.text)
RETURNS pg_catalog.bool
LANGUAGE C STABLE STRICT
AS 'MODULE_PATHNAME', 'medium_assoc_has';

-- Timestamps of the links, as Sequelize keeps them in its through tables
-- ("createdAt" and "updatedAt", NOT NULL, filled by Sequelize itself): the
-- registry records which through columns are the association's timestamps,
-- by name (for dumps) and by attribute number (for renames), and
-- belongs_to_many takes the option.

-- Scope on the target (Sequelize's association scope): only targets whose
-- columns have these values are the association's.  Kept like the scope:
-- values in canonical form, columns by name and by attribute number.
ALTER TABLE medium_assoc.registry
    ADD COLUMN timestamps pg_catalog.jsonb,
    ADD COLUMN timestamp_attnums pg_catalog.int2[],
    ADD COLUMN target_scope pg_catalog.jsonb,
    ADD COLUMN target_scope_attnums pg_catalog.int2[];

DROP FUNCTION medium_assoc.belongs_to_many(pg_catalog.regclass,
    pg_catalog.regclass, pg_catalog.regclass, pg_catalog.name, pg_catalog.name,
    pg_catalog.name, pg_catalog.name, pg_catalog.name, pg_catalog.jsonb);

CREATE FUNCTION medium_assoc.belongs_to_many(
    source      pg_catalog.regclass,
    target      pg_catalog.regclass,
    through     pg_catalog.regclass,
    alias       pg_catalog.name,
    foreign_key pg_catalog.name DEFAULT NULL,
    other_key   pg_catalog.name DEFAULT NULL,
    source_key  pg_catalog.name DEFAULT NULL,
    target_key  pg_catalog.name DEFAULT NULL,
    scope       pg_catalog.jsonb DEFAULT NULL,
    timestamps  pg_catalog.jsonb DEFAULT NULL,
    target_scope pg_catalog.jsonb DEFAULT NULL)
RETURNS pg_catalog.regprocedure
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'medium_assoc_belongs_to_many';

-- add and set with create_attrs: through attributes only the links being
-- created take (the others get through_attrs alone).  New signatures, so
-- that 1.0's four-argument ones stay as they are.

CREATE FUNCTION medium_assoc.add(association pg_catalog.text, source "any",
    targets "any", through_attrs pg_catalog.jsonb, create_attrs pg_catalog.jsonb)
RETURNS pg_catalog.int8
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'medium_assoc_add';

CREATE FUNCTION medium_assoc.add(association pg_catalog.text,
    source pg_catalog.text, targets pg_catalog.text,
    through_attrs pg_catalog.jsonb, create_attrs pg_catalog.jsonb)
RETURNS pg_catalog.int8
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'medium_assoc_add';

CREATE FUNCTION medium_assoc.add(association pg_catalog.text,
    source pg_catalog.text, targets pg_catalog.anyarray,
    through_attrs pg_catalog.jsonb, create_attrs pg_catalog.jsonb)
RETURNS pg_catalog.int8
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'medium_assoc_add';

CREATE FUNCTION medium_assoc.add(association pg_catalog.text,
    source pg_catalog.anynonarray, targets pg_catalog.text,
    through_attrs pg_catalog.jsonb, create_attrs pg_catalog.jsonb)
RETURNS pg_catalog.int8
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'medium_assoc_add';

CREATE FUNCTION medium_assoc.set(association pg_catalog.text, source "any",
    targets "any", through_attrs pg_catalog.jsonb, create_attrs pg_catalog.jsonb)
RETURNS TABLE(added pg_catalog.int8, removed pg_catalog.int8)
LANGUAGE C VOLATILE ROWS 1
AS 'MODULE_PATHNAME', 'medium_assoc_set';

CREATE FUNCTION medium_assoc.set(association pg_catalog.text,
    source pg_catalog.text, targets pg_catalog.text,
    through_attrs pg_catalog.jsonb, create_attrs pg_catalog.jsonb)
RETURNS TABLE(added pg_catalog.int8, removed pg_catalog.int8)
LANGUAGE C VOLATILE ROWS 1
AS 'MODULE_PATHNAME', 'medium_assoc_set';

CREATE FUNCTION medium_assoc.set(association pg_catalog.text,
    source pg_catalog.text, targets pg_catalog.anyarray,
    through_attrs pg_catalog.jsonb, create_attrs pg_catalog.jsonb)
RETURNS TABLE(added pg_catalog.int8, removed pg_catalog.int8)
LANGUAGE C VOLATILE ROWS 1
AS 'MODULE_PATHNAME', 'medium_assoc_set';

CREATE FUNCTION medium_assoc.set(association pg_catalog.text,
    source pg_catalog.anynonarray, targets pg_catalog.text,
    through_attrs pg_catalog.jsonb, create_attrs pg_catalog.jsonb)
RETURNS TABLE(added pg_catalog.int8, removed pg_catalog.int8)
LANGUAGE C VOLATILE ROWS 1
AS 'MODULE_PATHNAME', 'medium_assoc_set';

-- Index advice: the index each walk of an association needs and lacks,
-- from a source to its links (the through table by its foreign key) and
-- from a link to its target (the target by its key), as registration's
-- NOTICE names it.
CREATE OR REPLACE VIEW medium_assoc.associations AS
SELECT r.name,
       r.kind,
       r.source,
       r.target,
       r.through,
       r.foreign_key,
       r.other_key,
       r.source_key,
       r.target_key,
       r.scope,
       (SELECT p.oid::pg_catalog.regprocedure
          FROM pg_catalog.pg_proc p
         WHERE p.proname OPERATOR(pg_catalog.=) r.name
           AND p.prolang OPERATOR(pg_catalog.=) 13::pg_catalog.oid
           AND p.prosrc OPERATOR(pg_catalog.=) 'medium_assoc_reader'
         LIMIT 1) AS reader,
       r.timestamps,
       r.target_scope,
       (SELECT pg_catalog.string_agg(pg_catalog.format('CREATE INDEX ON %s (%I);',
                                                       w.rel, w.col), ' ')
          FROM (VALUES (1, r.through, r.attnums[1], r.foreign_key),
                       (2, r.target, r.attnums[4], r.target_key)) AS w(i, rel, attnum, col)
         WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_index x
                            WHERE x.indrelid OPERATOR(pg_catalog.=) w.rel
                              AND x.indisvalid
                              AND x.indkey[0] OPERATOR(pg_catalog.=) w.attnum
                              AND x.indpred IS NULL)) AS index_advice
  FROM medium_assoc.registry r;

-- The link rows and documents functions name schemas: rebuilt when one is
-- renamed.
CREATE EVENT TRIGGER medium_assoc_schema_end ON ddl_command_end
    WHEN TAG IN ('ALTER SCHEMA')
    EXECUTE FUNCTION medium_assoc._on_ddl_end();

-- create(): insert a target row from a JSON object and link it, in one
-- call; returns the new row.  The text overload serves untyped sources.
CREATE FUNCTION medium_assoc.create(association pg_catalog.text, source "any",
    target pg_catalog.jsonb, through_attrs pg_catalog.jsonb DEFAULT NULL)
RETURNS pg_catalog.jsonb
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'medium_assoc_create';

CREATE FUNCTION medium_assoc.create(association pg_catalog.text,
    source pg_catalog.text, target pg_catalog.jsonb,
    through_attrs pg_catalog.jsonb DEFAULT NULL)
RETURNS pg_catalog.jsonb
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'medium_assoc_create';

-- discover(): the associations a schema's foreign keys imply.  A table
-- with exactly two single-column foreign keys is a junction (its own key,
-- surrogate or composite, does not matter): a belongs_to_many each way,
-- self-references included.  Every single-column foreign key also implies
-- a belongs_to (from the referencing table) and a has_many, or a has_one
-- when the column is unique on its own (from the referenced table).
-- Aliases follow the conventions of ORMs: the other key without its "_id"
-- ("article_id" -> "articles"; "followee_id" -> "followees"), with the
-- through table's name in front when another association of the source
-- would have the same; the foreign key without "_id" for a belongs_to
-- ("author_id" -> "author"); the referencing table's name for a has_many
-- or has_one, followed by "_by_" and the key when two keys give the same.
-- index_advice names the index the association's walk needs and lacks.
-- With register, the rows not registered yet are registered (each in a
-- subtransaction: one that fails is reported with a NOTICE and left out).
CREATE FUNCTION medium_assoc.discover(
    schema   pg_catalog.regnamespace DEFAULT 'public',
    register pg_catalog.bool DEFAULT false)
RETURNS TABLE(kind pg_catalog.text, alias pg_catalog.name,
              source pg_catalog.regclass, target pg_catalog.regclass,
              through pg_catalog.regclass, foreign_key pg_catalog.name,
              other_key pg_catalog.name, source_key pg_catalog.name,
              target_key pg_catalog.name, index_advice pg_catalog.text,
              registered pg_catalog.bool)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $discover$
DECLARE
    c record;
BEGIN
    FOR c IN
        WITH fk AS (
            SELECT con.conrelid AS rel, con.confrelid AS ref,
                   a.attname AS col, a.attnum, ra.attname AS refcol,
                   EXISTS (SELECT 1 FROM pg_index i
                            WHERE i.indrelid = con.conrelid AND i.indisunique
                              AND i.indnkeyatts = 1 AND i.indkey[0] = a.attnum
                              AND i.indpred IS NULL) AS unique_col,
                   EXISTS (SELECT 1 FROM pg_index i
                            WHERE i.indrelid = con.conrelid AND i.indisvalid
                              AND i.indkey[0] = a.attnum AND i.indpred IS NULL) AS indexed
              FROM pg_constraint con
              JOIN pg_class rc ON rc.oid = con.conrelid
              JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
              JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = con.confkey[1]
             WHERE con.contype = 'f' AND cardinality(con.conkey) = 1
               AND con.conparentid = 0
               AND rc.relnamespace = discover.schema
               AND rc.relkind IN ('r', 'p')),
        junction AS (
            SELECT rel FROM fk GROUP BY rel HAVING count(DISTINCT attnum) = 2),
        candidate AS (
            SELECT 'belongs_to_many'::text AS kind, f1.ref AS source, f2.ref AS target,
                   f1.rel AS through, f1.col AS foreign_key, f2.col AS other_key,
                   f1.refcol AS source_key, f2.refcol AS target_key,
                   regexp_replace(f2.col, '_?[iI][dD]$', '') || 's' AS base,
                   CASE WHEN f1.indexed THEN NULL
                        ELSE format('CREATE INDEX ON %s (%I);', f1.rel::regclass, f1.col) END AS advice
              FROM junction j
              JOIN fk f1 ON f1.rel = j.rel
              JOIN fk f2 ON f2.rel = j.rel AND f2.attnum <> f1.attnum
            UNION ALL
            SELECT 'belongs_to', f.rel, f.ref, NULL, f.col, NULL, f.refcol, f.refcol,
                   regexp_replace(f.col, '_?[iI][dD]$', ''), NULL
              FROM fk f
            UNION ALL
            SELECT CASE WHEN f.unique_col THEN 'has_one' ELSE 'has_many' END,
                   f.ref, f.rel, NULL, f.col, NULL, f.refcol, NULL,
                   (SELECT relname FROM pg_class WHERE oid = f.rel),
                   CASE WHEN f.indexed THEN NULL
                        ELSE format('CREATE INDEX ON %s (%I);', f.rel::regclass, f.col) END
              FROM fk f),
        named AS (
            SELECT cand.*,
                   count(*) OVER (PARTITION BY cand.source, cand.base) AS same_base,
                   count(*) FILTER (WHERE cand.kind <> 'belongs_to_many')
                       OVER (PARTITION BY cand.source, cand.base) AS same_base_direct
              FROM candidate cand)
        , aliased AS (
            SELECT n.*,
                   CASE
                      WHEN n.base IN ('', 's') THEN
                        (SELECT relname FROM pg_class WHERE oid = coalesce(n.through, n.target)) || '_' || n.foreign_key
                      WHEN n.same_base = 1 THEN n.base
                      WHEN n.kind = 'belongs_to_many' THEN
                        (SELECT relname FROM pg_class WHERE oid = n.through) || '_' || n.base
                      WHEN n.same_base_direct = 1 THEN n.base
                      ELSE n.base || '_by_' || regexp_replace(n.foreign_key, '_?[iI][dD]$', '')
                   END AS name1
              FROM named n)
        -- an alias names one association in the database: one that two
        -- sources would share gets the source table's name in front
        SELECT a.kind, a.source::regclass AS source, a.target::regclass AS target,
               a.through::regclass AS through, a.foreign_key, a.other_key,
               a.source_key, a.target_key, a.advice,
               left(CASE WHEN count(*) OVER (PARTITION BY a.name1) > 1
                         THEN (SELECT relname FROM pg_class WHERE oid = a.source) || '_' || a.name1
                         ELSE a.name1 END, 57) AS alias
          FROM aliased a
         ORDER BY a.source::regclass::text, a.kind, 10
    LOOP
        kind := c.kind; alias := c.alias; source := c.source; target := c.target;
        through := c.through; foreign_key := c.foreign_key; other_key := c.other_key;
        source_key := c.source_key; target_key := c.target_key;
        index_advice := c.advice;
        registered := EXISTS (SELECT 1 FROM medium_assoc.registry r
                               WHERE r.kind = c.kind AND r.source = c.source
                                 AND r.target = c.target
                                 AND CASE c.kind
                                       WHEN 'belongs_to' THEN r.other_key = c.foreign_key
                                       WHEN 'belongs_to_many' THEN r.through = c.through
                                            AND r.foreign_key = c.foreign_key
                                            AND r.other_key = c.other_key
                                       ELSE r.foreign_key = c.foreign_key
                                     END);
        IF register AND NOT registered THEN
            BEGIN
                IF c.kind = 'has_many' THEN
                    PERFORM medium_assoc.has_many(c.source, c.target, c.alias,
                        foreign_key => c.foreign_key, source_key => c.source_key);
                ELSIF c.kind = 'has_one' THEN
                    PERFORM medium_assoc.has_one(c.source, c.target, c.alias,
                        foreign_key => c.foreign_key, source_key => c.source_key);
                ELSIF c.kind = 'belongs_to' THEN
                    PERFORM medium_assoc.belongs_to(c.source, c.target, c.alias,
                        foreign_key => c.foreign_key, target_key => c.target_key);
                ELSE
                    PERFORM medium_assoc.belongs_to_many(c.source, c.target, c.through, c.alias,
                        foreign_key => c.foreign_key, other_key => c.other_key,
                        source_key => c.source_key, target_key => c.target_key);
                END IF;
                registered := true;
            EXCEPTION WHEN OTHERS THEN
                RAISE NOTICE 'association % not registered: %', quote_ident(c.alias), SQLERRM;
            END;
        END IF;
        RETURN NEXT;
    END LOOP;
END
$discover$;

-- The link rows and documents functions and the link rows view depend on
-- the reader automatically (a cascade reaching them from elsewhere drops
-- them alone); a plain DROP of one is refused.
CREATE EVENT TRIGGER medium_assoc_drop_start ON ddl_command_start
    WHEN TAG IN ('DROP FUNCTION', 'DROP ROUTINE', 'DROP VIEW')
    EXECUTE FUNCTION medium_assoc._on_ddl_start();

-- has_many: the targets whose foreign key holds the source's key
-- (Sequelize's hasMany).  Kept in the registry as an association whose
-- through table is the target itself.
ALTER TABLE medium_assoc.registry DROP CONSTRAINT registry_kind_check;
ALTER TABLE medium_assoc.registry ADD CONSTRAINT registry_kind_check
    CHECK (kind OPERATOR(pg_catalog.=) ANY
           (ARRAY['belongs_to_many', 'has_many', 'has_one', 'belongs_to']::pg_catalog.text[]));

CREATE FUNCTION medium_assoc.has_many(
    source      pg_catalog.regclass,
    target      pg_catalog.regclass,
    alias       pg_catalog.name,
    foreign_key pg_catalog.name DEFAULT NULL,
    source_key  pg_catalog.name DEFAULT NULL,
    scope       pg_catalog.jsonb DEFAULT NULL)
RETURNS pg_catalog.regprocedure
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'medium_assoc_has_many';

-- has_one: a has_many of one target at most (Sequelize's hasOne);
-- belongs_to: the target the source's foreign key points at (its
-- belongsTo), kept as an association whose through table is the source.
CREATE FUNCTION medium_assoc.has_one(
    source      pg_catalog.regclass,
    target      pg_catalog.regclass,
    alias       pg_catalog.name,
    foreign_key pg_catalog.name DEFAULT NULL,
    source_key  pg_catalog.name DEFAULT NULL,
    scope       pg_catalog.jsonb DEFAULT NULL)
RETURNS pg_catalog.regprocedure
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'medium_assoc_has_one';

CREATE FUNCTION medium_assoc.belongs_to(
    source      pg_catalog.regclass,
    target      pg_catalog.regclass,
    alias       pg_catalog.name,
    foreign_key pg_catalog.name DEFAULT NULL,
    target_key  pg_catalog.name DEFAULT NULL)
RETURNS pg_catalog.regprocedure
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'medium_assoc_belongs_to';

-- Chains: an association defined as a path of registered ones.  Their
-- definitions, dumped as configuration (after the registry, by name, so
-- that a restored chain finds its steps); a restored row records its
-- functions' dependencies on the steps again.
CREATE TABLE medium_assoc.registry_chains (
    name  pg_catalog.name NOT NULL PRIMARY KEY,
    steps pg_catalog.name[] NOT NULL
);
SELECT pg_catalog.pg_extension_config_dump('medium_assoc.registry_chains', '');
REVOKE ALL ON medium_assoc.registry_chains FROM PUBLIC;

CREATE FUNCTION medium_assoc._chain_insert()
RETURNS trigger
LANGUAGE C
AS 'MODULE_PATHNAME', 'medium_assoc_chain_insert';

CREATE TRIGGER chain_insert
    BEFORE INSERT ON medium_assoc.registry_chains
    FOR EACH ROW EXECUTE FUNCTION medium_assoc._chain_insert();

CREATE FUNCTION medium_assoc.chain(alias pg_catalog.name, steps pg_catalog.name[])
RETURNS pg_catalog.regprocedure
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'medium_assoc_chain';

CREATE FUNCTION medium_assoc.drop_chain(alias pg_catalog.name)
RETURNS pg_catalog.void
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'medium_assoc_drop_chain';

CREATE VIEW medium_assoc.chains AS
SELECT c.name, c.steps FROM medium_assoc.registry_chains c;
GRANT SELECT ON medium_assoc.chains TO PUBLIC;

-- add()'s test for the link it would create, inside its INSERT of one
-- target: the index walk (routed to one partition of a partitioned through
-- table) where it can run, the statement's NOT EXISTS otherwise.
CREATE FUNCTION medium_assoc._linked(association pg_catalog.text, source "any", target "any")
RETURNS pg_catalog.bool
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'medium_assoc_linked';

-- Sharding with PL/Proxy.  The rows of one table (users, say) and the links
-- of its associations are spread over shards by the hash of their key; the
-- same hash, defined once here, places rows (a CHECK on each shard uses
-- shard_of) and routes calls (the router's functions use shard_hash, as
-- PL/Proxy's RUN ON takes it: the shard is hash & (shards - 1)).  A NULL
-- key goes to shard 0, where the call answers as on one node.  The key's
-- text form is hashed (with the "C" collation, so that a column's
-- collation cannot change it), so a key hashes alike on every node only for
-- types whose text form does not depend on settings: router_functions()
-- accepts integer, text, varchar and uuid keys.
CREATE FUNCTION medium_assoc.shard_hash(key anyelement)
RETURNS pg_catalog.int4
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT COALESCE(pg_catalog.hashtext($1::pg_catalog.text COLLATE pg_catalog."C"), 0) $$;

CREATE FUNCTION medium_assoc.shard_of(key anyelement, shards pg_catalog.int4)
RETURNS pg_catalog.int4
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT medium_assoc.shard_hash($1) OPERATOR(pg_catalog.&) ($2 OPERATOR(pg_catalog.-) 1) $$;

-- The shards of a PL/Proxy cluster as a router's errors name them, from the
-- connection strings of the cluster's server (host, hostaddr, port and
-- dbname only: never a password): element i + 1 is "shard i (...)"; none
-- for a cluster configured otherwise (PL/Proxy's plproxy.get_cluster_*()).
CREATE FUNCTION medium_assoc._shard_labels(cluster pg_catalog.name)
RETURNS pg_catalog.text[]
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT COALESCE(array_agg(format('shard %s (%s)', i,
                            (SELECT string_agg(m[1] || '=' || m[2], ' ')
                               FROM regexp_matches(conn, '([a-z_]+)\s*=\s*(''(?:[^''\\]|\\.)*''|[^\s'']+)', 'g') AS m
                              WHERE m[1] IN ('host', 'hostaddr', 'port', 'dbname')))
                     ORDER BY i), '{}')
      FROM (SELECT substr(o, 2, strpos(o, '=') - 2)::int AS i, substr(o, strpos(o, '=') + 1) AS conn
              FROM pg_foreign_server s, unnest(s.srvoptions) AS o
             WHERE s.srvname = $1 AND o ~ '^p[0-9]+=') AS shard
$$;

-- The shards a router call waited for (hash & (shards - 1) of each of
-- hashes; all of them when hashes is NULL), named for its error.
CREATE FUNCTION medium_assoc._shard_label(cluster pg_catalog.name, hashes pg_catalog.int4[])
RETURNS pg_catalog.text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT format('%s of cluster %s',
                  COALESCE(string_agg(l.label, ', ' ORDER BY l.n), 'a shard'), quote_ident($1))
      FROM unnest(medium_assoc._shard_labels($1)) WITH ORDINALITY AS l(label, n)
     WHERE $2 IS NULL
        OR l.n - 1 IN (SELECT h & (cardinality(medium_assoc._shard_labels($1)) - 1) FROM unnest($2) AS h)
$$;

-- A body of generated SQL in dollar quotes whose tag (tag, or tag with a
-- number) the body cannot end early: names from the catalogs may hold a $.
CREATE FUNCTION medium_assoc._dollar_quoted(body pg_catalog.text, tag pg_catalog.text)
RETURNS pg_catalog.text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT format('$%1$s$%2$s$%1$s$', c.t, $1)
      FROM (SELECT n, $2 || CASE n WHEN 0 THEN '' ELSE n::text END AS t
              FROM generate_series(0, length($1) + 1) AS n) AS c
     WHERE strpos($1 || '$' || c.t || '$', '$' || c.t || '$') = length($1) + 1
     ORDER BY c.n
     LIMIT 1
$$;

-- One line of a generated script's header: a name, quoted, on one line.
CREATE FUNCTION medium_assoc._header_name(name pg_catalog.text)
RETURNS pg_catalog.text
LANGUAGE sql IMMUTABLE
AS $$ SELECT pg_catalog.regexp_replace(pg_catalog.quote_ident($1), '[[:cntrl:]]', '?', 'g') $$;

-- router_cluster(): the router's PL/Proxy cluster, as SQL to run there.
CREATE FUNCTION medium_assoc.router_cluster(
    cluster pg_catalog.name,
    shards pg_catalog.text[],
    shard_user pg_catalog.name DEFAULT CURRENT_USER,
    timeout pg_catalog.interval DEFAULT '10 s')
RETURNS pg_catalog.text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $router_cluster$
DECLARE
    conns text[] := ARRAY(SELECT c FROM unnest(shards) AS c);
    n int := coalesce(cardinality(shards), 0);
    secs int := ceil(extract(epoch FROM timeout))::int;
    opts text := '';
BEGIN
    IF cluster IS NULL OR shard_user IS NULL OR shards IS NULL OR secs IS NULL THEN
        RAISE EXCEPTION 'cluster, shards, shard_user and timeout must not be null'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF array_position(conns, NULL) IS NOT NULL OR array_ndims(shards) > 1 THEN
        RAISE EXCEPTION 'shards must be a list of connection strings, one per shard'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF n = 0 OR (n & (n - 1)) <> 0 THEN
        RAISE EXCEPTION 'a cluster needs a power of two of shards, not %', n
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'PL/Proxy sends a call to the shard hash & (shards - 1).',
                  HINT = 'To grow, split every shard in two.';
    END IF;
    IF secs < 1 THEN
        RAISE EXCEPTION 'timeout must be at least one second'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR i IN 1 .. n LOOP
        -- keepalives and tcp_user_timeout end a connection the network lost
        opts := opts || format(', p%s %L', i - 1,
                               conns[i] || format(' keepalives=1 keepalives_idle=5'
                                                  ' keepalives_interval=2 keepalives_count=2'
                                                  ' tcp_user_timeout=%s', secs * 1000));
    END LOOP;
    RETURN format($s$-- PL/Proxy cluster %1$s, made by medium_assoc.router_cluster()
CREATE EXTENSION IF NOT EXISTS plproxy;
CREATE EXTENSION IF NOT EXISTS medium_assoc;
CREATE SERVER %2$I FOREIGN DATA WRAPPER plproxy
    OPTIONS (connection_lifetime '1800', query_timeout %3$L%4$s);
CREATE USER MAPPING FOR PUBLIC SERVER %2$I OPTIONS (user %5$L);
GRANT USAGE ON FOREIGN SERVER %2$I TO PUBLIC;
-- PL/Proxy's query_timeout counts only while a shard sends something, and
-- no connection attempt of its own times out: the router database's
-- statement_timeout bounds a call to a shard that hangs
DO $do$ BEGIN
    EXECUTE pg_catalog.format('ALTER DATABASE %%I SET statement_timeout = %%L',
                              pg_catalog.current_database(), %6$L);
END $do$;
$s$, medium_assoc._header_name(cluster), cluster, secs, opts, shard_user,
     ((secs + 2) * 1000)::text);
END
$router_cluster$;

-- router_functions(): for one association of a shard, the router's
-- functions of the same names and signatures, as SQL to run on the router.
-- An association whose source is the sharded table is routed by the
-- source key; a belongs_to_many whose target is, fans out to every shard
-- (reads) or splits its targets by shard (writes).
CREATE FUNCTION medium_assoc.router_functions(
    association pg_catalog.text,
    cluster pg_catalog.name,
    sharded_by pg_catalog.regclass)
RETURNS pg_catalog.text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $router_functions$
DECLARE
    a record;
    f record;
    nsp name;
    mode text;
    srctype regtype;
    keytype regtype;
    out text;
    body text;
    call text;
    params text;
    remote text;
    stmt text;
    waited text;
    symbol text;
    -- PL/Proxy reads '...' with '' for a quote, never E'...'
    cluster_lit text := '''' || replace(cluster, '''', '''''') || '''';
    types regclass[] := '{}';
    t regclass;
BEGIN
    IF association IS NULL OR cluster IS NULL OR sharded_by IS NULL THEN
        RAISE EXCEPTION 'association, cluster and sharded_by must not be null'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT r.* INTO a FROM medium_assoc.associations r WHERE r.name = association;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'association "%" does not exist', association
            USING ERRCODE = 'undefined_object';
    END IF;
    IF a.reader IS NULL THEN
        RAISE EXCEPTION 'association "%" has no reader', association
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Run medium_assoc.repair().';
    END IF;
    IF a.source = sharded_by AND a.target = sharded_by THEN
        RAISE EXCEPTION 'association "%" links % to itself, across shards', association, sharded_by
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'A routed call sees only the targets on its source''s shard.';
    ELSIF a.source = sharded_by THEN
        mode := 'routed';
    ELSIF a.target = sharded_by AND a.kind = 'belongs_to_many' THEN
        mode := 'fanout';
    ELSE
        RAISE EXCEPTION 'association "%" cannot be sharded by %', association, sharded_by
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'Its source must be the sharded table, or, for belongs_to_many, its target.';
    END IF;
    SELECT n.nspname, p.proargtypes[0]::regtype INTO nsp, srctype
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.oid = a.reader;
    keytype := CASE mode WHEN 'routed' THEN srctype
                         ELSE (SELECT atttypid::regtype FROM pg_attribute
                                WHERE attrelid = a.target AND attname = a.target_key) END;
    IF keytype NOT IN ('int2'::regtype, 'int4', 'int8', 'text', 'varchar', 'uuid') THEN
        RAISE EXCEPTION 'a shard key of type % is not supported', keytype
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'Keys are hashed in their text form, which must not depend on settings.';
    END IF;

    -- the proxies live in medium_assoc_router, where every role may call
    -- them (but the writers'), as the functions named like the shard's do
    out := format(E'-- router functions of association %s (%s), made by medium_assoc.router_functions()\n' ||
                  E'CREATE SCHEMA IF NOT EXISTS %I;\n' ||
                  E'CREATE SCHEMA IF NOT EXISTS medium_assoc_router;\n' ||
                  -- whoever owns it could replace the proxies
                  E'DO $do$ BEGIN\n' ||
                  E'    IF (SELECT nspowner FROM pg_catalog.pg_namespace WHERE nspname OPERATOR(pg_catalog.=) ''medium_assoc_router'')\n' ||
                  E'       OPERATOR(pg_catalog.<>) (SELECT oid FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) CURRENT_USER) THEN\n' ||
                  E'        RAISE EXCEPTION ''schema medium_assoc_router belongs to another role''\n' ||
                  E'            USING ERRCODE = ''insufficient_privilege'',\n' ||
                  E'                  HINT = ''Run the router''''s scripts as the owner of medium_assoc_router, or drop it.'';\n' ||
                  E'    END IF;\n' ||
                  E'END $do$;\n' ||
                  E'GRANT USAGE ON SCHEMA medium_assoc_router TO PUBLIC;\n',
                  medium_assoc._header_name(association), mode, nsp);

    FOR f IN
        SELECT p.oid, p.proname, p.prorettype, p.proretset, p.proallargtypes, p.pronargs,
               pg_get_function_arguments(p.oid) AS args,
               pg_get_function_result(p.oid) AS result,
               substr(p.proname, length(a.name) + 1) AS suffix,
               (SELECT string_agg(format('%I', x.n), ', ' ORDER BY x.i)
                  FROM unnest(p.proargnames) WITH ORDINALITY AS x(n, i)
                 WHERE p.proargmodes IS NULL OR p.proargmodes[x.i] IN ('i', 'b')) AS names
          FROM pg_proc p
         WHERE p.pronamespace = (SELECT oid FROM pg_namespace WHERE nspname = nsp)
           AND p.proname IN (a.name, a.name || '_batch', a.name || '_links', a.name || '_json',
                             a.name || '_add', a.name || '_remove', a.name || '_set',
                             a.name || '_has', a.name || '_count')
           AND p.proargtypes[0] IN (srctype, (SELECT typarray FROM pg_type WHERE oid = srctype))
         ORDER BY p.oid = a.reader DESC, p.proname
    LOOP
        -- the target's row type, which the router has no table for
        FOR t IN
            SELECT c.oid::regclass FROM pg_class c
             WHERE c.relkind IN ('r', 'p')
               AND c.reltype = ANY (f.prorettype || COALESCE(f.proallargtypes, '{}'))
        LOOP
            CONTINUE WHEN t = ANY (types);
            types := types || t;
            out := out || format(E'DO %s;\n', medium_assoc._dollar_quoted(
                format(E' BEGIN\n    IF pg_catalog.to_regtype(%L) IS NULL THEN\n' ||
                       E'        CREATE TYPE %s AS (%s);\n    END IF;\nEND ',
                       t::text, t::text,
                       (SELECT string_agg(format('%I %s', attname, format_type(atttypid, atttypmod)), ', ' ORDER BY attnum)
                          FROM pg_attribute WHERE attrelid = t AND attnum > 0 AND NOT attisdropped)),
                'do'));
        END LOOP;

        call := format('%I.%I(%s)', nsp, f.proname, f.names);
        symbol := NULL;
        params := (SELECT string_agg(format('$%s', i), ', ') FROM generate_series(1, f.pronargs) i);
        -- the remote call, by the shard's name (a proxy's own name is in
        -- medium_assoc_router)
        remote := CASE WHEN f.proretset OR f.prorettype = 'record'::regtype
                       THEN 'SELECT * FROM ' || call ELSE 'SELECT ' || call END;
        IF mode = 'routed' THEN
            out := out || format(E'CREATE FUNCTION medium_assoc_router.%I(%s)\nRETURNS %s\nLANGUAGE plproxy VOLATILE\nAS %s;\n',
                                 f.proname, f.args, f.result,
                                 medium_assoc._dollar_quoted(format(E'\n    CLUSTER %s;\n%s    %s;\n', cluster_lit,
                                     CASE WHEN f.suffix = '_batch'
                                          THEN E'    SPLIT sources;\n    RUN ON medium_assoc.shard_hash(sources);\n'
                                          ELSE E'    RUN ON medium_assoc.shard_hash(source);\n' END,
                                     remote), 'proxy'));
            symbol := CASE WHEN f.suffix = '_batch' THEN 'medium_assoc_route_sources'
                           ELSE 'medium_assoc_route_source' END;
        ELSIF f.suffix IN ('', '_batch', '_links') THEN
            -- every shard's rows, as one node's
            out := out || format(E'CREATE FUNCTION medium_assoc_router.%I(%s)\nRETURNS %s\nLANGUAGE plproxy VOLATILE\nAS %s;\n',
                                 f.proname, f.args, f.result,
                                 medium_assoc._dollar_quoted(format(E'\n    CLUSTER %s;\n    RUN ON ALL;\n    %s;\n',
                                                                    cluster_lit, remote), 'proxy'));
            symbol := 'medium_assoc_route_all';
        ELSIF f.suffix = '_set' THEN
            -- a set() of a target's sources touches every shard at once
            CONTINUE;
        ELSE
            -- one value per shard, combined on the router; the functions it
            -- is got through are named after the proxies, which must fit
            IF pg_catalog.octet_length(f.proname || CASE WHEN f.suffix IN ('_add', '_remove', '_has')
                                                        THEN '_whole_parts' ELSE '_parts' END) > 63 THEN
                RAISE EXCEPTION 'association "%" has too long a name to be fanned out on a router', a.name
                    USING ERRCODE = 'name_too_long',
                          DETAIL = pg_catalog.format('The router''s function %s_parts would be named over 63 bytes.',
                                                     CASE WHEN f.suffix IN ('_add', '_remove', '_has')
                                                          THEN f.proname || '_whole' ELSE f.proname END),
                          HINT = 'Give the association a name at most 44 bytes long.';
            END IF;
            out := out || format(E'CREATE FUNCTION medium_assoc_router.%I(%s)\nRETURNS SETOF %s\nLANGUAGE plproxy VOLATILE\nAS %s;\n',
                                 f.proname, f.args,
                                 CASE f.suffix WHEN '_json' THEN 'jsonb' ELSE format_type(f.prorettype, NULL) END,
                                 medium_assoc._dollar_quoted(format(E'\n    CLUSTER %s;\n%s    SELECT %s;\n', cluster_lit,
                                     CASE WHEN f.suffix IN ('_add', '_remove', '_has')
                                          THEN E'    SPLIT targets;\n    RUN ON medium_assoc.shard_hash(targets);\n'
                                          ELSE E'    RUN ON ALL;\n' END,
                                     CASE f.suffix WHEN '_json' THEN format('x.x AS part FROM %s AS x(x)', call)
                                          ELSE call || ' AS part' END), 'proxy'));
            -- called through X_parts, in C, which keeps a cancel from PL/Proxy
            -- when a shard's server does not answer (router.c)
            out := out || format(E'CREATE FUNCTION medium_assoc_router.%I(%s)\nRETURNS SETOF %s\nLANGUAGE c VOLATILE\nAS %L, %L;\n',
                                 f.proname || '_parts', f.args,
                                 CASE f.suffix WHEN '_json' THEN 'jsonb' ELSE format_type(f.prorettype, NULL) END,
                                 'MODULE_PATHNAME', 'medium_assoc_route_parts');
            IF f.suffix IN ('_add', '_remove', '_has') THEN
                -- a NULL source, a NULL or empty list, or one with a NULL
                -- element, goes whole to one shard, which answers (or
                -- fails) as one node does
                out := out || format(E'CREATE FUNCTION medium_assoc_router.%I(%s)\nRETURNS %s\nLANGUAGE plproxy VOLATILE\nAS %s;\n',
                                     f.proname || '_whole', f.args, format_type(f.prorettype, NULL),
                                     medium_assoc._dollar_quoted(format(E'\n    CLUSTER %s;\n    RUN ON 0;\n    SELECT %s AS part;\n',
                                                                        cluster_lit, call), 'proxy'));
                out := out || format(E'CREATE FUNCTION medium_assoc_router.%I(%s)\nRETURNS %s\nLANGUAGE c VOLATILE\nAS %L, %L;\n',
                                     f.proname || '_whole_parts', f.args, format_type(f.prorettype, NULL),
                                     'MODULE_PATHNAME', 'medium_assoc_route_parts');
            END IF;
            stmt := format(CASE WHEN f.proretset THEN 'RETURN QUERY %s;' ELSE 'RETURN (%s);' END,
                           format(CASE f.suffix
                                      WHEN '_json' THEN 'SELECT COALESCE(pg_catalog.jsonb_agg(e), ''[]'') FROM medium_assoc_router.%1$I(%3$s) AS p(part), pg_catalog.jsonb_array_elements(p.part) AS e'
                                      WHEN '_count' THEN 'SELECT pg_catalog.sum(part)::pg_catalog.int8 FROM medium_assoc_router.%1$I(%3$s) AS p(part)'
                                      -- all linked: false if a shard says so
                                      WHEN '_has' THEN 'SELECT CASE WHEN $1 IS NULL OR $2 IS NULL OR pg_catalog.cardinality($2) OPERATOR(pg_catalog.=) 0 OR pg_catalog.array_position($2, NULL) IS NOT NULL THEN medium_assoc_router.%2$I(%3$s) WHEN pg_catalog.bool_or(NOT part) THEN false WHEN pg_catalog.bool_or(part IS NULL) THEN NULL ELSE true END FROM medium_assoc_router.%1$I(%3$s) AS p(part)'
                                      ELSE 'SELECT CASE WHEN $1 IS NULL OR $2 IS NULL OR pg_catalog.cardinality($2) OPERATOR(pg_catalog.=) 0 OR pg_catalog.array_position($2, NULL) IS NOT NULL THEN medium_assoc_router.%2$I(%3$s) ELSE pg_catalog.sum(part)::pg_catalog.int8 END FROM medium_assoc_router.%1$I(%3$s) AS p(part)' END,
                                  f.proname || '_parts', f.proname || '_whole_parts', params));
            waited := CASE WHEN f.suffix IN ('_add', '_remove', '_has')
                           THEN 'CASE WHEN pg_catalog.cardinality($2) OPERATOR(pg_catalog.>) 0 THEN ARRAY(SELECT medium_assoc.shard_hash(t) FROM pg_catalog.unnest($2) AS t) ELSE ''{0}'' END'
                           ELSE 'NULL' END;
        END IF;
        -- the function the application calls: the proxy's answer, or an
        -- error naming the shards it waited for when the wait was cut
        -- short (the statement_timeout router_cluster() sets, PL/Proxy's
        -- query_timeout, a cancel); in C where it passes the proxy's
        -- answer on (router.c), in PL/pgSQL where it combines the shards'
        IF symbol IS NOT NULL THEN
            out := out || format(E'CREATE FUNCTION %I.%I(%s)\nRETURNS %s\nLANGUAGE c VOLATILE\nAS %L, %L;\n',
                                 nsp, f.proname, f.args, f.result, 'MODULE_PATHNAME', symbol);
        ELSE
            out := out || format(E'CREATE FUNCTION %I.%I(%s)\nRETURNS %s\nLANGUAGE plpgsql VOLATILE\nAS %s;\n',
                                 nsp, f.proname, f.args, f.result,
                                 medium_assoc._dollar_quoted(format(E'\nDECLARE\n    ma_message pg_catalog.text;\n    ma_detail pg_catalog.text;\n' ||
                                     E'BEGIN\n    %s\n' ||
                                     E'EXCEPTION WHEN query_canceled OR internal_error THEN\n' ||
                                     E'    IF SQLSTATE OPERATOR(pg_catalog.=) ''XX000'' AND pg_catalog.right(SQLERRM, 15) OPERATOR(pg_catalog.<>) '': query timeout'' THEN\n' ||
                                     E'        RAISE;\n    END IF;\n' ||
                                     -- a cancel kept from PL/Proxy says so in its detail (router.c)
                                     E'    GET STACKED DIAGNOSTICS ma_detail = PG_EXCEPTION_DETAIL;\n' ||
                                     E'    ma_message := pg_catalog.format(''no answer from %%s: %%s'', medium_assoc._shard_label(%L, %s), SQLERRM);\n' ||
                                     E'    IF ma_detail OPERATOR(pg_catalog.=) '''' THEN\n' ||
                                     E'        RAISE EXCEPTION USING ERRCODE = ''query_canceled'', MESSAGE = ma_message;\n    END IF;\n' ||
                                     E'    RAISE EXCEPTION USING ERRCODE = ''query_canceled'', MESSAGE = ma_message, DETAIL = ma_detail;\n' ||
                                     E'END\n', stmt, cluster, waited), 'wrapper'));
        END IF;
        IF f.suffix IN ('_add', '_remove', '_set') THEN
            -- writes: EXECUTE only for those granted it on the router, as
            -- the shards let only some roles write links; the proxy too,
            -- which could be called directly
            out := out || format(E'REVOKE EXECUTE ON FUNCTION %I.%I(%s) FROM PUBLIC;\n' ||
                                 E'REVOKE EXECUTE ON FUNCTION medium_assoc_router.%I(%s) FROM PUBLIC;\n',
                                 nsp, f.proname, pg_get_function_identity_arguments(f.oid),
                                 f.proname, pg_get_function_identity_arguments(f.oid));
            IF mode = 'fanout' THEN
                out := out || format(E'REVOKE EXECUTE ON FUNCTION medium_assoc_router.%I(%s) FROM PUBLIC;\n' ||
                                     E'REVOKE EXECUTE ON FUNCTION medium_assoc_router.%I(%s) FROM PUBLIC;\n' ||
                                     E'REVOKE EXECUTE ON FUNCTION medium_assoc_router.%I(%s) FROM PUBLIC;\n',
                                     f.proname || '_whole', pg_get_function_identity_arguments(f.oid),
                                     f.proname || '_parts', pg_get_function_identity_arguments(f.oid),
                                     f.proname || '_whole_parts', pg_get_function_identity_arguments(f.oid));
            END IF;
        END IF;
    END LOOP;
    RETURN out;
END
$router_functions$;

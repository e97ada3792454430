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
       r.target_scope
  FROM medium_assoc.registry r;

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

/* medium_assoc--1.0.sql: install script of medium_assoc 1.0 */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION medium_assoc" to load this file. \quit

-- The registry: one row per association.  Relations are kept as regclass
-- (which follows renames and is dumped by name); key columns by name, for
-- dumps, and by attribute number (attnums: foreign_key, other_key,
-- source_key, target_key, then the scope's columns), which follows renames.
-- The insert trigger recomputes attnums from the names, so a restored row
-- is right even where pg_dump renumbered columns.
CREATE TABLE medium_assoc.registry (
    name        pg_catalog.name NOT NULL PRIMARY KEY,
    kind        pg_catalog.text NOT NULL DEFAULT 'belongs_to_many'
                CHECK (kind OPERATOR(pg_catalog.=) 'belongs_to_many'),
    source      pg_catalog.regclass NOT NULL,
    target      pg_catalog.regclass NOT NULL,
    through     pg_catalog.regclass NOT NULL,
    foreign_key pg_catalog.name NOT NULL,
    other_key   pg_catalog.name NOT NULL,
    source_key  pg_catalog.name NOT NULL,
    target_key  pg_catalog.name NOT NULL,
    scope       pg_catalog.jsonb,
    attnums     pg_catalog.int2[] NOT NULL
);

SELECT pg_catalog.pg_extension_config_dump('medium_assoc.registry', '');

REVOKE ALL ON medium_assoc.registry FROM PUBLIC;

CREATE FUNCTION medium_assoc._registry_insert()
RETURNS trigger
LANGUAGE C
AS 'MODULE_PATHNAME', 'medium_assoc_registry_insert';

CREATE TRIGGER registry_insert
    BEFORE INSERT ON medium_assoc.registry
    FOR EACH ROW EXECUTE FUNCTION medium_assoc._registry_insert();

-- Registering and dropping

CREATE FUNCTION medium_assoc.belongs_to_many(
    source      pg_catalog.regclass,
    target      pg_catalog.regclass,
    through     pg_catalog.regclass,
    alias       pg_catalog.name,
    foreign_key pg_catalog.name DEFAULT NULL,
    other_key   pg_catalog.name DEFAULT NULL,
    source_key  pg_catalog.name DEFAULT NULL,
    target_key  pg_catalog.name DEFAULT NULL,
    scope       pg_catalog.jsonb DEFAULT NULL)
RETURNS pg_catalog.regprocedure
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'medium_assoc_belongs_to_many';

CREATE FUNCTION medium_assoc.drop_association(association pg_catalog.text)
RETURNS pg_catalog.void
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'medium_assoc_drop_association';

-- Link helpers.  Each takes its source and targets as "any"; the text
-- overloads catch untyped parameters (node-postgres, psycopg, pgbench -M
-- prepared), which "any" cannot accept, and parse them as the key types.

CREATE FUNCTION medium_assoc.add(association pg_catalog.text, source "any",
    targets "any", through_attrs pg_catalog.jsonb DEFAULT NULL)
RETURNS pg_catalog.int8
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'medium_assoc_add';

CREATE FUNCTION medium_assoc.add(association pg_catalog.text,
    source pg_catalog.text, targets pg_catalog.text,
    through_attrs pg_catalog.jsonb DEFAULT NULL)
RETURNS pg_catalog.int8
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'medium_assoc_add';

CREATE FUNCTION medium_assoc.remove(association pg_catalog.text, source "any",
    targets "any")
RETURNS pg_catalog.int8
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'medium_assoc_remove';

CREATE FUNCTION medium_assoc.remove(association pg_catalog.text,
    source pg_catalog.text, targets pg_catalog.text)
RETURNS pg_catalog.int8
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'medium_assoc_remove';

CREATE FUNCTION medium_assoc.set(association pg_catalog.text, source "any",
    targets "any", through_attrs pg_catalog.jsonb DEFAULT NULL)
RETURNS TABLE(added pg_catalog.int8, removed pg_catalog.int8)
LANGUAGE C VOLATILE ROWS 1
AS 'MODULE_PATHNAME', 'medium_assoc_set';

CREATE FUNCTION medium_assoc.set(association pg_catalog.text,
    source pg_catalog.text, targets pg_catalog.text,
    through_attrs pg_catalog.jsonb DEFAULT NULL)
RETURNS TABLE(added pg_catalog.int8, removed pg_catalog.int8)
LANGUAGE C VOLATILE ROWS 1
AS 'MODULE_PATHNAME', 'medium_assoc_set';

CREATE FUNCTION medium_assoc.has(association pg_catalog.text, source "any",
    targets "any")
RETURNS pg_catalog.bool
LANGUAGE C STABLE STRICT
AS 'MODULE_PATHNAME', 'medium_assoc_has';

CREATE FUNCTION medium_assoc.has(association pg_catalog.text,
    source pg_catalog.text, targets pg_catalog.text)
RETURNS pg_catalog.bool
LANGUAGE C STABLE STRICT
AS 'MODULE_PATHNAME', 'medium_assoc_has';

CREATE FUNCTION medium_assoc.count(association pg_catalog.text, source "any")
RETURNS pg_catalog.int8
LANGUAGE C STABLE STRICT
AS 'MODULE_PATHNAME', 'medium_assoc_count';

CREATE FUNCTION medium_assoc.count(association pg_catalog.text,
    source pg_catalog.text)
RETURNS pg_catalog.int8
LANGUAGE C STABLE STRICT
AS 'MODULE_PATHNAME', 'medium_assoc_count';

-- Recording again what pg_upgrade does not carry (the readers'
-- dependencies); pg_dump/restore needs no such step.
CREATE FUNCTION medium_assoc.repair()
RETURNS pg_catalog.int4
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'medium_assoc_repair';

REVOKE ALL ON FUNCTION medium_assoc.repair() FROM PUBLIC;

-- Introspection

CREATE VIEW medium_assoc.associations AS
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
         LIMIT 1) AS reader
  FROM medium_assoc.registry r;

GRANT USAGE ON SCHEMA medium_assoc TO PUBLIC;
GRANT SELECT ON medium_assoc.associations TO PUBLIC;

-- Following DDL

CREATE FUNCTION medium_assoc._on_sql_drop()
RETURNS event_trigger
LANGUAGE C
AS 'MODULE_PATHNAME', 'medium_assoc_on_sql_drop';

CREATE FUNCTION medium_assoc._on_ddl_start()
RETURNS event_trigger
LANGUAGE C
AS 'MODULE_PATHNAME', 'medium_assoc_on_ddl_start';

CREATE FUNCTION medium_assoc._on_ddl_end()
RETURNS event_trigger
LANGUAGE C
AS 'MODULE_PATHNAME', 'medium_assoc_on_ddl_end';

REVOKE ALL ON FUNCTION medium_assoc._registry_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION medium_assoc._on_sql_drop() FROM PUBLIC;
REVOKE ALL ON FUNCTION medium_assoc._on_ddl_start() FROM PUBLIC;
REVOKE ALL ON FUNCTION medium_assoc._on_ddl_end() FROM PUBLIC;

CREATE EVENT TRIGGER medium_assoc_sql_drop ON sql_drop
    EXECUTE FUNCTION medium_assoc._on_sql_drop();

CREATE EVENT TRIGGER medium_assoc_ddl_start ON ddl_command_start
    WHEN TAG IN ('ALTER TABLE', 'ALTER FUNCTION', 'ALTER ROUTINE', 'DROP INDEX')
    EXECUTE FUNCTION medium_assoc._on_ddl_start();

CREATE EVENT TRIGGER medium_assoc_ddl_end ON ddl_command_end
    WHEN TAG IN ('ALTER TABLE', 'ALTER VIEW', 'ALTER MATERIALIZED VIEW',
                 'ALTER FOREIGN TABLE', 'ALTER TYPE')
    EXECUTE FUNCTION medium_assoc._on_ddl_end();

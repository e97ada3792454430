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

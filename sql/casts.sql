-- Key values of another type are converted with the cast an INSERT would
-- use; its function is called only if the caller may EXECUTE it, as the
-- cast's FuncExpr would be, and a cast dropped and created again is used
-- as it is now, not as it was when the backend first used it.
\set VERBOSITY sqlstate

CREATE TYPE kc_word AS ENUM ('one', 'two', 'three');
CREATE FUNCTION kc_word_to_int(kc_word) RETURNS int LANGUAGE sql IMMUTABLE
    SECURITY DEFINER AS $$ SELECT array_position(enum_range(NULL::kc_word), $1) $$;
CREATE CAST (kc_word AS int) WITH FUNCTION kc_word_to_int(kc_word) AS ASSIGNMENT;
REVOKE EXECUTE ON FUNCTION kc_word_to_int(kc_word) FROM PUBLIC;

CREATE TABLE kc_u (id int PRIMARY KEY);
CREATE TABLE kc_t (id int PRIMARY KEY);
CREATE TABLE kc_l (u int REFERENCES kc_u, t int REFERENCES kc_t, PRIMARY KEY (u, t));
INSERT INTO kc_u VALUES (1);
INSERT INTO kc_t SELECT generate_series(1, 30);
INSERT INTO kc_l VALUES (1, 2);
SELECT medium_assoc.belongs_to_many('kc_u', 'kc_t', 'kc_l', 'kl');
CREATE ROLE regress_kc_user;
GRANT SELECT, INSERT, DELETE ON kc_u, kc_t, kc_l TO regress_kc_user;

-- the superuser uses the cast first, so the backend has it cached
SELECT medium_assoc.has('kl', 1, 'two'::kc_word);
SELECT medium_assoc.has('kl', 1, ARRAY['two']::kc_word[]);

-- without EXECUTE on the cast function: 42501, as for the cast itself
SET ROLE regress_kc_user;
\set VERBOSITY terse
SELECT 'two'::kc_word::int;
SELECT medium_assoc.has('kl', 1, 'two'::kc_word);
\set VERBOSITY sqlstate
SELECT medium_assoc.has('kl', 1, ARRAY['two']::kc_word[]);
SELECT medium_assoc.add('kl', 1, 'three'::kc_word);
SELECT medium_assoc.remove('kl', 1, 'two'::kc_word);
SELECT medium_assoc.count('kl', 'one'::kc_word);
SELECT count(*) FROM kc_l;
RESET ROLE;
GRANT EXECUTE ON FUNCTION kc_word_to_int(kc_word) TO regress_kc_user;
SET ROLE regress_kc_user;
SELECT medium_assoc.has('kl', 1, 'two'::kc_word);
RESET ROLE;

-- the cast dropped and created again with another function: used at once
-- ('two' is now 20, which is not linked)
DROP CAST (kc_word AS int);
CREATE FUNCTION kc_word_to_tens(kc_word) RETURNS int LANGUAGE sql IMMUTABLE
    AS $$ SELECT 10 * array_position(enum_range(NULL::kc_word), $1) $$;
CREATE CAST (kc_word AS int) WITH FUNCTION kc_word_to_tens(kc_word) AS ASSIGNMENT;
SELECT 'two'::kc_word::int;
SELECT medium_assoc.has('kl', 1, 'two'::kc_word);
-- and the old function dropped: no stale reference to it
DROP FUNCTION kc_word_to_int(kc_word);
SELECT medium_assoc.has('kl', 1, 'two'::kc_word);
SELECT medium_assoc.add('kl', 1, 'three'::kc_word);
SELECT t FROM kc_l ORDER BY t;
-- the cast gone: no way to convert, as for an INSERT
DROP CAST (kc_word AS int);
SELECT medium_assoc.has('kl', 1, 'two'::kc_word);

SELECT medium_assoc.drop_association('kl');
DROP OWNED BY regress_kc_user;
DROP ROLE regress_kc_user;

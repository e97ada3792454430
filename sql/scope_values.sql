-- Scope values are resolved once, at registration, under the registering
-- session's settings, and stored in a form that reads the same under any
-- settings; readers and helpers never parse them again under the caller's
-- search_path or DateStyle.
\set VERBOSITY sqlstate

CREATE SCHEMA sv_evil;
CREATE TABLE sv_u (id int PRIMARY KEY);
CREATE TABLE sv_a (id int PRIMARY KEY, title text);
CREATE TABLE sv_kind_a ();
CREATE TABLE sv_evil.sv_kind_a ();
CREATE TABLE sv_rl (
    user_id int NOT NULL REFERENCES sv_u,
    article_id int NOT NULL REFERENCES sv_a,
    kind regclass,
    saved date,
    at timestamptz);
INSERT INTO sv_u VALUES (1), (2);
INSERT INTO sv_a SELECT g, 'a' || g FROM generate_series(1, 4) g;

-- registered under DMY dates and Paris time; stored with the regclass
-- qualified, the date in ISO form, the timestamp with its offset
SET DateStyle = 'ISO, DMY';
SET TimeZone = 'Europe/Paris';
SELECT medium_assoc.belongs_to_many('sv_u', 'sv_a', 'sv_rl', 'sv_kind',
    foreign_key => 'user_id', other_key => 'article_id',
    scope => '{"kind": "sv_kind_a"}');
SELECT medium_assoc.belongs_to_many('sv_u', 'sv_a', 'sv_rl', 'sv_saved',
    foreign_key => 'user_id', other_key => 'article_id',
    scope => '{"saved": "01/02/2024", "kind": null}');
SELECT medium_assoc.belongs_to_many('sv_u', 'sv_a', 'sv_rl', 'sv_at',
    foreign_key => 'user_id', other_key => 'article_id',
    scope => '{"at": "2024-06-01 12:00", "saved": null, "kind": null}');
RESET DateStyle;
RESET TimeZone;
SELECT name, scope FROM medium_assoc.associations
 WHERE name IN ('sv_kind', 'sv_saved', 'sv_at') ORDER BY name;

INSERT INTO sv_rl (user_id, article_id, kind) VALUES (1, 1, 'sv_kind_a');
INSERT INTO sv_rl (user_id, article_id, saved) VALUES (1, 2, '2024-02-01');
INSERT INTO sv_rl (user_id, article_id, at) VALUES (1, 3, '2024-06-01 10:00+00');

-- every reader and helper, under the settings of the moment; with the
-- index walk (the superuser) and with the statements (a role under a
-- row-level security policy that lets every row through)
CREATE ROLE regress_sv_user;
GRANT SELECT, INSERT, DELETE ON sv_u, sv_a, sv_rl TO regress_sv_user;
GRANT USAGE ON SCHEMA sv_evil TO regress_sv_user;
ALTER TABLE sv_rl ENABLE ROW LEVEL SECURITY;
CREATE POLICY sv_all ON sv_rl USING (true) WITH CHECK (true);
CREATE FUNCTION sv_answers(alias text, linked int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    r text;
BEGIN
    EXECUTE format('SELECT format(''reader=%%s batch=%%s count=%%s has=%%s'','
                   ' (SELECT string_agg(id::text, '','' ORDER BY id) FROM public.%I(1)),'
                   ' (SELECT string_agg((target).id::text, '','' ORDER BY (target).id)'
                   '    FROM public.%I(ARRAY[1, 2])),'
                   ' medium_assoc.count(%L, 1), medium_assoc.has(%L, 1, %s))',
                   alias, alias || '_batch', alias, alias, linked) INTO r;
    RETURN r;
END $$;
CREATE FUNCTION sv_all_answers() RETURNS TABLE (alias text, answers text)
LANGUAGE sql AS $$
    SELECT a, public.sv_answers(a, i::int)
      FROM unnest(ARRAY['sv_kind', 'sv_saved', 'sv_at']) WITH ORDINALITY AS u(a, i)
$$;

SELECT * FROM sv_all_answers();
SET search_path = sv_evil, public;
SET DateStyle = 'SQL, DMY';
SET TimeZone = 'Asia/Tokyo';
SELECT * FROM sv_all_answers();
SET ROLE regress_sv_user;
SELECT * FROM sv_all_answers();
RESET ROLE;

-- writes store the values resolved at registration
SELECT medium_assoc.add('sv_kind', 2, 4), medium_assoc.add('sv_saved', 2, 4),
       medium_assoc.add('sv_at', 2, 4);
SET ROLE regress_sv_user;
SELECT medium_assoc.add('sv_kind', 1, 4), medium_assoc.add('sv_saved', 1, 4),
       medium_assoc.add('sv_at', 1, 4);
RESET ROLE;
RESET search_path;
RESET DateStyle;
RESET TimeZone;
SELECT user_id, article_id, kind::oid = 'public.sv_kind_a'::regclass AS public_kind,
       to_char(saved, 'YYYY-MM-DD') AS saved, at = '2024-06-01 10:00+00' AS same_instant
  FROM sv_rl WHERE article_id = 4 ORDER BY user_id, kind, saved, at;
SELECT * FROM sv_all_answers();

-- a value that is not valid input for its column's type
SELECT medium_assoc.belongs_to_many('sv_u', 'sv_a', 'sv_rl', 'sv_bad',
    foreign_key => 'user_id', other_key => 'article_id',
    scope => '{"saved": "31/31/2024"}');
SELECT medium_assoc.belongs_to_many('sv_u', 'sv_a', 'sv_rl', 'sv_bad',
    foreign_key => 'user_id', other_key => 'article_id',
    scope => '{"kind": "sv_no_such_table"}');
SELECT count(*) FROM medium_assoc.associations WHERE name = 'sv_bad';


-- a registry row of 1.0 holds the value as it was given; repair() resolves
-- it, under the caller's settings, into the canonical form
SELECT medium_assoc.belongs_to_many('sv_u', 'sv_a', 'sv_rl', 'sv_legacy',
    foreign_key => 'user_id', other_key => 'article_id',
    scope => '{"saved": "2024-04-03", "kind": null}');
UPDATE medium_assoc.registry SET scope = '{"saved": "03/04/2024", "kind": null}'
 WHERE name = 'sv_legacy';
SET DateStyle = 'ISO, DMY';
SELECT medium_assoc.repair() > 0 AS repaired;
RESET DateStyle;
SELECT scope FROM medium_assoc.associations WHERE name = 'sv_legacy';
SELECT medium_assoc.drop_association('sv_legacy');

SELECT medium_assoc.drop_association(a) FROM unnest(ARRAY['sv_kind', 'sv_saved', 'sv_at']) a;
DROP OWNED BY regress_sv_user;
DROP ROLE regress_sv_user;
DROP SCHEMA sv_evil CASCADE;

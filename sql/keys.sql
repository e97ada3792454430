-- Keys: self-referential associations, unique keys that are not the
-- primary key, text and uuid keys, through columns of another integer
-- type, dropped columns, through tables without foreign keys, and
-- partitioned tables.
\set VERBOSITY sqlstate

--
-- a self-referential "follows" association, in both directions
--
CREATE TABLE keys_users (
    id     integer PRIMARY KEY,
    handle text NOT NULL UNIQUE,
    bio    text
);
CREATE TABLE keys_follows (
    follower_id integer NOT NULL REFERENCES keys_users (id),
    followee_id integer NOT NULL REFERENCES keys_users (id),
    since       date,
    PRIMARY KEY (follower_id, followee_id)
);
INSERT INTO keys_users VALUES (1, 'ada', 'first'), (2, 'grace', 'navy'),
    (3, 'linus', 'kernel'), (4, 'ken', NULL);

-- the keys cannot be inferred: both columns point at the users
SELECT medium_assoc.belongs_to_many('keys_users', 'keys_users', 'keys_follows',
    'keys_following');
SELECT medium_assoc.belongs_to_many('keys_users', 'keys_users', 'keys_follows',
    'keys_following', foreign_key => 'follower_id');
SELECT medium_assoc.belongs_to_many('keys_users', 'keys_users', 'keys_follows',
    'keys_following', foreign_key => 'follower_id', other_key => 'follower_id');
SELECT medium_assoc.belongs_to_many('keys_users', 'keys_users', 'keys_follows',
    'keys_following', foreign_key => 'follower_id', other_key => 'followee');
\set VERBOSITY default
SELECT medium_assoc.belongs_to_many('keys_users', 'keys_users', 'keys_follows',
    'keys_following');
\set VERBOSITY sqlstate
SELECT count(*) FROM medium_assoc.associations WHERE name LIKE 'keys%';

-- user.belongsToMany(User, { as: 'following', through: Follow,
--     foreignKey: 'follower_id', otherKey: 'followee_id' }) and the reverse
SELECT medium_assoc.belongs_to_many('keys_users', 'keys_users', 'keys_follows',
    'keys_following', foreign_key => 'follower_id', other_key => 'followee_id');
SELECT medium_assoc.belongs_to_many('keys_users', 'keys_users', 'keys_follows',
    'keys_followers', foreign_key => 'followee_id', other_key => 'follower_id');
SELECT name, source, target, through, foreign_key, other_key, source_key,
       target_key, reader
  FROM medium_assoc.associations WHERE name LIKE 'keys_follow%' ORDER BY name;

SELECT medium_assoc.add('keys_following', 1, ARRAY[2, 3], '{"since": "2024-01-01"}');
SELECT medium_assoc.add('keys_following', 2, 3);
SELECT medium_assoc.add('keys_following', 3, 1);
SELECT medium_assoc.add('keys_following', 4, 4);
SELECT * FROM keys_follows ORDER BY 1, 2;
SELECT * FROM keys_following(1) ORDER BY id;
SELECT * FROM keys_followers(3) ORDER BY id;
SELECT handle FROM keys_followers(1) ORDER BY handle;
SELECT handle FROM keys_following(4) ORDER BY handle;
SELECT handle FROM keys_followers(4) ORDER BY handle;
-- who follows whom, in both directions, eagerly
SELECT u.handle, f.handle AS follows
  FROM keys_users u, LATERAL keys_following(u.id) f ORDER BY 1, 2;
SELECT source, (target).handle FROM keys_followers_batch(ARRAY[1, 2, 3, 4]) ORDER BY 1, 2;
-- friends of friends
SELECT DISTINCT f2.handle
  FROM keys_following(1) f1, LATERAL keys_following(f1.id) f2 ORDER BY 1;
SELECT medium_assoc.count('keys_following', 1), medium_assoc.count('keys_followers', 3);
SELECT medium_assoc.has('keys_followers', 3, ARRAY[1, 2]), medium_assoc.has('keys_following', 3, 2);
-- the reverse direction sees the links the other one wrote
SELECT * FROM medium_assoc.set('keys_followers', 3, ARRAY[2, 4]);
SELECT * FROM keys_follows ORDER BY 1, 2;
SELECT medium_assoc.remove('keys_following', 4, ARRAY[3, 4]);
SELECT handle FROM keys_followers(3) ORDER BY handle;

--
-- unique keys that are not the primary key, of type text
--
CREATE TABLE keys_posts (
    id    integer PRIMARY KEY,
    slug  text NOT NULL UNIQUE,
    title text NOT NULL
);
CREATE TABLE keys_favorites (
    user_handle text NOT NULL REFERENCES keys_users (handle) ON UPDATE CASCADE,
    post_slug   text NOT NULL REFERENCES keys_posts (slug) ON UPDATE CASCADE,
    PRIMARY KEY (user_handle, post_slug)
);
INSERT INTO keys_posts VALUES (10, 'sql-is-not-dead', 'Why SQL is not dead'),
    (20, 'joins-cats', 'Joins, explained with cats'),
    (30, 'a,b "c"', 'Odd slug'),
    (40, '{braces}', 'Braces');
-- the foreign keys reference handle and slug, not the primary keys: they
-- name the keys, whether nothing is given, only one key, or the columns
SELECT medium_assoc.belongs_to_many('keys_users', 'keys_posts', 'keys_favorites',
    'keys_favs');
SELECT source_key, target_key FROM medium_assoc.associations WHERE name = 'keys_favs';
SELECT medium_assoc.drop_association('keys_favs');
SELECT medium_assoc.belongs_to_many('keys_users', 'keys_posts', 'keys_favorites',
    'keys_favs', source_key => 'handle');
SELECT medium_assoc.drop_association('keys_favs');
SELECT medium_assoc.belongs_to_many('keys_users', 'keys_posts', 'keys_favorites',
    'keys_favs', foreign_key => 'user_handle', other_key => 'post_slug');
SELECT source_key, target_key FROM medium_assoc.associations WHERE name = 'keys_favs';
SELECT medium_assoc.drop_association('keys_favs');
-- a key must be unique on its own
SELECT medium_assoc.belongs_to_many('keys_users', 'keys_posts', 'keys_favorites',
    'keys_favs', source_key => 'bio', target_key => 'slug',
    foreign_key => 'user_handle', other_key => 'post_slug');
SELECT medium_assoc.belongs_to_many('keys_users', 'keys_posts', 'keys_favorites',
    'keys_favs', source_key => 'handle', target_key => 'title',
    foreign_key => 'user_handle', other_key => 'post_slug');
-- integer and text keys cannot be compared
SELECT medium_assoc.belongs_to_many('keys_users', 'keys_posts', 'keys_favorites',
    'keys_favs', foreign_key => 'user_handle', other_key => 'post_slug',
    source_key => 'id');
SELECT count(*) FROM medium_assoc.associations WHERE name = 'keys_favs';
SELECT medium_assoc.belongs_to_many('keys_users', 'keys_posts', 'keys_favorites',
    'keys_favs', source_key => 'handle', target_key => 'slug');
SELECT medium_assoc.belongs_to_many('keys_posts', 'keys_users', 'keys_favorites',
    'keys_fans', source_key => 'slug', target_key => 'handle');
SELECT name, foreign_key, other_key, source_key, target_key, reader
  FROM medium_assoc.associations WHERE name IN ('keys_favs', 'keys_fans') ORDER BY name;
SELECT pg_get_function_result('keys_favs_batch(text[])'::regprocedure);

SELECT medium_assoc.add('keys_favs', 'ada', '{sql-is-not-dead,joins-cats}');
SELECT medium_assoc.add('keys_favs', 'ada', '{"a,b \"c\""}');
SELECT medium_assoc.add('keys_favs', 'grace', 'a,b "c"');
-- a text value starting with "{" is an array literal; pass an array instead
SELECT medium_assoc.add('keys_favs', 'grace', '{braces}');
SELECT medium_assoc.add('keys_favs', 'grace', ARRAY['{braces}']);
SELECT medium_assoc.add('keys_favs', 'linus'::varchar, ARRAY['joins-cats']::varchar[]);
SELECT medium_assoc.add('keys_favs', 'nobody', 'joins-cats');
SELECT * FROM keys_favorites ORDER BY user_handle COLLATE "C", post_slug COLLATE "C";
SELECT * FROM keys_favs('ada') ORDER BY id;
SELECT id, slug FROM keys_favs('grace') ORDER BY id;
SELECT handle FROM keys_fans('joins-cats') ORDER BY handle COLLATE "C";
SELECT source, (target).slug FROM keys_favs_batch(ARRAY['ada', 'linus', 'nobody'])
 ORDER BY source COLLATE "C", (target).slug COLLATE "C";
SELECT source, (target).handle FROM keys_fans_batch('{"a,b \"c\"","{braces}"}')
 ORDER BY source COLLATE "C", (target).handle COLLATE "C";
SELECT medium_assoc.has('keys_favs', 'grace', ARRAY['a,b "c"', '{braces}']);
SELECT medium_assoc.has('keys_favs', 'grace', 'sql-is-not-dead');
SELECT medium_assoc.count('keys_favs', 'ada');
SELECT * FROM medium_assoc.set('keys_favs', 'ada', ARRAY['joins-cats', '{braces}']);
SELECT medium_assoc.remove('keys_favs', 'grace', ARRAY['{braces}', 'nope']);
SELECT * FROM keys_favorites ORDER BY user_handle COLLATE "C", post_slug COLLATE "C";
-- the links follow the keys through ON UPDATE CASCADE
UPDATE keys_users SET handle = 'ada.l' WHERE id = 1;
SELECT count(*) FROM keys_favs('ada');
SELECT slug FROM keys_favs('ada.l') ORDER BY slug COLLATE "C";

--
-- uuid keys
--
CREATE TABLE keys_accounts (id uuid PRIMARY KEY, name text NOT NULL);
CREATE TABLE keys_groups (id uuid PRIMARY KEY, name text NOT NULL);
CREATE TABLE keys_memberships (
    account_id uuid NOT NULL REFERENCES keys_accounts (id),
    group_id   uuid NOT NULL REFERENCES keys_groups (id),
    role       text NOT NULL DEFAULT 'member',
    PRIMARY KEY (account_id, group_id)
);
INSERT INTO keys_accounts VALUES
    ('a0000000-0000-4000-8000-000000000001', 'ada'),
    ('a0000000-0000-4000-8000-000000000002', 'grace');
INSERT INTO keys_groups VALUES
    ('90000000-0000-4000-8000-000000000001', 'admins'),
    ('90000000-0000-4000-8000-000000000002', 'writers'),
    ('90000000-0000-4000-8000-000000000003', 'readers');
SELECT medium_assoc.belongs_to_many('keys_accounts', 'keys_groups',
    'keys_memberships', 'keys_groups_of');
SELECT medium_assoc.add('keys_groups_of', 'a0000000-0000-4000-8000-000000000001',
    '{90000000-0000-4000-8000-000000000001,90000000-0000-4000-8000-000000000002}',
    '{"role": "owner"}');
SELECT medium_assoc.add('keys_groups_of', 'a0000000-0000-4000-8000-000000000002'::uuid,
    '90000000-0000-4000-8000-000000000003'::uuid);
SELECT medium_assoc.add('keys_groups_of', 'A0000000000040008000000000000002',
    '{90000000-0000-4000-8000-000000000002}');
SELECT medium_assoc.add('keys_groups_of', 'a0000000-0000-4000-8000-000000000002',
    'not-a-uuid');
SELECT medium_assoc.add('keys_groups_of', 'a0000000-0000-4000-8000-000000000002',
    '90000000-0000-4000-8000-000000000009');
SELECT medium_assoc.add('keys_groups_of', 'a0000000-0000-4000-8000-000000000002', 42);
SELECT * FROM keys_memberships ORDER BY 1, 2;
SELECT * FROM keys_groups_of('a0000000-0000-4000-8000-000000000001') ORDER BY name;
SELECT source, (target).name
  FROM keys_groups_of_batch('{a0000000-0000-4000-8000-000000000001,a0000000-0000-4000-8000-000000000002}')
 ORDER BY 1, 2;
SELECT a.name, g.name FROM keys_accounts a, LATERAL keys_groups_of(a.id) g ORDER BY 1, 2;
SELECT medium_assoc.has('keys_groups_of', 'a0000000-0000-4000-8000-000000000002',
    ARRAY['90000000-0000-4000-8000-000000000002', '90000000-0000-4000-8000-000000000003']::uuid[]);
SELECT medium_assoc.count('keys_groups_of', 'a0000000-0000-4000-8000-000000000002'::uuid);
SELECT * FROM medium_assoc.set('keys_groups_of', 'a0000000-0000-4000-8000-000000000002',
    ARRAY['90000000-0000-4000-8000-000000000001']::uuid[]);
SELECT medium_assoc.remove('keys_groups_of', 'a0000000-0000-4000-8000-000000000001',
    '{90000000-0000-4000-8000-000000000002}');
SELECT * FROM keys_memberships ORDER BY 1, 2;

--
-- through columns of type integer pointing at bigint keys
--
CREATE TABLE keys_big_users (id bigint PRIMARY KEY, name text);
CREATE TABLE keys_big_items (id bigint PRIMARY KEY, name text);
CREATE TABLE keys_big_links (
    user_id integer NOT NULL REFERENCES keys_big_users (id),
    item_id integer NOT NULL REFERENCES keys_big_items (id),
    PRIMARY KEY (user_id, item_id)
);
INSERT INTO keys_big_users VALUES (1, 'one'), (2, 'two'), (3000000000, 'big');
INSERT INTO keys_big_items VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4000000000, 'huge');
SELECT medium_assoc.belongs_to_many('keys_big_users', 'keys_big_items',
    'keys_big_links', 'keys_big_items_of');
SELECT medium_assoc.belongs_to_many('keys_big_items', 'keys_big_users',
    'keys_big_links', 'keys_big_users_of');
SELECT p.oid::regprocedure, pg_get_function_result(p.oid)
  FROM pg_proc p WHERE proname LIKE 'keys_big_%' ORDER BY p.oid::regprocedure::text;
SELECT medium_assoc.add('keys_big_items_of', 1, ARRAY[1, 2, 3]);
SELECT medium_assoc.add('keys_big_items_of', 2::bigint, '{3}');
SELECT * FROM keys_big_items_of(1) ORDER BY id;
SELECT * FROM keys_big_items_of(1::bigint) ORDER BY id;
SELECT * FROM keys_big_users_of(3) ORDER BY id;
SELECT source, pg_typeof(source), (target).name
  FROM keys_big_items_of_batch(ARRAY[1, 2, 3000000000]) ORDER BY 1, 3;
-- a key beyond the through column's range finds no links
SELECT count(*) FROM keys_big_items_of(3000000000);
SELECT medium_assoc.count('keys_big_items_of', 3000000000);
SELECT medium_assoc.has('keys_big_items_of', 1, 4000000000);
SELECT medium_assoc.remove('keys_big_items_of', 1, 4000000000);
-- and cannot be stored there
SELECT medium_assoc.add('keys_big_items_of', 1, 4000000000);
SELECT medium_assoc.add('keys_big_items_of', 3000000000, 1);
SELECT * FROM medium_assoc.set('keys_big_items_of', 1, ARRAY[2, 4000000000]);
SELECT * FROM keys_big_links ORDER BY 1, 2;
SELECT * FROM medium_assoc.set('keys_big_items_of', 1, ARRAY[2]::bigint[]);
SELECT medium_assoc.has('keys_big_items_of', 1, 2::smallint);
SELECT * FROM keys_big_links ORDER BY 1, 2;

--
-- a target with dropped columns, before and after registering
--
CREATE TABLE keys_tags (
    id      integer PRIMARY KEY,
    gone1   text,
    name    text NOT NULL,
    gone2   integer,
    color   text
);
CREATE TABLE keys_tagged (
    user_id integer NOT NULL REFERENCES keys_users (id),
    dropme  text,
    tag_id  integer NOT NULL REFERENCES keys_tags (id),
    PRIMARY KEY (user_id, tag_id)
);
INSERT INTO keys_tags VALUES (1, 'x', 'red', 1, '#f00'), (2, 'y', 'green', 2, '#0f0'),
    (3, 'z', 'blue', 3, NULL);
ALTER TABLE keys_tags DROP COLUMN gone1;
ALTER TABLE keys_tagged DROP COLUMN dropme;
SELECT medium_assoc.belongs_to_many('keys_users', 'keys_tags', 'keys_tagged',
    'keys_tags_of');
SELECT medium_assoc.belongs_to_many('keys_tags', 'keys_users', 'keys_tagged',
    'keys_taggers');
SELECT medium_assoc.add('keys_tags_of', 1, ARRAY[1, 3]);
SELECT medium_assoc.add('keys_tags_of', 2, ARRAY[2, 3]);
SELECT * FROM keys_tags_of(1) ORDER BY id;
ALTER TABLE keys_tags DROP COLUMN gone2;
SELECT * FROM keys_tags_of(1) ORDER BY id;
SELECT t FROM keys_tags_of(2) t ORDER BY id;
SELECT source, target FROM keys_tags_of_batch(ARRAY[1, 2]) ORDER BY 1, (target).id;
SELECT source, (target).* FROM keys_tags_of_batch(ARRAY[1, 2]) ORDER BY 1, (target).id;
SELECT u.handle, t.name, t.color
  FROM keys_users u, LATERAL keys_tags_of(u.id) t ORDER BY 1, 2;
-- a column added after registering is returned too
ALTER TABLE keys_tags ADD COLUMN weight integer DEFAULT 7;
SELECT * FROM keys_tags_of(1) ORDER BY id;
SELECT source, target FROM keys_tags_of_batch(ARRAY[1]) ORDER BY 1, (target).id;
-- dropped columns in the source and through tables
ALTER TABLE keys_users DROP COLUMN bio;
ALTER TABLE keys_tagged ADD COLUMN note text;
ALTER TABLE keys_tagged ADD COLUMN extra text;
ALTER TABLE keys_tagged DROP COLUMN extra;
SELECT medium_assoc.add('keys_tags_of', 3, 2, '{"note": "n"}');
SELECT * FROM keys_tagged ORDER BY 1, 2;
SELECT * FROM keys_taggers(3) ORDER BY id;
SELECT source, target FROM keys_taggers_batch(ARRAY[2, 3]) ORDER BY 1, (target).id;
SELECT * FROM medium_assoc.set('keys_tags_of', 1, ARRAY[2], '{"note": "m"}');
SELECT medium_assoc.count('keys_tags_of', 1), medium_assoc.has('keys_tags_of', 1, 2);
SELECT * FROM keys_tagged ORDER BY 1, 2;

--
-- a through table without foreign keys (and without a primary key)
--
CREATE TABLE keys_loose (a integer, b integer, c text);
SELECT medium_assoc.belongs_to_many('keys_users', 'keys_posts', 'keys_loose',
    'keys_loose_posts');
SELECT medium_assoc.belongs_to_many('keys_users', 'keys_posts', 'keys_loose',
    'keys_loose_posts', foreign_key => 'a');
SELECT medium_assoc.belongs_to_many('keys_users', 'keys_posts', 'keys_loose',
    'keys_loose_posts', foreign_key => 'a', other_key => 'b');
-- a missing target or source is refused even without foreign keys
SELECT medium_assoc.add('keys_loose_posts', 1, ARRAY[10, 99]);
SELECT medium_assoc.add('keys_loose_posts', 99, 10);
SELECT * FROM medium_assoc.set('keys_loose_posts', 1, 99);
SELECT count(*) FROM keys_loose;
SELECT medium_assoc.add('keys_loose_posts', 1, ARRAY[10, 20]);
SELECT medium_assoc.add('keys_loose_posts', 1, ARRAY[10, 20]);
-- links written by hand: one row per link, even duplicated ones; links to
-- targets that do not exist are not returned
INSERT INTO keys_loose VALUES (1, 10, 'dup'), (1, 99, 'dangling'), (NULL, 10, 'null'),
    (2, 20, 'two');
SELECT id, slug FROM keys_loose_posts(1) ORDER BY id;
SELECT source, (target).id FROM keys_loose_posts_batch(ARRAY[1, 2]) ORDER BY 1, 2;
SELECT medium_assoc.count('keys_loose_posts', 1);
SELECT medium_assoc.count('keys_loose_posts', 2);
SELECT medium_assoc.has('keys_loose_posts', 1, ARRAY[10, 20]);
SELECT medium_assoc.has('keys_loose_posts', 1, 99);
SELECT medium_assoc.add('keys_loose_posts', 1, 10);
SELECT medium_assoc.remove('keys_loose_posts', 1, 10);
SELECT * FROM keys_loose ORDER BY a, b, c;
SELECT * FROM medium_assoc.set('keys_loose_posts', 1, ARRAY[30]);
SELECT * FROM medium_assoc.set('keys_loose_posts', 2, '{}'::int[]);
SELECT * FROM keys_loose ORDER BY a, b, c;

--
-- a partitioned through table, and a partitioned target
--
CREATE TABLE keys_events (
    id   integer PRIMARY KEY,
    name text NOT NULL
) PARTITION BY RANGE (id);
CREATE TABLE keys_events_low PARTITION OF keys_events FOR VALUES FROM (0) TO (100);
CREATE TABLE keys_events_high PARTITION OF keys_events FOR VALUES FROM (100) TO (1000);
CREATE TABLE keys_attending (
    user_id  integer NOT NULL REFERENCES keys_users (id),
    event_id integer NOT NULL REFERENCES keys_events (id),
    PRIMARY KEY (user_id, event_id)
) PARTITION BY HASH (user_id);
CREATE TABLE keys_attending_0 PARTITION OF keys_attending FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE keys_attending_1 PARTITION OF keys_attending FOR VALUES WITH (MODULUS 2, REMAINDER 1);
INSERT INTO keys_events VALUES (1, 'meetup'), (2, 'conf'), (150, 'party');
SELECT medium_assoc.belongs_to_many('keys_users', 'keys_events', 'keys_attending',
    'keys_attends');
SELECT medium_assoc.belongs_to_many('keys_events', 'keys_users', 'keys_attending',
    'keys_attendees');
SELECT name, source, target, through, foreign_key, other_key
  FROM medium_assoc.associations WHERE name IN ('keys_attends', 'keys_attendees')
 ORDER BY name;
-- a partition is a table too, but its foreign keys are inherited
SELECT medium_assoc.belongs_to_many('keys_users', 'keys_events', 'keys_attending_0',
    'keys_attends_0');
SELECT medium_assoc.drop_association('keys_attends_0');
SELECT medium_assoc.add('keys_attends', 1, ARRAY[1, 150]);
SELECT medium_assoc.add('keys_attends', 2, ARRAY[2, 150]);
SELECT medium_assoc.add('keys_attends', 3, 999);
SELECT tableoid::regclass::text > '' AS routed, user_id, event_id
  FROM keys_attending ORDER BY 2, 3;
SELECT * FROM keys_attends(1) ORDER BY id;
SELECT * FROM keys_attendees(150) ORDER BY id;
SELECT source, (target).name FROM keys_attends_batch(ARRAY[1, 2, 3]) ORDER BY 1, 2;
SELECT medium_assoc.count('keys_attends', 2), medium_assoc.has('keys_attends', 2, ARRAY[2, 150]);
SELECT * FROM medium_assoc.set('keys_attends', 1, ARRAY[2]);
SELECT medium_assoc.remove('keys_attendees', 150, ARRAY[1, 2]);
SELECT * FROM keys_attending ORDER BY 1, 2;

--
-- columns named like the aliases a statement might use
--
CREATE TABLE keys_notes (
    id integer PRIMARY KEY,
    t text, r text, s text, u text, x text, a text, e text
);
CREATE TABLE keys_noted (
    user_id integer NOT NULL REFERENCES keys_users (id),
    note_id integer NOT NULL REFERENCES keys_notes (id),
    t text, r text, s text, u text, x integer, a text, e text,
    PRIMARY KEY (user_id, note_id)
);
INSERT INTO keys_notes VALUES (1, 't1', 'r1', 's1', 'u1', 'x1', 'a1', 'e1'),
    (2, 't2', 'r2', 's2', 'u2', 'x2', 'a2', 'e2');
SELECT medium_assoc.belongs_to_many('keys_users', 'keys_notes', 'keys_noted',
    'keys_notes_of');
SELECT medium_assoc.belongs_to_many('keys_notes', 'keys_users', 'keys_noted',
    'keys_noters');
SELECT medium_assoc.add('keys_notes_of', 1, ARRAY[1, 2],
    '{"t": "lt", "r": "lr", "s": "ls", "u": "lu", "x": 7, "a": "la", "e": "le"}');
SELECT medium_assoc.add('keys_notes_of', 2, 2, '{"x": 8}');
SELECT * FROM keys_noted ORDER BY 1, 2;
SELECT * FROM keys_notes_of(1) ORDER BY id;
SELECT source, target FROM keys_notes_of_batch(ARRAY[1, 2]) ORDER BY 1, (target).id;
SELECT source, (target).* FROM keys_noters_batch(ARRAY[2]) ORDER BY 1, (target).id;
SELECT medium_assoc.count('keys_notes_of', 1), medium_assoc.has('keys_notes_of', 1, ARRAY[1, 2]);
SELECT * FROM medium_assoc.set('keys_notes_of', 1, ARRAY[2], '{"t": "kept"}');
SELECT medium_assoc.remove('keys_noters', 2, 2);
SELECT * FROM keys_noted ORDER BY 1, 2;

--
-- tables with inheritance children: their rows are part of the table, as
-- in a join
--
CREATE TABLE keys_inh_posts (id integer PRIMARY KEY, title text NOT NULL);
CREATE TABLE keys_inh_posts_archive () INHERITS (keys_inh_posts);
CREATE TABLE keys_inh_links (
    user_id integer NOT NULL,
    post_id integer NOT NULL,
    PRIMARY KEY (user_id, post_id)
);
CREATE TABLE keys_inh_links_old () INHERITS (keys_inh_links);
INSERT INTO keys_inh_posts VALUES (1, 'current'), (2, 'also current');
INSERT INTO keys_inh_posts_archive VALUES (3, 'archived');
SELECT medium_assoc.belongs_to_many('keys_users', 'keys_inh_posts', 'keys_inh_links',
    'keys_inh_posts_of', foreign_key => 'user_id', other_key => 'post_id');
SELECT medium_assoc.add('keys_inh_posts_of', 1, ARRAY[1, 3]);
INSERT INTO keys_inh_links_old VALUES (1, 2), (2, 3);
SELECT tableoid::regclass, * FROM keys_inh_links ORDER BY 2, 3;
SELECT * FROM keys_inh_posts_of(1) ORDER BY id;
SELECT * FROM keys_inh_posts_of(2) ORDER BY id;
SELECT source, (target).* FROM keys_inh_posts_of_batch(ARRAY[1, 2]) ORDER BY 1, 2;
SELECT u.id, p.title FROM keys_users u, LATERAL keys_inh_posts_of(u.id) p ORDER BY 1, 2;
SELECT medium_assoc.count('keys_inh_posts_of', 1), medium_assoc.count('keys_inh_posts_of', 2);
SELECT medium_assoc.has('keys_inh_posts_of', 1, ARRAY[1, 2, 3]);
SELECT medium_assoc.add('keys_inh_posts_of', 1, 2);
SELECT medium_assoc.remove('keys_inh_posts_of', 1, ARRAY[2]);
SELECT * FROM medium_assoc.set('keys_inh_posts_of', 2, ARRAY[1]);
SELECT tableoid::regclass, * FROM keys_inh_links ORDER BY 2, 3;

--
-- clean up
--
SELECT medium_assoc.drop_association(name)
  FROM medium_assoc.associations WHERE name LIKE 'keys\_%' ORDER BY name;
SELECT count(*) FROM medium_assoc.associations WHERE name LIKE 'keys\_%';
SELECT count(*) FROM pg_proc WHERE proname LIKE 'keys\_%';
DROP TABLE keys_inh_links_old, keys_inh_links, keys_inh_posts_archive,
    keys_inh_posts, keys_noted, keys_notes, keys_attending, keys_events,
    keys_loose, keys_tagged, keys_tags,
    keys_big_links, keys_big_items, keys_big_users, keys_memberships,
    keys_groups, keys_accounts, keys_favorites, keys_posts, keys_follows,
    keys_users;

-- Scope on the target, as Sequelize's belongsToMany(..., { scope }): only
-- targets whose columns have the given values are the association's.  They
-- alone are read, counted and tested; adding one outside the scope is
-- refused; set() and remove() leave links to other targets alone.
\set VERBOSITY sqlstate

CREATE TABLE tsc_users (id int PRIMARY KEY);
CREATE TABLE tsc_items (id int PRIMARY KEY, kind text NOT NULL, published date);
CREATE TABLE tsc_saves (user_id int REFERENCES tsc_users, item_id int REFERENCES tsc_items,
                        note text, PRIMARY KEY (user_id, item_id));
INSERT INTO tsc_users VALUES (1), (2);
INSERT INTO tsc_items VALUES (1, 'post', '2024-01-01'), (2, 'post', NULL),
    (3, 'video', '2024-01-01'), (4, 'post', '2024-02-01');
INSERT INTO tsc_saves VALUES (1, 1, NULL), (1, 2, NULL), (1, 3, 'a video');

SELECT medium_assoc.belongs_to_many('tsc_users', 'tsc_items', 'tsc_saves', 'saved_posts',
    target_scope => '{"kind": "post"}');
SELECT medium_assoc.belongs_to_many('tsc_users', 'tsc_items', 'tsc_saves', 'saved_all');
SELECT name, target_scope FROM medium_assoc.associations WHERE name LIKE 'saved%' ORDER BY name;

-- reads: reader, _batch, count, has
SELECT id, kind FROM saved_posts(1) ORDER BY id;
SELECT source, (target).id FROM saved_posts_batch(ARRAY[1, 2]) ORDER BY 1, 2;
SELECT medium_assoc.count('saved_posts', 1), medium_assoc.count('saved_all', 1);
SELECT medium_assoc.has('saved_posts', 1, 1), medium_assoc.has('saved_posts', 1, 3),
       medium_assoc.has('saved_posts', 1, ARRAY[1, 3]), medium_assoc.has('saved_all', 1, 3);

-- writes: a target outside the scope is refused, and nothing changes
\set VERBOSITY default
SELECT medium_assoc.add('saved_posts', 2, ARRAY[1, 3]);
\set VERBOSITY sqlstate
SELECT count(*) FROM tsc_saves WHERE user_id = 2;
SELECT medium_assoc.add('saved_posts', 2, ARRAY[1, 4]);
-- set() replaces the scoped links only: the video stays
SELECT * FROM medium_assoc.set('saved_posts', 1, ARRAY[4], '{"note": "kept"}');
SELECT user_id, item_id, note FROM tsc_saves WHERE user_id = 1 ORDER BY 2;
-- remove() of a target outside the scope removes nothing
SELECT medium_assoc.remove('saved_posts', 1, 3), medium_assoc.remove('saved_posts', 1, 4);
SELECT user_id, item_id FROM tsc_saves WHERE user_id = 1 ORDER BY 2;
-- through_attrs of an existing link outside the scope are not touched
SELECT medium_assoc.add('saved_posts', 1, 4, '{"note": "x"}');
SELECT medium_assoc.add('saved_all', 1, 3, '{"note": "still a video"}');
SELECT item_id, note FROM tsc_saves WHERE user_id = 1 ORDER BY 1;

-- a target whose scoped column changes leaves the association's view
UPDATE tsc_items SET kind = 'draft' WHERE id = 4;
SELECT medium_assoc.count('saved_posts', 1), medium_assoc.has('saved_posts', 1, 4);
UPDATE tsc_items SET kind = 'post' WHERE id = 4;

-- values are resolved at registration (a date, a NULL), as for scope
SET DateStyle = 'SQL, DMY';
SELECT medium_assoc.belongs_to_many('tsc_users', 'tsc_items', 'tsc_saves', 'saved_feb',
    target_scope => '{"kind": "post", "published": "01/02/2024"}');
RESET DateStyle;
SELECT target_scope FROM medium_assoc.associations WHERE name = 'saved_feb';
SELECT id FROM saved_feb(1);
SELECT medium_assoc.belongs_to_many('tsc_users', 'tsc_items', 'tsc_saves', 'saved_undated',
    target_scope => '{"published": null}');
SELECT medium_assoc.add('saved_undated', 2, 2);
SELECT medium_assoc.count('saved_undated', 2), medium_assoc.has('saved_undated', 2, ARRAY[1, 2]);

-- the target scope's columns are tracked and protected like the keys
ALTER TABLE tsc_items RENAME COLUMN kind TO "itemKind";
SELECT target_scope FROM medium_assoc.associations WHERE name = 'saved_posts';
SELECT id FROM saved_posts(1) ORDER BY id;
ALTER TABLE tsc_items DROP COLUMN "itemKind";
ALTER TABLE tsc_items ALTER COLUMN "itemKind" TYPE varchar(10);

-- bad target scopes change nothing
SELECT medium_assoc.belongs_to_many('tsc_users', 'tsc_items', 'tsc_saves', 'bad',
    target_scope => '["kind"]');
SELECT medium_assoc.belongs_to_many('tsc_users', 'tsc_items', 'tsc_saves', 'bad',
    target_scope => '{"nope": 1}');
SELECT medium_assoc.belongs_to_many('tsc_users', 'tsc_items', 'tsc_saves', 'bad',
    target_scope => '{"published": "not a date"}');
SELECT medium_assoc.belongs_to_many('tsc_users', 'tsc_items', 'tsc_saves', 'bad',
    target_scope => '{"itemKind": {"a": 1}}');
SELECT count(*) FROM medium_assoc.associations WHERE name = 'bad';

SELECT medium_assoc.drop_association(name) FROM medium_assoc.associations
 WHERE name IN ('saved_posts', 'saved_all', 'saved_feb', 'saved_undated');
DROP TABLE tsc_saves, tsc_items, tsc_users;

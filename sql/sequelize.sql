-- Tables as Sequelize creates them: a schema of its own, quoted camelCase
-- table and column names, timestamps on the through model.
\set VERBOSITY sqlstate

CREATE SCHEMA "Blog";

CREATE TABLE IF NOT EXISTS "Blog"."Users" (
    "id" SERIAL,
    "username" VARCHAR(255) NOT NULL UNIQUE,
    "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL,
    "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY ("id")
);
CREATE TABLE IF NOT EXISTS "Blog"."Articles" (
    "id" SERIAL,
    "title" VARCHAR(255) NOT NULL,
    "authorId" INTEGER REFERENCES "Blog"."Users" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL,
    "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY ("id")
);
CREATE TABLE IF NOT EXISTS "Blog"."ReadingLists" (
    "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL,
    "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL,
    "userId" INTEGER REFERENCES "Blog"."Users" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    "articleId" INTEGER REFERENCES "Blog"."Articles" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    PRIMARY KEY ("userId", "articleId")
);

INSERT INTO "Blog"."Users" ("username", "createdAt", "updatedAt") VALUES
    ('ada', '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00'),
    ('grace', '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00'),
    ('linus', '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00');
INSERT INTO "Blog"."Articles" ("title", "authorId", "createdAt", "updatedAt") VALUES
    ('Why SQL is not dead', 1, '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00'),
    ('Joins, explained with cats', 2, '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00'),
    ('Indexes you forgot', 2, '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00');

-- identifiers are taken literally: "userId" is not userid
SELECT medium_assoc.belongs_to_many('"Blog"."Users"', '"Blog"."Articles"',
    '"Blog"."ReadingLists"', 'ReadingList', foreign_key => 'userid');
SELECT medium_assoc.belongs_to_many('"Blog"."Users"', '"Blog"."Articles"',
    '"Blog"."ReadingLists"', 'ReadingList', foreign_key => '"userId"');
SELECT medium_assoc.belongs_to_many('"Blog".users', '"Blog"."Articles"',
    '"Blog"."ReadingLists"', 'ReadingList', foreign_key => 'userId');
SELECT count(*) FROM medium_assoc.associations WHERE source::text LIKE '"Blog".%';

-- User.belongsToMany(Article, { through: ReadingList, as: 'ReadingList',
--     foreignKey: 'userId' }); otherKey is inferred
SELECT medium_assoc.belongs_to_many('"Blog"."Users"', '"Blog"."Articles"',
    '"Blog"."ReadingLists"', 'ReadingList', foreign_key => 'userId');
-- Article.belongsToMany(User, { through: ReadingList, as: 'Readers' })
SELECT medium_assoc.belongs_to_many('"Blog"."Articles"', '"Blog"."Users"',
    '"Blog"."ReadingLists"', 'Readers');

SELECT * FROM medium_assoc.associations
 WHERE name IN ('ReadingList', 'Readers') ORDER BY name;

-- the readers land in the source's schema, named as the alias is spelled
SELECT p.oid::regprocedure, n.nspname, p.proname, p.provolatile, p.proisstrict,
       p.prosecdef, pg_get_function_result(p.oid) AS result
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE p.proname IN ('ReadingList', 'ReadingList_batch', 'Readers', 'Readers_batch')
 ORDER BY p.proname COLLATE "C";
SELECT count(*) FROM pg_proc
 WHERE proname IN ('readinglist', 'readers') OR (proname LIKE 'ReadingList%'
   AND pronamespace <> '"Blog"'::regnamespace);
SELECT obj_description('"Blog"."ReadingList"(integer)'::regprocedure, 'pg_proc');

-- Sequelize's through model has NOT NULL timestamps, which Sequelize fills
-- itself: found by their names, they are the association's timestamps,
-- written when a link is made
SELECT timestamps FROM medium_assoc.associations WHERE name IN ('ReadingList', 'Readers');
SELECT medium_assoc.add('ReadingList', 1, ARRAY[1, 2]);
SELECT "userId", "articleId", "createdAt" = "updatedAt" AS same,
       "createdAt" > now() - interval '1 day' AS just_now
  FROM "Blog"."ReadingLists" ORDER BY 1, 2;
-- user.addReadingList(2, { through: { createdAt, updatedAt } }): given
-- timestamps are taken by the links being created
SELECT medium_assoc.add('ReadingList', 2, 2,
    '{"createdAt": "2024-05-02T10:00:00Z", "updatedAt": "2024-05-02T10:00:00Z"}');
-- ... and never rewrite an existing link's: adding it again changes nothing
SELECT medium_assoc.add('ReadingList', 2, 2,
    '{"createdAt": "2024-06-01T10:00:00Z", "updatedAt": "2024-06-01T10:00:00Z"}');
SELECT "userId", "articleId", "createdAt" AT TIME ZONE 'UTC' AS created,
       "updatedAt" AT TIME ZONE 'UTC' AS updated
  FROM "Blog"."ReadingLists" WHERE "userId" = 2 ORDER BY 1, 2;
-- an attribute of the through model: changing it on an existing link moves
-- updatedAt, not createdAt; setting it to what it is moves nothing
ALTER TABLE "Blog"."ReadingLists" ADD COLUMN "note" VARCHAR(255);
SELECT medium_assoc.add('ReadingList', 2, 2, '{"note": "later"}');
SELECT "createdAt" AT TIME ZONE 'UTC' AS created, "updatedAt" > now() - interval '1 day' AS moved,
       "note"
  FROM "Blog"."ReadingLists" WHERE ("userId", "articleId") = (2, 2);
UPDATE "Blog"."ReadingLists" SET "updatedAt" = '2024-05-03T10:00:00Z'
 WHERE ("userId", "articleId") = (2, 2);
SELECT medium_assoc.add('ReadingList', 2, 2, '{"note": "later"}');
SELECT "updatedAt" AT TIME ZONE 'UTC' AS updated
  FROM "Blog"."ReadingLists" WHERE ("userId", "articleId") = (2, 2);
-- through_attrs name columns literally
SELECT medium_assoc.add('ReadingList', 2, 1, '{"createdat": "2024-07-01T10:00:00Z"}');
SELECT medium_assoc.add('ReadingList', 2, 1, '{"userId": 3}');
SELECT medium_assoc.add('ReadingList', 2, 1, '{"createdAt": "yesterday-ish"}');
SELECT medium_assoc.add('ReadingList', 2, 1, '["createdAt"]');
SELECT count(*) FROM "Blog"."ReadingLists";

-- the readers are called by their quoted names
SELECT * FROM "Blog"."ReadingList"(1) ORDER BY "id";
SELECT "id", "title" FROM "Blog"."ReadingList"(2) ORDER BY "id";
SELECT "id", "username" FROM "Blog"."Readers"(2) ORDER BY "id";
SELECT "source", ("target")."title" FROM "Blog"."ReadingList_batch"(ARRAY[1, 2, 3])
 ORDER BY 1, ("target")."id";
SELECT u."username", a."title"
  FROM "Blog"."Users" u, LATERAL "Blog"."ReadingList"(u."id") a
 ORDER BY u."username", a."id";
-- unquoted, the name folds to lower case and does not exist
SELECT * FROM "Blog".ReadingList(1);
-- through the search_path
SET search_path = "Blog", public;
SELECT "id", "title" FROM "ReadingList"(1) ORDER BY "id";
SELECT source, (target)."username" FROM "Readers_batch"('{1,2,3}') ORDER BY 1, 2;
SELECT name, source, target, through FROM medium_assoc.associations
 WHERE name IN ('ReadingList', 'Readers') ORDER BY name;
RESET search_path;

-- the association's name is the alias, case and all
SELECT medium_assoc.count('ReadingList', 1);
SELECT medium_assoc.count('readinglist', 1);
SELECT medium_assoc.count('"ReadingList"', 1);
SELECT medium_assoc.has('ReadingList', 1, '{1,2,3}');
SELECT medium_assoc.has('Readers', 2, '{1,2}');
-- user.setReadingList([3], { through: { ... } }): the new link takes the
-- given timestamps, the kept one keeps its own
SELECT * FROM medium_assoc.set('ReadingList', 1, ARRAY[3],
    '{"createdAt": "2024-08-01T10:00:00Z", "updatedAt": "2024-08-01T10:00:00Z"}');
SELECT * FROM medium_assoc.set('ReadingList', 1, ARRAY[3, 1],
    '{"createdAt": "2024-08-02T10:00:00Z", "updatedAt": "2024-08-02T10:00:00Z"}');
SELECT "userId", "articleId", "createdAt" AT TIME ZONE 'UTC' AS created,
       "updatedAt" AT TIME ZONE 'UTC' AS updated
  FROM "Blog"."ReadingLists" WHERE "userId" = 1 ORDER BY 1, 2;
SELECT medium_assoc.remove('ReadingList', 1, ARRAY[1]);
SELECT "id" FROM "Blog"."ReadingList"(1) ORDER BY "id";
-- ON DELETE CASCADE of the through model's foreign keys
DELETE FROM "Blog"."Articles" WHERE "id" = 3;
SELECT count(*) FROM "Blog"."ReadingList"(1);
SELECT medium_assoc.count('Readers', 2);

-- odd names: a table with a space, columns with a double quote and a space,
-- aliases with a space and a double quote
CREATE TABLE "Blog"."Saved Articles" (
    "user ""id""" integer NOT NULL REFERENCES "Blog"."Users" ("id"),
    "article id" integer NOT NULL REFERENCES "Blog"."Articles" ("id"),
    "saved ""at""" timestamptz,
    PRIMARY KEY ("user ""id""", "article id")
);
SELECT medium_assoc.belongs_to_many('"Blog"."Users"', '"Blog"."Articles"',
    '"Blog"."Saved Articles"', 'saved articles');
SELECT medium_assoc.belongs_to_many('"Blog"."Articles"', '"Blog"."Users"',
    '"Blog"."Saved Articles"', 'saved "by"', foreign_key => 'article id',
    other_key => 'user "id"');
SELECT name, source, target, through, foreign_key, other_key, reader
  FROM medium_assoc.associations
 WHERE name IN ('saved articles', 'saved "by"') ORDER BY name;
SELECT obj_description('"Blog"."saved articles"(integer)'::regprocedure, 'pg_proc');
SELECT obj_description('"Blog"."saved ""by"""(integer)'::regprocedure, 'pg_proc');
SELECT medium_assoc.add('saved articles', 1, ARRAY[1, 2],
    '{"saved \"at\"": "2024-09-01T00:00:00Z"}');
SELECT medium_assoc.add('saved "by"', 2, 3);
SELECT "user ""id""", "article id", "saved ""at""" AT TIME ZONE 'UTC' AS saved
  FROM "Blog"."Saved Articles" ORDER BY 1, 2;
SELECT "id", "title" FROM "Blog"."saved articles"(1) ORDER BY "id";
SELECT "id", "username" FROM "Blog"."saved ""by"""(2) ORDER BY "id";
SELECT source, (target)."id" FROM "Blog"."saved articles_batch"(ARRAY[1, 3]) ORDER BY 1, 2;
SELECT source, (target)."id" FROM "Blog"."saved ""by""_batch"(ARRAY[1, 2]) ORDER BY 1, 2;
SELECT * FROM medium_assoc.set('saved articles', 1, ARRAY[2]);
SELECT medium_assoc.has('saved "by"', 2, ARRAY[1, 3]);
SELECT medium_assoc.count('saved "by"', 2);
SELECT medium_assoc.remove('saved "by"', 2, 3);
SELECT "user ""id""", "article id" FROM "Blog"."Saved Articles" ORDER BY 1, 2;

-- clean up
SELECT medium_assoc.drop_association('saved "by"');
SELECT medium_assoc.drop_association('saved articles');
SELECT medium_assoc.drop_association('Readers');
SELECT medium_assoc.drop_association('ReadingList');
SELECT count(*) FROM medium_assoc.associations
 WHERE name IN ('ReadingList', 'Readers', 'saved articles', 'saved "by"');
SELECT count(*) FROM pg_proc WHERE pronamespace = '"Blog"'::regnamespace;
DROP SCHEMA "Blog" CASCADE;

-- Timestamps of links, as Sequelize keeps them.  The schema is what
-- sequelize-cli migrations make for models MediumUser, MediumArticle and
-- MediumReadingList (a through model with its own id): "createdAt" and
-- "updatedAt" are NOT NULL without a default, since Sequelize fills them.
-- Registered with no extra argument, the association fills them too: both
-- when a link is created, "updatedAt" when an existing link's attributes
-- change, "createdAt" never again.
\set VERBOSITY sqlstate

CREATE TABLE "MediumUsers" (
    "id" SERIAL,
    "username" VARCHAR(255),
    "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL,
    "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY ("id"));
CREATE TABLE "MediumArticles" (
    "id" SERIAL,
    "title" VARCHAR(255),
    "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL,
    "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY ("id"));
CREATE TABLE "MediumReadingLists" (
    "id" SERIAL,
    "userId" INTEGER REFERENCES "MediumUsers" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    "articleId" INTEGER REFERENCES "MediumArticles" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    "note" VARCHAR(255),
    "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL,
    "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY ("id"));
INSERT INTO "MediumUsers" ("username", "createdAt", "updatedAt")
VALUES ('ada', now(), now()), ('grace', now(), now());
INSERT INTO "MediumArticles" ("title", "createdAt", "updatedAt")
SELECT 'article ' || g, now(), now() FROM generate_series(1, 4) g;

-- the first call a user makes
SELECT medium_assoc.belongs_to_many('"MediumUsers"', '"MediumArticles"',
    '"MediumReadingLists"', 'readingList');
SELECT foreign_key, other_key, timestamps FROM medium_assoc.associations WHERE name = 'readingList';
SELECT medium_assoc.add('readingList', 1, ARRAY[1, 2]);
SELECT medium_assoc.add('readingList', 1, 3, '{"note": "later"}');
CREATE VIEW rl_times AS
SELECT "userId", "articleId", "note", "createdAt" = "updatedAt" AS same,
       "createdAt" > now() - interval '1 day' AS recent
  FROM "MediumReadingLists";
SELECT * FROM rl_times ORDER BY 1, 2;
SELECT "title" FROM "readingList"(1) ORDER BY 1;

-- kept links: createdAt stays; updatedAt moves only when attributes change
UPDATE "MediumReadingLists" SET "createdAt" = '2024-01-01Z', "updatedAt" = '2024-01-01Z';
SELECT medium_assoc.add('readingList', 1, ARRAY[1, 2], '{"note": "later"}');
SELECT * FROM medium_assoc.set('readingList', 1, ARRAY[2, 3, 4], '{"note": "later"}');
SELECT "articleId", "note",
       CASE WHEN "createdAt" = '2024-01-01Z' THEN 'kept' ELSE 'new' END AS created,
       CASE WHEN "updatedAt" = '2024-01-01Z' THEN 'kept' ELSE 'moved' END AS updated
  FROM "MediumReadingLists" WHERE "userId" = 1 ORDER BY 1;
-- given timestamps are taken by the links being created only
SELECT medium_assoc.add('readingList', 2, ARRAY[1, 2],
    '{"createdAt": "2023-05-01Z", "updatedAt": "2023-05-02Z"}');
SELECT medium_assoc.add('readingList', 2, ARRAY[1, 3],
    '{"createdAt": "2022-01-01Z", "updatedAt": "2022-01-01Z"}');
SELECT "articleId", "createdAt" AT TIME ZONE 'UTC' AS created,
       "updatedAt" AT TIME ZONE 'UTC' AS updated
  FROM "MediumReadingLists" WHERE "userId" = 2 ORDER BY 1;

-- the timestamps follow renames, and are protected like the keys
ALTER TABLE "MediumReadingLists" RENAME COLUMN "updatedAt" TO "modifiedAt";
SELECT timestamps FROM medium_assoc.associations WHERE name = 'readingList';
SELECT medium_assoc.add('readingList', 2, 4);
SELECT "modifiedAt" > now() - interval '1 day' AS recent
  FROM "MediumReadingLists" WHERE ("userId", "articleId") = (2, 4);
ALTER TABLE "MediumReadingLists" DROP COLUMN "createdAt";
ALTER TABLE "MediumReadingLists" ALTER COLUMN "modifiedAt" TYPE timestamp;

-- other names: Sequelize's underscored: true, found too
CREATE TABLE medium_saves (
    user_id int REFERENCES "MediumUsers", article_id int REFERENCES "MediumArticles",
    created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
    saved_on date, rank int);
SELECT medium_assoc.belongs_to_many('"MediumUsers"', '"MediumArticles"', 'medium_saves', 'saves');
SELECT timestamps FROM medium_assoc.associations WHERE name = 'saves';
SELECT medium_assoc.add('saves', 1, 1);
SELECT medium_assoc.drop_association('saves');
-- named explicitly; null or false leaves one out
SELECT medium_assoc.belongs_to_many('"MediumUsers"', '"MediumArticles"', 'medium_saves', 'saves',
    timestamps => '{"createdAt": "saved_on", "updatedAt": null}');
SELECT timestamps FROM medium_assoc.associations WHERE name = 'saves';
SELECT medium_assoc.drop_association('saves');
-- none: the NOT NULL columns are then the caller's to fill
SELECT medium_assoc.belongs_to_many('"MediumUsers"', '"MediumArticles"', 'medium_saves', 'saves',
    timestamps => 'false');
SELECT timestamps FROM medium_assoc.associations WHERE name = 'saves';
SELECT medium_assoc.add('saves', 2, 2);
SELECT medium_assoc.add('saves', 2, 2, '{"created_at": "2024-01-01Z", "updated_at": "2024-01-01Z"}');
SELECT medium_assoc.drop_association('saves');

-- paranoid through rows (Sequelize's paranoid: true, "deletedAt"): remove
-- and set mark links deleted, reads and counts ignore them, adding one
-- again restores it
CREATE TABLE medium_follows (
    "followerId" int REFERENCES "MediumUsers", "articleId" int REFERENCES "MediumArticles",
    "createdAt" timestamptz NOT NULL, "updatedAt" timestamptz NOT NULL, "deletedAt" timestamptz,
    PRIMARY KEY ("followerId", "articleId"));
SELECT medium_assoc.belongs_to_many('"MediumUsers"', '"MediumArticles"', 'medium_follows', 'follows',
    timestamps => '{"deletedAt": "deletedAt"}');
SELECT timestamps FROM medium_assoc.associations WHERE name = 'follows';
SELECT medium_assoc.add('follows', 1, ARRAY[1, 2, 3]);
SELECT medium_assoc.remove('follows', 1, 2);
SELECT medium_assoc.remove('follows', 1, 2);
CREATE VIEW mf AS SELECT "articleId", "deletedAt" IS NOT NULL AS deleted FROM medium_follows;
SELECT * FROM mf ORDER BY 1;
SELECT "title" FROM follows(1) ORDER BY 1;
SELECT source, (target)."id" FROM follows_batch(ARRAY[1]) ORDER BY 2;
SELECT medium_assoc.count('follows', 1), medium_assoc.has('follows', 1, 2),
       medium_assoc.has('follows', 1, ARRAY[1, 3]);
SELECT * FROM medium_assoc.set('follows', 1, ARRAY[2, 3]);
SELECT * FROM mf ORDER BY 1;
UPDATE medium_follows SET "updatedAt" = '2024-01-01Z' WHERE "articleId" = 1;
SELECT medium_assoc.add('follows', 1, ARRAY[1, 4]);
SELECT "articleId", "deletedAt" IS NOT NULL AS deleted, "updatedAt" > '2024-01-01Z' AS touched
  FROM medium_follows ORDER BY 1;
SELECT medium_assoc.count('follows', 1);
SELECT medium_assoc.add('follows', 1, 1, '{"deletedAt": "2024-01-01Z"}');
-- a new link is live whatever deletedAt's default
ALTER TABLE medium_follows ALTER COLUMN "deletedAt" SET DEFAULT now();
SELECT medium_assoc.add('follows', 2, 1);
SELECT medium_assoc.has('follows', 2, 1);
-- a deletedAt column must be nullable
SELECT medium_assoc.belongs_to_many('"MediumUsers"', '"MediumArticles"', 'medium_follows', 'bad',
    timestamps => '{"deletedAt": "createdAt", "createdAt": null}');
DROP VIEW mf;
SELECT medium_assoc.drop_association('follows');
DROP TABLE medium_follows;

-- bad timestamps arguments change nothing
SELECT medium_assoc.belongs_to_many('"MediumUsers"', '"MediumArticles"', 'medium_saves', 'bad',
    timestamps => '{"created": "created_at"}');
SELECT medium_assoc.belongs_to_many('"MediumUsers"', '"MediumArticles"', 'medium_saves', 'bad',
    timestamps => '{"createdAt": "nope"}');
SELECT medium_assoc.belongs_to_many('"MediumUsers"', '"MediumArticles"', 'medium_saves', 'bad',
    timestamps => '{"createdAt": "rank"}');
SELECT medium_assoc.belongs_to_many('"MediumUsers"', '"MediumArticles"', 'medium_saves', 'bad',
    timestamps => '{"createdAt": "user_id"}');
SELECT medium_assoc.belongs_to_many('"MediumUsers"', '"MediumArticles"', 'medium_saves', 'bad',
    timestamps => '{"createdAt": "created_at", "updatedAt": "created_at"}');
SELECT medium_assoc.belongs_to_many('"MediumUsers"', '"MediumArticles"', 'medium_saves', 'bad',
    timestamps => '"yes"');
SELECT medium_assoc.belongs_to_many('"MediumUsers"', '"MediumArticles"', 'medium_saves', 'bad',
    timestamps => '{"createdAt": 1}');
SELECT count(*) FROM medium_assoc.associations WHERE name = 'bad';

DROP VIEW rl_times;
SELECT medium_assoc.drop_association('readingList');
DROP TABLE medium_saves, "MediumReadingLists", "MediumArticles", "MediumUsers";

-- The schema sequelize-cli migrations make for models MediumUser,
-- MediumArticle and MediumReadingList (a through model with its own id and
-- userId/articleId references), as SQL: pluralized, quoted, camelCase names,
-- "createdAt"/"updatedAt" NOT NULL without a default.
CREATE EXTENSION IF NOT EXISTS medium_assoc;
CREATE TABLE IF NOT EXISTS "MediumUsers" ("id" SERIAL, "username" VARCHAR(255),
    "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL, "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY ("id"));
CREATE TABLE IF NOT EXISTS "MediumArticles" ("id" SERIAL, "title" VARCHAR(255),
    "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL, "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY ("id"));
CREATE TABLE IF NOT EXISTS "MediumReadingLists" ("id" SERIAL,
    "userId" INTEGER REFERENCES "MediumUsers" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    "articleId" INTEGER REFERENCES "MediumArticles" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL, "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY ("id"));
INSERT INTO "MediumUsers" ("username", "createdAt", "updatedAt")
VALUES ('ada', now(), now()), ('grace', now(), now());
INSERT INTO "MediumArticles" ("title", "createdAt", "updatedAt")
SELECT 'article ' || g, now(), now() FROM generate_series(1, 8) g;
-- the first call, with no extra argument
SELECT medium_assoc.belongs_to_many('"MediumUsers"', '"MediumArticles"',
    '"MediumReadingLists"', 'readingList');

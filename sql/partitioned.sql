-- Partitioned through tables: the readers, count(), has() and the link
-- helpers answer what the statements answer on a table partitioned by hash
-- of the source key (a source's links in one partition, found by routing
-- its key), by list and range of it (with a default partition), and by
-- range of time (every partition scanned); partitions whose columns are
-- numbered differently, partitions attached and detached, an index missing
-- on one partition, privileges and row-level security of the partitioned
-- table, and a partition that is itself partitioned.
\set VERBOSITY sqlstate

CREATE TABLE pt_users (id int PRIMARY KEY, name text);
CREATE TABLE pt_articles (id int PRIMARY KEY, title text);
INSERT INTO pt_users SELECT g, 'u' || g FROM generate_series(1, 60) g;
INSERT INTO pt_articles SELECT g, 'a' || g FROM generate_series(1, 40) g;

-- hash of the source key, 16 partitions, as the bench has it
CREATE TABLE pt_hash (
    user_id int NOT NULL REFERENCES pt_users ON DELETE CASCADE,
    article_id int NOT NULL REFERENCES pt_articles ON DELETE CASCADE,
    saved_at timestamptz NOT NULL DEFAULT '2026-01-01',
    PRIMARY KEY (user_id, article_id)) PARTITION BY HASH (user_id);
SELECT format('CREATE TABLE pt_hash_%s PARTITION OF pt_hash FOR VALUES WITH (MODULUS 16, REMAINDER %s)', r, r)
FROM generate_series(0, 15) r \gexec
-- links: user u saved the articles (u * k) % 40 + 1 for k < u % 9
INSERT INTO pt_hash (user_id, article_id, saved_at)
SELECT DISTINCT ON (u, (u * k) % 40 + 1) u, (u * k) % 40 + 1, timestamptz '2026-01-01' + (u * k % 300) * interval '1 day'
FROM generate_series(1, 60) u, generate_series(0, 8) k WHERE k < u % 9;
SELECT medium_assoc.belongs_to_many('pt_users', 'pt_articles', 'pt_hash', 'pt_hash_reads');

-- every way of asking, against the hand-written statements, for every user
-- and a key no partition holds (_linked: add()'s test for an existing link)
CREATE FUNCTION pt_mismatches(alias text, through text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    EXECUTE format($q$
        SELECT count(*) FROM generate_series(-1, 61) u, LATERAL (
            SELECT (SELECT array_agg(id ORDER BY id) FROM %1$I(u)) AS reader,
                   (SELECT array_agg((b.target).id ORDER BY (b.target).id)
                      FROM %1$I_batch(ARRAY[u]) b) AS batch,
                   medium_assoc.count(%1$L, u) AS count,
                   medium_assoc.has(%1$L, u, 7) AS has7,
                   medium_assoc.has(%1$L, u, ARRAY[1, 7]) AS has17,
                   medium_assoc._linked(%1$L, u, 7) AS linked7,
                   (SELECT array_agg(a.id ORDER BY a.id) FROM %2$s r
                      JOIN pt_articles a ON a.id = r.article_id
                     WHERE r.user_id = u) AS hand,
                   EXISTS (SELECT 1 FROM %2$s r JOIN pt_articles a ON a.id = r.article_id
                            WHERE r.user_id = u AND r.article_id = 7) AS hand_has7,
                   (SELECT count(*) = 2 FROM %2$s r JOIN pt_articles a ON a.id = r.article_id
                     WHERE r.user_id = u AND r.article_id IN (1, 7)) AS hand_has17,
                   EXISTS (SELECT 1 FROM %2$s r
                            WHERE r.user_id = u AND r.article_id = 7) AS hand_linked7) x
        WHERE reader IS DISTINCT FROM hand OR batch IS DISTINCT FROM hand
           OR count <> coalesce(cardinality(hand), 0)
           OR has7 <> hand_has7 OR has17 <> hand_has17
           OR linked7 <> hand_linked7$q$, alias, through)
    INTO n;
    RETURN n;
END $$;
SELECT pt_mismatches('pt_hash_reads', 'pt_hash') AS mismatches,
       (SELECT count(*) FROM pt_hash) AS links;
SELECT count(*) FILTER (WHERE medium_assoc._linked('pt_hash_reads', u, 7)) AS linked_to_7,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM pt_hash WHERE user_id = u AND article_id = 7)) AS hand
FROM generate_series(-1, 61) u;
-- _linked's arguments: NULLs match nothing, as = does; wrong types, no
-- association
SELECT medium_assoc._linked('pt_hash_reads', 5, NULL::int) AS null_target,
       medium_assoc._linked('pt_hash_reads', NULL::int, 7) AS null_source;
SELECT medium_assoc._linked('pt_hash_reads', 5::bigint, 7);
SELECT medium_assoc._linked(NULL, 5, 7);
SELECT medium_assoc._linked('no_such_alias', 5, 7);
-- one reader call per row of a join keeps its walk open across rows
SELECT count(*) AS lateral_rows,
       (SELECT count(*) FROM pt_hash r JOIN pt_articles a ON a.id = r.article_id) AS hand
FROM pt_users u, LATERAL pt_hash_reads(u.id);
-- writes route to the source's partition
SELECT medium_assoc.add('pt_hash_reads', 5, ARRAY[38, 39]);
SELECT medium_assoc.remove('pt_hash_reads', 5, 39);
SELECT medium_assoc.set('pt_hash_reads', 6, ARRAY[1, 2, 3]);
SELECT tableoid::regclass AS partition, user_id, array_agg(article_id ORDER BY article_id)
FROM pt_hash WHERE user_id IN (5, 6) GROUP BY 1, 2 ORDER BY 2;
SELECT pt_mismatches('pt_hash_reads', 'pt_hash') AS mismatches;
SELECT id FROM pt_hash_reads(6) ORDER BY id;

-- list and range of the source key, with a default partition; a partition
-- whose columns are numbered differently from the partitioned table's
CREATE TABLE pt_list (
    user_id int NOT NULL REFERENCES pt_users,
    article_id int NOT NULL REFERENCES pt_articles,
    PRIMARY KEY (user_id, article_id)) PARTITION BY LIST (user_id);
CREATE TABLE pt_list_odd PARTITION OF pt_list FOR VALUES IN (1, 3, 5, 7, 9, 11);
CREATE TABLE pt_list_rest PARTITION OF pt_list DEFAULT;
CREATE TABLE pt_list_even (dropped text, article_id int NOT NULL, user_id int NOT NULL,
                           PRIMARY KEY (user_id, article_id));
ALTER TABLE pt_list_even DROP COLUMN dropped;
ALTER TABLE pt_list ATTACH PARTITION pt_list_even FOR VALUES IN (2, 4, 6, 8, 10);
INSERT INTO pt_list SELECT user_id, article_id FROM pt_hash;
SELECT medium_assoc.belongs_to_many('pt_users', 'pt_articles', 'pt_list', 'pt_list_reads');
SELECT pt_mismatches('pt_list_reads', 'pt_list') AS mismatches;
SELECT attname, attnum FROM pg_attribute
WHERE attrelid = 'pt_list_even'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum;

CREATE TABLE pt_range (
    user_id int NOT NULL REFERENCES pt_users,
    article_id int NOT NULL REFERENCES pt_articles,
    PRIMARY KEY (user_id, article_id)) PARTITION BY RANGE (user_id);
CREATE TABLE pt_range_low PARTITION OF pt_range FOR VALUES FROM (MINVALUE) TO (20);
CREATE TABLE pt_range_mid PARTITION OF pt_range FOR VALUES FROM (20) TO (40);
INSERT INTO pt_range SELECT user_id, article_id FROM pt_hash WHERE user_id < 40;
SELECT medium_assoc.belongs_to_many('pt_users', 'pt_articles', 'pt_range', 'pt_range_reads');
-- users 40 and up have no partition yet: no links, and adding one fails as
-- the INSERT would, changing nothing
SELECT count(*) FROM pt_range_reads(45);
SELECT medium_assoc.add('pt_range_reads', 45, 1);
SELECT medium_assoc.add('pt_range_reads', 45, ARRAY[1, 2]);
-- attaching a partition with its links makes them readable at once
CREATE TABLE pt_range_high (LIKE pt_range INCLUDING ALL);
INSERT INTO pt_range_high SELECT user_id, article_id FROM pt_hash WHERE user_id >= 40;
ALTER TABLE pt_range ATTACH PARTITION pt_range_high FOR VALUES FROM (40) TO (MAXVALUE);
SELECT pt_mismatches('pt_range_reads', 'pt_range') AS mismatches;
SELECT count(*) AS links_of_45 FROM pt_range_reads(45);
SELECT medium_assoc.add('pt_range_reads', 45, 1);
-- detaching one makes its links go, and leaves the rest working
ALTER TABLE pt_range DETACH PARTITION pt_range_mid;
SELECT count(*) AS links_of_25 FROM pt_range_reads(25);
SELECT medium_assoc.count('pt_range_reads', 25), medium_assoc.has('pt_range_reads', 25, 1);
SELECT pt_mismatches('pt_range_reads', 'pt_range') AS mismatches;
ALTER TABLE pt_range DETACH PARTITION pt_range_high CONCURRENTLY;
SELECT pt_mismatches('pt_range_reads', 'pt_range') AS mismatches;
ALTER TABLE pt_range ATTACH PARTITION pt_range_mid FOR VALUES FROM (20) TO (40);
ALTER TABLE pt_range ATTACH PARTITION pt_range_high FOR VALUES FROM (40) TO (MAXVALUE);
SELECT pt_mismatches('pt_range_reads', 'pt_range') AS mismatches;
-- the association itself was never touched
SELECT name, through FROM medium_assoc.associations WHERE name LIKE 'pt_%' ORDER BY 1;

-- range of time: every partition holds links of every user
CREATE TABLE pt_time (
    user_id int NOT NULL REFERENCES pt_users,
    article_id int NOT NULL REFERENCES pt_articles,
    saved_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, article_id, saved_at)) PARTITION BY RANGE (saved_at);
SELECT format('CREATE TABLE pt_time_%s PARTITION OF pt_time FOR VALUES FROM (%L) TO (%L)',
              q, timestamptz '2026-01-01' + (q - 1) * interval '3 months',
              timestamptz '2026-01-01' + q * interval '3 months')
FROM generate_series(1, 4) q \gexec
CREATE INDEX ON pt_time (user_id, saved_at);
INSERT INTO pt_time SELECT user_id, article_id, saved_at FROM pt_hash;
SELECT medium_assoc.belongs_to_many('pt_users', 'pt_articles', 'pt_time', 'pt_time_reads');
SELECT pt_mismatches('pt_time_reads', 'pt_time') AS mismatches;
-- a link outside every partition's range fails as the INSERT does
SELECT medium_assoc.add('pt_time_reads', 1, 40,
                        through_attrs => '{"saved_at": "2030-01-01"}');
SELECT medium_assoc.add('pt_time_reads', 1, 40,
                        through_attrs => '{"saved_at": "2026-05-01"}');
SELECT count(*) FROM pt_time WHERE user_id = 1 AND article_id = 40;

-- a partition without an index led by the foreign key: the statements
-- answer; once it has one, the walk again
CREATE TABLE pt_noidx (user_id int NOT NULL, article_id int NOT NULL)
    PARTITION BY HASH (user_id);
CREATE TABLE pt_noidx_0 PARTITION OF pt_noidx FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE pt_noidx_1 PARTITION OF pt_noidx FOR VALUES WITH (MODULUS 2, REMAINDER 1);
CREATE INDEX ON pt_noidx_0 (user_id, article_id);
INSERT INTO pt_noidx SELECT user_id, article_id FROM pt_hash;
SELECT medium_assoc.belongs_to_many('pt_users', 'pt_articles', 'pt_noidx', 'pt_noidx_reads',
                                    foreign_key => 'user_id', other_key => 'article_id');
SELECT pt_mismatches('pt_noidx_reads', 'pt_noidx') AS mismatches;
CREATE INDEX ON pt_noidx_1 (user_id);
SELECT pt_mismatches('pt_noidx_reads', 'pt_noidx') AS mismatches;
DROP INDEX pt_noidx_0_user_id_article_id_idx;
SELECT pt_mismatches('pt_noidx_reads', 'pt_noidx') AS mismatches;

-- a partition that is itself partitioned
CREATE TABLE pt_sub (
    user_id int NOT NULL REFERENCES pt_users,
    article_id int NOT NULL REFERENCES pt_articles,
    PRIMARY KEY (user_id, article_id)) PARTITION BY RANGE (user_id);
CREATE TABLE pt_sub_low PARTITION OF pt_sub FOR VALUES FROM (MINVALUE) TO (30)
    PARTITION BY HASH (user_id);
CREATE TABLE pt_sub_low_0 PARTITION OF pt_sub_low FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE pt_sub_low_1 PARTITION OF pt_sub_low FOR VALUES WITH (MODULUS 2, REMAINDER 1);
CREATE TABLE pt_sub_high PARTITION OF pt_sub FOR VALUES FROM (30) TO (MAXVALUE);
INSERT INTO pt_sub SELECT user_id, article_id FROM pt_hash;
SELECT medium_assoc.belongs_to_many('pt_users', 'pt_articles', 'pt_sub', 'pt_sub_reads');
SELECT pt_mismatches('pt_sub_reads', 'pt_sub') AS mismatches;

-- privileges and row-level security are the partitioned table's, as for
-- a statement reading it: a role that may read pt_hash but none of its
-- partitions reads every link; a policy on a partition does not apply
-- through the partitioned table; one on the partitioned table does
CREATE ROLE pt_reader;
GRANT SELECT ON pt_users, pt_articles, pt_hash TO pt_reader;
ALTER TABLE pt_hash_3 ENABLE ROW LEVEL SECURITY;
ALTER TABLE pt_hash_3 FORCE ROW LEVEL SECURITY;
SET ROLE pt_reader;
SELECT pt_mismatches('pt_hash_reads', 'pt_hash') AS mismatches,
       (SELECT count(*) FROM pt_hash) AS links_seen;
SELECT count(*) FROM pt_hash_3;
RESET ROLE;
ALTER TABLE pt_hash ENABLE ROW LEVEL SECURITY;
CREATE POLICY pt_even ON pt_hash FOR SELECT USING (article_id % 2 = 0);
SET ROLE pt_reader;
SELECT pt_mismatches('pt_hash_reads', 'pt_hash') AS mismatches,
       (SELECT count(*) FROM pt_hash) AS links_seen;
SELECT bool_and(a.id % 2 = 0) AS only_even FROM pt_users u, LATERAL pt_hash_reads(u.id) a;
RESET ROLE;
REVOKE SELECT ON pt_hash FROM pt_reader;
SET ROLE pt_reader;
SELECT count(*) FROM pt_hash_reads(5);
SELECT medium_assoc.count('pt_hash_reads', 5);
SELECT medium_assoc._linked('pt_hash_reads', 5, 7);
RESET ROLE;
DROP POLICY pt_even ON pt_hash;
ALTER TABLE pt_hash DISABLE ROW LEVEL SECURITY;
ALTER TABLE pt_hash_3 DISABLE ROW LEVEL SECURITY;

-- a partition's columns renamed with the partitioned table's (RENAME
-- recurses) and a new partition attached inside a transaction that read
-- before: the reader sees it in the next statement
BEGIN;
SELECT count(*) FROM pt_range_reads(45);
ALTER TABLE pt_range DETACH PARTITION pt_range_high;
SELECT count(*) FROM pt_range_reads(45);
ALTER TABLE pt_range ATTACH PARTITION pt_range_high FOR VALUES FROM (40) TO (MAXVALUE);
SELECT count(*) FROM pt_range_reads(45);
ROLLBACK;
ALTER TABLE pt_list RENAME COLUMN user_id TO reader_id;
SELECT pt_mismatches('pt_list_reads', '(SELECT reader_id AS user_id, article_id FROM pt_list)') AS mismatches;

REVOKE ALL ON pt_users, pt_articles FROM pt_reader;
DROP ROLE pt_reader;

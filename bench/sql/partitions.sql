-- bench/sql/partitions.sql: the reading list again, partitioned two ways,
-- with the same rows, indexes and association as medium_reading_list:
--   medium_reading_list_hash  PARTITION BY HASH (user_id), 16 partitions
--                             (association reading_list_hash)
--   medium_reading_list_time  PARTITION BY RANGE (saved_at), one partition
--                             per month of 2023 and a default one for links
--                             saved now (association reading_list_time); its
--                             primary key must hold the partition key
CREATE TABLE medium_reading_list_hash (
    user_id    integer NOT NULL REFERENCES medium_users (id) ON DELETE CASCADE,
    article_id integer NOT NULL REFERENCES medium_articles (id) ON DELETE CASCADE,
    saved_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, article_id)
) PARTITION BY HASH (user_id);
SELECT format('CREATE TABLE medium_reading_list_hash_%s PARTITION OF medium_reading_list_hash'
              ' FOR VALUES WITH (MODULUS 16, REMAINDER %s)', r, r)
  FROM generate_series(0, 15) AS r
\gexec

CREATE TABLE medium_reading_list_time (
    user_id    integer NOT NULL REFERENCES medium_users (id) ON DELETE CASCADE,
    article_id integer NOT NULL REFERENCES medium_articles (id) ON DELETE CASCADE,
    saved_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, article_id, saved_at)
) PARTITION BY RANGE (saved_at);
SELECT format('CREATE TABLE medium_reading_list_time_%s PARTITION OF medium_reading_list_time'
              ' FOR VALUES FROM (%L) TO (%L)', m,
              timestamptz '2023-01-01 00:00+00' + (m - 1) * interval '1 month',
              timestamptz '2023-01-01 00:00+00' + m * interval '1 month')
  FROM generate_series(1, 12) AS m
\gexec
CREATE TABLE medium_reading_list_time_default PARTITION OF medium_reading_list_time DEFAULT;

INSERT INTO medium_reading_list_hash SELECT * FROM medium_reading_list ORDER BY saved_at, user_id, article_id;
INSERT INTO medium_reading_list_time SELECT * FROM medium_reading_list ORDER BY saved_at, user_id, article_id;
CREATE INDEX ON medium_reading_list_hash (article_id);
CREATE INDEX ON medium_reading_list_hash (user_id, saved_at);
CREATE INDEX ON medium_reading_list_time (article_id);
CREATE INDEX ON medium_reading_list_time (user_id, saved_at);

SELECT medium_assoc.belongs_to_many('medium_users', 'medium_articles',
    'medium_reading_list_hash', 'reading_list_hash', foreign_key => 'user_id');
SELECT medium_assoc.belongs_to_many('medium_users', 'medium_articles',
    'medium_reading_list_time', 'reading_list_time', foreign_key => 'user_id');
VACUUM ANALYZE medium_reading_list_hash, medium_reading_list_time;

-- the same answers as the hand-written statements on the same table
DO $$
DECLARE
    uid integer;
    bad bigint;
BEGIN
    FOR uid IN SELECT id FROM medium_users WHERE id % 97 = 1 OR id <= 50 LOOP
        SELECT count(*) INTO bad FROM (
            (SELECT * FROM reading_list_hash(uid)
             EXCEPT ALL SELECT a.* FROM medium_reading_list_hash r
               JOIN medium_articles a ON a.id = r.article_id WHERE r.user_id = uid)
            UNION ALL
            (SELECT * FROM reading_list_time(uid)
             EXCEPT ALL SELECT a.* FROM medium_reading_list_time r
               JOIN medium_articles a ON a.id = r.article_id WHERE r.user_id = uid)
            UNION ALL
            (SELECT * FROM reading_list(uid)
             EXCEPT ALL SELECT * FROM reading_list_time(uid))) d;
        IF bad > 0
           OR medium_assoc.count('reading_list_hash', uid) <> medium_assoc.count('reading_list', uid)
           OR medium_assoc.count('reading_list_time', uid) <> medium_assoc.count('reading_list', uid)
           OR medium_assoc.has('reading_list_hash', uid, uid * 7919 % 1000 + 1)
              <> medium_assoc.has('reading_list', uid, uid * 7919 % 1000 + 1)
           OR medium_assoc.has('reading_list_time', uid, uid * 7919 % 1000 + 1)
              <> medium_assoc.has('reading_list', uid, uid * 7919 % 1000 + 1) THEN
            RAISE EXCEPTION 'partitioned reading lists differ for user %', uid;
        END IF;
    END LOOP;
END $$;

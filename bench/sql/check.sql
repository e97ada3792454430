-- Before timing anything: each medium_assoc call returns what its hand-written
-- counterpart returns, for the first 200 users, the heaviest user and the
-- bulk reader; and each assoc query of bench_check (bench/sql/queries.sql:
-- the link rows, pages, top 3 and documents, the reader and batch in the
-- eager groups, the pgbench pairs' statements) returns the rows of its
-- hand-written counterpart (count and sum of row hashes; non-empty).  Prints
-- one line "ok" or stops with an error.
--   psql variables: bulk_uid

\set ON_ERROR_STOP 1

DO $$
DECLARE
    uids int[];
    uid int;
    bad int;
BEGIN
    SELECT array_agg(id) INTO uids FROM (
        (SELECT id FROM medium_users WHERE username <> 'bulk_reader' ORDER BY id LIMIT 200)
        UNION
        (SELECT user_id FROM medium_reading_list GROUP BY user_id ORDER BY count(*) DESC LIMIT 1)
    ) s;
    FOREACH uid IN ARRAY uids LOOP
        SELECT count(*) INTO bad FROM (
            (SELECT * FROM reading_list(uid)
             EXCEPT ALL
             SELECT a.* FROM medium_reading_list r JOIN medium_articles a ON a.id = r.article_id
              WHERE r.user_id = uid)
            UNION ALL
            (SELECT a.* FROM medium_reading_list r JOIN medium_articles a ON a.id = r.article_id
              WHERE r.user_id = uid
             EXCEPT ALL
             SELECT * FROM reading_list(uid))
        ) d;
        IF bad <> 0 THEN
            RAISE EXCEPTION 'reading_list(%) differs from the hand join in % rows', uid, bad;
        END IF;
        IF medium_assoc.count('reading_list', uid::text)
           <> (SELECT count(*) FROM medium_reading_list WHERE user_id = uid) THEN
            RAISE EXCEPTION 'count(%) differs', uid;
        END IF;
        IF medium_assoc.has('reading_list', uid::text,
                            (SELECT min(article_id) FROM medium_reading_list WHERE user_id = uid)::text)
           IS NOT TRUE THEN
            RAISE EXCEPTION 'has(%) of a linked article is not true', uid;
        END IF;
    END LOOP;
END
$$;

DO $$
DECLARE
    c record;
    a record;
    h record;
BEGIN
    FOR c IN SELECT k.*, qa.q AS assoc_q, qh.q AS hand_q
               FROM bench_check k
               JOIN bench_query qa ON qa.name = k.assoc
               JOIN bench_query qh ON qh.name = k.hand
              ORDER BY k.assoc, k.hand LOOP
        EXECUTE format('SELECT count(*) AS n, sum(hashtextextended(c::text, 0)) AS h FROM (%s) c',
                       format(c.assoc_rows, c.assoc_q)) INTO a;
        EXECUTE format('SELECT count(*) AS n, sum(hashtextextended(c::text, 0)) AS h FROM (%s) c',
                       format(c.hand_rows, c.hand_q)) INTO h;
        IF h.n = 0 THEN
            RAISE EXCEPTION '% returns no rows: nothing to compare % with', c.hand, c.assoc;
        END IF;
        IF a.n <> h.n OR a.h IS DISTINCT FROM h.h THEN
            RAISE EXCEPTION '% differs from % (% rows against %, or other rows)',
                c.assoc, c.hand, a.n, h.n;
        END IF;
    END LOOP;
END
$$;

-- one statement each: a reader on a cold association cache must not share a
-- query with a parallel plan (the count of the bulk links may get one)
SELECT count(*) AS batch_rows FROM reading_list_batch(ARRAY(SELECT generate_series(1, 500)))
\gset
SELECT count(*) AS bulk_rows FROM read_history(:bulk_uid)
\gset
SELECT CASE WHEN :batch_rows = (SELECT count(*) FROM medium_reading_list WHERE user_id <= 500)
             AND :bulk_rows = (SELECT count(*) FROM medium_read_history WHERE user_id = :bulk_uid)
       THEN 'ok' ELSE 'MISMATCH' END AS check;

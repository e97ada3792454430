-- Eager loading of the first :n users, timed in the server: the execution
-- time EXPLAIN (ANALYZE, TIMING OFF) reports (rows are produced but not sent),
-- median of :reps repetitions; the two sides of a pair alternate, and each
-- query runs once untimed first.  Output: name|median ms|rows|used parallel workers.
--   psql variables: n, reps

\set ON_ERROR_STOP 1
SELECT set_config('bench.reps', :'reps', false) \g /dev/null

CREATE TEMP TABLE eager_query (name text PRIMARY KEY, q text NOT NULL);
INSERT INTO eager_query VALUES
('lateral_assoc', format(
  'SELECT u.id, a.* FROM medium_users u CROSS JOIN LATERAL reading_list(u.id) a WHERE u.id <= %s', :n)),
('lateral_hand', format(
  'SELECT r.user_id, a.* FROM medium_reading_list r JOIN medium_articles a ON a.id = r.article_id WHERE r.user_id <= %s', :n)),
('batch_assoc', format(
  'SELECT * FROM reading_list_batch(ARRAY(SELECT generate_series(1, %s)))', :n)),
('batch_hand', format(
  'SELECT r.user_id, a.* FROM medium_reading_list r JOIN medium_articles a ON a.id = r.article_id WHERE r.user_id = ANY (ARRAY(SELECT generate_series(1, %s)))', :n));

CREATE FUNCTION pg_temp.exec_ms(q text, OUT ms float8, OUT nrows float8,
                                 OUT parallel bool)
LANGUAGE plpgsql AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE 'EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON, FORMAT JSON) ' || q INTO plan;
    ms := (plan -> 0 ->> 'Execution Time')::float8;
    nrows := (plan -> 0 -> 'Plan' ->> 'Actual Rows')::float8;
    parallel := plan::text LIKE '%"Workers Launched"%';
END
$$;

CREATE TEMP TABLE eager_sample (name text, rep int, ms float8, nrows float8, parallel bool);

DO $$
DECLARE
    reps int := current_setting('bench.reps')::int;
    pair text[];
    side text;
    r record;
BEGIN
    -- warm up caches and plans
    FOR r IN SELECT * FROM eager_query LOOP
        PERFORM pg_temp.exec_ms(r.q);
    END LOOP;
    FOR i IN 1 .. reps LOOP
        FOREACH side IN ARRAY CASE WHEN i % 2 = 1
                                   THEN ARRAY['lateral_assoc', 'lateral_hand', 'batch_assoc', 'batch_hand']
                                   ELSE ARRAY['lateral_hand', 'lateral_assoc', 'batch_hand', 'batch_assoc'] END
        LOOP
            INSERT INTO eager_sample
            SELECT side, i, e.ms, e.nrows, e.parallel
              FROM eager_query q, pg_temp.exec_ms(q.q) e
             WHERE q.name = side;
        END LOOP;
    END LOOP;
END
$$;

SELECT name,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 2) AS median_ms,
       max(nrows)::bigint AS nrows,
       bool_or(parallel) AS parallel
  FROM eager_sample GROUP BY name ORDER BY name;

-- The in-server measurements: the timed queries of bench_query
-- (bench/sql/queries.sql: eager loading by an array of ids and by a
-- predicate, per-user top 3, documents), each group against its hand-written
-- query.  Timed in the server: the execution time EXPLAIN (ANALYZE, TIMING
-- OFF) reports (rows are produced but not sent), median of :reps
-- repetitions; within a group the assoc queries and the hand-written one
-- alternate (assoc first in odd repetitions, hand first in even ones), and
-- each query runs once untimed first.
-- Output: name|median ms|rows|used parallel workers.
--   psql variables: reps

\set ON_ERROR_STOP 1
SELECT set_config('bench.reps', :'reps', false) \g /dev/null

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
    r record;
BEGIN
    -- warm up caches and plans
    FOR r IN SELECT * FROM bench_query WHERE timed ORDER BY grp, name LOOP
        PERFORM pg_temp.exec_ms(r.q);
    END LOOP;
    FOR i IN 1 .. reps LOOP
        FOR r IN SELECT * FROM bench_query WHERE timed
                  ORDER BY grp,
                           CASE WHEN i % 2 = 1 THEN hand::int ELSE -hand::int END,
                           CASE WHEN i % 2 = 1 THEN name END,
                           CASE WHEN i % 2 = 0 THEN name END DESC LOOP
            INSERT INTO eager_sample
            SELECT r.name, i, e.ms, e.nrows, e.parallel
              FROM pg_temp.exec_ms(r.q) e;
        END LOOP;
    END LOOP;
END
$$;

SELECT name,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 2) AS median_ms,
       max(nrows)::bigint AS nrows,
       bool_or(parallel) AS parallel
  FROM eager_sample GROUP BY name ORDER BY name;

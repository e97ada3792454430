-- add+remove, hand-written for a through table whose unique key cannot
-- keep (user_id, article_id) unique (partitioned by time: the key holds
-- saved_at): the same guarantee as add() without one, a transaction lock
-- on the user taken before looking for the link, then INSERT unless linked
-- and DELETE
\set uid case when :zipfian then random_zipfian(1, :users, 1.1) else random(1, :users) end
-- a fresh article nobody saved (unless another client links it right now)
\set aid :savable + random(1, :fresh)
BEGIN;
SELECT pg_advisory_xact_lock(:uid);
INSERT INTO medium_reading_list (user_id, article_id) SELECT :uid, :aid
 WHERE NOT EXISTS (SELECT 1 FROM medium_reading_list WHERE user_id = :uid AND article_id = :aid);
DELETE FROM medium_reading_list WHERE user_id = :uid AND article_id = :aid;
END;

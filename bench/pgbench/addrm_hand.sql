-- add+remove: hand-written INSERT ... ON CONFLICT DO NOTHING and DELETE
\set uid case when :zipfian then random_zipfian(1, :users, 1.1) else random(1, :users) end
-- a fresh article nobody saved (unless another client links it right now)
\set aid :savable + random(1, :fresh)
BEGIN;
INSERT INTO medium_reading_list (user_id, article_id) VALUES (:uid, :aid) ON CONFLICT DO NOTHING;
DELETE FROM medium_reading_list WHERE user_id = :uid AND article_id = :aid;
END;

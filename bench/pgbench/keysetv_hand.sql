-- keyset: the page after (key_ts, key_aid), the middle of the page reader's
-- list, hand-written
SELECT a.*, r.user_id, r.article_id, r.saved_at FROM medium_reading_list r JOIN medium_articles a ON a.id = r.article_id WHERE r.user_id = :page_uid AND r.saved_at <= :key_ts AND (r.saved_at < :key_ts OR r.article_id > :key_aid) ORDER BY r.saved_at DESC, r.article_id LIMIT 20;

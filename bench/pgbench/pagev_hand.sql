-- page: the first page of the page reader's list, newest first, hand-written
SELECT a.*, r.user_id, r.article_id, r.saved_at FROM medium_reading_list r JOIN medium_articles a ON a.id = r.article_id WHERE r.user_id = :page_uid ORDER BY r.saved_at DESC, r.article_id LIMIT 20;

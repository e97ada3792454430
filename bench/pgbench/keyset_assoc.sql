-- keyset: the page after (key_ts, key_aid), the middle of the page reader's
-- list, through the link rows function
SELECT * FROM reading_list_links(:page_uid) WHERE link_saved_at <= :key_ts AND (link_saved_at < :key_ts OR link_article_id > :key_aid) ORDER BY link_saved_at DESC, link_article_id LIMIT 20;

-- keyset, view: the page after (key_ts, key_aid), the middle of the page
-- reader's list, through the link rows view
SELECT * FROM reading_list_links WHERE link_user_id = :page_uid AND link_saved_at <= :key_ts AND (link_saved_at < :key_ts OR link_article_id > :key_aid) ORDER BY link_saved_at DESC, link_article_id LIMIT 20;

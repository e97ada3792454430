-- page, view: the first page of the page reader's list, newest first, through
-- the link rows view
SELECT * FROM reading_list_links WHERE link_user_id = :page_uid ORDER BY link_saved_at DESC, link_article_id LIMIT 20;

-- reader: the hand-written join
\set uid case when :zipfian then random_zipfian(1, :users, 1.1) else random(1, :users) end
SELECT a.* FROM medium_reading_list r JOIN medium_articles a ON a.id = r.article_id WHERE r.user_id = :uid;

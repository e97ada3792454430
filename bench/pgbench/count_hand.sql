-- count: hand-written, through table only
\set uid case when :zipfian then random_zipfian(1, :users, 1.1) else random(1, :users) end
SELECT count(*) FROM medium_reading_list WHERE user_id = :uid;

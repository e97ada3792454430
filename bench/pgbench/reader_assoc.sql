-- reader: medium_assoc's generated reader
\set uid case when :zipfian then random_zipfian(1, :users, 1.1) else random(1, :users) end
SELECT * FROM reading_list(:uid);

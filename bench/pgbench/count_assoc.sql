-- count: medium_assoc.count (joins the target, so that its RLS applies)
\set uid case when :zipfian then random_zipfian(1, :users, 1.1) else random(1, :users) end
SELECT medium_assoc.count('reading_list', :uid);

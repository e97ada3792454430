-- has: hand-written EXISTS with the join to the target, as medium_assoc.has
-- does (a link counts only if its target row is there and visible)
\set uid case when :zipfian then random_zipfian(1, :users, 1.1) else random(1, :users) end
-- half of the calls ask for an article the user saved (the first of the
-- progression setup.sql generates), half for a fresh article nobody saved
\set hit random(0, 1)
\set aid case when :hit = 1 then (:uid * 7919 % :savable) + 1 else :savable + random(1, :fresh) end
SELECT EXISTS (SELECT 1 FROM medium_reading_list r JOIN medium_articles a ON a.id = r.article_id
               WHERE r.user_id = :uid AND r.article_id = :aid);

-- has: medium_assoc.has of one article
\set uid case when :zipfian then random_zipfian(1, :users, 1.1) else random(1, :users) end
-- half of the calls ask for an article the user saved (the first of the
-- progression setup.sql generates), half for a fresh article nobody saved
\set hit random(0, 1)
\set aid case when :hit = 1 then (:uid * 7919 % :savable) + 1 else :savable + random(1, :fresh) end
SELECT medium_assoc.has('reading_list', :uid, :aid);

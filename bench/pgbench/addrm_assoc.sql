-- add+remove: link one article and unlink it, in one transaction
\set uid case when :zipfian then random_zipfian(1, :users, 1.1) else random(1, :users) end
-- a fresh article nobody saved (unless another client links it right now)
\set aid :savable + random(1, :fresh)
BEGIN;
SELECT medium_assoc.add('reading_list', :uid, :aid);
SELECT medium_assoc.remove('reading_list', :uid, :aid);
END;

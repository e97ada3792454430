-- json: one document per user for json_n consecutive users from a random
-- offset, saved_at nested in each article, hand-written jsonb_agg
\set lo random(1, :users - :json_n + 1)
\set hi :lo + :json_n - 1
SELECT u.id, l.doc FROM medium_users u CROSS JOIN LATERAL (SELECT COALESCE(jsonb_agg(to_jsonb(a) || jsonb_build_object('medium_reading_list', jsonb_build_object('saved_at', r.saved_at))), '[]') AS doc FROM medium_reading_list r JOIN medium_articles a ON a.id = r.article_id WHERE r.user_id = u.id) l WHERE u.id BETWEEN :lo AND :hi;

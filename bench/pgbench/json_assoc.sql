-- json: one document per user for json_n consecutive users from a random
-- offset, saved_at nested in each article, through the documents function
\set lo random(1, :users - :json_n + 1)
\set hi :lo + :json_n - 1
SELECT u.id, j.reading_list FROM medium_users u CROSS JOIN LATERAL reading_list_json(u.id, ARRAY['saved_at']) j WHERE u.id BETWEEN :lo AND :hi;

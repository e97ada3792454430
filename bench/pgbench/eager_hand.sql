-- eager: client_n consecutive users from a random offset and all their
-- links, every row sent to the client, hand-written three-table join
\set lo random(1, :users - :client_n + 1)
\set hi :lo + :client_n - 1
SELECT u.id, a.*, r.user_id, r.article_id, r.saved_at FROM medium_users u JOIN medium_reading_list r ON r.user_id = u.id JOIN medium_articles a ON a.id = r.article_id WHERE u.id BETWEEN :lo AND :hi;

-- eager: client_n consecutive users from a random offset and all their
-- links, every row sent to the client, through the link rows function
\set lo random(1, :users - :client_n + 1)
\set hi :lo + :client_n - 1
SELECT u.id, l.* FROM medium_users u CROSS JOIN LATERAL reading_list_links(u.id) l WHERE u.id BETWEEN :lo AND :hi;

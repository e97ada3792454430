#!/usr/bin/env bash
# The examples (examples/medium_clone.sql, examples/github.sql) must run
# without an error in a fresh database and leave what their last calls made:
# ada's reading list as the last set() made it, linus's followers, the claps;
# hello-world's members and hubot's repos.
set -euo pipefail
cd "$(dirname "$0")/../.."

export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
db=medium_assoc_example
run() {     # example, then query=expected pairs
    local example=$1; shift
    psql -XAtq -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
    psql -Xq -v ON_ERROR_STOP=1 -d "$db" -f "examples/$example.sql" >/dev/null
    while [ $# -gt 0 ]; do
        got=$(psql -XAt -v ON_ERROR_STOP=1 -d "$db" -c "$1")
        [ "$got" = "$2" ] || { echo "$example: $1 gave '$got', expected '$2'"; exit 1; }
        shift 2
    done
    psql -XAtq -c "DROP DATABASE $db"
}

run medium_clone \
    "SELECT string_agg(id::text, ',' ORDER BY id) FROM reading_list(1)" "3,4" \
    "SELECT string_agg(username, ',' ORDER BY username) FROM followers(3)" "ada,grace" \
    "SELECT sum(link_claps) FROM clapped_links WHERE id = 1" "11" \
    "SELECT string_agg(title, ',' ORDER BY title) FROM reading_list(2)" "Drafts are articles too,Joins, explained with cats" \
    "SELECT authored_count(2)" "3" \
    "SELECT username FROM author(4)" "linus" \
    "SELECT string_agg(username, ',' ORDER BY username) FROM saved_authors(1)" "grace,linus"
run github \
    "SELECT string_agg(login, ',' ORDER BY login) FROM users(1)" "monalisa,octocat" \
    "SELECT string_agg(name || ':' || link_role, ',' ORDER BY name) FROM repos_links(2)" "docs:member,hubot-scripts:admin"

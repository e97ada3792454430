#!/bin/bash
# sharded.sh: the Medium clone sharded with PL/Proxy (examples/sharded)
# answers what one node answers.
#
# Brings up an origin, two shards and a router (separate clusters on free
# ports, examples/sharded/deploy.sh), loads the same data into one database
# on one node, and proves that:
#   - every reader and helper the router has (reading_list and its reverse,
#     readers, which fans out) returns what the one node returns, for every
#     user, many articles, a key no one has and NULL, pages ordered and
#     limited on the router included;
#   - the same writes through the router and on the one node leave the
#     same links, errors included;
#   - concurrent set() and add()/remove() of one user through the router stay
#     atomic and race-free on its shard;
#   - a role granted nothing on the router reads, routed and fanned out, but
#     writes only when granted EXECUTE on a writer and its proxy;
#   - a shard that is down, or hung, fails a call routed to it, and a fan-out,
#     with an error naming it (a hung one: the shards the call waited for)
#     within a bounded time, never a partial result, and the router session
#     works again afterwards;
#   - the documented hazards: a rollback on the router does not undo a shard's
#     write; a fanned-out write that fails on one shard keeps what another
#     committed; linking an article the shards have not received yet fails with
#     23503 and works once replication caught up; deleting an article on the
#     origin leaves no dangling link on the shards.
# Run as root (it makes and drops clusters with pg_createcluster).
set -euo pipefail
cd "$(dirname "$0")/../.."
. .ci/testlib.sh

port_free() { ! (: <>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && [ ! -e "/var/run/postgresql/.s.PGSQL.$1" ]; }
BASE=$((10000 + RANDOM % 9000))
until port_free "$BASE" && port_free $((BASE + 1)) && port_free $((BASE + 2)) && port_free $((BASE + 3)); do
    BASE=$((BASE + 4))
done
export BASE SHARDS=2 USERS=400 ARTICLES=300 LINKS=9 QUERY_TIMEOUT=3 PREFIX=ma_ci_$$
ROUTER=$((BASE + 3)) ORIGIN=$BASE
unset PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD PGOPTIONS
WORK=$(mktemp -d)
cleanup() {
    # a stopped shard must not keep the drop waiting
    for n in 0 1; do
        pid=$(head -1 "/var/lib/postgresql/15/${PREFIX}_shard$n/postmaster.pid" 2>/dev/null || true)
        [ -n "$pid" ] && kill -CONT "$pid" $(pgrep -P "$pid") 2>/dev/null || true
    done
    examples/sharded/deploy.sh down >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

examples/sharded/deploy.sh up >"$WORK/up.log" 2>&1 || { cat "$WORK/up.log"; exit 1; }
PGOPTIONS="-c client_min_messages=warning" examples/sharded/deploy.sh single >>"$WORK/up.log" 2>&1 \
    || { cat "$WORK/up.log"; exit 1; }
pass "deployed: origin $ORIGIN, shards $((BASE + 1)) and $((BASE + 2)), router $ROUTER"

router() { psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$ROUTER" -U postgres -d medium "$@"; }
single() { psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$ORIGIN" -U postgres -d medium_single "$@"; }
shard() { psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $((BASE + 1 + $1)) -U postgres -d medium "${@:2}"; }

# the same statements on the router and on one node, compared line by line
same() {            # label file
    # (PL/Proxy reports dropping the connection after a remote error)
    PGOPTIONS="-c client_min_messages=warning" router -f "$2" >"$WORK/router.out" 2>&1 || true
    single -f "$2" >"$WORK/single.out" 2>&1 || true
    if cmp -s "$WORK/router.out" "$WORK/single.out"; then
        pass "$1: $(wc -l <"$WORK/single.out") lines alike"
    else
        fail "$1: the router differs from one node"
        diff "$WORK/single.out" "$WORK/router.out" | head -20 || true
    fi
}

# --- reads, every key ---
cat >"$WORK/reads.sql" <<SQL
SELECT u, (SELECT string_agg(r::text, ';' ORDER BY r.id) FROM reading_list(u) r),
       reading_list_count(u), reading_list_has(u, ARRAY[u % $ARTICLES + 1]),
       reading_list_has(u, ARRAY(SELECT r.id FROM reading_list(u) r)),
       (SELECT string_agg(l::text, ';' ORDER BY l.id) FROM reading_list_links(u) l),
       (SELECT jsonb_agg(e ORDER BY e::text) FROM reading_list_json(u, ARRAY['saved_at']) j,
               jsonb_array_elements(j.reading_list) e)
  FROM generate_series(-1, $USERS + 1) u
UNION ALL
SELECT NULL, (SELECT count(*) FROM reading_list(NULL))::text, reading_list_count(NULL),
       reading_list_has(NULL, ARRAY[1]), NULL, NULL, NULL;
SELECT a, (SELECT string_agg(r::text, ';' ORDER BY r.id) FROM readers(a) r),
       readers_count(a), readers_has(a, ARRAY[1, 2, 3]),
       readers_has(a, ARRAY(SELECT r.id FROM readers(a) r)),
       (SELECT string_agg(l::text, ';' ORDER BY l.id) FROM readers_links(a) l),
       (SELECT jsonb_agg(e ORDER BY e::text) FROM readers_json(a) j, jsonb_array_elements(j.readers) e)
  FROM generate_series(0, $ARTICLES + 1) a
UNION ALL
SELECT NULL, (SELECT count(*) FROM readers(NULL))::text, readers_count(NULL), NULL, NULL, NULL, NULL;
SELECT b.source, b.target FROM reading_list_batch(ARRAY(SELECT generate_series(-1, $USERS + 1))) b
 ORDER BY 1, (b.target).id;
SELECT b.source, b.target FROM reading_list_batch(ARRAY[1, NULL, 2, 1]) b ORDER BY 1, (b.target).id;
SELECT b.source, b.target FROM readers_batch(ARRAY[1, 2, 3, 299]) b ORDER BY 1, (b.target).id;
-- pages, ordered and limited on the router
SELECT * FROM reading_list_links(8) ORDER BY link_saved_at DESC, link_article_id LIMIT 3;
SELECT * FROM reading_list_links(8) WHERE (link_saved_at, link_article_id) < ('2026-02-01', 1)
 ORDER BY link_saved_at DESC, link_article_id LIMIT 3;
SELECT * FROM readers(5) ORDER BY name DESC LIMIT 4;
SELECT * FROM readers_links(5) ORDER BY link_saved_at, id LIMIT 4 OFFSET 1;
SQL
same "reads of every user and article" "$WORK/reads.sql"

# --- writes, errors included (SQLSTATE only: the router adds its own prefix) ---
cat >"$WORK/writes.sql" <<'SQL'
\set ON_ERROR_STOP 0
\set VERBOSITY sqlstate
SELECT reading_list_add(1, ARRAY[10, 11, 12]);
SELECT reading_list_add(2, ARRAY[10]);
SELECT reading_list_remove(3, ARRAY(SELECT id FROM reading_list(3) LIMIT 2));
SELECT * FROM reading_list_set(4, ARRAY[7, 8, 9]);
SELECT * FROM reading_list_set(5, '{}');
SELECT reading_list_add(6, ARRAY[100000]);
SELECT reading_list_add(100000, ARRAY[1]);
SELECT reading_list_add(NULL, ARRAY[1]);
SELECT reading_list_add(7, NULL);
SELECT reading_list_add(7, ARRAY[1], '{"no_such_column": 1}');
SELECT readers_add(20, ARRAY[1, 2, 3, 4, 5, 6]);
SELECT readers_remove(20, ARRAY[2, 3]);
SELECT readers_add(21, ARRAY[1, 100000]);
SELECT readers_add(21, '{}');
SELECT readers_has(20, ARRAY[1, 4, 5, 6]), readers_has(20, ARRAY[1, 2]), readers_count(20);
SELECT readers_has(20, NULL);
SELECT readers_add(20, NULL);
SELECT readers_remove(20, '{}');
SELECT readers_has(NULL, ARRAY[1]), readers_count(NULL);
SELECT readers_has(20, ARRAY[1, NULL]), readers_has(20, ARRAY[7, NULL]), readers_has(20, ARRAY[NULL]::int[]);
SELECT readers_has(NULL, '{}');
SELECT readers_add(NULL, '{}');
SELECT readers_remove(NULL, '{}');
SELECT reading_list_has(1, ARRAY[NULL]::int[]), reading_list_has(1, '{}');
SQL
same "writes and their errors" "$WORK/writes.sql"
( shard 0 -c "SELECT user_id, article_id FROM medium_reading_list"
  shard 1 -c "SELECT user_id, article_id FROM medium_reading_list" ) | sort >"$WORK/links.router"
single -c "SELECT user_id, article_id FROM medium_reading_list" | sort >"$WORK/links.single"
if cmp -s "$WORK/links.router" "$WORK/links.single"; then
    pass "after the writes the shards hold the one node's $(wc -l <"$WORK/links.single") links"
else
    fail "after the writes the links differ"; diff "$WORK/links.single" "$WORK/links.router" | head || true
fi
for n in 0 1; do
    wrong=$(shard "$n" -c "SELECT count(*) FROM medium_reading_list WHERE medium_assoc.shard_of(user_id, 2) <> $n")
    [ "$wrong" = 0 ] && pass "shard $n holds only its users' links" || fail "shard $n holds $wrong foreign links"
done

# --- concurrent writers of one user, through the router ---
U=$(shard 1 -c "SELECT min(id) FROM medium_users")
cat >"$WORK/set.sql" <<SQL
\set k random(1, 4)
SELECT * FROM reading_list_set($U, ARRAY[:k * 10, :k * 10 + 1, :k * 10 + 2]);
SQL
cat >"$WORK/addrm.sql" <<SQL
\set a random(200, 260)
SELECT reading_list_add($U, ARRAY[:a]);
SELECT reading_list_remove($U, ARRAY[:a + 1]);
SQL
bench() { /usr/lib/postgresql/15/bin/pgbench -n -h 127.0.0.1 -p "$ROUTER" -U postgres "$@" medium 2>&1; }
out=$(bench -c 4 -j 2 -T 3 -f "$WORK/set.sql")
list=$(router -c "SELECT string_agg(id::text, ',' ORDER BY id) FROM reading_list($U)")
if echo "$out" | grep -q 'number of failed transactions: 0' && [[ $list =~ ^(10,11,12|20,21,22|30,31,32|40,41,42)$ ]]; then
    pass "4 clients calling set() for user $U ($(echo "$out" | awk '/^number of transactions actually processed/ { print $NF }') calls): the list is one caller's, $list"
else
    fail "concurrent set(): list '$list'"; echo "$out" | tail -5
fi
out=$(bench -c 4 -j 2 -T 3 -f "$WORK/addrm.sql")
dups=$(shard 1 -c "SELECT count(*) - count(DISTINCT article_id) FROM medium_reading_list WHERE user_id = $U")
cnt=$(router -c "SELECT reading_list_count($U) = (SELECT count(*) FROM reading_list($U))")
if echo "$out" | grep -q 'number of failed transactions: 0' && [ "$dups" = 0 ] && [ "$cnt" = t ]; then
    pass "4 clients adding and removing for user $U: no failure, no duplicate, count() agrees"
else
    fail "concurrent add/remove: dups $dups, count agrees $cnt"; echo "$out" | tail -5
fi

# --- a role without privileges of its own on the router ---
router -c "CREATE ROLE ma_app LOGIN"
app() { psql -X -q -At -h 127.0.0.1 -p "$ROUTER" -U ma_app -d medium "$@" 2>&1; }
r=$(app -c "SELECT count(*) = $(router -c "SELECT count(*) FROM reading_list($U)") FROM reading_list($U)")
c=$(app -c "SELECT readers_count(1) = $(router -c "SELECT readers_count(1)")")
[ "$r" = t ] && [ "$c" = t ] && pass "a role granted nothing reads through the router, routed and fanned out" \
    || fail "a plain role's reads: $r / $c"
w1=$(app -v VERBOSITY=sqlstate -c "SELECT reading_list_add($U, ARRAY[1])" || true)
w2=$(app -v VERBOSITY=sqlstate -c "SELECT medium_assoc_router.reading_list_add($U, ARRAY[1])" || true)
w3=$(app -v VERBOSITY=sqlstate -c "SELECT medium_assoc_router.readers_add_whole(1, NULL)" || true)
[ "$w1" = "ERROR:  42501" ] && [ "$w2" = "ERROR:  42501" ] && [ "$w3" = "ERROR:  42501" ] \
    && pass "it cannot write links, neither by the function nor by its proxy" \
    || fail "a plain role's writes: $w1 / $w2 / $w3"
router -c "GRANT EXECUTE ON FUNCTION reading_list_add(integer, integer[], jsonb, jsonb), reading_list_remove(integer, integer[]), medium_assoc_router.reading_list_add(integer, integer[], jsonb, jsonb), medium_assoc_router.reading_list_remove(integer, integer[]) TO ma_app"
A=$(router -c "SELECT min(id) FROM generate_series(1, 300) AS g(id) WHERE NOT reading_list_has($U, ARRAY[id])")
w=$(app -c "SELECT reading_list_add($U, ARRAY[$A]) + reading_list_remove($U, ARRAY[$A])")
[ "$w" = 2 ] && pass "granted EXECUTE on a writer and its proxy, it writes" || fail "granted writer: $w"

# --- a shard down, a shard hung ---
U1=$(shard 1 -c "SELECT min(id) FROM medium_users")
U0=$(shard 0 -c "SELECT min(id) FROM medium_users")
timed() {           # label max_seconds sql: fails within max_seconds, naming the shard if named
    local t0 t1 out rc=0
    t0=$(date +%s%N)
    out=$(router -c "$3" 2>&1) || rc=$?
    t1=$(date +%s%N)
    local ms=$(((t1 - t0) / 1000000))
    if [ "$rc" -ne 0 ] && [ "$ms" -le $(($2 * 1000)) ]; then
        pass "$1: error after ${ms} ms: $(echo "$out" | head -1 | cut -c1-160)"
    else
        fail "$1: exit $rc after ${ms} ms: $out"
    fi
    LAST_ERROR=$out
}
pg_ctlcluster 15 "${PREFIX}_shard1" stop -m immediate
timed "shard 1 down, its user's reader" 5 "SELECT * FROM reading_list($U1)"
echo "$LAST_ERROR" | grep -q "port $((BASE + 2))" && pass "the error names the shard (port $((BASE + 2)))" \
    || fail "the error does not name the shard: $LAST_ERROR"
timed "shard 1 down, a fan-out (readers)" 5 "SELECT count(*) FROM readers(1)"
timed "shard 1 down, a write" 5 "SELECT reading_list_add($U1, ARRAY[1])"
n=$(router -c "SELECT count(*) >= 0 FROM reading_list($U0)") && [ "$n" = t ] \
    && pass "shard 0's users are still served" || fail "shard 0's users are not served"
pg_ctlcluster 15 "${PREFIX}_shard1" start
n=$(router -c "SELECT count(*) = $(shard 1 -c "SELECT count(*) FROM reading_list($U1)") FROM reading_list($U1)")
[ "$n" = t ] && pass "shard 1 back: its user's reader answers again" || fail "shard 1 back: $n"

pm=$(head -1 "/var/lib/postgresql/15/${PREFIX}_shard1/postmaster.pid")
kill -STOP "$pm" $(pgrep -P "$pm")
limit=$((QUERY_TIMEOUT + 2 + 3))
hung() {            # label sql pattern: fails in time, its error matching pattern
    timed "shard 1 hung, $1" "$limit" "$2"
    echo "$LAST_ERROR" | grep -q "$3" && pass "$1: the error names the shards it waited for" \
        || fail "$1: the shards are not named: $LAST_ERROR"
}
S0="shard 0 (host=127.0.0.1 port=$((BASE + 1)) dbname=medium)"
S1="shard 1 (host=127.0.0.1 port=$((BASE + 2)) dbname=medium)"
hung "its user's reader" "SELECT * FROM reading_list($U1)" "ERROR:  no answer from $S1 of cluster medium_cluster: "
hung "a count" "SELECT reading_list_count($U1)" "no answer from $S1 of cluster"
hung "a _batch of users of both shards" "SELECT count(*) FROM reading_list_batch(ARRAY[$U0, $U1])" \
    "no answer from $S0, $S1 of cluster"
hung "a fanned-out count (readers_count)" "SELECT readers_count(1)" "no answer from $S0, $S1 of cluster"
hung "a fan-out (readers)" "SELECT count(*) FROM readers(1)" "no answer from $S0, $S1 of cluster"
kill -CONT "$pm" $(pgrep -P "$pm")
sleep 1
n=$(router -c "SELECT count(*) = $(shard 1 -c "SELECT count(*) FROM reading_list($U1)") FROM reading_list($U1)")
[ "$n" = t ] && pass "shard 1 answering again: the router serves it" || fail "after the hang: $n"

# one router session running a psql script that stops shard 1 (and lets it
# go on): its output in OUT, the milliseconds it printed alone on a line in MS
stopped_session() {  # script max_seconds
    OUT=$(timeout "$2" psql -X -At -h 127.0.0.1 -p "$ROUTER" -U postgres -d medium -f "$1" 2>&1 || true)
    kill -CONT "$pm" $(pgrep -P "$pm") 2>/dev/null || true
    MS=$(echo "$OUT" | grep -E '^[0-9]+$' | head -1)
}

# a shard whose backend hangs while the router holds its connection (a
# session that already called it): the router's statement_timeout ends it
cat >"$WORK/warm.sql" <<SQL
SELECT count(*) >= 0 AS warm FROM reading_list($U1);
\\! kill -STOP \$(psql -X -At -h 127.0.0.1 -p $((BASE + 2)) -U postgres -d medium -c "SELECT string_agg(pid::text, ' ') FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")
\\set t0 \`date +%s%N\`
SELECT count(*) FROM reading_list($U1);
\\set t1 \`date +%s%N\`
\\! kill -CONT \$(pgrep -P $pm)
SELECT ((:t1 - :t0) / 1000000)::int AS ms;
SELECT count(*) >= 0 AS again FROM reading_list($U1);
SQL
stopped_session "$WORK/warm.sql" 60
if echo "$OUT" | grep -q "ERROR:  no answer from shard 1 (.*port=$((BASE + 2)).*)" && [ -n "$MS" ] && [ "$MS" -le $((limit * 1000)) ] && [ "$(echo "$OUT" | grep -c '^t$')" = 2 ]; then
    pass "shard 1's backend hung under an open connection: error after $MS ms ($(echo "$OUT" | grep ERROR | head -1 | cut -c1-120)), the session works again"
else
    fail "shard 1's backend hung under an open connection: $OUT"
fi

# the whole shard stopped (its postmaster too, as in a paused container)
# while the router holds connections to it: PL/Proxy's cancel request would
# wait for that postmaster forever, so it is not sent, and each call fails
# in time, saying so; the session works again once the shard is back
cat >"$WORK/frozen.sql" <<SQL
\\set VERBOSITY default
SELECT count(*) >= 0 AS warm FROM reading_list($U1);
SELECT readers_count(1) >= 0 AS warm;
SELECT count(*) >= 0 AS warm FROM readers(1);
\\! kill -STOP $pm \$(pgrep -P $pm)
\\set t0 \`date +%s%N\`
SELECT count(*) FROM reading_list($U1);
SELECT count(*) FROM readers(1);
SELECT readers_count(1);
\\set t1 \`date +%s%N\`
\\! kill -CONT $pm \$(pgrep -P $pm)
SELECT ((:t1 - :t0) / 1000000)::int AS ms;
SELECT count(*) >= 0 AS again FROM reading_list($U1);
SQL
stopped_session "$WORK/frozen.sql" 90
withheld=$(echo "$OUT" | grep -c "^DETAIL:  No cancel request was sent to the shards: a server did not answer a connection within 1000 ms")
if [ "$(echo "$OUT" | grep -c "ERROR:  no answer from .*$S1 of cluster medium_cluster: canceling statement due to statement timeout")" = 3 ] \
    && [ "$withheld" = 3 ] && [ -n "$MS" ] && [ "$MS" -le $((3 * limit * 1000)) ] \
    && [ "$(echo "$OUT" | grep -c '^t$')" = 4 ]; then
    pass "shard 1 stopped whole under open connections: a routed reader, a fan-out and a fanned-out count fail in $MS ms in all, no cancel request sent, the session works again"
else
    fail "shard 1 stopped whole under open connections: $OUT"
fi

# --- hazards, as documented ---
router -c "SELECT reading_list_remove($U0, ARRAY[299])" >/dev/null
added=$(router -c "BEGIN" -c "SELECT reading_list_add($U0, ARRAY[299])" -c "ROLLBACK")
B=$(router -c "SELECT reading_list_has($U0, ARRAY[299])")
[ "$added" = 1 ] && [ "$B" = t ] && pass "a ROLLBACK on the router does not undo the shard's write (documented)" \
    || fail "rollback on the router: added $added, has = $B"
# a fanned-out write that fails on one shard has committed on the other
X=$(router -c "SELECT min(g) FROM generate_series($USERS + 1, $USERS + 100) g WHERE medium_assoc.shard_of(g, 2) = 1")
router -c "SELECT readers_remove(42, ARRAY[$U0])" >/dev/null
st=$(router -c "SELECT readers_add(42, ARRAY[$U0, $X])" 2>&1 || true)
one=$(single -c "SELECT readers_has(42, ARRAY[$U0])")
if echo "$st" | grep -q 'foreign key' && [ "$(router -c "SELECT readers_has(42, ARRAY[$U0])")" = t ]; then
    pass "readers_add(42, [user of shard 0, missing user of shard 1]) fails, and shard 0 kept its link (one node: has = $one; documented)"
else
    fail "fanned-out write across shards: $st"
fi
shard 0 -c "ALTER SUBSCRIPTION medium_articles_0 DISABLE"
psql -X -q -h 127.0.0.1 -p "$ORIGIN" -U postgres -d medium -c "INSERT INTO medium_articles VALUES (5000, 'new')"
st=$(router -c "SELECT reading_list_add($U0, ARRAY[5000])" 2>&1 || true)
echo "$st" | grep -q 23503 || echo "$st" | grep -q 'foreign key' \
    && pass "linking an article shard 0 has not received yet fails (23503): $(echo "$st" | head -1 | cut -c1-120)" \
    || fail "link before replication: $st"
shard 0 -c "ALTER SUBSCRIPTION medium_articles_0 ENABLE"
replicated=no
for _ in $(seq 1 100); do
    [ "$(shard 0 -c "SELECT count(*) FROM medium_articles WHERE id = 5000")" = 1 ] && { replicated=yes; break; }
    sleep 0.1
done
[ "$replicated" = yes ] || fail "article 5000 did not replicate to shard 0 within 10 s"
[ "$(router -c "SELECT reading_list_add($U0, ARRAY[5000])")" = 1 ] \
    && pass "once replicated, the same call links it" || fail "link after replication"
psql -X -q -h 127.0.0.1 -p "$ORIGIN" -U postgres -d medium -c "DELETE FROM medium_articles WHERE id IN (5000, 10)"
replicated=no
for _ in $(seq 1 100); do
    [ "$(shard 0 -c "SELECT count(*) FROM medium_articles WHERE id IN (5000, 10)")$(shard 1 -c "SELECT count(*) FROM medium_articles WHERE id IN (5000, 10)")" = 00 ] \
        && { replicated=yes; break; }
    sleep 0.1
done
[ "$replicated" = yes ] || fail "the deletes did not replicate within 10 s"
dangling=$( (shard 0 -c "SELECT count(*) FROM medium_reading_list r WHERE NOT EXISTS (SELECT 1 FROM medium_articles a WHERE a.id = r.article_id)"
             shard 1 -c "SELECT count(*) FROM medium_reading_list r WHERE NOT EXISTS (SELECT 1 FROM medium_articles a WHERE a.id = r.article_id)") | awk '{ s += $1 } END { print s }')
[ "$dangling" = 0 ] && [ "$(router -c "SELECT readers_count(10)")" = 0 ] \
    && pass "deleting articles on the origin leaves no dangling link on the shards" \
    || fail "dangling links after an origin delete: $dangling"

finish sharded

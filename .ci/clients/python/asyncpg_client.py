"""medium_assoc from asyncpg, written the way its users write it:
conn.fetchval(sql, *args) with $n placeholders, Python ints and lists.
asyncpg encodes each argument with the type the server gives its
parameter, so the calls use the typed helpers (<alias>_add(source,
targets[]), ...), whose parameters have the key types.  Every helper's
answer is compared with the table itself.  Connection from the PG*
environment variables."""
import asyncio
import json
import sys

import asyncpg

passed = 0


def ok(name):
    global passed
    passed += 1
    print(f"ok {passed} - {name}")


async def main():
    conn = await asyncpg.connect()
    await conn.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads,
                              schema="pg_catalog")

    async def links(uid):
        return [r[0] for r in await conn.fetch(
            "SELECT article_id FROM medium_reading_list WHERE user_id = $1 ORDER BY 1", uid)]

    assert await conn.fetchval("SELECT reading_list_add($1, $2)", 1, [3]) == 1
    ok("add one target")
    assert await conn.fetchval("SELECT reading_list_add($1, $2)", 1, [3, 4, 5]) == 2
    assert await links(1) == [3, 4, 5]
    ok("add many targets")
    await conn.fetchval("SELECT reading_list_add($1, $2, $3)", 2, [3, 4], {"note": "later"})
    notes = await conn.fetch("SELECT note FROM medium_reading_list WHERE user_id = 2")
    assert [r["note"] for r in notes] == ["later", "later"]
    ok("add with through attributes")
    rows = await conn.fetch("SELECT id, title FROM reading_list($1) ORDER BY id", 1)
    assert [r["id"] for r in rows] == [3, 4, 5]
    ok("reader")
    rows = await conn.fetch(
        "SELECT source, (target).id FROM reading_list_batch($1) ORDER BY 1, 2", [1, 2])
    assert [tuple(r) for r in rows] == [(1, 3), (1, 4), (1, 5), (2, 3), (2, 4)]
    ok("batch reader with a list")
    assert await conn.fetchval("SELECT reading_list_has($1, $2)", 1, [4]) is True
    assert await conn.fetchval("SELECT reading_list_has($1, $2)", 1, [4, 9]) is False
    ok("has one and many")
    assert await conn.fetchval("SELECT reading_list_count($1)", 1) == 3
    ok("count")
    r = await conn.fetchrow("SELECT * FROM reading_list_set($1, $2)", 1, [5, 6])
    assert (r["added"], r["removed"]) == (1, 2)
    assert await links(1) == [5, 6]
    ok("set")
    r = await conn.fetchrow("SELECT * FROM reading_list_set($1, $2)", 1, [])
    assert (r["added"], r["removed"]) == (0, 2)
    ok("set to an empty list")
    assert await conn.fetchval("SELECT reading_list_remove($1, $2)", 2, [3]) == 1
    assert await conn.fetchval("SELECT reading_list_remove($1, $2)", 2, [3, 4]) == 1
    assert await links(2) == []
    ok("remove one and many")
    try:
        await conn.fetchval("SELECT reading_list_add($1, $2)", 1, [999])
        raise AssertionError("no error")
    except asyncpg.PostgresError as e:
        assert e.sqlstate == "23503" and "reading_list" in str(e)
    ok("an error names its SQLSTATE and the association")
    await conn.close()
    print(f"{passed} passed, 0 failed")


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except Exception:
        import traceback
        traceback.print_exc()
        print(f"{passed} passed, 1 failed")
        sys.exit(1)

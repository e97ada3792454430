"""medium_assoc from psycopg 3 and psycopg2, written the way their users
write it: cur.execute(sql, params) with %s placeholders, Python ints,
lists (empty ones too) and Json for through attributes.  Every helper's
answer is compared with the table itself.  Connection from the PG*
environment variables."""
import sys

passed = 0


def check(name, fn):
    global passed
    fn()
    passed += 1
    print(f"ok {passed} - {name}")


def run(label, conn, json_param):
    cur = conn.cursor()

    def one(sql, params):
        cur.execute(sql, params)
        return cur.fetchone()[0]

    def links(uid):
        cur.execute("SELECT article_id FROM medium_reading_list WHERE user_id = %s ORDER BY 1",
                    (uid,))
        return [r[0] for r in cur.fetchall()]

    cur.execute("DELETE FROM medium_reading_list")

    def add_one():
        assert one("SELECT medium_assoc.add(%s, %s, %s)", ("reading_list", 1, 3)) == 1
        assert links(1) == [3]

    def add_many():
        assert one("SELECT medium_assoc.add(%s, %s, %s)", ("reading_list", 1, [3, 4, 5])) == 2
        assert links(1) == [3, 4, 5]

    def add_attrs():
        cur.execute("SELECT medium_assoc.add(%s, %s, %s, %s)",
                    ("reading_list", 2, [3, 4], json_param({"note": "later"})))
        cur.execute("SELECT note FROM medium_reading_list WHERE user_id = 2 ORDER BY article_id")
        assert [r[0] for r in cur.fetchall()] == ["later", "later"]

    def reader():
        cur.execute("SELECT id, title FROM reading_list(%s) ORDER BY id", (1,))
        assert [r[0] for r in cur.fetchall()] == [3, 4, 5]

    def batch():
        cur.execute("SELECT source, (target).id FROM reading_list_batch(%s) ORDER BY 1, 2",
                    ([1, 2],))
        assert cur.fetchall() == [(1, 3), (1, 4), (1, 5), (2, 3), (2, 4)]

    def link_rows():
        cur.execute("SELECT id, link_user_id, link_note FROM reading_list_links(%s)"
                    " ORDER BY id DESC LIMIT %s", (2, 1))
        assert cur.fetchall() == [(4, 2, "later")]
        cur.execute("SELECT u.id, l.id FROM medium_users u CROSS JOIN LATERAL reading_list_links(u.id) l"
                    " WHERE u.id = ANY(%s) ORDER BY 1, 2", ([1, 2],))
        assert cur.fetchall() == [(1, 3), (1, 4), (1, 5), (2, 3), (2, 4)]

    def documents():
        cur.execute("SELECT reading_list FROM reading_list_json(%s, %s)", (2, ["note"]))
        docs = sorted(cur.fetchone()[0], key=lambda d: d["id"])
        assert [d["id"] for d in docs] == [3, 4]
        assert docs[0]["medium_reading_list"] == {"note": "later"}

    def has():
        assert one("SELECT medium_assoc.has(%s, %s, %s)", ("reading_list", 1, 4)) is True
        assert one("SELECT medium_assoc.has(%s, %s, %s)", ("reading_list", 1, [4, 9])) is False
        assert one("SELECT medium_assoc.has(%s, %s, %s)", ("reading_list", 1, [])) is True

    def count():
        assert one("SELECT medium_assoc.count(%s, %s)", ("reading_list", 1)) == 3

    def set_():
        cur.execute("SELECT * FROM medium_assoc.set(%s, %s, %s)", ("reading_list", 1, [5, 6]))
        assert cur.fetchone() == (1, 2)
        assert links(1) == [5, 6]

    def set_empty():
        cur.execute("SELECT * FROM medium_assoc.set(%s, %s, %s)", ("reading_list", 1, []))
        assert cur.fetchone() == (0, 2)
        assert links(1) == []

    def remove():
        assert one("SELECT medium_assoc.remove(%s, %s, %s)", ("reading_list", 2, 3)) == 1
        assert one("SELECT medium_assoc.remove(%s, %s, %s)", ("reading_list", 2, [3, 4])) == 1
        assert links(2) == []

    for name, fn in [("add one target", add_one), ("add many targets (a list)", add_many),
                     ("add with through attributes", add_attrs), ("reader", reader),
                     ("batch reader with a list", batch), ("link rows", link_rows),
                     ("documents as Python objects", documents), ("has one, many, none", has),
                     ("count", count), ("set", set_), ("set to an empty list", set_empty),
                     ("remove one and many", remove)]:
        check(f"{label}: {name}", fn)
    conn.rollback()


def main():
    import psycopg
    from psycopg.types.json import Jsonb
    import psycopg2
    from psycopg2.extras import Json

    with psycopg.connect() as conn:
        run("psycopg 3", conn, Jsonb)
    conn2 = psycopg2.connect("")
    run("psycopg2", conn2, Json)
    conn2.close()
    print(f"{passed} passed, 0 failed")


if __name__ == "__main__":
    try:
        main()
    except Exception:
        import traceback
        traceback.print_exc()
        print(f"{passed} passed, 1 failed")
        sys.exit(1)

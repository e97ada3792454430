// medium_assoc from JDBC (PostgreSQL's driver), written the way its users
// write it: PreparedStatement with setInt, setLong, setArray for lists, and
// setObject(..., Types.OTHER) for JSON.  Every helper's answer is compared
// with the table itself.  Connection from the PG* environment variables.
import java.sql.*;
import java.util.*;

public class JdbcClient {
    static int passed = 0;
    static Connection c;

    interface Check { void run() throws Exception; }

    static void check(String name, Check fn) throws Exception {
        fn.run();
        passed++;
        System.out.println("ok " + passed + " - " + name);
    }

    static void expect(boolean ok, String what) {
        if (!ok) throw new AssertionError(what);
    }

    static List<Integer> links(int uid) throws SQLException {
        List<Integer> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT article_id FROM medium_reading_list WHERE user_id = ? ORDER BY 1")) {
            ps.setInt(1, uid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getInt(1));
            }
        }
        return out;
    }

    static long scalar(String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static boolean bool(String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a instanceof Integer) ps.setInt(i + 1, (Integer) a);
            else if (a instanceof Long) ps.setLong(i + 1, (Long) a);
            else if (a instanceof Integer[]) ps.setArray(i + 1, c.createArrayOf("integer", (Integer[]) a));
            else if (a instanceof Json) ps.setObject(i + 1, ((Json) a).text, Types.OTHER);
            else ps.setString(i + 1, (String) a);
        }
    }

    static final class Json {
        final String text;
        Json(String text) { this.text = text; }
    }

    public static void main(String[] argv) throws Exception {
        String url = "jdbc:postgresql://" + System.getenv("PGHOST") + ":" + System.getenv("PGPORT")
            + "/" + System.getenv("PGDATABASE");
        Properties props = new Properties();
        props.setProperty("user", System.getenv("PGUSER"));
        if (System.getenv("PGPASSWORD") != null) props.setProperty("password", System.getenv("PGPASSWORD"));
        try {
            c = DriverManager.getConnection(url, props);
            check("typed add with setInt and setArray", () -> {
                expect(scalar("SELECT reading_list_add(?, ?)", 1, new Integer[]{3, 4, 5}) == 3, "added");
                expect(links(1).equals(Arrays.asList(3, 4, 5)), "links");
            });
            check("typed add with JSON through attributes", () -> {
                scalar("SELECT reading_list_add(?, ?, ?)", 2, new Integer[]{3}, new Json("{\"note\": \"later\"}"));
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT note FROM medium_reading_list WHERE user_id = 2")) {
                    rs.next();
                    expect("later".equals(rs.getString(1)), "note");
                }
            });
            check("generic add with setLong", () -> {
                expect(scalar("SELECT medium_assoc.add(?, ?, ?)", "reading_list", 2L, 4L) == 1, "added");
            });
            check("reader with setInt", () -> {
                List<Integer> ids = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT id, title FROM reading_list(?) ORDER BY id")) {
                    ps.setInt(1, 1);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) ids.add(rs.getInt("id"));
                    }
                }
                expect(ids.equals(Arrays.asList(3, 4, 5)), "rows");
            });
            check("link rows view with setLong, link columns typed", () -> {
                List<Integer> ids = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT id, link_user_id FROM reading_list_links WHERE link_user_id = ? ORDER BY id DESC LIMIT ?")) {
                    ps.setLong(1, 1L);
                    ps.setInt(2, 2);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getInt("id"));
                            expect(rs.getInt("link_user_id") == 1, "link_user_id");
                        }
                    }
                }
                expect(ids.equals(Arrays.asList(5, 4)), "rows " + ids);
            });
            check("documents as JSON text", () -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT reading_list::text FROM reading_list_json(?)")) {
                    ps.setInt(1, 2);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        expect(rs.getString(1).contains("\"medium_reading_list\": {\"note\": \"later\"}"),
                               "document " + rs.getString(1));
                    }
                }
            });
            check("batch reader with setArray", () -> {
                int n = 0;
                try (PreparedStatement ps = c.prepareStatement("SELECT source, (target).id FROM reading_list_batch(?)")) {
                    ps.setArray(1, c.createArrayOf("integer", new Integer[]{1, 2}));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) n++;
                    }
                }
                expect(n == 5, "rows " + n);
            });
            check("has and count", () -> {
                expect(bool("SELECT reading_list_has(?, ?)", 1, new Integer[]{4}), "has one");
                expect(!bool("SELECT reading_list_has(?, ?)", 1, new Integer[]{4, 9}), "has many");
                expect(scalar("SELECT reading_list_count(?)", 1) == 3, "count");
                expect(scalar("SELECT medium_assoc.count(?, ?)", "reading_list", 1L) == 3, "generic count");
            });
            check("set and set to empty", () -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT added, removed FROM reading_list_set(?, ?)")) {
                    bind(ps, 1, new Integer[]{5, 6});
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        expect(rs.getLong(1) == 1 && rs.getLong(2) == 2, "set");
                    }
                    bind(ps, 1, new Integer[]{});
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        expect(rs.getLong(1) == 0 && rs.getLong(2) == 2, "set empty");
                    }
                }
                expect(links(1).isEmpty(), "no links");
            });
            check("remove", () -> {
                expect(scalar("SELECT reading_list_remove(?, ?)", 2, new Integer[]{3, 4}) == 2, "removed");
                expect(links(2).isEmpty(), "no links");
            });
            check("an error names its SQLSTATE and the association", () -> {
                try {
                    scalar("SELECT reading_list_add(?, ?)", 1, new Integer[]{999});
                    throw new AssertionError("no error");
                } catch (SQLException e) {
                    expect("23503".equals(e.getSQLState()) && e.getMessage().contains("reading_list"), e.getMessage());
                }
            });
            c.close();
            System.out.println(passed + " passed, 0 failed");
        } catch (Throwable t) {
            t.printStackTrace();
            System.out.println(passed + " passed, 1 failed");
            System.exit(1);
        }
    }
}

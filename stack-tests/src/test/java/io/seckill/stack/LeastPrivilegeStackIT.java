package io.seckill.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Least privilege on the running stack: each branch service and DTM have a database account of their
 * own, with SELECT, INSERT, UPDATE, DELETE on their own schema and nothing else; the passwords are the
 * launcher's (.stack/secrets/db-&lt;part&gt;.password, 0600); every running part's process holds only
 * its own credential and none holds the owner account's.
 */
class LeastPrivilegeStackIT {

  /** A schema and one of its tables, for the access-denied probes. */
  private static final Map<String, String> TABLES = new LinkedHashMap<>();

  static {
    TABLES.put("seckill_order", "orders");
    TABLES.put("seckill_product", "product");
    TABLES.put("seckill_coupon", "coupon");
    TABLES.put("seckill_pay", "payment");
    TABLES.put("dtm", "trans_global");
  }

  private static final List<String> SERVICES = List.of("order-rpc", "product-rpc", "coupon-rpc", "pay-rpc");

  /** ER_DBACCESS_DENIED_ERROR, ER_TABLEACCESS_DENIED_ERROR, ER_COLUMNACCESS_DENIED_ERROR. */
  private static final Set<Integer> ACCESS_DENIED = Set.of(1044, 1142, 1143);

  record Account(String part, String user, String schema, String password) {
  }

  private static final Map<String, Account> accounts = new LinkedHashMap<>();

  @BeforeAll
  static void readAccounts() throws IOException {
    Map<String, String> launcherUsers = launcherUsers();
    for (String part : SERVICES) {
      Properties props = new Properties();
      try (InputStream in = Files.newInputStream(
          StackEnv.repoRoot().resolve(part).resolve("src/main/resources").resolve(part + ".properties"))) {
        props.load(in);
      }
      String user = props.getProperty("db.user", "").strip();
      assertEquals(launcherUsers.get(part), user,
          part + ": the launcher's account (stack/lib/15-secrets.sh) and the shipped db.user differ");
      assertFalse(props.containsKey("db.password"), part + ": the shipped properties carry a db.password");
      accounts.put(part, new Account(part, user, props.getProperty("db.name").strip(), password(part)));
    }
    assertTrue(launcherUsers.containsKey("dtm"), "the launcher defines no database account for dtm");
    accounts.put("dtm", new Account("dtm", launcherUsers.get("dtm"), "dtm", password("dtm")));
    for (Account a : accounts.values()) {
      assertNotEquals(StackEnv.dbUser(), a.user(), a.part() + " would use the owner account");
    }
  }

  /** DB_ACCOUNT_USER of stack/lib/15-secrets.sh: part -> user. */
  private static Map<String, String> launcherUsers() throws IOException {
    String lib = Files.readString(StackEnv.repoRoot().resolve("stack/lib/15-secrets.sh"));
    Matcher decl = Pattern.compile("DB_ACCOUNT_USER=\\(([^)]*)\\)").matcher(lib);
    assertTrue(decl.find(), "no DB_ACCOUNT_USER in stack/lib/15-secrets.sh");
    Map<String, String> users = new TreeMap<>();
    Matcher entry = Pattern.compile("\\[([a-z0-9-]+)]=([A-Za-z0-9_]+)").matcher(decl.group(1));
    while (entry.find()) {
      users.put(entry.group(1), entry.group(2));
    }
    return users;
  }

  /** The part's password as the launcher stores it; the file must be the owner's alone. */
  private static String password(String part) throws IOException {
    Path dir = StackEnv.stackDir().resolve("secrets");
    Path file = dir.resolve("db-" + part + ".password");
    assertTrue(Files.isRegularFile(file), file + " is missing: run ./seckill up");
    assertEquals(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
        Files.getPosixFilePermissions(file), file + " must be mode 0600");
    assertEquals(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_EXECUTE), Files.getPosixFilePermissions(dir), dir + " must be mode 0700");
    String password = Files.readString(file, StandardCharsets.UTF_8).strip();
    assertTrue(password.length() >= 16, file + " holds no real password");
    return password;
  }

  private static Connection connect(Account a) throws SQLException {
    return DriverManager.getConnection(StackEnv.jdbcUrl(a.schema()), a.user(), a.password());
  }

  private static void assertDenied(Account a, String sql) {
    SQLException e = assertThrows(SQLException.class, () -> {
      try (Connection c = connect(a); Statement st = c.createStatement()) {
        st.execute(sql);
      }
    }, a.user() + " may run: " + sql);
    assertTrue(ACCESS_DENIED.contains(e.getErrorCode()),
        a.user() + ": " + sql + " failed, but not as access denied: " + e.getErrorCode() + " " + e.getMessage());
  }

  /** Inserts, updates, reads and deletes one row of {@code table} in the account's own schema. */
  private static void roundTrip(Account a, String insert, String update, String count, String delete, String key)
      throws SQLException {
    try (Connection c = connect(a)) {
      try {
        exec(c, insert, key);
        assertEquals(1, exec(c, update, key), a.user() + ": UPDATE");
        try (PreparedStatement ps = c.prepareStatement(count)) {
          ps.setString(1, key);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            assertEquals(1, rs.getLong(1), a.user() + ": SELECT");
          }
        }
      } finally {
        assertEquals(1, exec(c, delete, key), a.user() + ": DELETE");
      }
    }
  }

  private static int exec(Connection c, String sql, String key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, key);
      return ps.executeUpdate();
    }
  }

  @Test
  void eachServiceReadsAndWritesItsOwnSchema() throws SQLException {
    for (String part : SERVICES) {
      Account a = accounts.get(part);
      roundTrip(a,
          "INSERT INTO barrier (trans_type, gid, branch_id, op, barrier_id, reason) VALUES ('tcc', ?, '01', 'try', '01', 'try')",
          "UPDATE barrier SET reason = 'cancel' WHERE gid = ?",
          "SELECT COUNT(*) FROM barrier WHERE gid = ? AND reason = 'cancel'",
          "DELETE FROM barrier WHERE gid = ?",
          "least-privilege-" + UUID.randomUUID());
      try (Connection c = connect(a); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + TABLES.get(a.schema()))) {
        assertTrue(rs.next(), a.user() + " cannot read its business table");
      }
    }
  }

  @Test
  void eachServiceIsDeniedEveryOtherSchema() {
    for (String part : SERVICES) {
      Account a = accounts.get(part);
      TABLES.forEach((schema, table) -> {
        if (!schema.equals(a.schema())) {
          assertDenied(a, "SELECT 1 FROM " + schema + "." + table + " LIMIT 1");
          assertDenied(a, "DELETE FROM " + schema + "." + table + " WHERE 1 = 0");
        }
      });
      assertDenied(a, "SELECT 1 FROM mysql.user LIMIT 1");
    }
  }

  @Test
  void dtmReachesOnlyItsStorage() throws SQLException {
    Account dtm = accounts.get("dtm");
    roundTrip(dtm,
        "INSERT INTO kv (cat, k, v) VALUES ('least-privilege', ?, 'marker')",
        "UPDATE kv SET v = 'changed' WHERE cat = 'least-privilege' AND k = ?",
        "SELECT COUNT(*) FROM kv WHERE cat = 'least-privilege' AND k = ? AND v = 'changed'",
        "DELETE FROM kv WHERE cat = 'least-privilege' AND k = ?",
        UUID.randomUUID().toString());
    TABLES.forEach((schema, table) -> {
      if (!schema.equals("dtm")) {
        assertDenied(dtm, "SELECT 1 FROM " + schema + "." + table + " LIMIT 1");
      }
    });
  }

  @Test
  void noAccountMayChangeASchemaOrGrant() {
    for (Account a : accounts.values()) {
      String table = TABLES.get(a.schema());
      assertDenied(a, "CREATE TABLE least_privilege_probe (id INT)");
      assertDenied(a, "ALTER TABLE " + table + " ADD COLUMN least_privilege_probe INT");
      assertDenied(a, "DROP TABLE " + table);
      assertDenied(a, "TRUNCATE TABLE " + table);
      assertDenied(a, "CREATE DATABASE least_privilege_probe");
    }
  }

  /** SHOW GRANTS as the account itself: USAGE and one grant, DML on its own schema. */
  @Test
  void grantsAreExactlyDmlOnTheOwnSchema() throws SQLException {
    for (Account a : accounts.values()) {
      List<String> grants = new ArrayList<>();
      try (Connection c = connect(a); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW GRANTS")) {
        while (rs.next()) {
          grants.add(rs.getString(1));
        }
      }
      assertEquals(2, grants.size(), a.user() + " has other grants: " + grants);
      assertTrue(grants.get(0).startsWith("GRANT USAGE ON *.* TO `" + a.user() + "`@"), a.user() + ": " + grants);
      assertFalse(grants.get(0).contains("WITH GRANT OPTION"), a.user() + ": " + grants);
      assertTrue(grants.get(1).matches("GRANT SELECT, INSERT, UPDATE, DELETE ON `" + a.schema() + "`\\.\\* TO `"
          + a.user() + "`@`[^`]+`"), a.user() + ": " + grants);
    }
  }

  /**
   * The processes ./seckill started: a branch service holds exactly its own user and password under its
   * own env prefix, the consumer, the API and DTM hold no database credential at all (DTM's is in its
   * 0600 config file), and nobody holds the owner account's.
   */
  @Test
  void runningPartsHoldOnlyTheirOwnCredentials() throws IOException {
    Map<String, Map<String, String>> want = new LinkedHashMap<>();
    for (String part : SERVICES) {
      Account a = accounts.get(part);
      String prefix = "SECKILL_" + part.substring(0, part.length() - "-rpc".length()).toUpperCase(java.util.Locale.ROOT);
      want.put(part, Map.of(prefix + "_DB_USER", a.user(), prefix + "_DB_PASSWORD", a.password()));
    }
    for (String line : Files.readAllLines(StackEnv.repoRoot().resolve("stack/services.conf"))) {
      String l = line.strip();
      if (!l.isEmpty() && !l.startsWith("#")) {
        want.putIfAbsent(l.substring(0, l.indexOf('|')), Map.of());
      }
    }
    want.put("dtm", Map.of());
    Pattern credential = Pattern.compile("^SECKILL_(?:[A-Z0-9_]+_)?DB_(?:USER|PASSWORD)$");
    want.forEach((part, expected) -> {
      Map<String, String> have = new TreeMap<>();
      environ(part).forEach((k, v) -> {
        if (credential.matcher(k).matches()) {
          have.put(k, v);
        }
      });
      assertEquals(new TreeMap<>(expected), have, part + "'s process holds other database credentials");
    });
    Path dtmConf = StackEnv.stackDir().resolve("conf/dtm.yml");
    if (Files.isRegularFile(dtmConf) && Files.readString(dtmConf).contains("Driver: 'mysql'")) {
      String conf = Files.readString(dtmConf);
      assertTrue(conf.contains("User: '" + accounts.get("dtm").user() + "'"), "DTM on MySQL uses another account: " + dtmConf);
      assertEquals(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
          Files.getPosixFilePermissions(dtmConf), dtmConf + " carries a password, so it must be mode 0600");
    }
  }

  /** The environment of a part the launcher started, from its pid file. */
  private static Map<String, String> environ(String part) {
    Path pidFile = StackEnv.stackDir().resolve("run").resolve(part + ".pid");
    try {
      assertTrue(Files.isRegularFile(pidFile), part + " is not running (no " + pidFile + "): run ./seckill up");
      String pid = Files.readString(pidFile).strip();
      byte[] raw = Files.readAllBytes(Path.of("/proc", pid, "environ"));
      Map<String, String> env = new TreeMap<>();
      for (String entry : new String(raw, StandardCharsets.UTF_8).split("\0")) {
        int eq = entry.indexOf('=');
        if (eq > 0) {
          env.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
      }
      return env;
    } catch (IOException e) {
      throw new AssertionError(part + " is not running (pid file " + pidFile + "): run ./seckill up", e);
    }
  }
}

package io.seckill.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * Every sql/*.sql applies twice without error and without losing data: a marker row written
 * between the two applications must survive the second one. Runs as the application account,
 * which also proves its grants cover the schemas.
 */
class SchemaStackIT {

  // Far above the demo's ids (products 1..20, coupons 1..200), so the markers never meet them.
  private final long markerId = 900_000_000L + ThreadLocalRandom.current().nextLong(1_000_000L);
  private final String markerText = "stack-test-" + markerId;

  private static Connection connect() throws SQLException {
    return DriverManager.getConnection(StackEnv.jdbcUrl(), StackEnv.dbUser(), StackEnv.dbPassword());
  }

  /** Runs a whole script in one round trip and drains every result, so a failing later statement throws. */
  private static void apply(String script) throws Exception {
    String sql = Files.readString(StackEnv.sqlDir().resolve(script), StandardCharsets.UTF_8);
    try (Connection c = connect(); Statement st = c.createStatement()) {
      boolean isResultSet = st.execute(sql);
      while (isResultSet || st.getUpdateCount() != -1) {
        isResultSet = st.getMoreResults();
      }
    }
  }

  private static void update(String sql, Object... args) throws SQLException {
    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.executeUpdate();
    }
  }

  private static long count(String sql, Object... args) throws SQLException {
    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Apply, write the marker, apply again, and check the marker with {@code survived}; then clean up. */
  private void applyTwiceKeeping(String script, String insert, String survived, String cleanup, Object... args)
      throws Exception {
    apply(script);
    update(insert, args);
    try {
      apply(script);
      assertEquals(1, count(survived, args[0]), script + " lost the marker row on its second application");
    } finally {
      update(cleanup, args[0]);
    }
  }

  /** A barrier row in the given service database, the table every branch depends on. */
  private void barrierSurvives(String script, String database) throws Exception {
    applyTwiceKeeping(script,
        "INSERT INTO " + database + ".barrier (trans_type, gid, branch_id, op, barrier_id, reason)"
            + " VALUES ('tcc', ?, '01', 'try', '01', 'try')",
        "SELECT COUNT(*) FROM " + database + ".barrier WHERE gid = ?",
        "DELETE FROM " + database + ".barrier WHERE gid = ?",
        markerText);
  }

  @Test
  void productSchemaAppliesTwice() throws Exception {
    applyTwiceKeeping("product.sql",
        "INSERT INTO seckill_product.product (id, name, price_cents, initial_stock, available, frozen, sold)"
            + " VALUES (?, 'marker', 100, 10, 7, 2, 1)",
        "SELECT COUNT(*) FROM seckill_product.product WHERE id = ? AND available = 7 AND frozen = 2 AND sold = 1",
        "DELETE FROM seckill_product.product WHERE id = ?",
        markerId);
    barrierSurvives("product.sql", "seckill_product");
  }

  @Test
  void couponSchemaAppliesTwice() throws Exception {
    applyTwiceKeeping("coupon.sql",
        "INSERT INTO seckill_coupon.coupon (id, user_id, status, order_id, discount_cents)"
            + " VALUES (?, 1, 'FROZEN', 'marker-order', 50)",
        "SELECT COUNT(*) FROM seckill_coupon.coupon WHERE id = ? AND status = 'FROZEN'",
        "DELETE FROM seckill_coupon.coupon WHERE id = ?",
        markerId);
    barrierSurvives("coupon.sql", "seckill_coupon");
  }

  @Test
  void orderSchemaAppliesTwice() throws Exception {
    applyTwiceKeeping("order.sql",
        "INSERT INTO seckill_order.orders (order_id, user_id, product_id, quantity, amount_cents, status)"
            + " VALUES (?, 1, 1, 1, 100, 'CONFIRMED')",
        "SELECT COUNT(*) FROM seckill_order.orders WHERE order_id = ? AND status = 'CONFIRMED'",
        "DELETE FROM seckill_order.orders WHERE order_id = ?",
        markerText);
    barrierSurvives("order.sql", "seckill_order");
  }

  @Test
  void paySchemaAppliesTwice() throws Exception {
    applyTwiceKeeping("pay.sql",
        "INSERT INTO seckill_pay.payment (order_id, user_id, amount_cents, status) VALUES (?, 1, 100, 'PENDING')",
        "SELECT COUNT(*) FROM seckill_pay.payment WHERE order_id = ? AND status = 'PENDING'",
        "DELETE FROM seckill_pay.payment WHERE order_id = ?",
        markerText);
    barrierSurvives("pay.sql", "seckill_pay");
  }

  @Test
  void dtmSchemaAppliesTwice() throws Exception {
    applyTwiceKeeping("dtm.sql",
        "INSERT INTO dtm.kv (cat, k, v) VALUES ('stack-test', ?, 'marker')",
        "SELECT COUNT(*) FROM dtm.kv WHERE cat = 'stack-test' AND k = ?",
        "DELETE FROM dtm.kv WHERE cat = 'stack-test' AND k = ?",
        markerText);
  }

  @Test
  void seedAppliesTwiceWithoutResettingChangedRows() throws Exception {
    apply("seed.sql");
    // The seed must leave a changed demo row alone: mark one product by a name suffix, restore it after.
    String original;
    try (Connection c = connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT name FROM seckill_product.product WHERE id = 1")) {
      rs.next();
      original = rs.getString(1);
    }
    update("UPDATE seckill_product.product SET name = ? WHERE id = 1", markerText);
    try {
      apply("seed.sql");
      assertEquals(1, count("SELECT COUNT(*) FROM seckill_product.product WHERE name = ?", markerText),
          "seed.sql overwrote a row it had already seeded");
    } finally {
      update("UPDATE seckill_product.product SET name = ? WHERE id = 1", original);
    }
    assertEquals(20, count("SELECT COUNT(*) FROM seckill_product.product WHERE id BETWEEN ? AND 20", 1));
    assertEquals(200, count("SELECT COUNT(*) FROM seckill_coupon.coupon WHERE id BETWEEN ? AND 200", 1));
  }
}

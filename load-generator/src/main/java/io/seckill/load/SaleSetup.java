package io.seckill.load;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Prepares the sale of a run directly in the service databases: products in seckill_product,
 * coupons in seckill_coupon. Kafka mode has no admin API in front of it, so it sets up its own ids
 * (fresh ones, above every existing row, so runs never share state); the demo resets the seed's.
 */
public final class SaleSetup {
  /** Generated ids start here at least, clear of the seed (1..20, 1..200) and of small test ids. */
  static final long FRESH_FLOOR = 1_000_000;

  private final Endpoints endpoints;
  private final String prefix;

  /** Setup against the service databases (seckill_product, ...) of {@code endpoints}. */
  public SaleSetup(Endpoints endpoints) {
    this(endpoints, "seckill_");
  }

  /** Setup against databases named {@code prefix} + product|coupon|order|pay (the bench baseline has its own). */
  public SaleSetup(Endpoints endpoints, String prefix) {
    this.endpoints = endpoints;
    this.prefix = prefix;
  }

  /** Opens a connection to {@code database}; a name starting with "seckill_" gets this setup's prefix instead. */
  public Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(endpoints.jdbcUrl(db(database)), endpoints.dbUser(), endpoints.dbPassword());
  }

  private String db(String name) {
    return name.startsWith("seckill_") ? prefix + name.substring("seckill_".length()) : name;
  }

  /** The first of {@code span} unused product ids: above the floor and every existing id, on a round thousand. */
  public long freshProductBase() throws SQLException {
    return freshBase("seckill_product", "SELECT COALESCE(MAX(id), 0) FROM product");
  }

  /** The first unused coupon id, like {@link #freshProductBase()}. */
  public long freshCouponBase() throws SQLException {
    return freshBase("seckill_coupon", "SELECT COALESCE(MAX(id), 0) FROM coupon");
  }

  private long freshBase(String db, String sql) throws SQLException {
    try (Connection c = connect(db); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
      rs.next();
      long max = Math.max(FRESH_FLOOR, rs.getLong(1) + 1);
      return (max + 999) / 1000 * 1000;
    }
  }

  /** Inserts products base..base+count-1 with {@code stock} units each at {@link Workload#priceCents}. */
  public void insertProducts(long base, int count, long stock) throws SQLException {
    try (Connection c = connect("seckill_product")) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO product (id, name, price_cents, initial_stock, available) VALUES (?, ?, ?, ?, ?)")) {
        for (int i = 0; i < count; i++) {
          long id = base + i;
          ps.setLong(1, id);
          ps.setString(2, "Load item " + id);
          ps.setLong(3, Workload.priceCents(id));
          ps.setLong(4, stock);
          ps.setLong(5, stock);
          ps.addBatch();
          if (i % 1000 == 999) {
            ps.executeBatch();
          }
        }
        ps.executeBatch();
      }
      c.commit();
    }
  }

  /** Inserts the coupons the workload's orders carry, UNUSED and owned by their buyers. */
  public void insertCoupons(List<Workload.Coupon> coupons) throws SQLException {
    if (coupons.isEmpty()) {
      return;
    }
    try (Connection c = connect("seckill_coupon")) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO coupon (id, user_id, status, discount_cents) VALUES (?, ?, 'UNUSED', ?)")) {
        int n = 0;
        for (Workload.Coupon k : coupons) {
          ps.setLong(1, k.id());
          ps.setLong(2, k.userId());
          ps.setLong(3, k.discountCents());
          ps.addBatch();
          if (++n % 1000 == 0) {
            ps.executeBatch();
          }
        }
        ps.executeBatch();
      }
      c.commit();
    }
  }

  /**
   * Makes products base..base+count-1 a fresh sale again (the demo reruns on the seed's ids): waits
   * until none of their orders is still TRYING, then removes their orders and payments, gives
   * coupons couponBase..couponBase+couponCount-1 back to their owners and restores {@code stock}.
   * Returns the number of old orders removed.
   */
  public int resetSale(long base, int count, long stock, long couponBase, long couponCount, long waitMillis)
      throws SQLException, InterruptedException {
    long last = base + count - 1;
    long deadline = System.currentTimeMillis() + waitMillis;
    try (Connection c = connect("seckill_order")) {
      // Removing rows under a live transaction would break its Confirm/Cancel: wait for quiet.
      while (true) {
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT COUNT(*) FROM orders WHERE product_id BETWEEN ? AND ? AND status = 'TRYING'")) {
          ps.setLong(1, base);
          ps.setLong(2, last);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            if (rs.getLong(1) == 0) {
              break;
            }
          }
        }
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("orders of products " + base + ".." + last
              + " are still TRYING after " + waitMillis + " ms; is the pipeline running?");
        }
        Thread.sleep(500);
      }
      c.setAutoCommit(false);
      int removed;
      try (PreparedStatement pay = c.prepareStatement("DELETE p FROM " + db("seckill_pay") + ".payment p JOIN orders o "
              + "ON o.order_id = p.order_id WHERE o.product_id BETWEEN ? AND ?");
          PreparedStatement orders = c.prepareStatement("DELETE FROM orders WHERE product_id BETWEEN ? AND ?");
          PreparedStatement coupons = c.prepareStatement("UPDATE " + db("seckill_coupon") + ".coupon SET status = 'UNUSED', "
              + "order_id = NULL WHERE id BETWEEN ? AND ?");
          PreparedStatement products = c.prepareStatement("UPDATE " + db("seckill_product") + ".product SET initial_stock = ?, "
              + "available = ?, frozen = 0, sold = 0 WHERE id BETWEEN ? AND ?")) {
        pay.setLong(1, base);
        pay.setLong(2, last);
        pay.executeUpdate();
        orders.setLong(1, base);
        orders.setLong(2, last);
        removed = orders.executeUpdate();
        coupons.setLong(1, couponBase);
        coupons.setLong(2, couponBase + couponCount - 1);
        coupons.executeUpdate();
        products.setLong(1, stock);
        products.setLong(2, stock);
        products.setLong(3, base);
        products.setLong(4, last);
        int updated = products.executeUpdate();
        if (updated != count) {
          c.rollback();
          throw new IllegalStateException("expected products " + base + ".." + last + " to exist (sql/seed.sql), found "
              + updated);
        }
      }
      c.commit();
      return removed;
    }
  }
}

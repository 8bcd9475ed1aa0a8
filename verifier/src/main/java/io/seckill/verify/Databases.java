package io.seckill.verify;

import io.seckill.verify.Snapshot.Coupon;
import io.seckill.verify.Snapshot.Order;
import io.seckill.verify.Snapshot.Payment;
import io.seckill.verify.Snapshot.Refund;
import io.seckill.verify.Snapshot.Product;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads the four service databases. All four schemas live on one MariaDB server in this stack, so one
 * connection reads them all; every query is parameterized. DTM is read over its HTTP API
 * ({@link DtmReader}), never through its storage, so the verifier works on either DTM store.
 */
public final class Databases implements AutoCloseable {
  private static final String ORDER_COLUMNS =
      "SELECT order_id, user_id, product_id, quantity, coupon_id, amount_cents, status, reason, pay_deadline FROM ";
  private static final String PAYMENT_COLUMNS = "SELECT order_id, user_id, amount_cents, status, provider_txn_id FROM ";

  /** IN-lists are sent in chunks of this size, well under the server's placeholder limit. */
  private static final int CHUNK = 500;

  private final VerifierConfig config;
  private Connection connection;

  /** Databases of {@code config}; connects lazily and reconnects after a failure (MariaDB restarts). */
  public Databases(VerifierConfig config) {
    this.config = config;
  }

  private Connection connection() throws SQLException {
    if (connection == null || !connection.isValid(2)) {
      closeQuietly();
      connection = DriverManager.getConnection(config.jdbcUrl(), config.dbUser(), config.dbPassword());
      // Each read is its own statement; autocommit with READ COMMITTED sees every committed change at once.
      connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      connection.setAutoCommit(true);
    }
    return connection;
  }

  /** Stock rows of the range. */
  public List<Product> products(ProductRange range) throws SQLException {
    String sql = "SELECT id, initial_stock, available, frozen, sold FROM " + config.schema("product")
        + ".product WHERE id BETWEEN ? AND ? ORDER BY id";
    try (PreparedStatement ps = connection().prepareStatement(sql)) {
      ps.setLong(1, range.from());
      ps.setLong(2, range.to());
      List<Product> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Product(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
        }
      }
      return out;
    }
  }

  /** Order rows of the range. */
  public List<Order> orders(ProductRange range) throws SQLException {
    String sql = ORDER_COLUMNS
        + config.schema("order") + ".orders WHERE product_id BETWEEN ? AND ?";
    try (PreparedStatement ps = connection().prepareStatement(sql)) {
      ps.setLong(1, range.from());
      ps.setLong(2, range.to());
      try (ResultSet rs = ps.executeQuery()) {
        return orderRows(rs);
      }
    }
  }

  /** Order rows with the given ids, wherever their product is (ids the caller expected to see). */
  public List<Order> ordersById(Collection<String> ids) throws SQLException {
    String sql = ORDER_COLUMNS
        + config.schema("order") + ".orders WHERE order_id IN ";
    return inChunks(sql, new ArrayList<>(ids), rs -> {
      try {
        return orderRows(rs);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  private static List<Order> orderRows(ResultSet rs) throws SQLException {
    List<Order> out = new ArrayList<>();
    while (rs.next()) {
      java.sql.Timestamp deadline = rs.getTimestamp(9);
      out.add(new Order(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getInt(4), rs.getLong(5), rs.getLong(6),
          rs.getString(7), rs.getString(8), deadline == null ? 0 : deadline.getTime()));
    }
    return out;
  }

  /** Every coupon (whole-stack runs). */
  public List<Coupon> allCoupons() throws SQLException {
    try (PreparedStatement ps = connection().prepareStatement(
        "SELECT id, user_id, status, order_id FROM " + config.schema("coupon") + ".coupon");
        ResultSet rs = ps.executeQuery()) {
      return couponRows(rs);
    }
  }

  /** Coupons with one of {@code ids} or held by one of {@code orderIds}. */
  public List<Coupon> coupons(Collection<Long> ids, Collection<String> orderIds) throws SQLException {
    Map<Long, Coupon> out = new LinkedHashMap<>();
    String base = "SELECT id, user_id, status, order_id FROM " + config.schema("coupon") + ".coupon WHERE ";
    for (Coupon c : inChunks(base + "id IN ", new ArrayList<>(ids), Databases::couponRowsUnchecked)) {
      out.put(c.id(), c);
    }
    for (Coupon c : inChunks(base + "order_id IN ", new ArrayList<>(orderIds), Databases::couponRowsUnchecked)) {
      out.put(c.id(), c);
    }
    return new ArrayList<>(out.values());
  }

  private static List<Coupon> couponRowsUnchecked(ResultSet rs) {
    try {
      return couponRows(rs);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Coupon> couponRows(ResultSet rs) throws SQLException {
    List<Coupon> out = new ArrayList<>();
    while (rs.next()) {
      out.add(new Coupon(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4)));
    }
    return out;
  }

  /** Every payment (whole-stack runs). */
  public List<Payment> allPayments() throws SQLException {
    try (PreparedStatement ps = connection().prepareStatement(
        PAYMENT_COLUMNS + config.schema("pay") + ".payment");
        ResultSet rs = ps.executeQuery()) {
      return paymentRows(rs);
    }
  }

  /** Payments of {@code orderIds}. */
  public List<Payment> payments(Collection<String> orderIds) throws SQLException {
    return inChunks(PAYMENT_COLUMNS + config.schema("pay")
        + ".payment WHERE order_id IN ", new ArrayList<>(orderIds), rs -> {
          try {
            return paymentRows(rs);
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private static List<Payment> paymentRows(ResultSet rs) throws SQLException {
    List<Payment> out = new ArrayList<>();
    while (rs.next()) {
      String txn = rs.getString(5);
      out.add(new Payment(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getString(4), txn == null ? "" : txn));
    }
    return out;
  }

  /** Refunds of {@code orderIds}, or every refund when {@code orderIds} is null (whole-stack runs). */
  public List<Refund> refunds(Collection<String> orderIds) throws SQLException {
    String sql = "SELECT provider_txn_id, order_id, amount_cents, reason, status FROM " + config.schema("pay") + ".refund";
    if (orderIds == null) {
      try (PreparedStatement ps = connection().prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
        return refundRows(rs);
      }
    }
    return inChunks(sql + " WHERE order_id IN ", new ArrayList<>(orderIds), rs -> {
      try {
        return refundRows(rs);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  private static List<Refund> refundRows(ResultSet rs) throws SQLException {
    List<Refund> out = new ArrayList<>();
    while (rs.next()) {
      out.add(new Refund(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5)));
    }
    return out;
  }

  /** The database clock, epoch millis (payment deadlines are set by it). */
  public long nowMillis() throws SQLException {
    try (PreparedStatement ps = connection().prepareStatement("SELECT NOW(3)"); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getTimestamp(1).getTime();
    }
  }

  /** Runs {@code prefix (?, ?, ...)} over {@code values} in chunks and concatenates what {@code read} returns. */
  private <T, V> List<T> inChunks(String prefix, List<V> values, Function<ResultSet, List<T>> read) throws SQLException {
    List<T> out = new ArrayList<>();
    for (int i = 0; i < values.size(); i += CHUNK) {
      List<V> chunk = values.subList(i, Math.min(values.size(), i + CHUNK));
      String sql = prefix + "(" + String.join(", ", java.util.Collections.nCopies(chunk.size(), "?")) + ")";
      try (PreparedStatement ps = connection().prepareStatement(sql)) {
        for (int j = 0; j < chunk.size(); j++) {
          ps.setObject(j + 1, chunk.get(j));
        }
        try (ResultSet rs = ps.executeQuery()) {
          out.addAll(read.apply(rs));
        }
      } catch (IllegalStateException e) {
        if (e.getCause() instanceof SQLException s) {
          throw s;
        }
        throw e;
      }
    }
    return out;
  }

  /** The connection, for fixtures written by chaos runs and tests. */
  public Connection jdbc() throws SQLException {
    return connection();
  }

  private void closeQuietly() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        // A dead connection (the server restarted) cannot be closed cleanly; it is dropped anyway.
      }
      connection = null;
    }
  }

  @Override
  public void close() {
    closeQuietly();
  }
}

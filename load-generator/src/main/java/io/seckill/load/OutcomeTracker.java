package io.seckill.load;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Follows every sent order to its final state by polling seckill_order for the orders still
 * pending (primary-key lookups, so a poll costs what is in flight, not what the table holds).
 * Latency is the order row's last update (the Confirm or Cancel that made it final) minus the
 * time this process sent it; both clocks are this machine's, through MariaDB's UNIX_TIMESTAMP.
 */
public final class OutcomeTracker {
  private static final int BATCH = 500;
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");

  private final Map<String, Long> pending = new ConcurrentHashMap<>();
  private final AtomicLong registered = new AtomicLong();
  private final Map<String, Long> cancelReasons = new TreeMap<>();
  private final List<long[]> finals = new ArrayList<>(); // {finalMillis, latencyMillis, confirmed ? 1 : 0}
  private long confirmed;
  private long cancelled;
  private long clockOffsetMillis;

  /** Starts tracking {@code orderId}, sent at {@code sentAtMillis} (epoch ms). */
  public void register(String orderId, long sentAtMillis) {
    pending.put(orderId, sentAtMillis);
    registered.incrementAndGet();
  }

  /** Orders registered and not yet seen final. */
  public int pendingCount() {
    return pending.size();
  }

  /** Orders registered so far. */
  public long registeredCount() {
    return registered.get();
  }

  /** Orders seen CONFIRMED. */
  public synchronized long confirmed() {
    return confirmed;
  }

  /** Orders seen CANCELLED. */
  public synchronized long cancelled() {
    return cancelled;
  }

  /** Cancelled orders by reason, digits folded to '#' so "product 17: 0 left" groups with its kin. */
  public synchronized Map<String, Long> cancelReasons() {
    return new TreeMap<>(cancelReasons);
  }

  /** Every final order seen: {finalMillis, latencyMillis, 1 if confirmed else 0}, in the order seen. */
  public synchronized List<long[]> finals() {
    return new ArrayList<>(finals);
  }

  /**
   * Measures MariaDB's clock against this JVM's (they share the machine, so this should be ~0; a
   * session time-zone mismatch shows up as whole hours and is corrected here). Returns the offset.
   */
  public long calibrate(Connection c) throws SQLException {
    long before = System.currentTimeMillis();
    try (PreparedStatement ps = c.prepareStatement("SELECT UNIX_TIMESTAMP(NOW(3))");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      long after = System.currentTimeMillis();
      long db = rs.getBigDecimal(1).movePointRight(3).longValue();
      clockOffsetMillis = db - (before + after) / 2;
      return clockOffsetMillis;
    }
  }

  /** MariaDB's clock minus this JVM's, as measured by {@link #calibrate}. */
  public long clockOffsetMillis() {
    return clockOffsetMillis;
  }

  /** Looks up every pending order in seckill_order (connection to that database); returns how many became final. */
  public int poll(Connection c) throws SQLException {
    List<String> ids = new ArrayList<>(pending.keySet());
    int found = 0;
    for (int from = 0; from < ids.size(); from += BATCH) {
      List<String> batch = ids.subList(from, Math.min(ids.size(), from + BATCH));
      found += pollBatch(c, batch);
    }
    return found;
  }

  private int pollBatch(Connection c, List<String> batch) throws SQLException {
    StringBuilder sql = new StringBuilder(
        "SELECT order_id, status, reason, UNIX_TIMESTAMP(updated_at) FROM orders WHERE status IN "
            + "('CONFIRMED', 'CANCELLED') AND order_id IN (");
    for (int i = 0; i < batch.size(); i++) {
      sql.append(i == 0 ? "?" : ",?");
    }
    sql.append(')');
    int found = 0;
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < batch.size(); i++) {
        ps.setString(i + 1, batch.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          BigDecimal at = rs.getBigDecimal(4);
          long finalMillis = at.movePointRight(3).longValue() - clockOffsetMillis;
          if (record(rs.getString(1), rs.getString(2), rs.getString(3), finalMillis)) {
            found++;
          }
        }
      }
    }
    return found;
  }

  /** Records that {@code orderId} ended in {@code status} at {@code finalMillis}; false if it was not pending. */
  synchronized boolean record(String orderId, String status, String reason, long finalMillis) {
    Long sent = pending.remove(orderId);
    if (sent == null) {
      return false;
    }
    boolean ok = "CONFIRMED".equals(status);
    if (ok) {
      confirmed++;
    } else {
      cancelled++;
      cancelReasons.merge(foldReason(reason), 1L, Long::sum);
    }
    finals.add(new long[] {finalMillis, Math.max(0, finalMillis - sent), ok ? 1 : 0});
    return true;
  }

  /** {@code reason} with digit runs folded to '#' and cut to 100 characters; "(none)" when empty. */
  static String foldReason(String reason) {
    if (reason == null || reason.isBlank()) {
      return "(none)";
    }
    String folded = DIGITS.matcher(reason.strip()).replaceAll("#");
    return folded.length() > 100 ? folded.substring(0, 100) : folded;
  }
}

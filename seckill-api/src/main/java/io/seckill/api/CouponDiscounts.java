package io.seckill.api;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The discount a coupon gives, in cents. */
public interface CouponDiscounts extends AutoCloseable {
  /**
   * The discount of {@code couponId} (never 0 here: no coupon means no call). An unknown coupon gives
   * 0: its TCC Try refuses it later and the order ends CANCELLED, so the amount does not matter.
   */
  long discountCents(long couponId) throws SQLException;

  @Override
  default void close() {}

  /** The same configured discount for every coupon. */
  static CouponDiscounts fixed(long cents) {
    return couponId -> cents;
  }

  /**
   * Reads {@code discount_cents} from {@code seckill_coupon.coupon}. The column never changes once a
   * coupon exists, so found values are cached; only admitted buyers get here, so the database sees at
   * most one query per coupon, not the flood.
   */
  final class Jdbc implements CouponDiscounts {
    private final HikariDataSource pool;
    private final Map<Long, Long> cache = new ConcurrentHashMap<>();

    /** A small pool on {@code jdbcUrl}; the API starts even while the database is down. */
    public Jdbc(String jdbcUrl, String user, String password) {
      HikariConfig hc = new HikariConfig();
      hc.setPoolName("api-coupon");
      hc.setJdbcUrl(jdbcUrl);
      hc.setUsername(user);
      hc.setPassword(password);
      // The first seconds of a sale bring one lookup per new coupon at once; a loaded machine opens
      // connections slowly, so a few more of them and a patient wait beat a 503.
      hc.setMaximumPoolSize(8);
      hc.setMinimumIdle(1);
      hc.setReadOnly(true);
      hc.setConnectionTimeout(5_000);
      // Admission must not depend on the database being up when the API starts.
      hc.setInitializationFailTimeout(-1);
      this.pool = new HikariDataSource(hc);
    }

    @Override
    public long discountCents(long couponId) throws SQLException {
      Long cached = cache.get(couponId);
      if (cached != null) {
        return cached;
      }
      try (Connection c = pool.getConnection();
          PreparedStatement ps = c.prepareStatement("SELECT discount_cents FROM coupon WHERE id = ?")) {
        ps.setLong(1, couponId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return 0;
          }
          long d = rs.getLong(1);
          cache.put(couponId, d);
          return d;
        }
      }
    }

    @Override
    public void close() {
      pool.close();
    }
  }
}

package io.seckill.load.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.seckill.load.Endpoints;
import io.seckill.load.LoadOptions;
import io.seckill.load.Order;
import io.seckill.load.Percentiles;
import io.seckill.load.SaleSetup;
import io.seckill.load.Workload;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pipeline's floor: the same local database work as one TCC order (Try then Confirm on the
 * order, product, coupon and pay databases, each inside a barrier row insert, one local
 * transaction per step) done directly over JDBC by {@code concurrency} threads, with no Kafka,
 * gRPC or DTM. It works in its own copies of the schemas (seckill_baseline_*), so the service
 * databases and the invariants `./seckill verify` checks are untouched.
 */
public final class Baseline implements AutoCloseable {
  /** Database name prefix of the baseline's schema copies. */
  public static final String PREFIX = "seckill_baseline_";
  private static final String[] SCHEMAS = {"order", "product", "coupon", "pay"};

  private final Endpoints endpoints;
  private final int concurrency;
  private final HikariDataSource order;
  private final HikariDataSource product;
  private final HikariDataSource coupon;
  private final HikariDataSource pay;

  /** One baseline run's figures. */
  public record Result(int orders, long confirmed, long failed, double seconds, double ordersPerSecond,
      Percentiles.Summary latencyMs) {}

  /** Creates (if needed) the schema copies from {@code sqlDir} and opens one pool per database. */
  public Baseline(Endpoints endpoints, Path sqlDir, int concurrency) throws Exception {
    this.endpoints = endpoints;
    this.concurrency = concurrency;
    createSchemas(sqlDir);
    this.order = pool("order");
    this.product = pool("product");
    this.coupon = pool("coupon");
    this.pay = pool("pay");
  }

  private void createSchemas(Path sqlDir) throws Exception {
    String url = endpoints.jdbcUrl("") + "&allowMultiQueries=true";
    try (Connection c = DriverManager.getConnection(url, endpoints.dbUser(), endpoints.dbPassword());
        Statement st = c.createStatement()) {
      for (String s : SCHEMAS) {
        String sql = Files.readString(sqlDir.resolve(s + ".sql"), StandardCharsets.UTF_8)
            .replace("seckill_" + s, PREFIX + s);
        st.execute(sql);
      }
    }
  }

  private HikariDataSource pool(String schema) {
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(endpoints.jdbcUrl(PREFIX + schema));
    hc.setUsername(endpoints.dbUser());
    hc.setPassword(endpoints.dbPassword());
    hc.setMaximumPoolSize(concurrency);
    hc.setMinimumIdle(0);
    hc.setPoolName("baseline-" + schema);
    return new HikariDataSource(hc);
  }

  /** Sets up {@code o}'s products and coupons in the baseline databases, then runs its orders; returns the figures. */
  public Result run(LoadOptions o, String runId) throws Exception {
    SaleSetup setup = new SaleSetup(endpoints, PREFIX);
    LoadOptions opts = o.withBases(setup.freshProductBase(), setup.freshCouponBase());
    Workload w = Workload.generate(opts, runId);
    setup.insertProducts(opts.productBase(), opts.products(), opts.stockPerProduct());
    setup.insertCoupons(w.coupons());
    List<Order> orders = w.orders();
    AtomicInteger next = new AtomicInteger();
    AtomicLong confirmed = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long[] latency = new long[orders.size()];
    ExecutorService workers = Executors.newFixedThreadPool(concurrency);
    long start = System.nanoTime();
    for (int t = 0; t < concurrency; t++) {
      workers.execute(() -> {
        int i;
        while ((i = next.getAndIncrement()) < orders.size()) {
          long began = System.nanoTime();
          try {
            if (tcc(orders.get(i), "baseline-" + orders.get(i).orderId())) {
              confirmed.incrementAndGet();
            } else {
              failed.incrementAndGet();
            }
          } catch (SQLException e) {
            failed.incrementAndGet();
          }
          latency[i] = (System.nanoTime() - began) / 1_000_000;
        }
      });
    }
    workers.shutdown();
    workers.awaitTermination(1, TimeUnit.HOURS);
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Result(orders.size(), confirmed.get(), failed.get(), seconds, confirmed.get() / seconds,
        Percentiles.summarize(latency));
  }

  /** Try on every branch, then Confirm on every branch; false when a Try is refused (then nothing is confirmed). */
  private boolean tcc(Order o, String gid) throws SQLException {
    boolean ok = step(order, gid, "01", "try",
        "INSERT INTO orders (order_id, user_id, product_id, quantity, coupon_id, amount_cents, status) "
            + "VALUES (?, ?, ?, ?, ?, ?, 'TRYING')",
        o.orderId(), o.userId(), o.productId(), o.quantity(), o.couponId(), o.amountCents());
    ok = ok && step(product, gid, "02", "try",
        "UPDATE product SET available = available - ?, frozen = frozen + ? WHERE id = ? AND available >= ?",
        o.quantity(), o.quantity(), o.productId(), o.quantity());
    if (o.couponId() != 0) {
      ok = ok && step(coupon, gid, "03", "try",
          "UPDATE coupon SET status = 'FROZEN', order_id = ? WHERE id = ? AND user_id = ? AND status = 'UNUSED'",
          o.orderId(), o.couponId(), o.userId());
    }
    ok = ok && step(pay, gid, "04", "try",
        "INSERT INTO payment (order_id, user_id, amount_cents, status) VALUES (?, ?, ?, 'PENDING')",
        o.orderId(), o.userId(), o.amountCents());
    if (!ok) {
      return false; // the baseline measures the happy path; refusals are counted, not compensated
    }
    step(order, gid, "01", "confirm", "UPDATE orders SET status = 'CONFIRMED' WHERE order_id = ? AND status = 'TRYING'",
        o.orderId());
    step(product, gid, "02", "confirm", "UPDATE product SET frozen = frozen - ?, sold = sold + ? WHERE id = ?",
        o.quantity(), o.quantity(), o.productId());
    if (o.couponId() != 0) {
      step(coupon, gid, "03", "confirm", "UPDATE coupon SET status = 'USED' WHERE id = ? AND status = 'FROZEN'",
          o.couponId());
    }
    step(pay, gid, "04", "confirm",
        "UPDATE payment SET status = 'AWAITING_PAYMENT' WHERE order_id = ? AND status = 'PENDING'", o.orderId());
    return true;
  }

  /** One barrier-guarded local transaction: the barrier row and the business row commit together. */
  private static boolean step(HikariDataSource ds, String gid, String branch, String op, String sql, Object... args)
      throws SQLException {
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement b = c.prepareStatement("INSERT IGNORE INTO barrier "
            + "(trans_type, gid, branch_id, op, barrier_id, reason) VALUES ('tcc', ?, ?, ?, '01', ?)")) {
          b.setString(1, gid);
          b.setString(2, branch);
          b.setString(3, op);
          b.setString(4, op);
          if (b.executeUpdate() == 0) {
            c.rollback();
            return true; // already done: the barrier makes the step idempotent
          }
        }
        int rows;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
          }
          rows = ps.executeUpdate();
        }
        if (rows == 0) {
          c.rollback();
          return false;
        }
        c.commit();
        return true;
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
  }

  @Override
  public void close() {
    order.close();
    product.close();
    coupon.close();
    pay.close();
  }
}

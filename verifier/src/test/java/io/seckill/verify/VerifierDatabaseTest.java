package io.seckill.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/**
 * The verifier end to end on crafted rows in the real MariaDB, DTM storage and Redis of the local
 * stack, in a product range of its own (>= 5,000,000): a consistent sale verifies clean, and each
 * defect written into the real tables is detected and named. Everything is removed afterwards.
 */
class VerifierDatabaseTest {
  private static final long P = 5_000_000 + (System.currentTimeMillis() / 1000 % 400_000) * 2;
  private static final ProductRange RANGE = new ProductRange(P, P + 1);
  private static final String O1 = P + "-vt-1";
  private static final String O2 = P + "-vt-2";
  private static final String O3 = P + "-vt-3";
  private static final long U1 = 9_000_000_000L + P * 10 + 1;
  private static final long U2 = U1 + 1;
  private static final long U3 = U1 + 2;
  private static final long C1 = 8_000_000_000L + P * 10 + 1;
  private static final long C2 = C1 + 1;
  private static final String TAG = "{" + P + "}";

  private static VerifierConfig config;
  private static StackReader reader;
  private static RedissonClient redis;
  private Connection db;

  @BeforeAll
  static void connect() {
    config = VerifierConfig.load();
    reader = new StackReader(config);
    Config c = new Config();
    c.useSingleServer().setAddress(config.redisAddress());
    redis = Redisson.create(c);
  }

  @AfterAll
  static void disconnect() {
    reader.close();
    redis.shutdown();
  }

  @BeforeEach
  void writeHealthySale() throws Exception {
    db = reader.databases().jdbc();
    cleanUp();
    sql("INSERT INTO seckill_product.product (id, name, price_cents, initial_stock, available, frozen, sold)"
        + " VALUES (?, 'verifier test', 1000, 10, 7, 0, 3)", P);
    sql("INSERT INTO seckill_coupon.coupon (id, user_id, status, order_id, discount_cents) VALUES (?, ?, 'USED', ?, 200)",
        C1, U1, O1);
    sql("INSERT INTO seckill_coupon.coupon (id, user_id, status, order_id, discount_cents) VALUES (?, ?, 'UNUSED', NULL, 200)",
        C2, U3);
    order(O1, U1, 2, C1, 1800, "CONFIRMED");
    order(O2, U2, 1, 0, 1000, "CONFIRMED");
    order(O3, U3, 1, C2, 800, "CANCELLED");
    payment(O1, U1, 1800, "AWAITING_PAYMENT");
    payment(O2, U2, 1000, "AWAITING_PAYMENT");
    payment(O3, U3, 800, "CANCELLED");
    if (config.dtmOnMysql()) {
      dtm(O1, "succeed");
      dtm(O2, "succeed");
      dtm(O3, "failed");
    }
    redis.getSet("seckill:sales", StringCodec.INSTANCE).add(Long.toString(P));
    redis.getMap("seckill:sale:" + TAG, StringCodec.INSTANCE).putAll(Map.of("open", "0", "left", "7", "initial", "10",
        "price", "1000", "epoch", "vt", "seq", "3"));
    redis.getMap("seckill:users:" + TAG, StringCodec.INSTANCE).putAll(Map.of(Long.toString(U1), O1, Long.toString(U2), O2));
    redis.getMap("seckill:adm:" + TAG, StringCodec.INSTANCE).putAll(Map.of(O1, U1 + ":2:" + C1 + ":1", O2, U2 + ":1:0:1",
        O3, U3 + ":1:" + C2 + ":1"));
    redis.getMap("seckill:state:" + TAG, StringCodec.INSTANCE).putAll(Map.of(O1, "F", O2, "F", O3, "C"));
  }

  @AfterEach
  void cleanUp() throws Exception {
    sql("DELETE FROM seckill_product.product WHERE id BETWEEN ? AND ?", P, P + 1);
    sql("DELETE FROM seckill_coupon.coupon WHERE id IN (?, ?)", C1, C2);
    for (String o : List.of(O1, O2, O3)) {
      sql("DELETE FROM seckill_order.orders WHERE order_id = ?", o);
      sql("DELETE FROM seckill_pay.payment WHERE order_id = ?", o);
      if (config.dtmOnMysql()) {
        sql("DELETE FROM dtm.trans_global WHERE gid = ?", config.gidPrefix() + o);
      }
    }
    redis.getKeys().delete("seckill:sale:" + TAG, "seckill:users:" + TAG, "seckill:adm:" + TAG, "seckill:state:" + TAG,
        "seckill:pending:" + TAG);
    redis.getSet("seckill:sales", StringCodec.INSTANCE).remove(Long.toString(P));
  }

  private void sql(String statement, Object... args) throws Exception {
    try (PreparedStatement ps = db.prepareStatement(statement)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.executeUpdate();
    }
  }

  private void order(String id, long user, int q, long coupon, long amount, String status) throws Exception {
    sql("INSERT INTO seckill_order.orders (order_id, user_id, product_id, quantity, coupon_id, amount_cents, status)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?)", id, user, P, q, coupon, amount, status);
  }

  private void payment(String id, long user, long amount, String status) throws Exception {
    sql("INSERT INTO seckill_pay.payment (order_id, user_id, amount_cents, status) VALUES (?, ?, ?, ?)",
        id, user, amount, status);
  }

  private void dtm(String orderId, String status) throws Exception {
    // A finished (or, in one test, far-future) row: DTM's cron only picks rows whose next_cron_time has passed.
    sql("INSERT INTO dtm.trans_global (gid, trans_type, status, query_prepared, protocol, create_time, update_time,"
        + " next_cron_time) VALUES (?, 'tcc', ?, '', 'grpc', NOW(), NOW(), NOW() + INTERVAL 1 DAY)",
        config.gidPrefix() + orderId, status);
  }

  private Map<String, Check> verify(Set<String> expected) throws Exception {
    Verifier.Result r = new Verifier(reader, 10, 200).verify(RANGE, expected, 0);
    return r.checks().stream().collect(Collectors.toMap(Check::name, c -> c));
  }

  /** The checks that depend only on this test's rows (not on Kafka lag left by other work on the stack). */
  private static Set<String> violatedOwn(Map<String, Check> checks) {
    return checks.values().stream().filter(c -> !c.ok()).map(Check::name)
        .filter(n -> !n.equals("kafka.lag") && !n.equals("pipeline.quiet")).collect(Collectors.toSet());
  }

  @Test
  void consistentCraftedSaleVerifiesClean() throws Exception {
    Map<String, Check> c = verify(Set.of(O1, O2, O3));
    assertEquals(Set.of(), violatedOwn(c));
    assertEquals("3", c.get("request.one-final-state").found());
    assertEquals("3", c.get("redis.slots").found());
  }

  @Test
  void stockDefectsAreDetected() throws Exception {
    sql("UPDATE seckill_product.product SET available = 8 WHERE id = ?", P);
    assertEquals(Set.of("stock.conserved"), violatedOwn(verify(Set.of())));
    sql("UPDATE seckill_product.product SET available = 6, frozen = 1 WHERE id = ?", P);
    assertEquals(Set.of("stock.frozen-zero"), violatedOwn(verify(Set.of())));
    sql("UPDATE seckill_product.product SET available = 6, frozen = 0, sold = 4 WHERE id = ?", P);
    Map<String, Check> c = verify(Set.of());
    assertEquals(Set.of("stock.sold-matches-orders"), violatedOwn(c));
    assertEquals(List.of("product " + P + ": sold 4, CONFIRMED quantity 3"), c.get("stock.sold-matches-orders").offenders());
  }

  @Test
  void halfDoneBranchesAreDetected() throws Exception {
    sql("UPDATE seckill_order.orders SET status = 'TRYING' WHERE order_id = ?", O3);
    sql("UPDATE seckill_coupon.coupon SET status = 'FROZEN', order_id = ? WHERE id = ?", O3, C2);
    sql("UPDATE seckill_pay.payment SET status = 'PENDING' WHERE order_id = ?", O3);
    Map<String, Check> c = verify(Set.of());
    Set<String> v = violatedOwn(c);
    assertTrue(v.containsAll(Set.of("order.no-trying", "coupon.none-frozen", "payment.none-pending",
        "request.one-final-state")), v.toString());
    assertEquals(List.of(O3), c.get("order.no-trying").offenders());
  }

  @Test
  void confirmedOrderWithoutItsCouponOrPaymentIsDetected() throws Exception {
    sql("UPDATE seckill_coupon.coupon SET status = 'UNUSED', order_id = NULL WHERE id = ?", C1);
    sql("UPDATE seckill_pay.payment SET status = 'CANCELLED' WHERE order_id = ?", O2);
    Map<String, Check> c = verify(Set.of());
    assertEquals(Set.of("order.confirmed-coupon-used", "order.confirmed-payment"), violatedOwn(c));
    assertEquals(List.of(O2 + " (payment CANCELLED 1000 for 1000)"), c.get("order.confirmed-payment").offenders());
  }

  @Test
  void couponUsedByACancelledOrderAndPaymentOfACancelledOrderAreDetected() throws Exception {
    sql("UPDATE seckill_coupon.coupon SET status = 'USED', order_id = ? WHERE id = ?", O3, C2);
    sql("UPDATE seckill_pay.payment SET status = 'AWAITING_PAYMENT' WHERE order_id = ?", O3);
    Map<String, Check> c = verify(Set.of());
    assertEquals(Set.of("coupon.used-once", "payment.awaiting-has-order"), violatedOwn(c));
  }

  @Test
  void dtmDefectsAreDetected() throws Exception {
    if (!config.dtmOnMysql()) {
      return;
    }
    sql("UPDATE dtm.trans_global SET status = 'failed' WHERE gid = ?", config.gidPrefix() + O2);
    sql("UPDATE dtm.trans_global SET status = 'submitted' WHERE gid = ?", config.gidPrefix() + O3);
    Map<String, Check> c = verify(Set.of());
    Set<String> v = violatedOwn(c);
    assertTrue(v.containsAll(Set.of("dtm.all-finished", "dtm.outcome-agrees")), v.toString());
    assertEquals(List.of(config.gidPrefix() + O3 + " submitted"), c.get("dtm.all-finished").offenders());
  }

  @Test
  void aSentOrderThatNeverArrivedIsDetected() throws Exception {
    String lost = P + "-vt-lost";
    Map<String, Check> c = verify(Set.of(O1, lost));
    assertEquals(Set.of("request.one-final-state"), violatedOwn(c));
    assertEquals(List.of(lost + " (no order row)"), c.get("request.one-final-state").offenders());
  }

  @Test
  void redisCountersThatDisagreeWithTheDatabasesAreDetected() throws Exception {
    redis.getMap("seckill:sale:" + TAG, StringCodec.INSTANCE).put("left", "6");
    redis.getMap("seckill:users:" + TAG, StringCodec.INSTANCE).remove(Long.toString(U2));
    redis.getMap("seckill:state:" + TAG, StringCodec.INSTANCE).put(O3, "F");
    // An entry without an admission record: the API's reconciler skips it, so it stays for the check.
    redis.getScoredSortedSet("seckill:pending:" + TAG, StringCodec.INSTANCE).add(1, P + "-vt-ghost");
    Map<String, Check> c = verify(Set.of());
    assertEquals(Set.of("redis.slots", "redis.user-marks", "redis.admissions-agree", "redis.no-pending"), violatedOwn(c));
    assertFalse(c.get("redis.admissions-agree").offenders().isEmpty());
  }
}

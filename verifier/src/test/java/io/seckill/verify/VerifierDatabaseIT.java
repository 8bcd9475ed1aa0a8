package io.seckill.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seckill.dtm.client.DtmClient;
import io.seckill.runtime.settings.DtmSettings;
import io.seckill.dtm.client.TccBranch;
import io.seckill.dtm.client.TransOptions;
import io.seckill.proto.product.StockRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/**
 * The verifier end to end on crafted rows in the real MariaDB and Redis of the local stack and real
 * transactions in its DTM (created through DTM, so whichever store DTM uses), in a product range of
 * its own (>= 5,000,000): a consistent sale verifies clean, and each defect written into the real
 * tables or DTM is detected and named. Rows are removed afterwards; DTM cannot forget a gid, so every
 * test uses order ids of its own and leaves its transactions finished (unfinished ones force-stopped).
 */
class VerifierDatabaseIT {
  private static final long P = 5_000_000 + (System.currentTimeMillis() / 1000 % 400_000) * 2;
  private static final ProductRange RANGE = new ProductRange(P, P + 1);
  /** Numbers the tests of this run: DTM keeps every gid, so each test has order ids of its own. */
  private static final AtomicInteger RUN = new AtomicInteger();
  private static final long DTM_WAIT_MS = 20_000;
  private final String o1;
  private final String o2;
  private final String o3;
  private static final long U1 = 9_000_000_000L + P * 10 + 1;
  private static final long U2 = U1 + 1;
  private static final long U3 = U1 + 2;
  private static final long C1 = 8_000_000_000L + P * 10 + 1;
  private static final long C2 = C1 + 1;
  private static final String TAG = "{" + P + "}";

  private static VerifierConfig config;
  private static StackReader reader;
  private static RedissonClient redis;
  private static DtmClient dtm;
  private Connection db;
  /** gids this test left (or may have left) unfinished in DTM: force-stopped afterwards. */
  private final List<String> unfinishedGids = new ArrayList<>();

  VerifierDatabaseIT() {
    String base = P + "-vt" + RUN.incrementAndGet() + "-" + System.nanoTime() % 1_000_000;
    o1 = base + "-1";
    o2 = base + "-2";
    o3 = base + "-3";
  }

  @BeforeAll
  static void connect() {
    config = VerifierConfig.load();
    reader = new StackReader(config);
    Config c = new Config();
    c.useSingleServer().setAddress(config.redisAddress());
    redis = Redisson.create(c);
    dtm = DtmClient.connect(DtmSettings.fromEnv());
  }

  @AfterAll
  static void disconnect() {
    reader.close();
    redis.shutdown();
    dtm.close();
  }

  /** The healthy sale; a test tagged {@code dtm-defects} gets DTM outcomes that disagree instead. */
  @BeforeEach
  void writeHealthySale(TestInfo test) throws Exception {
    db = reader.databases().jdbc();
    cleanUp();
    sql("INSERT INTO seckill_product.product (id, name, price_cents, initial_stock, available, frozen, sold)"
        + " VALUES (?, 'verifier test', 1000, 10, 7, 0, 3)", P);
    sql("INSERT INTO seckill_coupon.coupon (id, user_id, status, order_id, discount_cents) VALUES (?, ?, 'USED', ?, 200)",
        C1, U1, o1);
    sql("INSERT INTO seckill_coupon.coupon (id, user_id, status, order_id, discount_cents) VALUES (?, ?, 'UNUSED', NULL, 200)",
        C2, U3);
    order(o1, U1, 2, C1, 1800, "CONFIRMED");
    order(o2, U2, 1, 0, 1000, "CONFIRMED");
    order(o3, U3, 1, C2, 800, "CANCELLED");
    payment(o1, U1, 1800, "AWAITING_PAYMENT");
    payment(o2, U2, 1000, "AWAITING_PAYMENT");
    payment(o3, U3, 800, "CANCELLED");
    if (test.getTags().contains("dtm-defects")) {
      dtmTransactions(Map.of(o1, "succeed", o2, "failed", o3, "submitted"));
    } else {
      dtmTransactions(Map.of(o1, "succeed", o2, "succeed", o3, "failed"));
    }
    redis.getSet("seckill:sales", StringCodec.INSTANCE).add(Long.toString(P));
    redis.getMap("seckill:sale:" + TAG, StringCodec.INSTANCE).putAll(Map.of("open", "0", "left", "7", "initial", "10",
        "price", "1000", "epoch", "vt", "seq", "3"));
    redis.getMap("seckill:users:" + TAG, StringCodec.INSTANCE).putAll(Map.of(Long.toString(U1), o1, Long.toString(U2), o2));
    redis.getMap("seckill:adm:" + TAG, StringCodec.INSTANCE).putAll(Map.of(o1, U1 + ":2:" + C1 + ":1", o2, U2 + ":1:0:1",
        o3, U3 + ":1:" + C2 + ":1"));
    redis.getMap("seckill:state:" + TAG, StringCodec.INSTANCE).putAll(Map.of(o1, "F", o2, "F", o3, "C"));
  }

  @AfterEach
  void cleanUp() throws Exception {
    sql("DELETE FROM seckill_product.product WHERE id BETWEEN ? AND ?", P, P + 1);
    sql("DELETE FROM seckill_coupon.coupon WHERE id IN (?, ?)", C1, C2);
    // Every order and payment of this run's range, whichever test wrote it.
    sql("DELETE FROM seckill_pay.payment WHERE order_id IN (SELECT order_id FROM seckill_order.orders"
        + " WHERE product_id BETWEEN ? AND ?)", P, P + 1);
    sql("DELETE FROM seckill_order.orders WHERE product_id BETWEEN ? AND ?", P, P + 1);
    redis.getKeys().delete("seckill:sale:" + TAG, "seckill:users:" + TAG, "seckill:adm:" + TAG, "seckill:state:" + TAG,
        "seckill:pending:" + TAG);
    redis.getSet("seckill:sales", StringCodec.INSTANCE).remove(Long.toString(P));
    for (String gid : unfinishedGids) {
      // Marks it failed without calling its (unreachable) branch; a finished gid just answers an error.
      try {
        dtm.forceStop(gid).get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        String status = dtmStatuses(Set.of(gid)).get(gid);
        assertTrue("failed".equals(status) || "succeed".equals(status), gid + " left " + status + ": " + e);
      }
    }
    unfinishedGids.clear();
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

  /**
   * Creates one real transaction per order id (gid = prefix + id) in DTM and waits until DTM reports
   * the status asked for: succeed (Prepare, Submit, no branches), failed (Prepare, Abort), submitted
   * (Prepare, a product branch at a closed port, Submit: its Confirm fails, so DTM keeps retrying).
   */
  private void dtmTransactions(Map<String, String> statusOfOrder) throws Exception {
    TransOptions opts = TransOptions.defaults();
    Map<String, String> want = new java.util.HashMap<>();
    for (Map.Entry<String, String> e : statusOfOrder.entrySet()) {
      String gid = config.gidPrefix() + e.getKey();
      want.put(gid, e.getValue());
      dtm.prepare(gid, opts).get(10, TimeUnit.SECONDS);
      switch (e.getValue()) {
        case "succeed" -> dtm.submit(gid, opts).get(10, TimeUnit.SECONDS);
        case "failed" -> dtm.abort(gid, "verifier test", opts).get(10, TimeUnit.SECONDS);
        case "submitted" -> {
          unfinishedGids.add(gid);
          byte[] stock = StockRequest.newBuilder().setOrderId(e.getKey()).setProductId(P).setQuantity(1).build()
              .toByteArray();
          dtm.registerBranch(gid, DtmClient.branchId(1), TccBranch.of("127.0.0.1:1", "seckill.product.ProductService",
              stock)).get(10, TimeUnit.SECONDS);
          dtm.submit(gid, opts).get(10, TimeUnit.SECONDS);
        }
        default -> throw new IllegalArgumentException(e.getValue());
      }
    }
    long deadline = System.currentTimeMillis() + DTM_WAIT_MS;
    Map<String, String> have = dtmStatuses(want.keySet());
    while (!have.equals(want) && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
      have = dtmStatuses(want.keySet());
    }
    assertEquals(want, have, "DTM statuses of the fixture transactions");
  }

  /** gid -> status through dtm-grpc's own query, not the verifier's reader under test. */
  private static Map<String, String> dtmStatuses(Set<String> gids) throws Exception {
    Map<String, String> out = new java.util.HashMap<>();
    for (String gid : gids) {
      dtm.queryNow(gid).ifPresent(t -> out.put(gid, t.status().name().toLowerCase(java.util.Locale.ROOT)));
    }
    return out;
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
    Map<String, Check> c = verify(Set.of(o1, o2, o3));
    assertEquals(Set.of(), violatedOwn(c));
    assertEquals("3", c.get("request.one-final-state").found());
    assertEquals("3", c.get("redis.slots").found());
    assertEquals("0 of 3", c.get("dtm.outcome-agrees").found(), "each order compared with its DTM transaction");
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
    assertEquals(List.of("product " + P + ": sold 4, CONFIRMED+PAID quantity 3"), c.get("stock.sold-matches-orders").offenders());
  }

  @Test
  void halfDoneBranchesAreDetected() throws Exception {
    sql("UPDATE seckill_order.orders SET status = 'TRYING' WHERE order_id = ?", o3);
    sql("UPDATE seckill_coupon.coupon SET status = 'FROZEN', order_id = ? WHERE id = ?", o3, C2);
    sql("UPDATE seckill_pay.payment SET status = 'PENDING' WHERE order_id = ?", o3);
    Map<String, Check> c = verify(Set.of());
    Set<String> v = violatedOwn(c);
    assertTrue(v.containsAll(Set.of("order.no-trying", "coupon.none-frozen", "payment.none-pending",
        "request.one-final-state")), v.toString());
    assertEquals(List.of(o3), c.get("order.no-trying").offenders());
  }

  @Test
  void confirmedOrderWithoutItsCouponOrPaymentIsDetected() throws Exception {
    sql("UPDATE seckill_coupon.coupon SET status = 'UNUSED', order_id = NULL WHERE id = ?", C1);
    sql("UPDATE seckill_pay.payment SET status = 'CANCELLED' WHERE order_id = ?", o2);
    Map<String, Check> c = verify(Set.of());
    assertEquals(Set.of("order.confirmed-coupon-used", "order.payment-agrees"), violatedOwn(c));
    assertEquals(List.of(o2 + " (CONFIRMED, payment CANCELLED 1000 for 1000)"), c.get("order.payment-agrees").offenders());
  }

  @Test
  void couponUsedByACancelledOrderAndPaymentOfACancelledOrderAreDetected() throws Exception {
    sql("UPDATE seckill_coupon.coupon SET status = 'USED', order_id = ? WHERE id = ?", o3, C2);
    sql("UPDATE seckill_pay.payment SET status = 'AWAITING_PAYMENT' WHERE order_id = ?", o3);
    Map<String, Check> c = verify(Set.of());
    assertEquals(Set.of("coupon.used-once", "payment.order-agrees"), violatedOwn(c));
  }

  @Test
  @Tag("dtm-defects")
  void dtmDefectsAreDetected() throws Exception {
    // o2 CONFIRMED but failed in DTM, o3 CANCELLED but still submitted; plus a submitted gid no order row
    // or admission knows, found only by DTM's status scan and placed in the range by its product branch.
    String orphan = o1.replace("-1", "-orphan");
    dtmTransactions(Map.of(orphan, "submitted"));
    Map<String, Check> c = verify(Set.of());
    assertEquals(Set.of("dtm.all-finished", "dtm.outcome-agrees", "request.one-final-state"), violatedOwn(c));
    assertEquals(Set.of(config.gidPrefix() + o3 + " submitted", config.gidPrefix() + orphan + " submitted"),
        Set.copyOf(c.get("dtm.all-finished").offenders()));
    assertEquals(Set.of(o2 + " (CONFIRMED, DTM failed)", o3 + " (CANCELLED, DTM submitted)"),
        Set.copyOf(c.get("dtm.outcome-agrees").offenders()));
    assertEquals(List.of(orphan + " (no order row)"), c.get("request.one-final-state").offenders());
  }

  @Test
  void aConfirmedOrderDtmNeverHeardOfIsDetected() throws Exception {
    String unknown = o1.replace("-1", "-4");
    order(unknown, U1 + 3, 1, 0, 1000, "CONFIRMED");
    payment(unknown, U1 + 3, 1000, "AWAITING_PAYMENT");
    sql("UPDATE seckill_product.product SET available = 6, sold = 4 WHERE id = ?", P);
    Map<String, Check> c = verify(Set.of());
    // Nobody admitted it either: in a sale the API admitted buyers to, it holds a unit Redis gave to no one.
    assertEquals(Set.of("dtm.outcome-agrees", "redis.slots"), violatedOwn(c));
    assertEquals(List.of(unknown + " (CONFIRMED, no DTM transaction)"), c.get("dtm.outcome-agrees").offenders());
    assertEquals(List.of("product " + P + ": live order " + unknown + " has no admission record"),
        c.get("redis.slots").offenders());
  }

  @Test
  void aSentOrderThatNeverArrivedIsDetected() throws Exception {
    String lost = P + "-vt-lost";
    Map<String, Check> c = verify(Set.of(o1, lost));
    assertEquals(Set.of("request.one-final-state"), violatedOwn(c));
    assertEquals(List.of(lost + " (no order row)"), c.get("request.one-final-state").offenders());
  }

  @Test
  void redisCountersThatDisagreeWithTheDatabasesAreDetected() throws Exception {
    redis.getMap("seckill:sale:" + TAG, StringCodec.INSTANCE).put("left", "6");
    redis.getMap("seckill:users:" + TAG, StringCodec.INSTANCE).remove(Long.toString(U2));
    redis.getMap("seckill:state:" + TAG, StringCodec.INSTANCE).put(o3, "F");
    // An entry without an admission record: the API's reconciler skips it, so it stays for the check.
    redis.getScoredSortedSet("seckill:pending:" + TAG, StringCodec.INSTANCE).add(1, P + "-vt-ghost");
    Map<String, Check> c = verify(Set.of());
    assertEquals(Set.of("redis.slots", "redis.user-marks", "redis.admissions-agree", "redis.no-pending"), violatedOwn(c));
    assertFalse(c.get("redis.admissions-agree").offenders().isEmpty());
  }
}

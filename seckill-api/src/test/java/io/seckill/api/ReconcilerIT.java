package io.seckill.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seckill.api.AdmissionStore.Outcome;
import io.seckill.api.OrderDirectory.StoredOrder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/** The reconciler over the real Redis, with the order service replaced by a map of order states. */
class ReconcilerIT {
  private static RedissonClient redis;
  private static AdmissionStore store;
  private final Map<String, StoredOrder> orders = new ConcurrentHashMap<>();
  private final List<String> recordedCancellations = new CopyOnWriteArrayList<>();
  private final OrderDirectory directory = new OrderDirectory() {
    @Override
    public Optional<StoredOrder> find(String orderId) {
      return Optional.ofNullable(orders.get(orderId));
    }

    @Override
    public StoredOrder recordCancellation(StoredOrder order, String reason) {
      recordedCancellations.add(order.orderId());
      return orders.computeIfAbsent(order.orderId(), id -> new StoredOrder(id, order.userId(), order.productId(),
          order.quantity(), order.couponId(), order.amountCents(), "CANCELLED", reason));
    }
  };
  private AdmissionService admission;
  private ApiMetrics metrics;
  private long product;

  @BeforeAll
  static void connect() {
    assertTrue(TestStack.reachable(TestStack.REDIS_PORT), "Redis of the local stack is not running (./seckill up)");
    redis = TestStack.redis();
    store = new AdmissionStore(redis);
  }

  @AfterAll
  static void disconnect() {
    if (redis != null) {
      redis.shutdown();
    }
  }

  @BeforeEach
  void openSale() {
    product = TestStack.testProductId();
    store.openSale(product, 4, 1000, 4, System.currentTimeMillis());
    admission = new AdmissionService(store, msg -> java.util.concurrent.CompletableFuture.completedFuture(null),
        directory, CouponDiscounts.fixed(0), 0, 1000, 5000);
    metrics = new ApiMetrics(admission::soldOutFlags);
  }

  @AfterEach
  void clean() {
    TestStack.cleanRedis(redis, product);
  }

  private Reconciler reconciler(long staleMs) {
    return new Reconciler(store, directory, admission, metrics, 0, staleMs, 100);
  }

  private String admit(long user) {
    return store.admit(user, product, 1, 0, System.currentTimeMillis(), 0, 1000).orderId();
  }

  private void stored(String orderId, long user, String status) {
    orders.put(orderId, new StoredOrder(orderId, user, product, 1, 0, 1000, status, "CANCELLED".equals(status) ? "test" : ""));
  }

  @Test
  void cancelledOrdersGiveBackSlotAndMarkExactlyOnceEvenWithConcurrentReconcilers() throws Exception {
    String a = admit(1);
    String b = admit(2);
    String c = admit(3);
    String d = admit(4);
    store.markQueued(a);
    store.markQueued(b);
    store.markQueued(c);
    store.markQueued(d);
    stored(a, 1, "CANCELLED");
    stored(b, 2, "CONFIRMED");
    stored(c, 3, "TRYING");
    // d: still in Kafka (no row, queued): left alone.
    assertEquals(Outcome.SOLD_OUT, store.admit(5, product, 1, 0, 0, 0, 1000).outcome());

    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> runs = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Reconciler r = reconciler(60_000);
      runs.add(pool.submit(r::runOnce));
    }
    for (Future<?> f : runs) {
      f.get();
    }
    pool.shutdown();

    assertEquals(1, store.sale(product).orElseThrow().left(), "exactly one slot back");
    assertEquals(1.0, metricsValue("released"));
    assertEquals('C', store.record(a).orElseThrow().state());
    assertEquals('F', store.record(b).orElseThrow().state());
    assertEquals('Q', store.record(c).orElseThrow().state());
    assertEquals('Q', store.record(d).orElseThrow().state());
    assertEquals(Outcome.ADMITTED, store.admit(1, product, 1, 0, System.currentTimeMillis(), 0, 1000).outcome(),
        "user 1's mark is back");
    assertEquals(Outcome.ALREADY, store.admit(2, product, 1, 0, 0, 0, 1000).outcome());

    // TRYING later ends CANCELLED: released on the next pass.
    stored(c, 3, "CANCELLED");
    reconciler(60_000).runOnce();
    assertEquals(1, store.sale(product).orElseThrow().left());
    assertTrue(recordedCancellations.isEmpty());
  }

  @Test
  void anAdmissionNeverQueuedIsCancelledThroughTheOrderServiceOnceStale() throws Exception {
    String a = admit(1); // state A: the API died before the Kafka ack
    reconciler(60_000).runOnce();
    assertTrue(recordedCancellations.isEmpty(), "not stale yet");
    assertEquals(3, store.sale(product).orElseThrow().left());

    Thread.sleep(30);
    reconciler(10).runOnce();
    assertEquals(List.of(a), recordedCancellations);
    assertEquals(4, store.sale(product).orElseThrow().left());
    assertEquals('C', store.record(a).orElseThrow().state());
    reconciler(10).runOnce();
    assertEquals(1, recordedCancellations.size());
  }

  @Test
  void settleCountsAdmissionsWithNoOrderRowAndClearsTheSoldOutFlag() {
    admit(1);
    admit(2);
    String c = admit(3);
    String d = admit(4);
    stored(c, 3, "CANCELLED");
    stored(d, 4, "TRYING");
    assertEquals("sold_out", admission.admit(5, product, 1, 0).outcome());
    assertTrue(admission.isFlaggedSoldOut(product));
    long now = System.currentTimeMillis();
    assertEquals(2, reconciler(60_000).settle(product, now, now));
    assertFalse(admission.isFlaggedSoldOut(product), "a released slot clears the flag");
  }

  private double metricsValue(String action) throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    metrics.write(out);
    for (String line : out.toString(java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
      if (line.startsWith("seckill_api_reconciled_total{action=\"" + action + "\"}")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }
}

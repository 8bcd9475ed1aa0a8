package io.seckill.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seckill.api.AdmissionStore.Admission;
import io.seckill.api.AdmissionStore.Outcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/** The Lua scripts against the real Redis of the local stack. */
class AdmissionStoreIT {
  private static RedissonClient redis;
  private static AdmissionStore store;
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
    store.openSale(product, 3, 1500, 3, System.currentTimeMillis());
  }

  @AfterEach
  void clean() {
    TestStack.cleanRedis(redis, product);
  }

  private Admission admit(long user, int q) {
    return store.admit(user, product, q, 0, System.currentTimeMillis(), 0, 1000);
  }

  @Test
  void admitsUntilTheSlotsAreGoneAndOncePerUser() {
    Admission a = admit(1, 2);
    assertEquals(Outcome.ADMITTED, a.outcome());
    assertEquals(1, a.left());
    assertEquals(1500, a.priceCents());
    assertTrue(a.orderId().matches("[A-Za-z0-9_-]{1,64}"), a.orderId());
    assertEquals(product, AdmissionStore.productOf(a.orderId()));

    Admission again = admit(1, 1);
    assertEquals(Outcome.ALREADY, again.outcome());
    assertEquals(a.orderId(), again.orderId());

    Admission tooMany = admit(2, 2);
    assertEquals(Outcome.SOLD_OUT, tooMany.outcome());
    assertEquals(1, tooMany.left(), "a partial fit reports what is left");
    assertEquals(Outcome.ADMITTED, admit(2, 1).outcome());
    Admission gone = admit(3, 1);
    assertEquals(Outcome.SOLD_OUT, gone.outcome());
    assertEquals(0, gone.left());
    assertEquals(0, store.sale(product).orElseThrow().left());
  }

  @Test
  void closedSaleAdmitsNobody() {
    store.closeSale(product);
    assertEquals(Outcome.CLOSED, admit(1, 1).outcome());
    assertEquals(Outcome.CLOSED, store.admit(1, product + 1, 1, 0, 0, 0, 1000).outcome(), "never opened");
    assertEquals(3, store.sale(product).orElseThrow().left());
  }

  @Test
  void releaseOfAnUnpublishedAdmissionHappensOnce() {
    Admission a = admit(1, 2);
    assertTrue(store.releaseUnpublished(a.orderId()));
    assertFalse(store.releaseUnpublished(a.orderId()));
    assertFalse(store.releaseCancelled(a.orderId()));
    assertEquals(3, store.sale(product).orElseThrow().left());
    assertTrue(store.record(a.orderId()).isEmpty(), "the record is dropped");
    assertEquals(Outcome.ADMITTED, admit(1, 1).outcome(), "the user's mark came back");
  }

  @Test
  void cancelledReleasesOnceAndConfirmedKeepsTheSlot() {
    Admission cancelled = admit(1, 1);
    Admission confirmed = admit(2, 1);
    store.markQueued(cancelled.orderId());
    assertEquals('Q', store.record(cancelled.orderId()).orElseThrow().state());

    assertTrue(store.releaseCancelled(cancelled.orderId()));
    assertFalse(store.releaseCancelled(cancelled.orderId()));
    assertEquals('C', store.record(cancelled.orderId()).orElseThrow().state());
    assertTrue(store.finalizeConfirmed(confirmed.orderId()));
    assertFalse(store.finalizeConfirmed(confirmed.orderId()));
    assertFalse(store.releaseCancelled(confirmed.orderId()), "a final order never gives its slot back");

    assertEquals(2, store.sale(product).orElseThrow().left());
    assertEquals(Outcome.ADMITTED, admit(1, 1).outcome(), "user 1 may buy again");
    assertEquals(Outcome.ALREADY, admit(2, 1).outcome(), "user 2 holds a confirmed order");
    assertTrue(store.pending(product, Long.MAX_VALUE, 10).stream().noneMatch(
        r -> r.orderId().equals(cancelled.orderId()) || r.orderId().equals(confirmed.orderId())));
  }

  @Test
  void anExpiredConfirmedOrderGivesItsSlotAndMarkBackOnce() {
    Admission a = admit(1, 2);
    store.markQueued(a.orderId());
    assertTrue(store.finalizeConfirmed(a.orderId()));
    assertEquals(1, store.sale(product).orElseThrow().left());
    assertEquals(Outcome.ALREADY, admit(1, 1).outcome());

    assertTrue(store.expireFinal(a.orderId()), "state F: the first call releases");
    assertEquals('E', store.record(a.orderId()).orElseThrow().state());
    assertEquals(3, store.sale(product).orElseThrow().left(), "both units are back");
    assertFalse(store.expireFinal(a.orderId()), "a second call (a retry, another instance) is a no-op");
    assertFalse(store.releaseExpired(a.orderId()), "nor does the reconciler release it again");
    assertFalse(store.releaseCancelled(a.orderId()));
    assertEquals(3, store.sale(product).orElseThrow().left());
    assertEquals(Outcome.ADMITTED, admit(1, 1).outcome(), "the buyer's mark came back");
  }

  @Test
  void expiryLeavesAnotherOrdersMarkAndUnknownOrdersAlone() {
    Admission a = admit(1, 1);
    assertTrue(store.finalizeConfirmed(a.orderId()));
    assertFalse(store.expireFinal(product + "-" + "0".repeat(32)), "never admitted here: fed straight to Kafka");
    assertFalse(store.expireFinal("not-minted-here"));
    assertFalse(store.expireFinal("x"));
    assertTrue(store.expireFinal(a.orderId()));
    Admission again = admit(1, 1);
    assertEquals(Outcome.ADMITTED, again.outcome());
    // A stale retry of the first expiry must not clear the buyer's new mark.
    assertFalse(store.expireFinal(a.orderId()));
    assertEquals(Outcome.ALREADY, admit(1, 1).outcome());
    assertEquals(2, store.sale(product).orElseThrow().left());
  }

  @Test
  void anExpiryBeforeTheReconcilerSettledReleasesThroughThePendingGate() {
    Admission a = admit(1, 1);
    store.markQueued(a.orderId());
    assertTrue(store.expireFinal(a.orderId()), "a pending admission of an EXPIRED order is released too");
    assertEquals('E', store.record(a.orderId()).orElseThrow().state());
    assertEquals(3, store.sale(product).orElseThrow().left());
    assertFalse(store.finalizeConfirmed(a.orderId()), "a reconciler that read CONFIRMED before cannot finalize it");
    assertFalse(store.releaseExpired(a.orderId()), "nor release it a second time");
    assertFalse(store.expireFinal(a.orderId()));
    assertEquals('E', store.record(a.orderId()).orElseThrow().state());
    assertEquals(3, store.sale(product).orElseThrow().left());
  }

  @Test
  void theReconcilerReleasesAPendingExpiredAdmissionOnceAsE() {
    Admission a = admit(1, 1);
    assertTrue(store.releaseExpired(a.orderId()));
    assertFalse(store.releaseExpired(a.orderId()));
    assertFalse(store.expireFinal(a.orderId()), "the saga's release after the reconciler's is a no-op");
    assertEquals('E', store.record(a.orderId()).orElseThrow().state());
    assertEquals(3, store.sale(product).orElseThrow().left());
  }

  @Test
  void rateLimitCountsEveryAttemptOfTheUser() {
    long now = System.currentTimeMillis();
    assertEquals(Outcome.ADMITTED, store.admit(9, product, 1, 0, now, 3, 60_000).outcome());
    assertEquals(Outcome.ALREADY, store.admit(9, product, 1, 0, now, 3, 60_000).outcome());
    assertEquals(Outcome.ALREADY, store.admit(9, product, 1, 0, now, 3, 60_000).outcome());
    assertEquals(Outcome.RATE_LIMITED, store.admit(9, product, 1, 0, now, 3, 60_000).outcome());
    assertEquals(Outcome.ADMITTED, store.admit(10, product, 1, 0, now, 3, 60_000).outcome(), "per user");
  }

  @Test
  void reopeningMintsIdsThatDoNotRepeat() {
    String first = admit(1, 1).orderId();
    store.openSale(product, 3, 1500, 3, System.currentTimeMillis() + 1);
    String second = admit(2, 1).orderId();
    assertFalse(first.equals(second));
  }

  @Test
  void acksMarkedConcurrentlyAreWrittenInBatchesAcrossProducts() {
    long other = TestStack.testProductId();
    try {
      store.openSale(product, 300, 1500, 300, System.currentTimeMillis());
      store.openSale(other, 300, 1500, 300, System.currentTimeMillis());
      java.util.List<String> ids = new java.util.ArrayList<>();
      for (long u = 1; u <= 300; u++) {
        ids.add(store.admit(u, product, 1, 0, System.currentTimeMillis(), 0, 1000).orderId());
        ids.add(store.admit(u, other, 1, 0, System.currentTimeMillis(), 0, 1000).orderId());
      }
      // All at once, from many threads, as the Kafka producer's callbacks come.
      java.util.List<java.util.concurrent.CompletableFuture<Void>> marks = ids.parallelStream()
          .map(id -> store.markQueuedAsync(id).toCompletableFuture()).toList();
      java.util.concurrent.CompletableFuture.allOf(marks.toArray(java.util.concurrent.CompletableFuture[]::new))
          .orTimeout(20, java.util.concurrent.TimeUnit.SECONDS).join();
      for (String id : ids) {
        assertEquals('Q', store.record(id).orElseThrow().state(), id);
      }
      // A mark only moves A: a released admission stays released.
      String released = ids.get(0);
      assertTrue(store.releaseCancelled(released));
      store.markQueued(released);
      assertEquals('C', store.record(released).orElseThrow().state());
    } finally {
      TestStack.cleanRedis(redis, other);
    }
  }
}

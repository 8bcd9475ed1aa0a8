package io.seckill.product;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seckill.dtm.BranchOp;
import io.seckill.dtm.branch.BarrierOutcome;
import io.seckill.dtm.branch.BranchStatus;
import io.seckill.dtm.branch.BusinessRefusal;
import io.grpc.Status;
import io.seckill.proto.product.StockRequest;
import io.seckill.runtime.testing.Branches;
import io.seckill.runtime.testing.TestDatabase;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.ArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every product branch against the real seckill_product database of the local stack
 * ({@code ./seckill up}); products 1,900,001..1,900,011 so the demo's 1..20 are never touched.
 */
class StockLedgerDbIT {
  private static final long PRODUCT = 1_900_001L;
  private static final String GID_PREFIX = "test-product-";
  private static TestDatabase db;
  private static StockLedger ledger;

  @BeforeAll
  static void open() {
    db = TestDatabase.open("product-rpc", "SECKILL_PRODUCT", ProductMapper.class);
    ledger = new SqlStockLedger(db.database().sessions());
  }

  @AfterAll
  static void close() {
    if (db != null) {
      db.close();
    }
  }

  @AfterEach
  void cleanUp() {
    db.update("DELETE FROM product WHERE id BETWEEN ? AND ?", PRODUCT, PRODUCT + 10);
    db.deleteBarrier(GID_PREFIX);
  }

  private static void product(long id, long stock) {
    db.update("DELETE FROM product WHERE id = ?", id);
    db.update("INSERT INTO product (id, name, price_cents, initial_stock, available) VALUES (?, 'test item', 1000, ?, ?)",
        id, stock, stock);
  }

  private static List<Long> counters(long id) {
    Map<String, Object> r = db.row("SELECT available, frozen, sold FROM product WHERE id = ?", id).orElseThrow();
    return List.of(((Number) r.get("available")).longValue(), ((Number) r.get("frozen")).longValue(),
        ((Number) r.get("sold")).longValue());
  }

  private static StockRequest request(long id, int q) {
    return StockRequest.newBuilder().setOrderId("t1").setProductId(id).setQuantity(q).build();
  }

  @Test
  void tryFreezesConfirmSellsAndARepeatedConfirmDoesNothing() throws Exception {
    product(PRODUCT, 10);
    String gid = Branches.newGid(GID_PREFIX);
    assertEquals(BarrierOutcome.EXECUTED, ledger.freeze(Branches.context(gid, BranchOp.TRY), request(PRODUCT, 3)));
    assertEquals(List.of(7L, 3L, 0L), counters(PRODUCT));
    assertEquals(BarrierOutcome.DUPLICATE, ledger.freeze(Branches.context(gid, BranchOp.TRY), request(PRODUCT, 3)));
    assertEquals(List.of(7L, 3L, 0L), counters(PRODUCT));
    assertEquals(BarrierOutcome.EXECUTED, ledger.sell(Branches.context(gid, BranchOp.CONFIRM), request(PRODUCT, 3)));
    assertEquals(List.of(7L, 0L, 3L), counters(PRODUCT));
    assertEquals(BarrierOutcome.DUPLICATE, ledger.sell(Branches.context(gid, BranchOp.CONFIRM), request(PRODUCT, 3)));
    assertEquals(List.of(7L, 0L, 3L), counters(PRODUCT));
    assertEquals(Map.of("try", "try", "confirm", "confirm"), db.barrier(gid));
  }

  @Test
  void cancelReleasesOnceAndStockIsWhole() throws Exception {
    product(PRODUCT, 10);
    String gid = Branches.newGid(GID_PREFIX);
    ledger.freeze(Branches.context(gid, BranchOp.TRY), request(PRODUCT, 4));
    assertEquals(BarrierOutcome.EXECUTED, ledger.release(Branches.context(gid, BranchOp.CANCEL), request(PRODUCT, 4)));
    assertEquals(List.of(10L, 0L, 0L), counters(PRODUCT));
    assertEquals(BarrierOutcome.DUPLICATE, ledger.release(Branches.context(gid, BranchOp.CANCEL), request(PRODUCT, 4)));
    assertEquals(List.of(10L, 0L, 0L), counters(PRODUCT));
  }

  @Test
  void cancelWithoutTryIsANullCompensationAndTheLateTryHangsHarmlessly() throws Exception {
    product(PRODUCT, 10);
    String gid = Branches.newGid(GID_PREFIX);
    assertEquals(BarrierOutcome.NULL_COMPENSATION,
        ledger.release(Branches.context(gid, BranchOp.CANCEL), request(PRODUCT, 4)));
    assertEquals(List.of(10L, 0L, 0L), counters(PRODUCT));
    assertEquals(BarrierOutcome.BLOCKED_HANGING, ledger.freeze(Branches.context(gid, BranchOp.TRY), request(PRODUCT, 4)));
    assertEquals(List.of(10L, 0L, 0L), counters(PRODUCT), "a Try after its Cancel freezes nothing");
  }

  @Test
  void soldOutAndUnknownAreRefusedLeavingNoRowsThenCancelIsNull() throws Exception {
    product(PRODUCT, 2);
    String gid = Branches.newGid(GID_PREFIX);
    BusinessRefusal soldOut = assertThrows(BusinessRefusal.class,
        () -> ledger.freeze(Branches.context(gid, BranchOp.TRY), request(PRODUCT, 3)));
    assertEquals("SOLD_OUT", soldOut.reason());
    assertEquals(Map.of(), db.barrier(gid), "the refused Try's barrier row is rolled back with it");
    assertEquals(BarrierOutcome.NULL_COMPENSATION,
        ledger.release(Branches.context(gid, BranchOp.CANCEL), request(PRODUCT, 3)));
    assertEquals(List.of(2L, 0L, 0L), counters(PRODUCT));

    String gid2 = Branches.newGid(GID_PREFIX);
    BusinessRefusal unknown = assertThrows(BusinessRefusal.class,
        () -> ledger.freeze(Branches.context(gid2, BranchOp.TRY), request(PRODUCT + 9, 1)));
    assertEquals("UNKNOWN_PRODUCT", unknown.reason());
  }

  @Test
  void malformedTryWritesNothingAndItsCancelStillSucceeds() throws Exception {
    product(PRODUCT, 5);
    String gid = Branches.newGid(GID_PREFIX);
    StockRequest zero = request(PRODUCT, 0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ledger.freeze(Branches.context(gid, BranchOp.TRY), zero));
    assertTrue(e.getMessage().contains("quantity"), e.getMessage());
    StockRequest noOrder = StockRequest.newBuilder().setProductId(PRODUCT).setQuantity(1).build();
    assertThrows(IllegalArgumentException.class, () -> ledger.freeze(Branches.context(gid, BranchOp.TRY), noOrder));
    assertEquals(Map.of(), db.barrier(gid));
    assertEquals(BarrierOutcome.NULL_COMPENSATION, ledger.release(Branches.context(gid, BranchOp.CANCEL), zero));
    assertEquals(List.of(5L, 0L, 0L), counters(PRODUCT));
  }

  @Test
  void hotRowTwoHundredConcurrentTriesFreezeExactlyTheStock() throws Exception {
    product(PRODUCT, 50);
    int tries = 200;
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger soldOut = new AtomicInteger();
    List<Throwable> other = java.util.Collections.synchronizedList(new ArrayList<>());
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(32);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < tries; i++) {
        String gid = GID_PREFIX + "hot-" + i + "-" + System.nanoTime();
        futures.add(pool.submit(() -> {
          go.await();
          // Like the consumer, retry a Try that failed transiently (UNAVAILABLE: pool or lock timeout on a
          // busy machine) with the same gid: the barrier makes the retry safe.
          for (int attempt = 1; ; attempt++) {
            try {
              ledger.freeze(Branches.context(gid, BranchOp.TRY), request(PRODUCT, 1));
              ok.incrementAndGet();
            } catch (BusinessRefusal r) {
              if ("SOLD_OUT".equals(r.reason())) {
                soldOut.incrementAndGet();
              } else {
                other.add(r);
              }
            } catch (Exception e) {
              if (attempt < 5 && BranchStatus.of(e, BranchOp.TRY).getCode() == Status.Code.UNAVAILABLE) {
                continue;
              }
              other.add(e);
            }
            return null;
          }
        }));
      }
      go.countDown();
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(List.of(), other);
    assertEquals(50, ok.get());
    assertEquals(150, soldOut.get());
    assertEquals(List.of(0L, 50L, 0L), counters(PRODUCT));
    assertEquals(50, db.number("SELECT COUNT(*) FROM barrier WHERE gid LIKE ? AND op = 'try'", GID_PREFIX + "hot-%"));
  }

  @Test
  void stockReadsTheRow() {
    product(PRODUCT, 9);
    StockRow row = ledger.stock(PRODUCT).orElseThrow();
    assertEquals(9, row.available());
    assertEquals(9, row.initialStock());
    assertEquals("test item", row.name());
    assertTrue(ledger.stock(PRODUCT + 9).isEmpty());
  }

  @Test
  void releaseGivesAnExpiredOrdersSoldUnitsBackOnce() throws Exception {
    product(PRODUCT + 5, 10);
    StockRequest r = request(PRODUCT + 5, 3);
    String tcc = GID_PREFIX + "tcc-" + r.getOrderId();
    ledger.freeze(Branches.context(tcc, BranchOp.TRY), r);
    ledger.sell(Branches.context(tcc, BranchOp.CONFIRM), r);
    assertEquals(List.of(7L, 0L, 3L), counters(PRODUCT + 5));
    String expiry = GID_PREFIX + "expire-" + r.getOrderId();
    assertEquals(BarrierOutcome.EXECUTED, ledger.unsell(Branches.context(expiry, "03", BranchOp.ACTION), r));
    assertEquals(List.of(10L, 0L, 0L), counters(PRODUCT + 5));
    assertEquals(BarrierOutcome.DUPLICATE, ledger.unsell(Branches.context(expiry, "03", BranchOp.ACTION), r));
    assertEquals(List.of(10L, 0L, 0L), counters(PRODUCT + 5));
    // More than was sold: a bug behind the barrier, retried by DTM, never a refusal.
    assertThrows(IllegalStateException.class,
        () -> ledger.unsell(Branches.context(expiry + "-x", "03", BranchOp.ACTION), r));
    assertEquals(List.of(10L, 0L, 0L), counters(PRODUCT + 5));
    // A compensate would give the units back again: refused before the barrier, nothing written.
    ledger.freeze(Branches.context(tcc + "-2", BranchOp.TRY), r);
    ledger.sell(Branches.context(tcc + "-2", BranchOp.CONFIRM), r);
    assertThrows(IllegalArgumentException.class,
        () -> ledger.unsell(Branches.context(expiry + "-c", "03", BranchOp.COMPENSATE), r));
    assertEquals(List.of(7L, 0L, 3L), counters(PRODUCT + 5));
    assertEquals(Map.of(), db.barrier(expiry + "-c"));
  }
}

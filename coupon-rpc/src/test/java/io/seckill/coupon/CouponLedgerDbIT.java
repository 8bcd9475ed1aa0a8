package io.seckill.coupon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.seckill.dtm.BranchOp;
import io.seckill.dtm.branch.BarrierOutcome;
import io.seckill.dtm.branch.BusinessRefusal;
import io.seckill.proto.coupon.CouponRequest;
import io.seckill.runtime.testing.Branches;
import io.seckill.runtime.testing.TestDatabase;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every coupon branch against the real seckill_coupon database; coupons and users 1,000,001+. */
class CouponLedgerDbIT {
  private static final long COUPON = 1_000_001L;
  private static final long USER = 1_000_001L;
  private static final String GID_PREFIX = "test-coupon-";
  private static TestDatabase db;
  private static CouponLedger ledger;

  @BeforeAll
  static void open() {
    db = TestDatabase.open("coupon-rpc", "SECKILL_COUPON", CouponMapper.class);
    ledger = new SqlCouponLedger(db.database().sessions());
  }

  @AfterAll
  static void close() {
    if (db != null) {
      db.close();
    }
  }

  @BeforeEach
  @AfterEach
  void cleanUp() {
    db.update("DELETE FROM coupon WHERE id BETWEEN ? AND ?", COUPON, COUPON + 10);
    db.deleteBarrier(GID_PREFIX);
  }

  private static void coupon(long id, long user, String status) {
    db.update("INSERT INTO coupon (id, user_id, status, discount_cents) VALUES (?, ?, ?, 200)", id, user, status);
  }

  private static CouponRow row(long id) {
    return ledger.coupon(id).orElseThrow();
  }

  private static CouponRequest request(String order, long user, long coupon) {
    return CouponRequest.newBuilder().setOrderId(order).setUserId(user).setCouponId(coupon).build();
  }

  @Test
  void tryFreezesConfirmUsesAndRepeatsDoNothing() throws Exception {
    coupon(COUPON, USER, "UNUSED");
    String gid = Branches.newGid(GID_PREFIX);
    CouponRequest r = request("c-o1", USER, COUPON);
    assertEquals(BarrierOutcome.EXECUTED, ledger.freeze(Branches.context(gid, BranchOp.TRY), r));
    assertEquals("FROZEN", row(COUPON).status());
    assertEquals("c-o1", row(COUPON).orderId());
    assertEquals(BarrierOutcome.DUPLICATE, ledger.freeze(Branches.context(gid, BranchOp.TRY), r));
    assertEquals(BarrierOutcome.EXECUTED, ledger.use(Branches.context(gid, BranchOp.CONFIRM), r));
    assertEquals("USED", row(COUPON).status());
    assertEquals(BarrierOutcome.DUPLICATE, ledger.use(Branches.context(gid, BranchOp.CONFIRM), r));
    assertEquals("USED", row(COUPON).status());

    // A used coupon cannot be frozen again by another order.
    BusinessRefusal used = assertThrows(BusinessRefusal.class,
        () -> ledger.freeze(Branches.context(Branches.newGid(GID_PREFIX), BranchOp.TRY), request("c-o2", USER, COUPON)));
    assertEquals("COUPON_NOT_AVAILABLE", used.reason());
  }

  @Test
  void cancelGivesTheCouponBackOnce() throws Exception {
    coupon(COUPON, USER, "UNUSED");
    String gid = Branches.newGid(GID_PREFIX);
    CouponRequest r = request("c-o3", USER, COUPON);
    ledger.freeze(Branches.context(gid, BranchOp.TRY), r);
    assertEquals(BarrierOutcome.EXECUTED, ledger.release(Branches.context(gid, BranchOp.CANCEL), r));
    assertEquals("UNUSED", row(COUPON).status());
    assertNull(row(COUPON).orderId());
    assertEquals(BarrierOutcome.DUPLICATE, ledger.release(Branches.context(gid, BranchOp.CANCEL), r));
  }

  @Test
  void cancelWithoutTryIsNullAndTheLateTryFreezesNothing() throws Exception {
    coupon(COUPON, USER, "UNUSED");
    String gid = Branches.newGid(GID_PREFIX);
    CouponRequest r = request("c-o4", USER, COUPON);
    assertEquals(BarrierOutcome.NULL_COMPENSATION, ledger.release(Branches.context(gid, BranchOp.CANCEL), r));
    assertEquals(BarrierOutcome.BLOCKED_HANGING, ledger.freeze(Branches.context(gid, BranchOp.TRY), r));
    assertEquals("UNUSED", row(COUPON).status());
  }

  @Test
  void refusalsNameTheReasonAndLeaveNoRows() throws Exception {
    coupon(COUPON, USER, "UNUSED");
    String gid = Branches.newGid(GID_PREFIX);
    assertEquals("COUPON_NOT_OWNED", assertThrows(BusinessRefusal.class,
        () -> ledger.freeze(Branches.context(gid, BranchOp.TRY), request("c-o5", USER + 1, COUPON))).reason());
    assertEquals("UNKNOWN_COUPON", assertThrows(BusinessRefusal.class,
        () -> ledger.freeze(Branches.context(gid, BranchOp.TRY), request("c-o5", USER, COUPON + 9))).reason());
    assertThrows(IllegalArgumentException.class,
        () -> ledger.freeze(Branches.context(gid, BranchOp.TRY), request("c-o5", USER, 0)));
    assertEquals(Map.of(), db.barrier(gid));
    assertEquals(BarrierOutcome.NULL_COMPENSATION,
        ledger.release(Branches.context(gid, BranchOp.CANCEL), request("c-o5", USER, 0)));
    assertEquals("UNUSED", row(COUPON).status());
  }

  @Test
  void restoreGivesAnExpiredOrdersCouponBackOnce() throws Exception {
    coupon(COUPON + 5, USER, "UNUSED");
    CouponRequest r = request(GID_PREFIX + "o5", USER, COUPON + 5);
    String tcc = GID_PREFIX + "tcc-o5";
    ledger.freeze(Branches.context(tcc, BranchOp.TRY), r);
    ledger.use(Branches.context(tcc, BranchOp.CONFIRM), r);
    assertEquals("USED", row(COUPON + 5).status());
    String expiry = GID_PREFIX + "expire-o5";
    assertEquals(BarrierOutcome.EXECUTED, ledger.restore(Branches.context(expiry, "04", BranchOp.ACTION), r));
    assertEquals("UNUSED", row(COUPON + 5).status());
    assertEquals(null, row(COUPON + 5).orderId());
    assertEquals(BarrierOutcome.DUPLICATE, ledger.restore(Branches.context(expiry, "04", BranchOp.ACTION), r));
    // Past the barrier (another gid) an UNUSED coupon without an order is already restored: a success.
    assertEquals(BarrierOutcome.EXECUTED, ledger.restore(Branches.context(expiry + "-b", "04", BranchOp.ACTION), r));
    assertEquals("UNUSED", row(COUPON + 5).status());
    // ...but not another buyer's coupon.
    assertThrows(IllegalStateException.class, () -> ledger.restore(Branches.context(expiry + "-u", "04",
        BranchOp.ACTION), request(GID_PREFIX + "o5", USER + 1, COUPON + 5)));
    // The owner uses it again on a new order; a late replay of the old expiry does not touch it and is
    // retried, not refused: nothing this expiry did explains a coupon another order holds.
    CouponRequest next = request(GID_PREFIX + "o6", USER, COUPON + 5);
    ledger.freeze(Branches.context(GID_PREFIX + "tcc-o6", BranchOp.TRY), next);
    assertThrows(IllegalStateException.class,
        () -> ledger.restore(Branches.context(expiry + "-c", "04", BranchOp.ACTION), r));
    ledger.use(Branches.context(GID_PREFIX + "tcc-o6", BranchOp.CONFIRM), next);
    assertThrows(IllegalStateException.class,
        () -> ledger.restore(Branches.context(expiry + "-d", "04", BranchOp.ACTION), r));
    assertEquals("USED", row(COUPON + 5).status());
    assertEquals(GID_PREFIX + "o6", row(COUPON + 5).orderId());
    assertEquals(Map.of(), db.barrier(expiry + "-d"));
    // A compensate would give it back while order o6 holds it: refused before the barrier.
    assertThrows(IllegalArgumentException.class,
        () -> ledger.restore(Branches.context(GID_PREFIX + "expire-o6", "04", BranchOp.COMPENSATE), next));
    assertEquals("USED", row(COUPON + 5).status());
    assertEquals(Map.of(), db.barrier(GID_PREFIX + "expire-o6"));
    ledger.restore(Branches.context(GID_PREFIX + "expire-o6", "04", BranchOp.ACTION), next);
    assertEquals("UNUSED", row(COUPON + 5).status());
    // Restoring the coupon of an order that only froze it is a bug: retried, never refused.
    CouponRequest frozen = request(GID_PREFIX + "o8", USER, COUPON + 5);
    ledger.freeze(Branches.context(GID_PREFIX + "tcc-o8", BranchOp.TRY), frozen);
    assertThrows(IllegalStateException.class,
        () -> ledger.restore(Branches.context(GID_PREFIX + "expire-o8", "04", BranchOp.ACTION), frozen));
    assertEquals("FROZEN", row(COUPON + 5).status());
    assertThrows(IllegalStateException.class,
        () -> ledger.restore(Branches.context(GID_PREFIX + "expire-none", "04", BranchOp.ACTION),
            request(GID_PREFIX + "o7", USER, COUPON + 9)));
  }
}

package io.seckill.pay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seckill.dtm.BranchOp;
import io.seckill.dtm.branch.BarrierOutcome;
import io.seckill.dtm.branch.BusinessRefusal;
import io.seckill.proto.pay.PayRequest;
import io.seckill.runtime.testing.Branches;
import io.seckill.runtime.testing.TestDatabase;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every pay branch against the real seckill_pay database; order ids start with "test-pay-". */
class PaymentsDbTest {
  private static final String PREFIX = "test-pay-";
  private static TestDatabase db;
  private static Payments payments;

  @BeforeAll
  static void open() {
    db = TestDatabase.open("pay-rpc", "SECKILL_PAY", PaymentMapper.class);
    payments = new SqlPayments(db.database().sessions());
  }

  @AfterAll
  static void close() {
    if (db != null) {
      db.close();
    }
  }

  @AfterEach
  void cleanUp() {
    db.update("DELETE FROM payment WHERE order_id LIKE ?", PREFIX + "%");
    db.deleteBarrier(PREFIX);
  }

  private static PayRequest request(long amount) {
    return PayRequest.newBuilder().setOrderId(PREFIX + UUID.randomUUID().toString().substring(0, 8))
        .setUserId(1_000_001L).setAmountCents(amount).build();
  }

  private static String status(PayRequest r) {
    return payments.payment(r.getOrderId()).map(PaymentRow::status).orElse("none");
  }

  @Test
  void tryOpensConfirmAwaitsPaymentAndRepeatsDoNothing() throws Exception {
    PayRequest r = request(1100);
    String gid = PREFIX + "g-" + r.getOrderId();
    assertEquals(BarrierOutcome.EXECUTED, payments.open(Branches.context(gid, BranchOp.TRY), r));
    assertEquals("PENDING", status(r));
    assertEquals(1100, payments.payment(r.getOrderId()).orElseThrow().amountCents());
    assertEquals(BarrierOutcome.DUPLICATE, payments.open(Branches.context(gid, BranchOp.TRY), r));
    assertEquals(BarrierOutcome.EXECUTED, payments.awaitPayment(Branches.context(gid, BranchOp.CONFIRM), r));
    assertEquals("AWAITING_PAYMENT", status(r));
    assertEquals(BarrierOutcome.DUPLICATE, payments.awaitPayment(Branches.context(gid, BranchOp.CONFIRM), r));
    assertEquals("AWAITING_PAYMENT", status(r));

    // The same order under another gid is refused: one payment per order.
    assertEquals("PAYMENT_EXISTS", assertThrows(BusinessRefusal.class,
        () -> payments.open(Branches.context(gid + "-again", BranchOp.TRY), r)).reason());
  }

  @Test
  void cancelClosesThePaymentOnce() throws Exception {
    PayRequest r = request(500);
    String gid = PREFIX + "g-" + r.getOrderId();
    payments.open(Branches.context(gid, BranchOp.TRY), r);
    assertEquals(BarrierOutcome.EXECUTED, payments.cancel(Branches.context(gid, BranchOp.CANCEL), r));
    assertEquals("CANCELLED", status(r));
    assertEquals(BarrierOutcome.DUPLICATE, payments.cancel(Branches.context(gid, BranchOp.CANCEL), r));
  }

  @Test
  void cancelWithoutTryIsNullAndTheLateTryWritesNothing() throws Exception {
    PayRequest r = request(500);
    String gid = PREFIX + "g-" + r.getOrderId();
    assertEquals(BarrierOutcome.NULL_COMPENSATION, payments.cancel(Branches.context(gid, BranchOp.CANCEL), r));
    assertEquals(BarrierOutcome.BLOCKED_HANGING, payments.open(Branches.context(gid, BranchOp.TRY), r));
    assertEquals("none", status(r));
  }

  @Test
  void nonPositiveAmountIsRefusedAndMalformedIsInvalidBothWritingNothing() throws Exception {
    PayRequest zero = request(0);
    String gid = PREFIX + "g-" + zero.getOrderId();
    assertEquals("INVALID_AMOUNT", assertThrows(BusinessRefusal.class,
        () -> payments.open(Branches.context(gid, BranchOp.TRY), zero)).reason());
    PayRequest noOrder = PayRequest.newBuilder().setUserId(1).setAmountCents(10).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> payments.open(Branches.context(gid, BranchOp.TRY), noOrder));
    assertTrue(e.getMessage().contains("order_id"), e.getMessage());
    assertEquals("none", status(zero));
    assertEquals(Map.of(), db.barrier(gid));
    assertEquals(BarrierOutcome.NULL_COMPENSATION, payments.cancel(Branches.context(gid, BranchOp.CANCEL), noOrder));
  }
}

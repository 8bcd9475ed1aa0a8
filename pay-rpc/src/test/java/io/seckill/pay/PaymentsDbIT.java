package io.seckill.pay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seckill.dtm.BranchOp;
import io.seckill.dtm.branch.BarrierOutcome;
import io.seckill.dtm.branch.BusinessRefusal;
import io.seckill.proto.pay.PayRequest;
import io.seckill.proto.pay.SettleRequest;
import io.seckill.runtime.testing.Branches;
import io.seckill.runtime.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every pay branch against the real seckill_pay database; order ids start with "test-pay-". */
class PaymentsDbIT {
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
    db.update("DELETE FROM refund WHERE order_id LIKE ?", PREFIX + "%");
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

  /** A payment opened and confirmed through its TCC: AWAITING_PAYMENT. */
  private static PayRequest awaiting(long amount) throws Exception {
    PayRequest r = request(amount);
    String gid = PREFIX + "g-" + r.getOrderId();
    payments.open(Branches.context(gid, BranchOp.TRY), r);
    payments.awaitPayment(Branches.context(gid, BranchOp.CONFIRM), r);
    return r;
  }

  private static SettleRequest settle(PayRequest r, String txn) {
    return SettleRequest.newBuilder().setOrderId(r.getOrderId()).setProviderTxnId(txn)
        .setAmountCents(r.getAmountCents()).build();
  }

  @Test
  void closeIsTheExpiryPivotAndRefusesAPaidPayment() throws Exception {
    PayRequest r = awaiting(700);
    String gid = PREFIX + "expire-" + r.getOrderId();
    assertEquals(BarrierOutcome.EXECUTED, payments.close(Branches.context(gid, BranchOp.ACTION), r));
    assertEquals("CLOSED", status(r));
    assertEquals(BarrierOutcome.DUPLICATE, payments.close(Branches.context(gid, BranchOp.ACTION), r));
    // Another expirer's gid finds it closed already: still a success, nothing changes.
    assertEquals(BarrierOutcome.EXECUTED, payments.close(Branches.context(gid + "-2", BranchOp.ACTION), r));
    assertEquals("CLOSED", status(r));

    PayRequest paid = awaiting(700);
    payments.settle(Branches.context(PREFIX + "pay-a", BranchOp.ACTION), settle(paid, "t-" + paid.getOrderId()));
    assertEquals("PAYMENT_PAID", assertThrows(BusinessRefusal.class,
        () -> payments.close(Branches.context(PREFIX + "expire-" + paid.getOrderId(), BranchOp.ACTION), paid)).reason());
    assertEquals("PAID", status(paid));
    // The refused action left no barrier row: the saga's rollback finds nothing to undo.
    assertEquals(Map.of(), db.barrier(PREFIX + "expire-" + paid.getOrderId()));
  }

  @Test
  void settlePaysOnceAndEveryLosingPaymentBecomesOneRefund() throws Exception {
    PayRequest r = awaiting(900);
    String txn = "t1-" + r.getOrderId().substring(PREFIX.length());
    String gid = PREFIX + "pay-" + txn;
    assertEquals(BarrierOutcome.EXECUTED, payments.settle(Branches.context(gid, BranchOp.ACTION), settle(r, txn)));
    assertEquals("PAID", status(r));
    assertEquals(txn, payments.payment(r.getOrderId()).orElseThrow().providerTxnId());
    assertEquals(BarrierOutcome.DUPLICATE, payments.settle(Branches.context(gid, BranchOp.ACTION), settle(r, txn)));
    // The same provider transaction again past the barrier (another gid): PAID by it already, a success.
    assertEquals(BarrierOutcome.EXECUTED, payments.settle(Branches.context(gid + "-again", BranchOp.ACTION),
        settle(r, txn)));
    assertEquals(List.of(), payments.refunds(r.getOrderId()));

    // A second payment of the paid order: DOUBLE_PAYMENT, refunded once however often it is retried.
    String txn2 = "t2-" + r.getOrderId().substring(PREFIX.length());
    for (int i = 0; i < 2; i++) {
      assertEquals("DOUBLE_PAYMENT", assertThrows(BusinessRefusal.class,
          () -> payments.settle(Branches.context(PREFIX + "pay-" + txn2, BranchOp.ACTION), settle(r, txn2))).reason());
    }
    assertEquals(List.of(new RefundRow(txn2, r.getOrderId(), 900, "DOUBLE_PAYMENT", "REFUND_PENDING")),
        payments.refunds(r.getOrderId()));

    // A payment after the expiry closed it: LATE_PAYMENT, the payment stays CLOSED.
    PayRequest expired = awaiting(900);
    payments.close(Branches.context(PREFIX + "expire-" + expired.getOrderId(), BranchOp.ACTION), expired);
    String late = "t3-" + expired.getOrderId().substring(PREFIX.length());
    assertEquals("LATE_PAYMENT", assertThrows(BusinessRefusal.class,
        () -> payments.settle(Branches.context(PREFIX + "pay-" + late, BranchOp.ACTION), settle(expired, late))).reason());
    assertEquals("CLOSED", status(expired));
    assertEquals(List.of(new RefundRow(late, expired.getOrderId(), 900, "LATE_PAYMENT", "REFUND_PENDING")),
        payments.refunds(expired.getOrderId()));
    assertEquals(null, payments.payment(expired.getOrderId()).orElseThrow().providerTxnId());
    assertEquals(Map.of(), db.barrier(PREFIX + "pay-" + late), "the refused action left no barrier row");

    // The wrong amount never pays.
    PayRequest other = awaiting(900);
    SettleRequest wrong = settle(other, "t4-" + other.getOrderId().substring(PREFIX.length())).toBuilder()
        .setAmountCents(899).build();
    assertEquals("AMOUNT_MISMATCH", assertThrows(BusinessRefusal.class,
        () -> payments.settle(Branches.context(PREFIX + "pay-t4", BranchOp.ACTION), wrong)).reason());
    assertEquals("AWAITING_PAYMENT", status(other));
    assertEquals("AMOUNT_MISMATCH", payments.refunds(other.getOrderId()).get(0).reason());
    assertEquals(899, payments.refunds(other.getOrderId()).get(0).amountCents(), "the amount the provider took");
    assertThrows(IllegalArgumentException.class, () -> payments.settle(Branches.context(PREFIX + "pay-bad",
        BranchOp.ACTION), settle(other, "has space")));
  }

  @Test
  void closeAndSettleRacingOnManyOrdersHaveExactlyOneWinnerEach() throws Exception {
    List<PayRequest> orders = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      orders.add(awaiting(100 + i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    Map<String, String> closeResult = new ConcurrentHashMap<>();
    Map<String, String> settleResult = new ConcurrentHashMap<>();
    List<Future<?>> futures = new ArrayList<>();
    java.util.Random random = new java.util.Random();
    java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
    for (PayRequest r : orders) {
      String txn = "race-" + r.getOrderId().substring(PREFIX.length());
      Runnable close = () -> closeResult.put(r.getOrderId(), outcome(() -> {
        start.await();
        return payments.close(Branches.context(PREFIX + "expire-" + r.getOrderId(), BranchOp.ACTION), r);
      }));
      Runnable pay = () -> settleResult.put(r.getOrderId(), outcome(() -> {
        start.await();
        return payments.settle(Branches.context(PREFIX + "pay-" + txn, BranchOp.ACTION), settle(r, txn));
      }));
      // Either may be first in the queue, so both outcomes occur.
      boolean closeFirst = random.nextBoolean();
      futures.add(pool.submit(closeFirst ? close : pay));
      futures.add(pool.submit(closeFirst ? pay : close));
    }
    start.countDown();
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    int paid = 0;
    for (PayRequest r : orders) {
      String c = closeResult.get(r.getOrderId());
      String st = settleResult.get(r.getOrderId());
      PaymentRow row = payments.payment(r.getOrderId()).orElseThrow();
      List<RefundRow> refunds = payments.refunds(r.getOrderId());
      if ("PAID".equals(row.status())) {
        paid++;
        assertEquals(List.of("PAYMENT_PAID", "ok"), List.of(c, st), r.getOrderId());
        assertEquals(List.of(), refunds);
      } else {
        assertEquals("CLOSED", row.status());
        assertEquals(List.of("ok", "LATE_PAYMENT"), List.of(c, st), r.getOrderId());
        assertEquals(List.of(new RefundRow("race-" + r.getOrderId().substring(PREFIX.length()), r.getOrderId(),
            r.getAmountCents(), "LATE_PAYMENT", "REFUND_PENDING")), refunds);
      }
    }
    assertTrue(paid > 0 && paid < orders.size(), "both pivots won somewhere: " + paid + " paid");
    System.out.println("[race] " + paid + " of " + orders.size() + " paid first");
  }

  private interface Call {
    BarrierOutcome run() throws Exception;
  }

  private static String outcome(Call call) {
    try {
      call.run();
      return "ok";
    } catch (BusinessRefusal e) {
      return e.reason();
    } catch (Exception e) {
      return e.toString();
    }
  }

  @Test
  void thePivotsAreActionsOnlyAndACompensateWritesNothing() throws Exception {
    PayRequest r = awaiting(300);
    String gid = PREFIX + "expire-" + r.getOrderId();
    assertThrows(IllegalArgumentException.class, () -> payments.close(Branches.context(gid, BranchOp.COMPENSATE), r));
    assertThrows(IllegalArgumentException.class, () -> payments.settle(
        Branches.context(PREFIX + "pay-c", BranchOp.COMPENSATE), settle(r, "c-" + r.getOrderId().substring(PREFIX.length()))));
    assertEquals(Map.of(), db.barrier(gid));
    assertEquals("AWAITING_PAYMENT", status(r));
    assertEquals(List.of(), payments.refunds(r.getOrderId()));
  }
}

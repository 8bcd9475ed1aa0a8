package io.seckill.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seckill.dtm.BranchOp;
import io.seckill.dtm.branch.BarrierOutcome;
import io.seckill.dtm.branch.BusinessRefusal;
import io.seckill.proto.order.OrderRequest;
import io.seckill.runtime.testing.Branches;
import io.seckill.runtime.testing.TestDatabase;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every order branch and RecordCancellation against the real seckill_order database; users 1,000,001+. */
class OrdersDbIT {
  private static final String PREFIX = "test-order-";
  private static final long USER = 1_000_001L;
  private static final long PRODUCT = 1_000_001L;
  private static TestDatabase db;
  private static Orders orders;

  @BeforeAll
  static void open() {
    db = TestDatabase.open("order-rpc", "SECKILL_ORDER", OrderMapper.class);
    orders = new SqlOrders(db.database().sessions());
    cleanUp();
  }

  @AfterAll
  static void close() {
    if (db != null) {
      db.close();
    }
  }

  @AfterEach
  void afterEach() {
    cleanUp();
  }

  private static void cleanUp() {
    db.update("DELETE FROM orders WHERE order_id LIKE ?", PREFIX + "%");
    db.deleteBarrier(PREFIX);
  }

  private static OrderRequest order(long user) {
    return OrderRequest.newBuilder().setOrderId(PREFIX + UUID.randomUUID().toString().substring(0, 8))
        .setUserId(user).setProductId(PRODUCT).setQuantity(1).setAmountCents(1100).build();
  }

  private static String gid(OrderRequest o) {
    return PREFIX + "g-" + o.getOrderId();
  }

  private static OrderRow row(OrderRequest o) {
    return orders.order(o.getOrderId()).orElseThrow();
  }

  @Test
  void tryInsertsTryingConfirmConfirmsAndRepeatsDoNothing() throws Exception {
    OrderRequest o = order(USER);
    assertEquals(BarrierOutcome.EXECUTED, orders.create(Branches.context(gid(o), BranchOp.TRY), o));
    assertEquals("TRYING", row(o).status());
    assertEquals(BarrierOutcome.DUPLICATE, orders.create(Branches.context(gid(o), BranchOp.TRY), o));
    assertEquals(BarrierOutcome.EXECUTED, orders.confirm(Branches.context(gid(o), BranchOp.CONFIRM), o));
    assertEquals("CONFIRMED", row(o).status());
    assertEquals(BarrierOutcome.DUPLICATE, orders.confirm(Branches.context(gid(o), BranchOp.CONFIRM), o));
    assertEquals("CONFIRMED", row(o).status());
  }

  @Test
  void statusesReadsManyOrdersAtOnceAndLeavesOutMissingOnes() throws Exception {
    OrderRequest confirmed = order(USER);
    OrderRequest trying = order(USER + 1);
    orders.create(Branches.context(gid(confirmed), BranchOp.TRY), confirmed);
    orders.confirm(Branches.context(gid(confirmed), BranchOp.CONFIRM), confirmed);
    orders.create(Branches.context(gid(trying), BranchOp.TRY), trying);
    assertEquals(Map.of(confirmed.getOrderId(), "CONFIRMED", trying.getOrderId(), "TRYING"),
        orders.statuses(java.util.List.of(confirmed.getOrderId(), trying.getOrderId(), PREFIX + "absent")));
    assertEquals(Map.of(), orders.statuses(java.util.List.of()));
    assertThrows(IllegalArgumentException.class, () -> orders.statuses(java.util.List.of("bad id")));
    assertThrows(IllegalArgumentException.class, () -> orders.statuses(java.util.Collections.nCopies(501, "x")));
  }

  @Test
  void oneLiveOrderPerUserAndProductUntilCancelled() throws Exception {
    OrderRequest first = order(USER);
    orders.create(Branches.context(gid(first), BranchOp.TRY), first);
    OrderRequest second = order(USER);
    BusinessRefusal dup = assertThrows(BusinessRefusal.class,
        () -> orders.create(Branches.context(gid(second), BranchOp.TRY), second));
    assertEquals("DUPLICATE_ORDER", dup.reason());
    assertEquals(Map.of(), db.barrier(gid(second)), "nothing of the refused Try is left");
    assertEquals(0, db.number("SELECT COUNT(*) FROM orders WHERE order_id = ?", second.getOrderId()));
    assertEquals(BarrierOutcome.NULL_COMPENSATION, orders.cancel(Branches.context(gid(second), BranchOp.CANCEL), second));

    assertEquals(BarrierOutcome.EXECUTED, orders.cancel(Branches.context(gid(first), BranchOp.CANCEL), first));
    assertEquals("CANCELLED", row(first).status());
    assertEquals(BarrierOutcome.DUPLICATE, orders.cancel(Branches.context(gid(first), BranchOp.CANCEL), first));
    OrderRequest third = order(USER);
    assertEquals(BarrierOutcome.EXECUTED, orders.create(Branches.context(gid(third), BranchOp.TRY), third));
  }

  @Test
  void cancelWithoutTryIsNullAndTheLateTryInsertsNothing() throws Exception {
    OrderRequest o = order(USER + 1);
    assertEquals(BarrierOutcome.NULL_COMPENSATION, orders.cancel(Branches.context(gid(o), BranchOp.CANCEL), o));
    assertEquals(BarrierOutcome.BLOCKED_HANGING, orders.create(Branches.context(gid(o), BranchOp.TRY), o));
    assertEquals(0, db.number("SELECT COUNT(*) FROM orders WHERE order_id = ?", o.getOrderId()));
  }

  @Test
  void malformedTryIsInvalidAndWritesNothing() {
    OrderRequest bad = order(USER + 2).toBuilder().setQuantity(0).build();
    assertThrows(IllegalArgumentException.class, () -> orders.create(Branches.context(gid(bad), BranchOp.TRY), bad));
    OrderRequest badId = order(USER + 2).toBuilder().setOrderId("has space").build();
    assertThrows(IllegalArgumentException.class, () -> orders.create(Branches.context(gid(bad), BranchOp.TRY), badId));
    assertEquals(Map.of(), db.barrier(gid(bad)));
  }

  @Test
  void recordCancellationInsertsAnnotatesAndNeverChangesALiveStatus() throws Exception {
    // No row yet: a CANCELLED row with the reason; again: idempotent, the first reason stays.
    OrderRequest absent = order(USER + 3);
    OrderRow inserted = orders.recordCancellation(absent, "SOLD_OUT");
    assertEquals("CANCELLED", inserted.status());
    assertEquals("SOLD_OUT", inserted.reason());
    assertEquals("SOLD_OUT", orders.recordCancellation(absent, "OTHER").reason());

    // A TRYING order gets the reason but stays TRYING; its Cancel then cancels it, reason kept.
    OrderRequest trying = order(USER + 4);
    orders.create(Branches.context(gid(trying), BranchOp.TRY), trying);
    OrderRow annotated = orders.recordCancellation(trying, "COUPON_NOT_AVAILABLE");
    assertEquals("TRYING", annotated.status());
    assertEquals("COUPON_NOT_AVAILABLE", annotated.reason());
    orders.cancel(Branches.context(gid(trying), BranchOp.CANCEL), trying);
    assertEquals("CANCELLED", row(trying).status());
    assertEquals("COUPON_NOT_AVAILABLE", row(trying).reason());

    // A CONFIRMED order is refused and untouched.
    OrderRequest confirmed = order(USER + 5);
    orders.create(Branches.context(gid(confirmed), BranchOp.TRY), confirmed);
    orders.confirm(Branches.context(gid(confirmed), BranchOp.CONFIRM), confirmed);
    assertEquals("ORDER_CONFIRMED",
        assertThrows(BusinessRefusal.class, () -> orders.recordCancellation(confirmed, "LATE")).reason());
    assertEquals("CONFIRMED", row(confirmed).status());
    assertEquals("", row(confirmed).reason());

    // A reason written before an Abort that DTM refused (the transaction was submitted): Confirm clears it.
    OrderRequest submitted = order(USER + 7);
    orders.create(Branches.context(gid(submitted), BranchOp.TRY), submitted);
    assertEquals("TRYING", orders.recordCancellation(submitted, "REFUSED coupon: LATE").status());
    orders.confirm(Branches.context(gid(submitted), BranchOp.CONFIRM), submitted);
    assertEquals("CONFIRMED", row(submitted).status());
    assertEquals("", row(submitted).reason(), "a confirmed order carries no cancellation reason");

    // A cancelled order's id cannot be tried again (it is final).
    assertEquals("ORDER_EXISTS", assertThrows(BusinessRefusal.class,
        () -> orders.create(Branches.context(gid(absent) + "-2", BranchOp.TRY), absent)).reason());
    assertThrows(IllegalArgumentException.class, () -> orders.recordCancellation(order(USER + 6), " "));
  }

  private static OrderRequest confirmedOrder(long user, Orders with) throws Exception {
    OrderRequest o = order(user);
    with.create(Branches.context(gid(o), BranchOp.TRY), o);
    with.confirm(Branches.context(gid(o), BranchOp.CONFIRM), o);
    return o;
  }

  @Test
  void confirmSetsTheDeadlineAndDueListsOnlyOrdersPastIt() throws Exception {
    Orders shortDeadline = new SqlOrders(db.database().sessions(), Duration.ofSeconds(1));
    long before = System.currentTimeMillis();
    OrderRequest soon = confirmedOrder(USER + 10, shortDeadline);
    OrderRequest later = confirmedOrder(USER + 11, orders);
    long deadline = row(soon).payDeadlineMillis();
    assertTrue(deadline >= before + 500 && deadline <= System.currentTimeMillis() + 2_000, "deadline " + deadline);
    assertTrue(row(later).payDeadlineMillis() > System.currentTimeMillis() + 14 * 60_000, "the default is 15 min");
    Thread.sleep(1_300);
    java.util.List<String> due = orders.due(Orders.MAX_DUE_BATCH).stream().map(OrderRow::orderId).toList();
    assertTrue(due.contains(soon.getOrderId()), due.toString());
    assertTrue(!due.contains(later.getOrderId()), due.toString());
    assertThrows(IllegalArgumentException.class, () -> orders.due(0));
    assertThrows(IllegalArgumentException.class, () -> orders.due(Orders.MAX_DUE_BATCH + 1));
  }

  @Test
  void expireAndMarkPaidFollowTheirPivotAndRepeatsDoNothing() throws Exception {
    OrderRequest o = confirmedOrder(USER + 12, orders);
    String expiry = PREFIX + "expire-" + o.getOrderId();
    assertEquals(BarrierOutcome.EXECUTED, orders.expire(Branches.context(expiry, "02", BranchOp.ACTION), o));
    assertEquals("EXPIRED", row(o).status());
    assertEquals(BarrierOutcome.DUPLICATE, orders.expire(Branches.context(expiry, "02", BranchOp.ACTION), o));
    // Another instance's expiry of the same order: already EXPIRED, a success that changes nothing.
    assertEquals(BarrierOutcome.EXECUTED, orders.expire(Branches.context(expiry + "-b", "02", BranchOp.ACTION), o));
    // An expired order can never be paid: the step is retried (never aborted) and logged.
    assertThrows(IllegalStateException.class,
        () -> orders.markPaid(Branches.context(PREFIX + "pay-x", "02", BranchOp.ACTION), o));
    assertEquals("EXPIRED", row(o).status());
    // EXPIRED is not live: the buyer may buy the product again.
    OrderRequest again = order(USER + 12);
    assertEquals(BarrierOutcome.EXECUTED, orders.create(Branches.context(gid(again), BranchOp.TRY), again));

    OrderRequest p = confirmedOrder(USER + 13, orders);
    assertEquals(BarrierOutcome.EXECUTED, orders.markPaid(Branches.context(PREFIX + "pay-p", "02", BranchOp.ACTION), p));
    assertEquals("PAID", row(p).status());
    assertThrows(IllegalStateException.class,
        () -> orders.expire(Branches.context(PREFIX + "expire-p", "02", BranchOp.ACTION), p));
    // PAID is live: no second order of the same product for that buyer.
    OrderRequest second = order(USER + 13);
    assertEquals("DUPLICATE_ORDER", assertThrows(BusinessRefusal.class,
        () -> orders.create(Branches.context(gid(second), BranchOp.TRY), second)).reason());
    assertEquals("ORDER_CONFIRMED", assertThrows(BusinessRefusal.class,
        () -> orders.recordCancellation(p, "LATE")).reason());
    assertEquals("", row(p).reason());
  }

  @Test
  void dueListsOldestDeadlineFirstTiesByOrderIdAndStopsAtTheLimit() throws Exception {
    // Deadlines long past, so these lead the list whatever else the shared database holds.
    java.util.List<OrderRequest> confirmed = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      confirmed.add(confirmedOrder(USER + 20 + i, orders));
    }
    String[] deadlines = {"1971-01-01 00:00:03.000", "1971-01-01 00:00:01.000", "1971-01-01 00:00:02.000",
        "1971-01-01 00:00:02.000"};
    for (int i = 0; i < 4; i++) {
      db.update("UPDATE orders SET pay_deadline = ? WHERE order_id = ?", deadlines[i], confirmed.get(i).getOrderId());
    }
    OrderRequest expired = confirmedOrder(USER + 24, orders);
    orders.expire(Branches.context(PREFIX + "expire-" + expired.getOrderId(), "02", BranchOp.ACTION), expired);
    db.update("UPDATE orders SET pay_deadline = '1970-06-01 00:00:00' WHERE order_id = ?", expired.getOrderId());

    String tieFirst = confirmed.get(2).getOrderId().compareTo(confirmed.get(3).getOrderId()) < 0
        ? confirmed.get(2).getOrderId() : confirmed.get(3).getOrderId();
    String tieSecond = tieFirst.equals(confirmed.get(2).getOrderId())
        ? confirmed.get(3).getOrderId() : confirmed.get(2).getOrderId();
    java.util.List<String> expected = java.util.List.of(confirmed.get(1).getOrderId(), tieFirst, tieSecond,
        confirmed.get(0).getOrderId());
    assertEquals(expected.subList(0, 2), orders.due(2).stream().map(OrderRow::orderId).toList());
    java.util.List<OrderRow> all = orders.due(Orders.MAX_DUE_BATCH);
    assertEquals(expected, all.subList(0, 4).stream().map(OrderRow::orderId).toList());
    assertTrue(all.stream().noneMatch(r -> r.orderId().equals(expired.getOrderId())), "only CONFIRMED orders");
    assertEquals(1_000L, all.get(1).payDeadlineMillis() - all.get(0).payDeadlineMillis(), "deadlines in epoch millis");
    assertEquals(1, orders.due(1).size());
  }

  @Test
  void anExpiredOrderRefusesACancellationAndStaysExpired() throws Exception {
    OrderRequest o = confirmedOrder(USER + 30, orders);
    orders.expire(Branches.context(PREFIX + "expire-" + o.getOrderId(), "02", BranchOp.ACTION), o);
    assertEquals("ORDER_CONFIRMED", assertThrows(BusinessRefusal.class,
        () -> orders.recordCancellation(o, "LATE")).reason());
    assertEquals("EXPIRED", row(o).status());
    assertEquals("", row(o).reason());
    assertEquals(Map.of(o.getOrderId(), "EXPIRED"), orders.statuses(java.util.List.of(o.getOrderId())));
  }

  @Test
  void sagaStepsAreActionsOnlyAndACompensateWritesNothing() throws Exception {
    OrderRequest o = confirmedOrder(USER + 31, orders);
    String expiry = PREFIX + "expire-" + o.getOrderId();
    assertThrows(IllegalArgumentException.class,
        () -> orders.expire(Branches.context(expiry, "02", BranchOp.COMPENSATE), o));
    assertThrows(IllegalArgumentException.class,
        () -> orders.markPaid(Branches.context(PREFIX + "pay-c", "02", BranchOp.COMPENSATE), o));
    assertEquals(Map.of(), db.barrier(expiry));
    assertEquals("CONFIRMED", row(o).status());
    assertThrows(IllegalArgumentException.class, () -> orders.expire(Branches.context(expiry, "02", BranchOp.ACTION),
        o.toBuilder().setQuantity(0).build()));
    assertEquals(Map.of(), db.barrier(expiry));
  }
}

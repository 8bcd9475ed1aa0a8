package io.seckill.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seckill.verify.Snapshot.Admission;
import io.seckill.verify.Snapshot.Coupon;
import io.seckill.verify.Snapshot.GlobalTx;
import io.seckill.verify.Snapshot.Order;
import io.seckill.verify.Snapshot.Payment;
import io.seckill.verify.Snapshot.Product;
import io.seckill.verify.Snapshot.Sale;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Each invariant on crafted in-memory snapshots: a healthy one passes, and each defect is named. */
class InvariantsTest {
  private static final ProductRange RANGE = new ProductRange(1, 2);

  /** Product 1: 10 units, 3 sold to o1 (q2, coupon 11) and o2 (q1); o3 (coupon 12) cancelled. All via Redis. */
  private static Snapshot healthy() {
    List<Order> orders = List.of(
        new Order("1-e-1", 101, 1, 2, 11, 1800, "CONFIRMED", ""),
        new Order("1-e-2", 102, 1, 1, 0, 1000, "CONFIRMED", ""),
        new Order("1-e-3", 103, 1, 1, 12, 800, "CANCELLED", "REFUSED coupon"));
    List<Coupon> coupons = List.of(new Coupon(11, 101, "USED", "1-e-1"), new Coupon(12, 103, "UNUSED", null));
    List<Payment> payments = List.of(new Payment("1-e-1", 101, 1800, "AWAITING_PAYMENT"),
        new Payment("1-e-2", 102, 1000, "AWAITING_PAYMENT"), new Payment("1-e-3", 103, 800, "CANCELLED"));
    Map<String, String> dtm = Map.of("seckill-1-e-1", "succeed", "seckill-1-e-2", "succeed", "seckill-1-e-3", "failed");
    Sale sale = new Sale(1, true, 7, 10, -1, Map.of(101L, "1-e-1", 102L, "1-e-2"), 0, List.of(
        new Admission("1-e-1", 1, 101, 2, 11, 'F'), new Admission("1-e-2", 1, 102, 1, 0, 'F'),
        new Admission("1-e-3", 1, 103, 1, 12, 'C')));
    return new Snapshot(RANGE, "seckill-", List.of(new Product(1, 10, 7, 0, 3)), orders, coupons, payments, dtm,
        List.of(), List.of(sale), Set.of("1-e-1", "1-e-2", "1-e-3"), 0);
  }

  private static Map<String, Check> checks(Snapshot s) {
    return Invariants.all(s, 10).stream().collect(Collectors.toMap(Check::name, c -> c));
  }

  private static Set<String> violated(Snapshot s) {
    return Invariants.all(s, 10).stream().filter(c -> !c.ok()).map(Check::name).collect(Collectors.toSet());
  }

  private static Snapshot withOrders(Snapshot s, UnaryOperator<List<Order>> f) {
    return new Snapshot(s.range(), s.gidPrefix(), s.products(), f.apply(new ArrayList<>(s.orders())), s.coupons(),
        s.payments(), s.dtmOutcomes(), s.unfinished(), s.sales(), s.expectedOrderIds(), s.kafkaLag());
  }

  private static Order status(Order o, String status) {
    return new Order(o.orderId(), o.userId(), o.productId(), o.quantity(), o.couponId(), o.amountCents(), status, o.reason());
  }

  @Test
  void healthySnapshotPassesEveryCheck() {
    assertEquals(Set.of(), violated(healthy()));
    assertTrue(Invariants.quiet(healthy(), 10).stream().allMatch(Check::ok));
    assertEquals("3", checks(healthy()).get("request.one-final-state").found());
  }

  @Test
  void stockThatDoesNotAddUpIsNamed() {
    Snapshot s = healthy();
    s = new Snapshot(s.range(), s.gidPrefix(), List.of(new Product(1, 10, 8, 0, 3)), s.orders(), s.coupons(),
        s.payments(), s.dtmOutcomes(), s.unfinished(), s.sales(), s.expectedOrderIds(), 0);
    Check c = checks(s).get("stock.conserved");
    assertFalse(c.ok());
    assertEquals("product 1: 10 != 8+0+3", c.offenders().get(0));
  }

  @Test
  void frozenStockAndSoldMismatchAreNamed() {
    Snapshot s = healthy();
    s = new Snapshot(s.range(), s.gidPrefix(), List.of(new Product(1, 10, 5, 1, 4)), s.orders(), s.coupons(),
        s.payments(), s.dtmOutcomes(), s.unfinished(), s.sales(), s.expectedOrderIds(), 0);
    Set<String> v = violated(s);
    assertTrue(v.contains("stock.frozen-zero"));
    assertTrue(v.contains("stock.sold-matches-orders"));
    assertFalse(v.contains("stock.conserved"));
    assertFalse(Invariants.quiet(s, 10).stream().allMatch(Check::ok), "frozen stock is not quiet");
  }

  @Test
  void tryingOrderIsNotQuietAndNotFinal() {
    Snapshot s = withOrders(healthy(), l -> {
      l.set(1, status(l.get(1), "TRYING"));
      return l;
    });
    Set<String> v = violated(s);
    assertTrue(v.contains("order.no-trying"));
    assertTrue(v.contains("request.one-final-state"));
    assertEquals(List.of("1-e-2"), checks(s).get("order.no-trying").offenders());
  }

  @Test
  void confirmedOrderWithoutUsedCouponOrPaymentIsNamed() {
    Snapshot s = healthy();
    s = new Snapshot(s.range(), s.gidPrefix(), s.products(), s.orders(),
        List.of(new Coupon(11, 101, "FROZEN", "1-e-1"), new Coupon(12, 103, "UNUSED", null)),
        List.of(new Payment("1-e-1", 101, 1800, "AWAITING_PAYMENT"), new Payment("1-e-2", 102, 999, "AWAITING_PAYMENT"),
            new Payment("1-e-3", 103, 800, "CANCELLED")),
        s.dtmOutcomes(), s.unfinished(), s.sales(), s.expectedOrderIds(), 0);
    Map<String, Check> c = checks(s);
    assertEquals(List.of("1-e-1 (coupon 11 FROZEN held by 1-e-1)"), c.get("order.confirmed-coupon-used").offenders());
    assertEquals(List.of("1-e-2 (CONFIRMED, payment AWAITING_PAYMENT 999 for 1000)"), c.get("order.payment-agrees").offenders());
    assertFalse(c.get("coupon.none-frozen").ok());
  }

  @Test
  void couponUsedTwiceOrByCancelledOrderIsNamed() {
    Snapshot twice = withOrders(healthy(), l -> {
      Order o = l.get(1);
      l.set(1, new Order(o.orderId(), o.userId(), o.productId(), o.quantity(), 11, o.amountCents(), o.status(), ""));
      return l;
    });
    assertTrue(checks(twice).get("coupon.used-once").offenders().get(0).startsWith("coupon 11 in CONFIRMED/PAID orders"));
    Snapshot s = healthy();
    Snapshot byCancelled = new Snapshot(s.range(), s.gidPrefix(), s.products(), s.orders(),
        List.of(new Coupon(11, 101, "USED", "1-e-1"), new Coupon(12, 103, "USED", "1-e-3")), s.payments(),
        s.dtmOutcomes(), s.unfinished(), s.sales(), s.expectedOrderIds(), 0);
    assertEquals(List.of("coupon 12 USED by 1-e-3 (CANCELLED, coupon 12)"),
        checks(byCancelled).get("coupon.used-once").offenders());
  }

  @Test
  void awaitingPaymentOfCancelledOrderAndPendingPaymentAreNamed() {
    Snapshot s = healthy();
    s = new Snapshot(s.range(), s.gidPrefix(), s.products(), s.orders(), s.coupons(),
        List.of(new Payment("1-e-1", 101, 1800, "PENDING"), new Payment("1-e-2", 102, 1000, "AWAITING_PAYMENT"),
            new Payment("1-e-3", 103, 800, "AWAITING_PAYMENT")),
        s.dtmOutcomes(), s.unfinished(), s.sales(), s.expectedOrderIds(), 0);
    Map<String, Check> c = checks(s);
    assertEquals(List.of("1-e-3 (payment AWAITING_PAYMENT, order CANCELLED)"), c.get("payment.order-agrees").offenders());
    assertEquals(List.of("1-e-1"), c.get("payment.none-pending").offenders());
  }

  @Test
  void twoLiveOrdersOfOneUserAreNamed() {
    Snapshot s = withOrders(healthy(), l -> {
      l.set(2, new Order("1-e-3", 101, 1, 1, 12, 800, "TRYING", ""));
      return l;
    });
    assertEquals(List.of("user/product 101/1: [1-e-1, 1-e-3]"), checks(s).get("order.one-live-per-user").offenders());
  }

  @Test
  void unfinishedTransactionAndDisagreeingOutcomeAreNamed() {
    Snapshot s = healthy();
    Map<String, String> dtm = new HashMap<>(s.dtmOutcomes());
    dtm.put("seckill-1-e-2", "failed");
    s = new Snapshot(s.range(), s.gidPrefix(), s.products(), s.orders(), s.coupons(), s.payments(), dtm,
        List.of(new GlobalTx("seckill-1-e-9", "submitted")), s.sales(), s.expectedOrderIds(), 0);
    Map<String, Check> c = checks(s);
    assertEquals(List.of("seckill-1-e-9 submitted"), c.get("dtm.all-finished").offenders());
    assertEquals(List.of("1-e-2 (CONFIRMED, DTM failed)"), c.get("dtm.outcome-agrees").offenders());
    assertEquals(List.of("1-e-9 (no order row)"), c.get("request.one-final-state").offenders());
  }

  @Test
  void lostSentOrderAndKafkaLagAreNamed() {
    Snapshot s = healthy();
    s = new Snapshot(s.range(), s.gidPrefix(), s.products(), s.orders(), s.coupons(), s.payments(), s.dtmOutcomes(),
        s.unfinished(), s.sales(), Set.of("1-e-1", "lost-1"), 5);
    Map<String, Check> c = checks(s);
    assertEquals(List.of("lost-1 (no order row)"), c.get("request.one-final-state").offenders());
    assertFalse(c.get("kafka.lag").ok());
    assertEquals("5", c.get("kafka.lag").found());
  }

  @Test
  void redisCountersThatDisagreeAreNamed() {
    Snapshot s = healthy();
    Sale h = s.sales().get(0);
    Sale bad = new Sale(1, true, 6, 10, -1, Map.of(101L, "1-e-1", 103L, "1-e-3"), 1, List.of(
        new Admission("1-e-1", 1, 101, 2, 11, 'Q'), h.admissions().get(1), h.admissions().get(2)));
    s = new Snapshot(s.range(), s.gidPrefix(), s.products(), s.orders(), s.coupons(), s.payments(), s.dtmOutcomes(),
        s.unfinished(), List.of(bad), s.expectedOrderIds(), 0);
    Map<String, Check> c = checks(s);
    assertEquals(List.of("product 1: 1 pending"), c.get("redis.no-pending").offenders());
    assertEquals(1, c.get("redis.admissions-agree").offenderCount());
    assertEquals(List.of("product 1 user 102: mark null, live order 1-e-2", "product 1 user 103: mark 1-e-3, live order null"),
        c.get("redis.user-marks").offenders());
    assertEquals(List.of("product 1: slots taken-released 4, live quantity 3"), c.get("redis.slots").offenders());
  }

  @Test
  void slotsOfASaleFedOnlyStraightToKafkaAreSkippedNotFailed() {
    Snapshot s = healthy();
    // The sale was opened, but every order went straight to Kafka: Redis admitted nobody.
    Sale untouched = new Sale(1, true, 10, 10, -1, Map.of(), 0, List.of());
    s = new Snapshot(s.range(), s.gidPrefix(), s.products(), s.orders(), s.coupons(), s.payments(), s.dtmOutcomes(),
        s.unfinished(), List.of(untouched), s.expectedOrderIds(), 0);
    Check c = checks(s).get("redis.slots");
    assertTrue(c.ok(), c.offenders().toString());
    assertTrue(c.found().contains("skipped"));
  }

  @Test
  void aLiveOrderThatLostItsAdmissionRecordIsFlaggedNotSkipped() {
    // A sale the API admitted buyers to, and a CONFIRMED order whose admission record is gone (its
    // slot was given back on an ambiguous Kafka ack although the message got through).
    Snapshot s = withOrders(healthy(), l -> {
      l.add(new Order("1-e-4", 104, 1, 1, 0, 1000, "CONFIRMED", ""));
      return l;
    });
    Check c = checks(s).get("redis.slots");
    assertFalse(c.ok());
    assertEquals(List.of("product 1: live order 1-e-4 has no admission record"), c.offenders());
  }

  @Test
  void offendersAreCappedButCounted() {
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      many.add("o" + i);
    }
    Check c = Check.of("x", "x", "0", "25", many, 10);
    assertEquals(10, c.offenders().size());
    assertEquals(25, c.offenderCount());
  }

  @Test
  void productRangesParse() {
    assertEquals(new ProductRange(5, 9), ProductRange.parse("5-9"));
    assertEquals(new ProductRange(5, Long.MAX_VALUE), ProductRange.parse("5-"));
    assertEquals(new ProductRange(7, 7), ProductRange.parse("7"));
    assertTrue(ProductRange.ALL.isAll());
  }
}

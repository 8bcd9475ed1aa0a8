package io.seckill.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seckill.verify.Snapshot.Admission;
import io.seckill.verify.Snapshot.Coupon;
import io.seckill.verify.Snapshot.Lifecycle;
import io.seckill.verify.Snapshot.Order;
import io.seckill.verify.Snapshot.Payment;
import io.seckill.verify.Snapshot.Product;
import io.seckill.verify.Snapshot.Refund;
import io.seckill.verify.Snapshot.Sale;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The invariants of the order's life after the TCC (paid, expired, refunded) on crafted snapshots. */
class LifecycleInvariantsTest {
  private static final long NOW = 1_000_000_000L;
  private static final long GRACE = 30_000;

  /**
   * Product 1, 10 units: a (user 101, coupon 11) is PAID by sim-a; b (user 102, coupon 12) EXPIRED, its
   * unit, coupon and slot back, and its late payment sim-b refunded; c (user 103) awaits payment.
   */
  private record Fixture(List<Order> orders, List<Coupon> coupons, List<Payment> payments, List<Admission> admissions,
      Map<Long, String> marks, long sold, long left, List<Refund> refunds, Map<String, String> sagas) {

    static Fixture healthy() {
      return new Fixture(
          List.of(new Order("1-a", 101, 1, 1, 11, 900, "PAID", "", NOW - 5_000),
              new Order("1-b", 102, 1, 1, 12, 900, "EXPIRED", "", NOW - 60_000),
              new Order("1-c", 103, 1, 1, 0, 1000, "CONFIRMED", "", NOW + 60_000)),
          List.of(new Coupon(11, 101, "USED", "1-a"), new Coupon(12, 102, "UNUSED", null)),
          List.of(new Payment("1-a", 101, 900, "PAID", "sim-a"), new Payment("1-b", 102, 900, "CLOSED", ""),
              new Payment("1-c", 103, 1000, "AWAITING_PAYMENT", "")),
          List.of(new Admission("1-a", 1, 101, 1, 11, 'F'), new Admission("1-b", 1, 102, 1, 12, 'E'),
              new Admission("1-c", 1, 103, 1, 0, 'F')),
          Map.of(101L, "1-a", 103L, "1-c"), 2, 8,
          List.of(new Refund("sim-b", "1-b", 900, "LATE_PAYMENT", "REFUND_PENDING")),
          Map.of("expire-1-b", "succeed", "pay-sim-a", "succeed", "pay-sim-b", "failed"));
    }

    Snapshot snapshot() {
      Sale sale = new Sale(1, true, left, 10, -1, marks, 0, admissions);
      Map<String, String> dtm = new HashMap<>();
      orders.forEach(o -> dtm.put("seckill-" + o.orderId(), "succeed"));
      return new Snapshot(new ProductRange(1, 1), "seckill-", List.of(new Product(1, 10, 10 - sold, 0, sold)), orders,
          coupons, payments, dtm, List.of(), List.of(sale), Set.of(), 0, new Lifecycle(refunds, sagas, NOW, GRACE));
    }
  }

  private static Set<String> violated(Snapshot s) {
    return Invariants.all(s, 10).stream().filter(c -> !c.ok()).map(Check::name).collect(Collectors.toSet());
  }

  private static <T> List<T> set(List<T> l, int i, T v) {
    List<T> out = new ArrayList<>(l);
    out.set(i, v);
    return out;
  }

  @Test
  void aSaleThatWasPaidExpiredAndRefundedPassesEveryCheck() {
    assertEquals(Set.of(), violated(Fixture.healthy().snapshot()));
    assertTrue(Invariants.quiet(Fixture.healthy().snapshot(), 10).stream().allMatch(Check::ok));
  }

  @Test
  void aChargedBuyerWithAnExpiredOrderIsNamed() {
    Fixture f = Fixture.healthy();
    Fixture bad = new Fixture(f.orders(), f.coupons(), set(f.payments(), 1, new Payment("1-b", 102, 900, "PAID", "sim-b")),
        f.admissions(), f.marks(), f.sold(), f.left(), List.of(), Map.of("expire-1-b", "succeed", "pay-sim-a", "succeed",
        "pay-sim-b", "succeed"));
    Set<String> v = violated(bad.snapshot());
    assertTrue(v.containsAll(Set.of("order.payment-agrees", "payment.order-agrees")), v.toString());
  }

  @Test
  void anOrderAwaitingPaymentPastItsDeadlineAndGraceIsOverdue() {
    Fixture f = Fixture.healthy();
    Order late = new Order("1-c", 103, 1, 1, 0, 1000, "CONFIRMED", "", NOW - GRACE - 1_000);
    Snapshot s = new Fixture(set(f.orders(), 2, late), f.coupons(), f.payments(), f.admissions(), f.marks(), f.sold(),
        f.left(), f.refunds(), f.sagas()).snapshot();
    assertEquals(Set.of("order.none-overdue"), violated(s));
    assertTrue(Invariants.quiet(s, 10).stream().anyMatch(c -> !c.ok()), "an overdue order keeps verify waiting");
    Order withinGrace = new Order("1-c", 103, 1, 1, 0, 1000, "CONFIRMED", "", NOW - GRACE + 1_000);
    assertEquals(Set.of(), violated(new Fixture(set(f.orders(), 2, withinGrace), f.coupons(), f.payments(),
        f.admissions(), f.marks(), f.sold(), f.left(), f.refunds(), f.sagas()).snapshot()));
  }

  @Test
  void anExpiredOrderThatKeptItsUnitCouponOrSlotIsNamed() {
    Fixture f = Fixture.healthy();
    Snapshot unitKept = new Fixture(f.orders(), f.coupons(), f.payments(), f.admissions(), f.marks(), 3, f.left(),
        f.refunds(), f.sagas()).snapshot();
    assertTrue(violated(unitKept).contains("stock.sold-matches-orders"), violated(unitKept).toString());

    Snapshot couponKept = new Fixture(f.orders(), set(f.coupons(), 1, new Coupon(12, 102, "USED", "1-b")), f.payments(),
        f.admissions(), f.marks(), f.sold(), f.left(), f.refunds(), f.sagas()).snapshot();
    assertTrue(violated(couponKept).containsAll(Set.of("order.expired-returned", "coupon.used-once")),
        violated(couponKept).toString());

    Map<Long, String> marks = new HashMap<>(f.marks());
    marks.put(102L, "1-b");
    Snapshot slotKept = new Fixture(f.orders(), f.coupons(), f.payments(),
        set(f.admissions(), 1, new Admission("1-b", 1, 102, 1, 12, 'F')), marks, f.sold(), 7, f.refunds(), f.sagas())
        .snapshot();
    assertTrue(violated(slotKept).containsAll(Set.of("redis.admissions-agree", "redis.user-marks", "redis.slots")),
        violated(slotKept).toString());
  }

  @Test
  void refundsAndSagasMustAgree() {
    Fixture f = Fixture.healthy();
    Map<String, String> sagas = new HashMap<>(f.sagas());
    sagas.put("pay-sim-b", "succeed");
    Snapshot refundOfASucceededPayment = new Fixture(f.orders(), f.coupons(), f.payments(), f.admissions(), f.marks(),
        f.sold(), f.left(), f.refunds(), sagas).snapshot();
    assertEquals(Set.of("payment.refunds-accounted"), violated(refundOfASucceededPayment));

    Snapshot refundOfThePayingTxn = new Fixture(f.orders(), f.coupons(), f.payments(), f.admissions(), f.marks(),
        f.sold(), f.left(), List.of(new Refund("sim-a", "1-a", 900, "DOUBLE_PAYMENT", "REFUND_PENDING")),
        Map.of("expire-1-b", "succeed", "pay-sim-a", "failed")).snapshot();
    assertTrue(violated(refundOfThePayingTxn).containsAll(Set.of("payment.refunds-accounted", "saga.outcomes-agree")),
        violated(refundOfThePayingTxn).toString());

    Map<String, String> noExpiry = new HashMap<>(f.sagas());
    noExpiry.remove("expire-1-b");
    Snapshot expiredWithoutSaga = new Fixture(f.orders(), f.coupons(), f.payments(), f.admissions(), f.marks(),
        f.sold(), f.left(), f.refunds(), noExpiry).snapshot();
    assertEquals(Set.of("saga.outcomes-agree"), violated(expiredWithoutSaga));
  }
}

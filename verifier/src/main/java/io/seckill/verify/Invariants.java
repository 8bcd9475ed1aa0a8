package io.seckill.verify;

import io.seckill.verify.Snapshot.Admission;
import io.seckill.verify.Snapshot.Coupon;
import io.seckill.verify.Snapshot.Order;
import io.seckill.verify.Snapshot.Payment;
import io.seckill.verify.Snapshot.Refund;
import io.seckill.verify.Snapshot.Product;
import io.seckill.verify.Snapshot.Sale;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The invariants of docs/design.md as pure functions of a {@link Snapshot}: no I/O here, so each one is
 * tested on crafted data and on real rows alike.
 */
public final class Invariants {
  private Invariants() {
  }

  /** The conditions of a quiet pipeline; verify waits (bounded) until all hold. */
  public static List<Check> quiet(Snapshot s, int maxIds) {
    List<Check> out = new ArrayList<>();
    out.add(kafkaLag(s));
    out.add(dtmUnfinished(s, maxIds));
    out.add(noTrying(s, maxIds));
    out.add(noFrozenCoupon(s, maxIds));
    out.add(noPendingPayment(s, maxIds));
    out.add(frozenZero(s, maxIds));
    out.add(redisPending(s, maxIds));
    out.add(noOverdue(s, maxIds));
    return out;
  }

  /** Every invariant, quiet conditions included. */
  public static List<Check> all(Snapshot s, int maxIds) {
    List<Check> out = new ArrayList<>();
    out.add(kafkaLag(s));
    out.add(dtmUnfinished(s, maxIds));
    out.add(stockConservation(s, maxIds));
    out.add(frozenZero(s, maxIds));
    out.add(soldMatchesConfirmed(s, maxIds));
    out.add(noTrying(s, maxIds));
    out.add(confirmedHasUsedCoupon(s, maxIds));
    out.add(confirmedHasPayment(s, maxIds));
    out.add(couponUsedOnce(s, maxIds));
    out.add(paymentHasConfirmedOrder(s, maxIds));
    out.add(noFrozenCoupon(s, maxIds));
    out.add(noPendingPayment(s, maxIds));
    out.add(oneLivePerUser(s, maxIds));
    out.add(dtmOutcomeAgrees(s, maxIds));
    out.add(everyRequestFinal(s, maxIds));
    out.add(redisPending(s, maxIds));
    out.add(admissionsAgree(s, maxIds));
    out.add(userMarksAgree(s, maxIds));
    out.add(slotsAgree(s, maxIds));
    out.add(noOverdue(s, maxIds));
    out.add(expiredReturned(s, maxIds));
    out.add(sagasAgree(s, maxIds));
    out.add(refundsAccounted(s, maxIds));
    return out;
  }

  static Check kafkaLag(Snapshot s) {
    String found = Long.toString(s.kafkaLag());
    return new Check("kafka.lag", "consumer group lag on the order topic is 0", "0", found, s.kafkaLag() == 0,
        List.of(), s.kafkaLag() == 0 ? 0 : 1);
  }

  static Check dtmUnfinished(Snapshot s, int maxIds) {
    List<String> off = s.unfinished().stream().map(t -> t.gid() + " " + t.status()).toList();
    return Check.of("dtm.all-finished", "no global transaction prepared, submitted or aborting", "0",
        Integer.toString(off.size()), off, maxIds);
  }

  static Check stockConservation(Snapshot s, int maxIds) {
    long initial = 0;
    long parts = 0;
    List<String> off = new ArrayList<>();
    for (Product p : s.products()) {
      initial += p.initialStock();
      long sum = p.available() + p.frozen() + p.sold();
      parts += sum;
      if (sum != p.initialStock()) {
        off.add("product " + p.id() + ": " + p.initialStock() + " != " + p.available() + "+" + p.frozen() + "+" + p.sold());
      }
    }
    return Check.of("stock.conserved", "initial stock = available + frozen + sold (per product)",
        Long.toString(initial), Long.toString(parts), off, maxIds);
  }

  static Check frozenZero(Snapshot s, int maxIds) {
    List<String> off = s.products().stream().filter(p -> p.frozen() != 0)
        .map(p -> "product " + p.id() + ": frozen " + p.frozen()).toList();
    long frozen = s.products().stream().mapToLong(Product::frozen).sum();
    return Check.of("stock.frozen-zero", "frozen stock = 0", "0", Long.toString(frozen), off, maxIds);
  }

  static Check soldMatchesConfirmed(Snapshot s, int maxIds) {
    Map<Long, Long> confirmed = new TreeMap<>();
    for (Order o : s.orders()) {
      if (o.holdsStock() && s.range().contains(o.productId())) {
        confirmed.merge(o.productId(), (long) o.quantity(), Long::sum);
      }
    }
    Map<Long, Product> products = byKey(s.products(), Product::id);
    List<String> off = new ArrayList<>();
    long sold = 0;
    for (Product p : s.products()) {
      sold += p.sold();
      long c = confirmed.getOrDefault(p.id(), 0L);
      if (c != p.sold()) {
        off.add("product " + p.id() + ": sold " + p.sold() + ", CONFIRMED+PAID quantity " + c);
      }
    }
    confirmed.keySet().stream().filter(id -> !products.containsKey(id))
        .forEach(id -> off.add("product " + id + ": CONFIRMED orders of an unknown product"));
    long total = confirmed.values().stream().mapToLong(Long::longValue).sum();
    return Check.of("stock.sold-matches-orders",
        "sold = sum(quantity) of CONFIRMED and PAID orders (per product): an EXPIRED order's units are back",
        Long.toString(total), Long.toString(sold), off, maxIds);
  }

  static Check noTrying(Snapshot s, int maxIds) {
    List<String> off = s.orders().stream().filter(o -> "TRYING".equals(o.status())).map(Order::orderId).toList();
    return Check.of("order.no-trying", "no order left TRYING", "0", Integer.toString(off.size()), off, maxIds);
  }

  static Check confirmedHasUsedCoupon(Snapshot s, int maxIds) {
    Map<Long, Coupon> coupons = byKey(s.coupons(), Coupon::id);
    List<String> off = new ArrayList<>();
    int withCoupon = 0;
    for (Order o : s.orders()) {
      if (!o.holdsStock() || o.couponId() == 0) {
        continue;
      }
      withCoupon++;
      Coupon c = coupons.get(o.couponId());
      if (c == null) {
        off.add(o.orderId() + " (coupon " + o.couponId() + " missing)");
      } else if (!"USED".equals(c.status()) || !o.orderId().equals(c.orderId())) {
        off.add(o.orderId() + " (coupon " + c.id() + " " + c.status() + " held by " + c.orderId() + ")");
      }
    }
    return Check.of("order.confirmed-coupon-used", "a CONFIRMED or PAID order's coupon is USED and held by that order",
        Integer.toString(withCoupon), Integer.toString(withCoupon - off.size()), off, maxIds);
  }

  static Check confirmedHasPayment(Snapshot s, int maxIds) {
    Map<String, Payment> payments = byKey(s.payments(), Payment::orderId);
    List<String> off = new ArrayList<>();
    Map<String, String> wanted = Map.of("CONFIRMED", "AWAITING_PAYMENT", "PAID", "PAID", "EXPIRED", "CLOSED");
    int confirmed = 0;
    for (Order o : s.orders()) {
      String want = wanted.get(o.status());
      if (want == null) {
        continue;
      }
      confirmed++;
      Payment p = payments.get(o.orderId());
      if (p == null) {
        off.add(o.orderId() + " (" + o.status() + ", no payment)");
      } else if (!want.equals(p.status()) || p.amountCents() != o.amountCents()) {
        off.add(o.orderId() + " (" + o.status() + ", payment " + p.status() + " " + p.amountCents() + " for "
            + o.amountCents() + ")");
      }
    }
    return Check.of("order.payment-agrees",
        "a CONFIRMED order's payment is AWAITING_PAYMENT, a PAID one's PAID, an EXPIRED one's CLOSED, of its amount",
        Integer.toString(confirmed), Integer.toString(confirmed - off.size()), off, maxIds);
  }

  static Check couponUsedOnce(Snapshot s, int maxIds) {
    Map<String, Order> orders = byKey(s.orders(), Order::orderId);
    Map<Long, List<String>> confirmedByCoupon = new TreeMap<>();
    for (Order o : s.orders()) {
      if (o.holdsStock() && o.couponId() != 0) {
        confirmedByCoupon.computeIfAbsent(o.couponId(), k -> new ArrayList<>()).add(o.orderId());
      }
    }
    List<String> off = new ArrayList<>();
    confirmedByCoupon.forEach((coupon, ids) -> {
      if (ids.size() > 1) {
        off.add("coupon " + coupon + " in CONFIRMED/PAID orders " + ids);
      }
    });
    int used = 0;
    for (Coupon c : s.coupons()) {
      if (!"USED".equals(c.status())) {
        continue;
      }
      used++;
      Order holder = c.orderId() == null ? null : orders.get(c.orderId());
      if (holder == null) {
        // A scoped run cannot see orders of other products; only a whole-stack run may call the holder lost.
        if (s.range().isAll() || c.orderId() == null) {
          off.add("coupon " + c.id() + " USED by missing order " + c.orderId());
        }
      } else if (!holder.holdsStock() || holder.couponId() != c.id()) {
        off.add("coupon " + c.id() + " USED by " + holder.orderId() + " (" + holder.status() + ", coupon "
            + holder.couponId() + ")");
      }
    }
    return Check.of("coupon.used-once", "a coupon is USED by at most one order, and that order is CONFIRMED or PAID",
        "0 conflicts", off.size() + " conflicts of " + used + " USED", off, maxIds);
  }

  static Check paymentHasConfirmedOrder(Snapshot s, int maxIds) {
    Map<String, Order> orders = byKey(s.orders(), Order::orderId);
    List<String> off = new ArrayList<>();
    Map<String, String> wanted = Map.of("AWAITING_PAYMENT", "CONFIRMED", "PAID", "PAID", "CLOSED", "EXPIRED");
    int awaiting = 0;
    for (Payment p : s.payments()) {
      String want = wanted.get(p.status());
      if (want == null) {
        continue;
      }
      awaiting++;
      Order o = orders.get(p.orderId());
      if ((o == null && s.range().isAll()) || (o != null && !want.equals(o.status()))) {
        off.add(p.orderId() + " (payment " + p.status() + ", order " + (o == null ? "missing" : o.status()) + ")");
      }
    }
    return Check.of("payment.order-agrees",
        "an AWAITING_PAYMENT payment's order is CONFIRMED, a PAID one's PAID (never EXPIRED), a CLOSED one's EXPIRED",
        "0", Integer.toString(off.size()) + " of " + awaiting, off, maxIds);
  }

  static Check noFrozenCoupon(Snapshot s, int maxIds) {
    List<String> off = s.coupons().stream().filter(c -> "FROZEN".equals(c.status()))
        .map(c -> "coupon " + c.id() + " by " + c.orderId()).toList();
    return Check.of("coupon.none-frozen", "no coupon left FROZEN", "0", Integer.toString(off.size()), off, maxIds);
  }

  static Check noPendingPayment(Snapshot s, int maxIds) {
    List<String> off = s.payments().stream().filter(p -> "PENDING".equals(p.status())).map(Payment::orderId).toList();
    return Check.of("payment.none-pending", "no payment left PENDING", "0", Integer.toString(off.size()), off, maxIds);
  }

  static Check oneLivePerUser(Snapshot s, int maxIds) {
    Map<String, List<String>> live = new TreeMap<>();
    for (Order o : s.orders()) {
      if (o.live()) {
        live.computeIfAbsent(o.userId() + "/" + o.productId(), k -> new ArrayList<>()).add(o.orderId());
      }
    }
    List<String> off = new ArrayList<>();
    live.forEach((k, ids) -> {
      if (ids.size() > 1) {
        off.add("user/product " + k + ": " + ids);
      }
    });
    return Check.of("order.one-live-per-user", "at most one live order per (user, product)", "0",
        Integer.toString(off.size()), off, maxIds);
  }

  static Check dtmOutcomeAgrees(Snapshot s, int maxIds) {
    String name = "dtm.outcome-agrees";
    String text = "DTM succeed <=> order committed (CONFIRMED, PAID, EXPIRED); failed <=> CANCELLED";
    if (s.dtmOutcomes() == null) {
      return Check.skipped(name, text, "DTM outcomes not read: not checked");
    }
    List<String> off = new ArrayList<>();
    int compared = 0;
    for (Order o : s.orders()) {
      String status = s.dtmOutcomes().get(s.gid(o.orderId()));
      if (status == null) {
        if (o.committed()) {
          compared++;
          off.add(o.orderId() + " (" + o.status() + ", no DTM transaction)");
        }
        continue;
      }
      compared++;
      boolean agrees = o.committed() ? "succeed".equals(status)
          : "CANCELLED".equals(o.status()) ? "failed".equals(status) : true;
      if (!agrees) {
        off.add(o.orderId() + " (" + o.status() + ", DTM " + status + ")");
      }
    }
    return Check.of(name, text, "0 disagreements", off.size() + " of " + compared, off, maxIds);
  }

  static Check everyRequestFinal(Snapshot s, int maxIds) {
    Set<String> ids = new LinkedHashSet<>(s.expectedOrderIds());
    s.sales().forEach(sale -> sale.admissions().forEach(a -> ids.add(a.orderId())));
    s.orders().forEach(o -> ids.add(o.orderId()));
    if (s.dtmOutcomes() != null) {
      s.dtmOutcomes().keySet().forEach(g -> ids.add(s.orderIdOf(g)));
    }
    s.unfinished().stream().filter(t -> t.gid().startsWith(s.gidPrefix())).forEach(t -> ids.add(s.orderIdOf(t.gid())));
    Map<String, Order> orders = byKey(s.orders(), Order::orderId);
    List<String> off = new ArrayList<>();
    for (String id : ids) {
      Order o = orders.get(id);
      if (o == null) {
        off.add(id + " (no order row)");
      } else if (!o.settled()) {
        off.add(id + " (" + o.status() + ")");
      }
    }
    return Check.of("request.one-final-state", "every admitted/sent/seen order id ends CONFIRMED, PAID, EXPIRED or CANCELLED",
        Integer.toString(ids.size()), Integer.toString(ids.size() - off.size()), off, maxIds);
  }

  static Check redisPending(Snapshot s, int maxIds) {
    List<String> off = s.sales().stream().filter(x -> x.pending() != 0)
        .map(x -> "product " + x.productId() + ": " + x.pending() + " pending").toList();
    long pending = s.sales().stream().mapToLong(Sale::pending).sum();
    return Check.of("redis.no-pending", "no admission pending in Redis (all reconciled)", "0",
        Long.toString(pending), off, maxIds);
  }

  static Check admissionsAgree(Snapshot s, int maxIds) {
    Map<String, Order> orders = byKey(s.orders(), Order::orderId);
    List<String> off = new ArrayList<>();
    int n = 0;
    for (Sale sale : s.sales()) {
      for (Admission a : sale.admissions()) {
        n++;
        Order o = orders.get(a.orderId());
        if (o == null) {
          off.add(a.orderId() + " (state " + a.state() + ", no order row)");
          continue;
        }
        boolean stateOk = (a.state() == 'F' && o.holdsStock()) || (a.state() == 'C' && "CANCELLED".equals(o.status()))
            || (a.state() == 'E' && "EXPIRED".equals(o.status()));
        boolean sameOrder = o.userId() == a.userId() && o.productId() == a.productId() && o.quantity() == a.quantity()
            && o.couponId() == a.couponId();
        if (!stateOk || !sameOrder) {
          off.add(a.orderId() + " (Redis " + a.state() + " u" + a.userId() + " q" + a.quantity() + ", order " + o.status()
              + " u" + o.userId() + " q" + o.quantity() + ")");
        }
      }
    }
    return Check.of("redis.admissions-agree", "each admission record is F for a CONFIRMED/PAID order, E (slot released) for an EXPIRED one, C for a CANCELLED one",
        Integer.toString(n), Integer.toString(n - off.size()), off, maxIds);
  }

  static Check userMarksAgree(Snapshot s, int maxIds) {
    Map<Long, List<Order>> liveByProduct = liveOrdersByProduct(s);
    List<String> off = new ArrayList<>();
    long marks = 0;
    long expected = 0;
    for (Sale sale : s.sales()) {
      Set<String> admitted = sale.admissions().stream().map(Admission::orderId).collect(Collectors.toSet());
      Map<Long, String> want = new HashMap<>();
      for (Order o : liveByProduct.getOrDefault(sale.productId(), List.of())) {
        if (admitted.contains(o.orderId())) {
          want.put(o.userId(), o.orderId());
        }
      }
      marks += sale.userMarks().size();
      expected += want.size();
      if (!want.equals(sale.userMarks())) {
        Set<Long> users = new java.util.TreeSet<>(want.keySet());
        users.addAll(sale.userMarks().keySet());
        for (Long u : users) {
          String w = want.get(u);
          String h = sale.userMarks().get(u);
          if (w == null ? h != null : !w.equals(h)) {
            off.add("product " + sale.productId() + " user " + u + ": mark " + h + ", live order " + w);
          }
        }
      }
    }
    return Check.of("redis.user-marks", "Redis user marks = live orders admitted through Redis (per sale)",
        Long.toString(expected), Long.toString(marks), off, maxIds);
  }

  static Check slotsAgree(Snapshot s, int maxIds) {
    Map<Long, List<Order>> liveByProduct = liveOrdersByProduct(s);
    List<String> off = new ArrayList<>();
    List<Long> bypassed = new ArrayList<>();
    long held = 0;
    long live = 0;
    for (Sale sale : s.sales()) {
      if (sale.initial() < 0 || sale.left() < 0) {
        off.add("product " + sale.productId() + ": sale without initial/left");
        continue;
      }
      Set<String> admitted = sale.admissions().stream().map(Admission::orderId).collect(Collectors.toSet());
      List<Order> liveOrders = liveByProduct.getOrDefault(sale.productId(), List.of());
      List<Order> outside = liveOrders.stream().filter(o -> !admitted.contains(o.orderId())).toList();
      if (!outside.isEmpty() && sale.admissions().isEmpty()) {
        // A sale that admitted nobody was fed straight to Kafka: no order took a slot, by design.
        bypassed.add(sale.productId());
        continue;
      }
      if (!outside.isEmpty()) {
        // The API admitted buyers here, so a live order without its admission record lost it: its
        // slot went back while the order lived (Redis then sells a unit the database has sold).
        for (Order o : outside) {
          off.add("product " + sale.productId() + ": live order " + o.orderId() + " has no admission record");
        }
        continue;
      }
      long q = liveOrders.stream().mapToLong(Order::quantity).sum();
      long taken = sale.initial() - sale.left();
      held += taken;
      live += q;
      if (taken != q) {
        off.add("product " + sale.productId() + ": slots taken-released " + taken + ", live quantity " + q);
      }
    }
    String found = held + (bypassed.isEmpty() ? "" : " (" + bypassed.size() + " sale(s) fed outside the API skipped)");
    return Check.of("redis.slots", "per sale: slots taken - released = live orders' quantity", Long.toString(live),
        found, off, maxIds);
  }

  static Check noOverdue(Snapshot s, int maxIds) {
    String name = "order.none-overdue";
    String text = "no order awaits payment past its deadline plus " + s.lifecycle().graceMillis() / 1000 + " s";
    long now = s.lifecycle().nowMillis();
    if (now == 0) {
      return Check.skipped(name, text, "database clock not read: not checked");
    }
    List<String> off = new ArrayList<>();
    int awaiting = 0;
    for (Order o : s.orders()) {
      if (!o.confirmed()) {
        continue;
      }
      awaiting++;
      // An order confirmed before deadlines existed has none: the expirer never sees it, nor does this.
      if (o.payDeadlineMillis() != 0 && o.payDeadlineMillis() + s.lifecycle().graceMillis() < now) {
        off.add(o.orderId() + " (" + (now - o.payDeadlineMillis()) / 1000 + " s past its deadline)");
      }
    }
    return Check.of(name, text, "0", off.size() + " of " + awaiting + " awaiting", off, maxIds);
  }

  static Check expiredReturned(Snapshot s, int maxIds) {
    Map<Long, Coupon> coupons = byKey(s.coupons(), Coupon::id);
    List<String> off = new ArrayList<>();
    int expired = 0;
    for (Order o : s.orders()) {
      if (!"EXPIRED".equals(o.status())) {
        continue;
      }
      expired++;
      if (o.couponId() != 0) {
        Coupon c = coupons.get(o.couponId());
        if (c != null && o.orderId().equals(c.orderId())) {
          off.add(o.orderId() + " (coupon " + c.id() + " still " + c.status() + " by it)");
        }
      }
    }
    for (Coupon c : s.coupons()) {
      if ("UNUSED".equals(c.status()) && c.orderId() != null) {
        off.add("coupon " + c.id() + " UNUSED but names order " + c.orderId());
      }
    }
    return Check.of("order.expired-returned",
        "an EXPIRED order's coupon is back (stock: see stock.sold-matches-orders; slot: redis.*)",
        Integer.toString(expired), Integer.toString(expired - off.size()), off, maxIds);
  }

  static Check sagasAgree(Snapshot s, int maxIds) {
    String name = "saga.outcomes-agree";
    String text = "expire-<order> succeed for every EXPIRED order; pay-<txn> succeed for every PAID payment";
    Map<String, String> sagas = s.lifecycle().sagaOutcomes();
    if (sagas == null) {
      return Check.skipped(name, text, "saga outcomes not read: not checked");
    }
    List<String> off = new ArrayList<>();
    int n = 0;
    for (Order o : s.orders()) {
      if ("EXPIRED".equals(o.status())) {
        n++;
        String st = sagas.get(Snapshot.expiryGid(o.orderId()));
        if (!"succeed".equals(st)) {
          off.add(o.orderId() + " (EXPIRED, " + Snapshot.expiryGid(o.orderId()) + " " + st + ")");
        }
      }
    }
    for (Payment p : s.payments()) {
      if ("PAID".equals(p.status())) {
        n++;
        String gid = Snapshot.paymentGid(p.providerTxnId());
        if (p.providerTxnId().isEmpty() || !"succeed".equals(sagas.get(gid))) {
          off.add(p.orderId() + " (PAID by '" + p.providerTxnId() + "', " + gid + " " + sagas.get(gid) + ")");
        }
      }
    }
    return Check.of(name, text, Integer.toString(n), Integer.toString(n - off.size()), off, maxIds);
  }

  static Check refundsAccounted(Snapshot s, int maxIds) {
    Map<String, Order> orders = byKey(s.orders(), Order::orderId);
    Map<String, Payment> payments = byKey(s.payments(), Payment::orderId);
    Map<String, String> sagas = s.lifecycle().sagaOutcomes();
    List<String> off = new ArrayList<>();
    for (Refund r : s.lifecycle().refunds()) {
      Order o = orders.get(r.orderId());
      Payment p = payments.get(r.orderId());
      if (!"REFUND_PENDING".equals(r.status())) {
        off.add(r.providerTxnId() + " (refund " + r.status() + ")");
      }
      if (p != null && r.providerTxnId().equals(p.providerTxnId())) {
        off.add(r.providerTxnId() + " (both the payment of " + r.orderId() + " and a refund)");
      }
      if ("LATE_PAYMENT".equals(r.reason()) && o != null && !"EXPIRED".equals(o.status())
          && !"CANCELLED".equals(o.status())) {
        off.add(r.providerTxnId() + " (LATE_PAYMENT for a " + o.status() + " order)");
      }
      if ("DOUBLE_PAYMENT".equals(r.reason()) && p != null && !"PAID".equals(p.status())) {
        off.add(r.providerTxnId() + " (DOUBLE_PAYMENT for a " + p.status() + " payment)");
      }
      String st = sagas == null ? null : sagas.get(Snapshot.paymentGid(r.providerTxnId()));
      if (sagas != null && !"failed".equals(st)) {
        off.add(r.providerTxnId() + " (refund, but " + Snapshot.paymentGid(r.providerTxnId()) + " " + st + ")");
      }
    }
    int n = s.lifecycle().refunds().size();
    return Check.of("payment.refunds-accounted",
        "every refund is REFUND_PENDING for a payment that lost (late, double, wrong amount) and its pay saga failed",
        Integer.toString(n), Integer.toString(n - off.size()), off, maxIds);
  }

  private static Map<Long, List<Order>> liveOrdersByProduct(Snapshot s) {
    Map<Long, List<Order>> out = new HashMap<>();
    for (Order o : s.orders()) {
      if (o.live()) {
        out.computeIfAbsent(o.productId(), k -> new ArrayList<>()).add(o);
      }
    }
    return out;
  }

  private static <K, V> Map<K, V> byKey(List<V> rows, Function<V, K> key) {
    Map<K, V> out = new HashMap<>(rows.size() * 2);
    for (V v : rows) {
      out.put(key.apply(v), v);
    }
    return out;
  }
}

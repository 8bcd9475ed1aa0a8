package io.seckill.verify;

import io.seckill.verify.Snapshot.Admission;
import io.seckill.verify.Snapshot.GlobalTx;
import io.seckill.verify.Snapshot.Order;
import io.seckill.verify.Snapshot.Sale;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/** Reads one {@link Snapshot} of the whole stack: databases, DTM, Redis and the consumer's lag. */
public final class StackReader implements AutoCloseable {
  private final VerifierConfig config;
  private final Databases db;
  private final DtmReader dtm;
  private final AdmissionState redis;
  private final ConsumerLag kafka;

  /** Opens clients for every source of {@code config}. */
  public StackReader(VerifierConfig config) {
    this.config = config;
    this.db = new Databases(config);
    this.dtm = DtmReader.of(config);
    this.redis = new AdmissionState(config);
    this.kafka = new ConsumerLag(config);
  }

  /** The databases, for fixtures (chaos runs, tests). */
  public Databases databases() {
    return db;
  }

  /** DTM's HTTP API, for fixtures and tests. */
  public DtmReader dtm() {
    return dtm;
  }

  /** Reads everything about {@code range}; {@code expected} are order ids that must exist wherever they are. */
  public Snapshot read(ProductRange range, Set<String> expected) throws Exception {
    return read(range, expected, true);
  }

  /**
   * Reads {@code range}. With {@code outcomes} false (the wait for quiet, re-read every poll) DTM is
   * read only by its status scan and {@link Snapshot#dtmOutcomes()} is null; with it true every
   * known gid is also looked up by gid, which gives the outcomes and every known gid still unfinished.
   */
  public Snapshot read(ProductRange range, Set<String> expected, boolean outcomes) throws Exception {
    String prefix = config.gidPrefix();
    List<Snapshot.Product> products = db.products(range);
    List<Order> orders = new ArrayList<>(db.orders(range));
    Set<String> have = new java.util.HashSet<>();
    orders.forEach(o -> have.add(o.orderId()));
    List<String> missing = expected.stream().filter(id -> !have.contains(id)).toList();
    if (!missing.isEmpty()) {
      for (Order o : db.ordersById(missing)) {
        if (have.add(o.orderId())) {
          orders.add(o);
        }
      }
    }
    List<Sale> sales = redis.sales(range);
    Set<String> admitted = new LinkedHashSet<>();
    Set<Long> couponIds = new LinkedHashSet<>();
    for (Sale s : sales) {
      for (Admission a : s.admissions()) {
        admitted.add(a.orderId());
        if (a.couponId() != 0) {
          couponIds.add(a.couponId());
        }
      }
    }
    Map<String, Long> productOfOrder = new HashMap<>();
    orders.forEach(o -> productOfOrder.put(o.orderId(), o.productId()));
    List<GlobalTx> unfinished = new ArrayList<>();
    for (GlobalTx t : dtm.unfinished(prefix)) {
      String id = t.gid().substring(prefix.length());
      if (range.isAll() || expected.contains(id) || admitted.contains(id)) {
        unfinished.add(t);
        continue;
      }
      Long p = productOfOrder.get(id);
      OptionalLong product = p != null ? OptionalLong.of(p) : dtm.productOf(t.gid());
      if (product.isPresent() && range.contains(product.getAsLong())) {
        unfinished.add(t);
      }
    }
    Set<String> known = new LinkedHashSet<>(have);
    known.addAll(expected);
    known.addAll(admitted);
    unfinished.forEach(t -> known.add(t.gid().substring(prefix.length())));
    orders.stream().filter(o -> o.couponId() != 0).forEach(o -> couponIds.add(o.couponId()));
    List<Snapshot.Coupon> coupons = range.isAll() ? db.allCoupons() : db.coupons(couponIds, known);
    List<Snapshot.Payment> payments = range.isAll() ? db.allPayments() : db.payments(known);
    Map<String, String> statuses = null;
    if (outcomes) {
      statuses = dtm.statuses(known.stream().map(id -> prefix + id).toList());
      // A known gid the scan did not list (the Redis store's scan can skip some) is still unfinished here.
      Set<String> listed = new java.util.HashSet<>();
      unfinished.forEach(t -> listed.add(t.gid()));
      statuses.forEach((gid, status) -> {
        if (DtmReader.UNFINISHED.contains(status) && listed.add(gid)) {
          unfinished.add(new GlobalTx(gid, status));
        }
      });
    }
    List<Snapshot.Refund> refunds = db.refunds(range.isAll() ? null : known);
    // The sagas after the TCC: in flight ones keep the pipeline from being quiet.
    for (String sagaPrefix : List.of("expire-", "pay-")) {
      for (GlobalTx t : dtm.unfinished(sagaPrefix)) {
        if (range.isAll() || sagaPrefix.equals("pay-") || known.contains(t.gid().substring(sagaPrefix.length()))) {
          unfinished.add(t);
        }
      }
    }
    Map<String, String> sagas = null;
    if (outcomes) {
      Set<String> gids = new LinkedHashSet<>();
      orders.stream().filter(o -> "EXPIRED".equals(o.status())).forEach(o -> gids.add(Snapshot.expiryGid(o.orderId())));
      payments.stream().filter(p -> !p.providerTxnId().isEmpty()).forEach(p -> gids.add(Snapshot.paymentGid(p.providerTxnId())));
      refunds.forEach(r -> gids.add(Snapshot.paymentGid(r.providerTxnId())));
      sagas = dtm.statuses(gids);
    }
    Snapshot.Lifecycle lifecycle = new Snapshot.Lifecycle(refunds, sagas, db.nowMillis(),
        config.overdueGraceSeconds() * 1000L);
    long lag = kafka.lag();
    return new Snapshot(range, prefix, products, orders, coupons, payments, statuses, unfinished, sales,
        Set.copyOf(expected), lag, lifecycle);
  }

  @Override
  public void close() {
    kafka.close();
    redis.close();
    dtm.close();
    db.close();
  }
}

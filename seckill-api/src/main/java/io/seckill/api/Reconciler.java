package io.seckill.api;

import io.seckill.api.AdmissionStore.AdmissionRecord;
import io.seckill.api.OrderDirectory.StoredOrder;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Redis admission true to the order database. Periodically walks the admissions that are not
 * final, asks order-rpc for each order and: CONFIRMED -> final (slot and mark kept); CANCELLED ->
 * slot and mark given back, once per orderId; never acknowledged by Kafka and unknown to order-rpc
 * after a while -> recorded as cancelled through order-rpc, then given back. Every step is an
 * idempotent Lua script keyed by orderId, so two API instances may reconcile at once.
 */
public final class Reconciler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  private final AdmissionStore store;
  private final OrderDirectory orders;
  private final AdmissionService admission;
  private final ApiMetrics metrics;
  private final long minAgeMs;
  private final long staleMs;
  private final int batch;
  private ScheduledExecutorService timer;

  /** A reconciler; see {@link ApiConfig} for the meaning of the timings. */
  public Reconciler(AdmissionStore store, OrderDirectory orders, AdmissionService admission, ApiMetrics metrics,
      long minAgeMs, long staleMs, int batch) {
    this.store = store;
    this.orders = orders;
    this.admission = admission;
    this.metrics = metrics;
    this.minAgeMs = minAgeMs;
    this.staleMs = staleMs;
    this.batch = batch;
  }

  /** Runs a pass every {@code intervalMs} on a daemon thread. */
  public void start(long intervalMs) {
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "api-reconciler");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::runSafely, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
  }

  private void runSafely() {
    try {
      runOnce();
    } catch (RuntimeException e) {
      // The next pass retries; a dead timer thread would silently stop reconciling.
      log.warn("reconcile pass failed: {}", e.toString());
    }
  }

  /** One pass over every product's admissions older than the minimum age. */
  public void runOnce() {
    long now = System.currentTimeMillis();
    for (long productId : store.products()) {
      settle(productId, now - minAgeMs, now);
      if (admission.isFlaggedSoldOut(productId)) {
        store.sale(productId).filter(s -> s.left() > 0).ifPresent(s -> admission.clearSoldOut(productId));
      }
    }
  }

  /**
   * Settles the pending admissions of {@code productId} admitted at or before {@code maxMillis} and
   * returns the quantity still pending with no order row (admitted, not yet tried in the databases).
   * When order-rpc cannot answer, the rest counts as pending, which errs toward fewer slots.
   */
  public long settle(long productId, long maxMillis, long now) {
    return settle(productId, maxMillis, now, batch);
  }

  /** {@link #settle(long, long, long)} over at most {@code limit} admissions. */
  public long settle(long productId, long maxMillis, long now, int limit) {
    long untried = 0;
    List<AdmissionRecord> pending = store.pending(productId, maxMillis, limit);
    for (int i = 0; i < pending.size(); i++) {
      AdmissionRecord r = pending.get(i);
      Optional<StoredOrder> stored;
      try {
        stored = orders.find(r.orderId());
        if (stored.isEmpty() && r.state() == 'A' && now - r.admittedAtMillis() > staleMs) {
          stored = Optional.of(cancelStale(r));
        }
      } catch (RuntimeException e) {
        log.debug("order-rpc cannot answer for {}: {}", r.orderId(), e.toString());
        for (int j = i; j < pending.size(); j++) {
          untried += pending.get(j).quantity();
        }
        return untried;
      }
      if (stored.isEmpty()) {
        untried += r.quantity();
        continue;
      }
      switch (stored.get().status()) {
        case "CONFIRMED":
        case "PAID":
          if (store.finalizeConfirmed(r.orderId())) {
            metrics.reconciled("confirmed");
          }
          break;
        case "CANCELLED":
          if (store.releaseCancelled(r.orderId())) {
            metrics.reconciled("released");
            admission.clearSoldOut(productId);
            log.info("order {} cancelled ({}): gave back {} slot(s) and user {}'s mark", r.orderId(),
                stored.get().reason(), r.quantity(), r.userId());
          }
          break;
        case "EXPIRED":
          if (store.releaseExpired(r.orderId())) {
            metrics.reconciled("released_expired");
            admission.clearSoldOut(productId);
          }
          break;
        default:
          // TRYING: its stock is frozen in the product database already; wait for the outcome.
          break;
      }
    }
    return untried;
  }

  private StoredOrder cancelStale(AdmissionRecord r) {
    // The API died or lost Redis between admitting and the Kafka ack. If the message did reach Kafka,
    // the cancelled row makes the order's Try refuse, so the order still ends in one final state.
    long price = store.sale(r.productId()).map(AdmissionStore.Sale::priceCents).orElse(0L);
    StoredOrder o = orders.recordCancellation(new StoredOrder(r.orderId(), r.userId(), r.productId(),
        r.quantity(), r.couponId(), price * r.quantity(), "CANCELLED", ""), "admission never queued");
    metrics.reconciled("cancelled_stale");
    if (!"CANCELLED".equals(o.status())) {
      store.markQueued(r.orderId());
    }
    return o;
  }

  @Override
  public void close() {
    if (timer != null) {
      // Let a running pass finish its current scripts rather than interrupt it mid-call.
      timer.shutdown();
      try {
        if (!timer.awaitTermination(5, TimeUnit.SECONDS)) {
          timer.shutdownNow();
        }
      } catch (InterruptedException e) {
        timer.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }
}

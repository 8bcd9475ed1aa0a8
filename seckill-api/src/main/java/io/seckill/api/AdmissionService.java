package io.seckill.api;

import io.seckill.api.AdmissionStore.Admission;
import io.seckill.api.OrderDirectory.StoredOrder;
import io.seckill.proto.OrderMessage;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits buyers: the in-process sold-out flag, then one Redis Lua step, then the Kafka write. When the
 * write certainly failed, the slots go back at once; when it may have reached the broker (no answer,
 * a delivery timeout), the order's cancellation is recorded with order-rpc first, so that a message
 * Kafka holds after all can only be refused by its Try, and only then do the slots go back; if the
 * order is already in the databases, the buyer is admitted after all. Knows nothing about HTTP.
 * Nothing here waits: every step runs on the thread that completed the one before (Redisson's and
 * the Kafka producer's I/O threads), except the coupon lookup, {@code send()} (both may block: a cold
 * coupon, Kafka metadata) and the order-rpc call of an unacknowledged send, which run on the caller's
 * executor.
 */
public final class AdmissionService {
  private static final Logger log = LoggerFactory.getLogger(AdmissionService.class);

  /** The cancel reason recorded for an order whose message Kafka did not acknowledge. */
  public static final String NOT_ACKNOWLEDGED = "order queue did not acknowledge";

  private final AdmissionStore store;
  private final OrderPublisher publisher;
  private final OrderDirectory orders;
  private final CouponDiscounts coupons;
  private final int rateLimit;
  private final long rateWindowMs;
  private final long ackWaitMs;
  // Products known to be sold out: answered here without a Redis round trip. Cleared when this
  // process gives slots back, when a sale is (re)opened, and by the reconciler when Redis has slots.
  private final Set<Long> soldOut = ConcurrentHashMap.newKeySet();
  private ApiMetrics metrics;
  private AdmissionTracing tracing = AdmissionTracing.off();

  /**
   * A service over its collaborators; {@code rateLimit} 0 disables the per-user limit. A publish not
   * answered within {@code ackWaitMs} ends the request {@link Verdict#TIMED_OUT}, once {@code orders}
   * has recorded the order's cancellation.
   */
  public AdmissionService(AdmissionStore store, OrderPublisher publisher, OrderDirectory orders, CouponDiscounts coupons,
      int rateLimit, long rateWindowMs, long ackWaitMs) {
    this.store = store;
    this.publisher = publisher;
    this.orders = orders;
    this.coupons = coupons;
    this.rateLimit = rateLimit;
    this.rateWindowMs = rateWindowMs;
    this.ackWaitMs = ackWaitMs;
  }

  /** Wires the tracing: a root span per admission, current while its order is published. */
  void tracing(AdmissionTracing tracing) {
    this.tracing = tracing;
  }

  /** Wires the metrics (they read the sold-out flags, so they are built after this). */
  void metrics(ApiMetrics metrics) {
    this.metrics = metrics;
  }

  /** What one admission request came to, whatever a transport makes of it (HttpApi: the status code). */
  public enum Verdict {
    /** Admitted: the order is queued; the buyer follows it by its id. */
    ADMITTED,
    /**
     * Admitted as far as the buyer is concerned, though whether the queue holds the order is not known
     * yet: the reconciler settles it; the buyer follows it by its id.
     */
    PENDING,
    /** Refused for the sale's state: not open, sold out, not enough stock, already bought. */
    REFUSED,
    /** Refused for too many attempts in the buyer's window; worth retrying later. */
    RATE_LIMITED,
    /** Not decided: the admission store, the coupon data or the queue is unavailable; worth retrying. */
    UNAVAILABLE,
    /** Not decided in time: the queue did not answer within the wait; worth retrying. */
    TIMED_OUT
  }

  /**
   * How one admission request ended: the verdict, a metric outcome and the buyer's answer (a
   * machine-readable reason and a message for people on a refusal, the order id to follow).
   */
  public record Decision(Verdict verdict, String outcome, String orderId, String reason, String message) {
    static Decision admitted(String orderId) {
      return new Decision(Verdict.ADMITTED, "admitted", orderId, null, null);
    }

    static Decision refused(Verdict verdict, String outcome, String reason, String message, String orderId) {
      return new Decision(verdict, outcome, orderId, reason, message);
    }
  }

  /** {@link #admitAsync} waiting for its decision, the blocking steps on the calling thread (tests). */
  public Decision admit(long userId, long productId, int quantity, long couponId) {
    return admitAsync(userId, productId, quantity, couponId, Runnable::run).join();
  }

  /**
   * One admission attempt for an already validated request. The future always completes normally
   * with the decision (counted once in the metrics); {@code blocking} runs the steps that may block.
   */
  public CompletableFuture<Decision> admitAsync(long userId, long productId, int quantity, long couponId,
      Executor blocking) {
    if (!tracing.enabled()) {
      return admitUntraced(userId, productId, quantity, couponId, blocking);
    }
    io.opentelemetry.context.Context ctx = tracing.start(userId, productId, quantity);
    CompletableFuture<Decision> d;
    // The publish runs on the blocking executor: the wrapped one makes the span current there.
    try (io.opentelemetry.context.Scope s = ctx.makeCurrent()) {
      d = admitUntraced(userId, productId, quantity, couponId, ctx.wrap(blocking));
    } catch (RuntimeException e) {
      tracing.end(ctx, null, e);
      throw e;
    }
    d.whenComplete((decision, e) -> tracing.end(ctx, decision, e));
    return d;
  }

  private CompletableFuture<Decision> admitUntraced(long userId, long productId, int quantity, long couponId,
      Executor blocking) {
    if (soldOut.contains(productId)) {
      return CompletableFuture.completedFuture(count(Decision.refused(Verdict.REFUSED, "sold_out_cached", "SOLD_OUT",
          "product " + productId + " is sold out", null)));
    }
    long now = System.currentTimeMillis();
    CompletionStage<Admission> step;
    try {
      step = store.admitAsync(userId, productId, quantity, couponId, now, rateLimit, rateWindowMs);
    } catch (RuntimeException e) {
      step = CompletableFuture.failedStage(e);
    }
    return step.handle((a, e) -> {
      if (e != null) {
        // A timeout may still have admitted; the reconciler cancels such an unpublished admission later.
        log.warn("redis admission failed for user {} product {}: {}", userId, productId, cause(e).toString());
        return CompletableFuture.completedFuture(Decision.refused(Verdict.UNAVAILABLE, "redis_unavailable",
            "UNAVAILABLE", "admission store unavailable, retry", null));
      }
      return decide(a, userId, productId, quantity, couponId, now, blocking);
    }).thenCompose(d -> d).thenApply(this::count).toCompletableFuture();
  }

  private CompletableFuture<Decision> decide(Admission a, long userId, long productId, int quantity, long couponId,
      long now, Executor blocking) {
    switch (a.outcome()) {
      case CLOSED:
        return done(Decision.refused(Verdict.REFUSED, "sale_not_open", "SALE_NOT_OPEN",
            "no open sale for product " + productId, null));
      case RATE_LIMITED:
        return done(Decision.refused(Verdict.RATE_LIMITED, "rate_limited", "RATE_LIMITED",
            "more than " + rateLimit + " attempts in " + rateWindowMs + " ms", null));
      case ALREADY:
        return done(Decision.refused(Verdict.REFUSED, "already_bought", "ALREADY_BOUGHT",
            "user " + userId + " already holds order " + a.orderId() + " for product " + productId, a.orderId()));
      case SOLD_OUT:
        if (a.left() <= 0) {
          soldOut.add(productId);
          return done(Decision.refused(Verdict.REFUSED, "sold_out", "SOLD_OUT",
              "product " + productId + " is sold out", null));
        }
        return done(Decision.refused(Verdict.REFUSED, "not_enough_stock", "NOT_ENOUGH_STOCK",
            "only " + a.left() + " left of product " + productId, null));
      case ADMITTED:
        CompletableFuture<Decision> out = new CompletableFuture<>();
        try {
          blocking.execute(() -> {
            try {
              publish(a, userId, productId, quantity, couponId, now, blocking, out);
            } catch (RuntimeException e) {
              log.error("order {} not queued, giving its slots back", a.orderId(), e);
              giveBack(a.orderId(), queueUnavailable(), out);
            }
          });
        } catch (RejectedExecutionException e) {
          log.warn("order {} not queued (no thread to publish it), giving its slots back", a.orderId());
          giveBack(a.orderId(), queueUnavailable(), out);
        }
        return out;
      default:
        throw new IllegalStateException(a.outcome().name());
    }
  }

  /** Runs on the blocking executor: amount, then send(); the rest happens in the ack's callback. */
  private void publish(Admission a, long userId, long productId, int quantity, long couponId, long now,
      Executor blocking, CompletableFuture<Decision> out) {
    String orderId = a.orderId();
    long amount;
    try {
      // Price from the sale's product data, discount from the coupon's row: nothing from the buyer.
      long discount = couponId == 0 ? 0 : coupons.discountCents(couponId);
      amount = Math.max(0, Math.multiplyExact(a.priceCents(), quantity) - discount);
    } catch (Exception e) {
      log.warn("coupon {} lookup failed for order {}: {}", couponId, orderId, e.toString());
      giveBack(orderId, Decision.refused(Verdict.UNAVAILABLE, "coupon_unavailable", "UNAVAILABLE",
          "coupon data unavailable, retry", null), out);
      return;
    }
    OrderMessage msg = OrderMessage.newBuilder()
        .setOrderId(orderId)
        .setUserId(userId)
        .setProductId(productId)
        .setQuantity(quantity)
        .setCouponId(couponId)
        .setAmountCents(amount)
        .setRequestedAt(Instant.ofEpochMilli(now).toString())
        .build();
    CompletableFuture<Void> ack;
    try {
      ack = publisher.publish(msg);
    } catch (RuntimeException e) {
      ack = CompletableFuture.failedFuture(new OrderPublisher.PublishException(e.toString(), e, false));
    }
    // The bounded view completes exactly once: with the ack, or with a TimeoutException after
    // ackWaitMs, whichever comes first; so the order is settled at most once from here (a late ack
    // of a message whose cancellation was recorded is refused by its Try).
    CompletableFuture<Void> bounded = ack.copy().orTimeout(ackWaitMs, TimeUnit.MILLISECONDS);
    bounded.whenComplete((v, e) -> {
      if (e == null) {
        store.markQueuedAsync(orderId).whenComplete((r, qe) -> {
          if (qe != null) {
            // Harmless: the reconciler finds the order in the order service and settles it anyway.
            log.debug("could not mark {} queued: {}", orderId, qe.toString());
          }
          out.complete(Decision.admitted(orderId));
        });
        return;
      }
      Throwable c = cause(e);
      if (c instanceof OrderPublisher.PublishException pe && !pe.mayBeWritten()) {
        log.warn("order {} not queued, giving its slots back: {}", orderId, c.getMessage());
        giveBack(orderId, queueUnavailable(), out);
        return;
      }
      // No answer, or a failure after the record left: Kafka may hold the message all the same.
      boolean timedOut = c instanceof TimeoutException;
      log.warn("order {} not acknowledged ({}): recording its cancellation before its slots go back", orderId,
          timedOut ? "no answer within " + ackWaitMs + " ms" : c.getMessage());
      Decision refusal = timedOut
          ? Decision.refused(Verdict.TIMED_OUT, "queue_timeout", "QUEUE_TIMEOUT",
              "order queue did not answer within " + ackWaitMs + " ms, retry", null)
          : queueUnavailable();
      try {
        blocking.execute(() -> settleUnacknowledged(msg, refusal, out));
      } catch (RejectedExecutionException re) {
        out.complete(pending(orderId));
      }
    });
  }

  /**
   * Settles an order whose message may or may not be in Kafka, on a thread that may block: order-rpc
   * records its cancellation unless the order is already there. A CANCELLED row can no longer be
   * confirmed (its Try refuses), so its slots go back and the buyer hears {@code refusal}; an order
   * already in the databases got through, so the buyer is admitted. When order-rpc cannot answer
   * either, the slots stay taken and the reconciler decides once the admission is stale; the buyer
   * gets the order id to follow ({@link Verdict#PENDING}).
   */
  private void settleUnacknowledged(OrderMessage msg, Decision refusal, CompletableFuture<Decision> out) {
    String orderId = msg.getOrderId();
    StoredOrder o;
    try {
      o = orders.recordCancellation(new StoredOrder(orderId, msg.getUserId(), msg.getProductId(), msg.getQuantity(),
          msg.getCouponId(), msg.getAmountCents(), "CANCELLED", ""), NOT_ACKNOWLEDGED);
    } catch (RuntimeException e) {
      log.warn("order {}: neither Kafka nor order-rpc can say whether it exists; the reconciler decides: {}",
          orderId, e.toString());
      out.complete(pending(orderId));
      return;
    }
    if (!"CANCELLED".equals(o.status())) {
      log.info("order {} reached the pipeline although Kafka did not acknowledge it ({}): admitted", orderId,
          o.status());
      store.markQueuedAsync(orderId).whenComplete((r, qe) -> out.complete(Decision.admitted(orderId)));
      return;
    }
    // The order is CANCELLED: if this fails, the reconciler gives its slots back on its next pass.
    release(orderId, true, refusal, out);
  }

  /** The buyer's answer when the order queue did not take the order (unavailable, retry). */
  private static Decision queueUnavailable() {
    return Decision.refused(Verdict.UNAVAILABLE, "queue_unavailable", "QUEUE_UNAVAILABLE",
        "order queue unavailable, retry", null);
  }

  /** An admission whose fate the reconciler decides: the buyer follows it by its order id. */
  private static Decision pending(String orderId) {
    return new Decision(Verdict.PENDING, "queue_uncertain", orderId, null, null);
  }

  /** Gives the slots and mark of an unpublished admission back, then completes {@code out} with {@code d}. */
  private void giveBack(String orderId, Decision d, CompletableFuture<Decision> out) {
    // If this fails, the admission stays in state A and the reconciler cancels it once it is stale.
    release(orderId, false, d, out);
  }

  /**
   * Gives an admission's slots and mark back, keeping it as cancelled ({@code cancelled}) or dropping
   * it (never published), then completes {@code out} with {@code d} whatever Redis answered.
   */
  private void release(String orderId, boolean cancelled, Decision d, CompletableFuture<Decision> out) {
    CompletionStage<Boolean> r;
    try {
      r = cancelled ? store.releaseCancelledAsync(orderId) : store.releaseUnpublishedAsync(orderId);
    } catch (RuntimeException e) {
      r = CompletableFuture.failedStage(e);
    }
    r.whenComplete((released, e) -> {
      if (e != null) {
        log.error("could not give back the slots of order {}: {}", orderId, cause(e).toString());
      } else if (released) {
        soldOut.remove(AdmissionStore.productOf(orderId));
      }
      out.complete(d);
    });
  }

  private static CompletableFuture<Decision> done(Decision d) {
    return CompletableFuture.completedFuture(d);
  }

  private static Throwable cause(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  private Decision count(Decision d) {
    if (metrics != null) {
      metrics.admission(d.outcome());
    }
    return d;
  }

  /** Forgets the sold-out flag of {@code productId}: slots came back or the sale was reloaded. */
  public void clearSoldOut(long productId) {
    soldOut.remove(productId);
  }

  /** True when this process answers "sold out" for {@code productId} without asking Redis. */
  public boolean isFlaggedSoldOut(long productId) {
    return soldOut.contains(productId);
  }

  /** How many products are flagged sold out. */
  public int soldOutFlags() {
    return soldOut.size();
  }
}

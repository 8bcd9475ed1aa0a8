package io.seckill.api;

import io.seckill.api.AdmissionStore.Admission;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.redisson.client.RedisException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits buyers: the in-process sold-out flag, then one Redis Lua step, then the Kafka write, with the
 * slots given back when the write fails. Knows nothing about HTTP.
 */
public final class AdmissionService {
  private static final Logger log = LoggerFactory.getLogger(AdmissionService.class);

  private final AdmissionStore store;
  private final OrderPublisher publisher;
  private final CouponDiscounts coupons;
  private final int rateLimit;
  private final long rateWindowMs;
  // Products known to be sold out: answered here without a Redis round trip. Cleared when this
  // process gives slots back, when a sale is (re)opened, and by the reconciler when Redis has slots.
  private final Set<Long> soldOut = ConcurrentHashMap.newKeySet();
  private ApiMetrics metrics;

  /** A service over its collaborators; {@code rateLimit} 0 disables the per-user limit. */
  public AdmissionService(AdmissionStore store, OrderPublisher publisher, CouponDiscounts coupons,
      int rateLimit, long rateWindowMs) {
    this.store = store;
    this.publisher = publisher;
    this.coupons = coupons;
    this.rateLimit = rateLimit;
    this.rateWindowMs = rateWindowMs;
  }

  /** Wires the metrics (they read the sold-out flags, so they are built after this). */
  void metrics(ApiMetrics metrics) {
    this.metrics = metrics;
  }

  /** How one admission request ended: the HTTP status, a metric outcome and the buyer's answer. */
  public record Decision(int status, String outcome, String orderId, String reason, String message) {
    static Decision admitted(String orderId) {
      return new Decision(202, "admitted", orderId, null, null);
    }

    static Decision refused(int status, String outcome, String reason, String message, String orderId) {
      return new Decision(status, outcome, orderId, reason, message);
    }
  }

  /** One admission attempt for an already validated request. */
  public Decision admit(long userId, long productId, int quantity, long couponId) {
    if (soldOut.contains(productId)) {
      return count(Decision.refused(409, "sold_out_cached", "SOLD_OUT", "product " + productId + " is sold out", null));
    }
    long now = System.currentTimeMillis();
    Admission a;
    try {
      a = store.admit(userId, productId, quantity, couponId, now, rateLimit, rateWindowMs);
    } catch (RedisException e) {
      // A timeout may still have admitted; the reconciler cancels such an unpublished admission later.
      log.warn("redis admission failed for user {} product {}: {}", userId, productId, e.toString());
      return count(Decision.refused(503, "redis_unavailable", "UNAVAILABLE", "admission store unavailable, retry", null));
    }
    switch (a.outcome()) {
      case CLOSED:
        return count(Decision.refused(409, "sale_not_open", "SALE_NOT_OPEN",
            "no open sale for product " + productId, null));
      case RATE_LIMITED:
        return count(Decision.refused(429, "rate_limited", "RATE_LIMITED",
            "more than " + rateLimit + " attempts in " + rateWindowMs + " ms", null));
      case ALREADY:
        return count(Decision.refused(409, "already_bought", "ALREADY_BOUGHT",
            "user " + userId + " already holds order " + a.orderId() + " for product " + productId, a.orderId()));
      case SOLD_OUT:
        if (a.left() <= 0) {
          soldOut.add(productId);
          return count(Decision.refused(409, "sold_out", "SOLD_OUT", "product " + productId + " is sold out", null));
        }
        return count(Decision.refused(409, "not_enough_stock", "NOT_ENOUGH_STOCK",
            "only " + a.left() + " left of product " + productId, null));
      case ADMITTED:
        return count(publish(a, userId, productId, quantity, couponId, now));
      default:
        throw new IllegalStateException(a.outcome().name());
    }
  }

  private Decision publish(Admission a, long userId, long productId, int quantity, long couponId, long now) {
    String orderId = a.orderId();
    long amount;
    try {
      // Price from the sale's product data, discount from the coupon's row: nothing from the buyer.
      long discount = couponId == 0 ? 0 : coupons.discountCents(couponId);
      amount = Math.max(0, Math.multiplyExact(a.priceCents(), quantity) - discount);
    } catch (Exception e) {
      log.warn("coupon {} lookup failed for order {}: {}", couponId, orderId, e.toString());
      giveBack(orderId);
      return Decision.refused(503, "coupon_unavailable", "UNAVAILABLE", "coupon data unavailable, retry", null);
    }
    OrderMessage msg = new OrderMessage(orderId, userId, productId, quantity, couponId, amount,
        Instant.ofEpochMilli(now).toString());
    try {
      publisher.publish(msg);
    } catch (OrderPublisher.PublishException e) {
      log.warn("order {} not queued, giving its slots back: {}", orderId, e.getMessage());
      giveBack(orderId);
      return Decision.refused(503, "queue_unavailable", "QUEUE_UNAVAILABLE", "order queue unavailable, retry", null);
    }
    try {
      store.markQueued(orderId);
    } catch (RedisException e) {
      // Harmless: the reconciler finds the order in the order service and settles it anyway.
      log.debug("could not mark {} queued: {}", orderId, e.toString());
    }
    return Decision.admitted(orderId);
  }

  private void giveBack(String orderId) {
    try {
      if (store.releaseUnpublished(orderId)) {
        soldOut.remove(AdmissionStore.productOf(orderId));
      }
    } catch (RedisException e) {
      // The admission stays in state A; the reconciler cancels it once it is stale.
      log.error("could not give back the slots of unpublished order {}: {}", orderId, e.toString());
    }
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

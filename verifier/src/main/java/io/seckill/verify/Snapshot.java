package io.seckill.verify;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the invariants look at, read from every database, DTM, Redis and Kafka at one moment
 * (each source is read once; the pipeline is quiet by then, so the sources agree or a bug shows).
 *
 * @param range the products covered
 * @param gidPrefix the prefix of the consumer's gids ({@code "seckill-"} + orderId)
 * @param products stock rows of the range
 * @param orders order rows of the range
 * @param coupons coupons named by those orders, held by them, or (whole-stack runs) every coupon
 * @param payments payments of the known order ids, or (whole-stack runs) every payment
 * @param dtmOutcomes gid -> DTM status of every known order's transaction; null when not read (the polls of the wait for quiet)
 * @param unfinished DTM transactions (of the range) still prepared, submitted or aborting
 * @param sales Redis sales of the range, with their admissions
 * @param expectedOrderIds ids a caller knows were sent (chaos), each of which must end final
 * @param kafkaLag the consumer group's lag on the order topic (uncommitted partitions count from their start)
 * @param lifecycle what happened after the TCC: refunds, the sagas of payments and expiries, the clock
 */
public record Snapshot(ProductRange range, String gidPrefix, List<Product> products, List<Order> orders, List<Coupon> coupons,
    List<Payment> payments, Map<String, String> dtmOutcomes, List<GlobalTx> unfinished, List<Sale> sales,
    Set<String> expectedOrderIds, long kafkaLag, Lifecycle lifecycle) {

  /** A snapshot without lifecycle data (no refunds, saga outcomes not read, the clock unknown). */
  public Snapshot(ProductRange range, String gidPrefix, List<Product> products, List<Order> orders, List<Coupon> coupons,
      List<Payment> payments, Map<String, String> dtmOutcomes, List<GlobalTx> unfinished, List<Sale> sales,
      Set<String> expectedOrderIds, long kafkaLag) {
    this(range, gidPrefix, products, orders, coupons, payments, dtmOutcomes, unfinished, sales, expectedOrderIds,
        kafkaLag, Lifecycle.NONE);
  }

  /** The gid of the expiry saga of {@code orderId}. */
  public static String expiryGid(String orderId) {
    return "expire-" + orderId;
  }

  /** The gid of the payment saga of provider transaction {@code providerTxnId}. */
  public static String paymentGid(String providerTxnId) {
    return "pay-" + providerTxnId;
  }

  /** The gid of {@code orderId}. */
  public String gid(String orderId) {
    return gidPrefix + orderId;
  }

  /** The order id of {@code gid} (gids come filtered by the prefix). */
  public String orderIdOf(String gid) {
    return gid.startsWith(gidPrefix) ? gid.substring(gidPrefix.length()) : gid;
  }

  /** A row of seckill_product.product. */
  public record Product(long id, long initialStock, long available, long frozen, long sold) {}

  /**
   * A row of seckill_order.orders; {@code payDeadlineMillis} is 0 until the order is CONFIRMED.
   * Statuses: TRYING, CONFIRMED (awaiting payment), PAID, EXPIRED, CANCELLED.
   */
  public record Order(String orderId, long userId, long productId, int quantity, long couponId, long amountCents,
      String status, String reason, long payDeadlineMillis) {

    /** An order without a payment deadline. */
    public Order(String orderId, long userId, long productId, int quantity, long couponId, long amountCents,
        String status, String reason) {
      this(orderId, userId, productId, quantity, couponId, amountCents, status, reason, 0);
    }

    /** TRYING, CONFIRMED or PAID: holds the (user, product) slot. */
    public boolean live() {
      return "TRYING".equals(status) || "CONFIRMED".equals(status) || "PAID".equals(status);
    }

    /** CONFIRMED: the TCC committed, the payment is awaited. */
    public boolean confirmed() {
      return "CONFIRMED".equals(status);
    }

    /** CONFIRMED or PAID: its units are sold and its coupon used. */
    public boolean holdsStock() {
      return "CONFIRMED".equals(status) || "PAID".equals(status);
    }

    /** The TCC committed: CONFIRMED, PAID or EXPIRED. */
    public boolean committed() {
      return holdsStock() || "EXPIRED".equals(status);
    }

    /** A final state of the TCC and after: committed or CANCELLED. */
    public boolean settled() {
      return committed() || "CANCELLED".equals(status);
    }
  }

  /** A row of seckill_coupon.coupon. */
  public record Coupon(long id, long userId, String status, String orderId) {}

  /** A row of seckill_pay.payment; {@code providerTxnId} is empty unless PAID. */
  public record Payment(String orderId, long userId, long amountCents, String status, String providerTxnId) {
    /** A payment not paid through a provider. */
    public Payment(String orderId, long userId, long amountCents, String status) {
      this(orderId, userId, amountCents, status, "");
    }
  }

  /** A row of seckill_pay.refund: money a provider took that must go back (LATE_PAYMENT, DOUBLE_PAYMENT, ...). */
  public record Refund(String providerTxnId, String orderId, long amountCents, String reason, String status) {}

  /**
   * After the TCC.
   *
   * @param refunds      refund rows of the known orders
   * @param sagaOutcomes gid -> DTM status of the expiry and payment sagas the orders imply; null when not read
   * @param nowMillis    the database clock when read (deadlines are set by it); 0 when unknown
   * @param graceMillis  how long past its deadline an order may still await payment (the expirer's lag)
   */
  public record Lifecycle(List<Refund> refunds, Map<String, String> sagaOutcomes, long nowMillis, long graceMillis) {
    /** Nothing read. */
    public static final Lifecycle NONE = new Lifecycle(List.of(), null, 0, 0);
  }

  /** A DTM global transaction. */
  public record GlobalTx(String gid, String status) {}

  /** One admission as the API keeps it in Redis; state is A, Q, F (final), C (cancelled) or E (expired, released). */
  public record Admission(String orderId, long productId, long userId, int quantity, long couponId, char state) {}

  /**
   * A Redis sale: its counters, user marks (userId -> orderId), the pending set's size and every
   * admission record.
   */
  public record Sale(long productId, boolean open, long left, long initial, long loadedLeft,
      Map<Long, String> userMarks, long pending, List<Admission> admissions) {}
}

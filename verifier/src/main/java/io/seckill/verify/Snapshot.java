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
 */
public record Snapshot(ProductRange range, String gidPrefix, List<Product> products, List<Order> orders, List<Coupon> coupons,
    List<Payment> payments, Map<String, String> dtmOutcomes, List<GlobalTx> unfinished, List<Sale> sales,
    Set<String> expectedOrderIds, long kafkaLag) {

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

  /** A row of seckill_order.orders. */
  public record Order(String orderId, long userId, long productId, int quantity, long couponId, long amountCents,
      String status, String reason) {
    /** TRYING or CONFIRMED: holds the (user, product) slot. */
    public boolean live() {
      return "TRYING".equals(status) || "CONFIRMED".equals(status);
    }

    /** CONFIRMED. */
    public boolean confirmed() {
      return "CONFIRMED".equals(status);
    }
  }

  /** A row of seckill_coupon.coupon. */
  public record Coupon(long id, long userId, String status, String orderId) {}

  /** A row of seckill_pay.payment. */
  public record Payment(String orderId, long userId, long amountCents, String status) {}

  /** A DTM global transaction. */
  public record GlobalTx(String gid, String status) {}

  /** One admission as the API keeps it in Redis; state is A, Q, F or C. */
  public record Admission(String orderId, long productId, long userId, int quantity, long couponId, char state) {}

  /**
   * A Redis sale: its counters, user marks (userId -> orderId), the pending set's size and every
   * admission record.
   */
  public record Sale(long productId, boolean open, long left, long initial, long loadedLeft,
      Map<Long, String> userMarks, long pending, List<Admission> admissions) {}
}

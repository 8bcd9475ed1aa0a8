package io.seckill.api;

import java.util.Optional;

/** The order service as the API sees it: the stored state of one order. */
public interface OrderDirectory {
  /**
   * An order's stored state: TRYING, CONFIRMED (awaiting payment until {@code payDeadlineMillis}),
   * PAID, EXPIRED or CANCELLED (with the cancel reason).
   */
  record StoredOrder(String orderId, long userId, long productId, int quantity, long couponId,
      long amountCents, String status, String reason, long payDeadlineMillis) {
    /** An order without a payment deadline (not confirmed). */
    public StoredOrder(String orderId, long userId, long productId, int quantity, long couponId,
        long amountCents, String status, String reason) {
      this(orderId, userId, productId, quantity, couponId, amountCents, status, reason, 0);
    }
  }

  /** The order as stored, or empty when the order service has no row for it. */
  Optional<StoredOrder> find(String orderId);

  /**
   * Records that {@code order} is cancelled for {@code reason}, creating a CANCELLED row when its Try
   * never ran; a live order is left alone and returned as it is. Idempotency key: the orderId.
   */
  StoredOrder recordCancellation(StoredOrder order, String reason);
}

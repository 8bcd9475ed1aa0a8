package io.seckill.order;

/** One order row as stored; {@code payDeadlineMillis} (epoch millis) is null until CONFIRMED. */
public record OrderRow(String orderId, long userId, long productId, int quantity, long couponId, long amountCents,
    String status, String reason, Long payDeadlineMillis) {
}

package io.seckill.order;

/** One order row as stored. */
public record OrderRow(String orderId, long userId, long productId, int quantity, long couponId, long amountCents,
    String status, String reason) {
}

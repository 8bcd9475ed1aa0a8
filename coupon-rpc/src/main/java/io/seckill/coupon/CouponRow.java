package io.seckill.coupon;

/** One coupon row as stored; {@code orderId} is null while UNUSED. */
public record CouponRow(long id, long userId, String status, String orderId, long discountCents) {
}

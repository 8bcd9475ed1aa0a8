package io.seckill.pay;

/** One payment row as stored. */
public record PaymentRow(String orderId, long userId, long amountCents, String status) {
}

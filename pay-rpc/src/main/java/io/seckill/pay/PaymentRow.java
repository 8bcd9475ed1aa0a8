package io.seckill.pay;

/** One payment row as stored; {@code providerTxnId} is null unless PAID. */
public record PaymentRow(String orderId, long userId, long amountCents, String status, String providerTxnId) {
}

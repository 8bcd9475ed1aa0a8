package io.seckill.pay;

/** One refund row: money a provider took for a payment that lost (late, double, wrong amount). */
public record RefundRow(String providerTxnId, String orderId, long amountCents, String reason, String status) {
}

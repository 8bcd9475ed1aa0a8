package io.seckill.load;

import io.seckill.auth.OrderSigning;
import io.seckill.proto.OrderMessage;
import io.seckill.proto.codec.OrderCodec;
import java.time.Instant;

/**
 * One valid order of a run, before it is sent.
 *
 * @param orderId unique per order: the run id, a dash and a sequence number
 * @param couponId 0 when the order carries no coupon
 */
public record Order(String orderId, long userId, long productId, int quantity, long couponId, long amountCents)
    implements Outgoing {

  @Override
  public String key() {
    return orderId;
  }

  /** What the signature of {@link #kafkaJson} stamped with {@code requestedAt} covers. */
  public OrderSigning.Content signedContent(Instant requestedAt) {
    // The same requestedAt string as in the JSON: the consumer checks the string it reads.
    return new OrderSigning.Content(orderId, userId, productId, quantity, couponId, amountCents, requestedAt.toString());
  }

  /** The order message of this order, stamped with {@code requestedAt}. */
  public OrderMessage message(Instant requestedAt) {
    return OrderMessage.newBuilder()
        .setOrderId(orderId)
        .setUserId(userId)
        .setProductId(productId)
        .setQuantity(quantity)
        .setCouponId(couponId)
        .setAmountCents(amountCents)
        .setRequestedAt(requestedAt.toString())
        .build();
  }

  /** The Kafka message of docs/design.md ("Order message"), stamped with {@code requestedAt}. */
  public byte[] kafkaJson(Instant requestedAt) {
    return OrderCodec.encode(message(requestedAt));
  }

  /**
   * The body of POST /api/v1/seckill/orders: no userId (the buyer is the bearer token's subject, and
   * the API refuses the field) and no amount (the API mints its own order id and amount).
   */
  public String apiJson() {
    return "{\"productId\":" + productId + ",\"quantity\":" + quantity + ",\"couponId\":" + couponId + "}";
  }
}

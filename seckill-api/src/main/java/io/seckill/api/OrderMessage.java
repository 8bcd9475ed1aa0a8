package io.seckill.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.seckill.auth.OrderSigning;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The order message of topic {@code seckill.orders} (docs/design.md): proto3 JSON names, UTF-8. */
public record OrderMessage(String orderId, long userId, long productId, int quantity, long couponId,
    long amountCents, String requestedAt) {
  private static final JsonFactory JSON = new JsonFactory();

  /** What the message's signature covers. */
  public OrderSigning.Content signedContent() {
    return new OrderSigning.Content(orderId, userId, productId, quantity, couponId, amountCents, requestedAt);
  }

  /** The JSON bytes written to Kafka, fields in the documented order. */
  public byte[] toJson() {
    // Streaming generator straight to bytes: no tree, no intermediate String.
    try (ByteArrayBuilder out = new ByteArrayBuilder(192); JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("orderId", orderId);
      g.writeNumberField("userId", userId);
      g.writeNumberField("productId", productId);
      g.writeNumberField("quantity", quantity);
      g.writeNumberField("couponId", couponId);
      g.writeNumberField("amountCents", amountCents);
      g.writeStringField("requestedAt", requestedAt);
      g.writeEndObject();
      g.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

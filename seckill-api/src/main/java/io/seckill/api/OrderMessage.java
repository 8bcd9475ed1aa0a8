package io.seckill.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/** The order message of topic {@code seckill.orders} (DESIGN.md): proto3 JSON names, UTF-8. */
public record OrderMessage(String orderId, long userId, long productId, int quantity, long couponId,
    long amountCents, String requestedAt) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The JSON bytes written to Kafka, fields in the documented order. */
  public byte[] toJson() {
    ObjectNode n = JSON.createObjectNode();
    n.put("orderId", orderId);
    n.put("userId", userId);
    n.put("productId", productId);
    n.put("quantity", quantity);
    n.put("couponId", couponId);
    n.put("amountCents", amountCents);
    n.put("requestedAt", requestedAt);
    return n.toString().getBytes(StandardCharsets.UTF_8);
  }
}

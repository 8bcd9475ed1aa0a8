package io.seckill.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;

/** A validated {@code POST /api/v1/seckill/orders} body. */
public record AdmissionRequest(long userId, long productId, int quantity, long couponId) {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final Set<String> FIELDS = Set.of("userId", "productId", "quantity", "couponId");

  /** A body that is not a valid request; {@code field} names the culprit ({@code body} for the whole). */
  public static final class InvalidField extends Exception {
    private static final long serialVersionUID = 1L;
    private final String field;

    InvalidField(String field, String message) {
      super(message);
      this.field = field;
    }

    /** The field at fault. */
    public String field() {
      return field;
    }
  }

  /**
   * Parses and checks {@code body}: positive integer userId and productId, quantity in
   * 1..{@code maxQuantity}, couponId 0 (none, the default) or positive. Any other field is refused,
   * so a buyer cannot believe a price or amount they sent was used.
   */
  public static AdmissionRequest parse(byte[] body, int maxQuantity) throws InvalidField {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new InvalidField("body", "body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidField("body", "body cannot be read");
    }
    if (root == null || !root.isObject()) {
      throw new InvalidField("body", "body must be a JSON object");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!FIELDS.contains(name)) {
        throw new InvalidField(name, "unknown field '" + name + "': send only userId, productId, quantity, couponId"
            + " (the amount comes from the product and coupon data)");
      }
    }
    long userId = whole(root, "userId", true, 1, Long.MAX_VALUE);
    long productId = whole(root, "productId", true, 1, Long.MAX_VALUE);
    int quantity = (int) whole(root, "quantity", true, 1, maxQuantity);
    long couponId = whole(root, "couponId", false, 0, Long.MAX_VALUE);
    return new AdmissionRequest(userId, productId, quantity, couponId);
  }

  private static long whole(JsonNode root, String field, boolean required, long min, long max) throws InvalidField {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      if (required) {
        throw new InvalidField(field, field + " is required");
      }
      return 0;
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      throw new InvalidField(field, field + " must be a whole number, got " + n.getNodeType().name().toLowerCase()
          + (n.isNumber() ? " " + n.asText() : ""));
    }
    long v = n.longValue();
    if (v < min || v > max) {
      throw new InvalidField(field, field + " must be in " + min + ".." + max + ", got " + v);
    }
    return v;
  }
}

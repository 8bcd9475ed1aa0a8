package io.seckill.consumer;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.seckill.auth.OrderSigning;
import io.seckill.proto.OrderMessage;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * Turns the raw bytes of a {@code seckill.orders} record into an {@link OrderMessage}, or says
 * exactly why it cannot: the only place that decides what is poison.
 *
 * <p>Integer fields accept a JSON integer or, as proto3 JSON allows, a string of decimal digits;
 * anything else (booleans, fractions, objects) is WRONG_TYPE. couponId and requestedAt may be
 * absent (proto3 JSON omits defaults); unknown fields are ignored so producers can add fields.
 */
public final class OrderParser {
  private static final Pattern ORDER_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern DECIMAL = Pattern.compile("-?[0-9]{1,19}");

  private final ObjectMapper mapper = JsonMapper.builder()
      // A duplicated key is ambiguous: which orderId did the producer mean?
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();
  private final int maxRecordBytes;
  private final int maxQuantity;

  /** A parser that refuses values above {@code maxRecordBytes} and quantities above {@code maxQuantity}. */
  public OrderParser(int maxRecordBytes, int maxQuantity) {
    this.maxRecordBytes = maxRecordBytes;
    this.maxQuantity = maxQuantity;
  }

  /**
   * An accepted record: the order, and the content its signature must cover. The two differ in
   * requestedAt only: the order carries it normalised, the signature covers the string the
   * producer wrote ("" when absent), so that checking never depends on how an instant is printed.
   */
  record Parsed(OrderMessage order, OrderSigning.Content signed) { }

  /** The order in {@code value}; throws {@link Poison.Exception} naming the first problem found. */
  OrderMessage parse(byte[] key, byte[] value) {
    return parseRecord(key, value).order();
  }

  /** Like {@link #parse}, with the content a signature of the record covers. */
  Parsed parseRecord(byte[] key, byte[] value) {
    if (value == null || value.length == 0) {
      throw new Poison.Exception(PoisonReason.EMPTY, "record has no value");
    }
    if (value.length > maxRecordBytes) {
      throw new Poison.Exception(PoisonReason.OVERSIZED,
          "value is " + value.length + " bytes, limit " + maxRecordBytes);
    }
    String text = utf8(value);
    JsonNode root;
    try {
      root = mapper.readTree(text);
    } catch (java.io.IOException e) {
      throw new Poison.Exception(PoisonReason.NOT_JSON, firstLine(e.getMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new Poison.Exception(PoisonReason.NOT_JSON,
          "expected a JSON object, got " + (root == null ? "nothing" : root.getNodeType()));
    }
    String orderId = requiredString(root, "orderId");
    if (!ORDER_ID.matcher(orderId).matches()) {
      throw new Poison.Exception(PoisonReason.BAD_ORDER_ID,
          "orderId must be 1-64 characters of [A-Za-z0-9_-], got " + orderId.length() + " characters");
    }
    long userId = positive("userId", longField(root, "userId", true));
    long productId = positive("productId", longField(root, "productId", true));
    long quantity = longField(root, "quantity", true);
    if (quantity < 1 || quantity > maxQuantity) {
      throw new Poison.Exception(PoisonReason.QUANTITY_OUT_OF_RANGE,
          "quantity " + quantity + " outside 1.." + maxQuantity);
    }
    long couponId = root.has("couponId") ? longField(root, "couponId", false) : 0;
    if (couponId < 0) {
      throw new Poison.Exception(PoisonReason.BAD_VALUE, "couponId must be >= 0, got " + couponId);
    }
    // A negative amount is malformed (the order service rejects it as INVALID_ARGUMENT, even when
    // recording a cancellation). Zero is the pay service's business: it refuses it (ABORTED), so
    // such an order ends CANCELLED with that reason instead of vanishing into the DLQ.
    long amountCents = longField(root, "amountCents", true);
    if (amountCents < 0) {
      throw new Poison.Exception(PoisonReason.BAD_VALUE, "amountCents must be >= 0, got " + amountCents);
    }
    String requestedAt = "";
    String requestedAtText = "";
    JsonNode at = root.get("requestedAt");
    if (at != null && !at.isNull()) {
      if (!at.isTextual()) {
        throw new Poison.Exception(PoisonReason.WRONG_TYPE, "requestedAt must be an ISO-8601 string");
      }
      requestedAtText = at.asText();
      try {
        requestedAt = Instant.parse(requestedAtText).toString();
      } catch (DateTimeParseException e) {
        throw new Poison.Exception(PoisonReason.WRONG_TYPE, "requestedAt is not an ISO-8601 instant");
      }
    }
    // Last: a record wrong in its fields is reported for the field, the more useful reason.
    if (key != null && !Arrays.equals(key, orderId.getBytes(StandardCharsets.UTF_8))) {
      throw new Poison.Exception(PoisonReason.KEY_MISMATCH, "record key differs from orderId " + orderId);
    }
    OrderMessage order = OrderMessage.newBuilder()
        .setOrderId(orderId)
        .setUserId(userId)
        .setProductId(productId)
        .setQuantity((int) quantity)
        .setCouponId(couponId)
        .setAmountCents(amountCents)
        .setRequestedAt(requestedAt)
        .build();
    return new Parsed(order, new OrderSigning.Content(orderId, userId, productId, quantity, couponId, amountCents,
        requestedAtText));
  }

  private static String utf8(byte[] value) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(value))
          .toString();
    } catch (CharacterCodingException e) {
      throw new Poison.Exception(PoisonReason.NOT_UTF8, "value is not valid UTF-8");
    }
  }

  private static String requiredString(JsonNode root, String name) {
    JsonNode node = root.get(name);
    if (node == null || node.isNull()) {
      throw new Poison.Exception(PoisonReason.MISSING_FIELD, name + " is missing");
    }
    if (!node.isTextual()) {
      throw new Poison.Exception(PoisonReason.WRONG_TYPE, name + " must be a string, got " + node.getNodeType());
    }
    return node.asText();
  }

  private static long longField(JsonNode root, String name, boolean required) {
    JsonNode node = root.get(name);
    if (node == null || node.isNull()) {
      if (required) {
        throw new Poison.Exception(PoisonReason.MISSING_FIELD, name + " is missing");
      }
      return 0;
    }
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return node.longValue();
    }
    if (node.isTextual() && DECIMAL.matcher(node.asText()).matches()) {
      try {
        return Long.parseLong(node.asText());
      } catch (NumberFormatException e) {
        // falls through to WRONG_TYPE: out of the int64 range
      }
    }
    throw new Poison.Exception(PoisonReason.WRONG_TYPE,
        name + " must be an integer, got " + describe(node));
  }

  private static long positive(String name, long value) {
    if (value <= 0) {
      throw new Poison.Exception(PoisonReason.BAD_VALUE, name + " must be positive, got " + value);
    }
    return value;
  }

  private static String describe(JsonNode node) {
    String text = node.toString();
    return node.getNodeType() + " " + (text.length() > 40 ? text.substring(0, 40) + "..." : text);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unparseable JSON";
    }
    int nl = message.indexOf('\n');
    String line = nl < 0 ? message : message.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) : line;
  }
}

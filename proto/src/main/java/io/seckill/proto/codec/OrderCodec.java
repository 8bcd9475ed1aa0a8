package io.seckill.proto.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.seckill.proto.OrderMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * The order message of topic {@code seckill.orders} ({@code seckill.OrderMessage}, docs/design.md
 * "Order message") as record bytes, both ways: the one writer every producer uses (seckill-api, the
 * load generator, the chaos load) and the one reader that decides what is poison (seckill-consumer,
 * and the tests that check what producers send). Instances are immutable and thread-safe.
 *
 * <p><b>Writing</b> ({@link #encode}): the fields in the order orderId, userId, productId, quantity,
 * couponId, amountCents, requestedAt, integers as JSON numbers, UTF-8, no spaces; an empty requestedAt
 * is left out (proto3 JSON omits defaults, and {@link #decode} reads an absent one as "").
 *
 * <p><b>Reading</b> ({@link #decode}), one rule for every reader: integer fields take a JSON integer
 * or, as proto3 JSON allows (and prints int64 so), a string of decimal digits within int64; anything
 * else (booleans, fractions, objects, words) is {@link DlqReason#WRONG_TYPE}. So what the writer
 * produces is always read, and so is what a proto3 JSON printer produces. couponId and requestedAt
 * may be absent or null; unknown fields are ignored so producers can add fields; a duplicated key or
 * trailing data is not JSON. Fields are checked in the order above, each for presence, type, then
 * range, and the key last: the first problem found is the answer.
 */
public final class OrderCodec {
  private static final Pattern ORDER_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern DECIMAL = Pattern.compile("-?[0-9]{1,19}");
  private static final JsonFactory WRITER = new JsonFactory();
  private static final ObjectMapper READER = JsonMapper.builder()
      // A duplicated key is ambiguous: which orderId did the producer mean?
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private final int maxRecordBytes;
  private final int maxQuantity;

  /** A reader that refuses values above {@code maxRecordBytes} and quantities above {@code maxQuantity}. */
  public OrderCodec(int maxRecordBytes, int maxQuantity) {
    if (maxRecordBytes < 1 || maxQuantity < 1) {
      throw new IllegalArgumentException("limits must be positive: " + maxRecordBytes + " bytes, quantity "
          + maxQuantity);
    }
    this.maxRecordBytes = maxRecordBytes;
    this.maxQuantity = maxQuantity;
  }

  /** The largest record value {@link #decode} accepts, in bytes. */
  public int maxRecordBytes() {
    return maxRecordBytes;
  }

  /** The largest quantity {@link #decode} accepts. */
  public int maxQuantity() {
    return maxQuantity;
  }

  /** The record value of {@code order}: see the class comment. */
  public static byte[] encode(OrderMessage order) {
    // Streaming generator straight to bytes: no tree, no intermediate String (the API's hot path).
    try (ByteArrayBuilder out = new ByteArrayBuilder(192); JsonGenerator g = WRITER.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("orderId", order.getOrderId());
      g.writeNumberField("userId", order.getUserId());
      g.writeNumberField("productId", order.getProductId());
      g.writeNumberField("quantity", order.getQuantity());
      g.writeNumberField("couponId", order.getCouponId());
      g.writeNumberField("amountCents", order.getAmountCents());
      if (!order.getRequestedAt().isEmpty()) {
        g.writeStringField("requestedAt", order.getRequestedAt());
      }
      g.writeEndObject();
      g.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The order in the record ({@code key}, {@code value}), or the first reason it is none; a null
   * {@code key} is not checked. Never throws for what the record holds.
   */
  public Decoded decode(byte[] key, byte[] value) {
    try {
      return read(key, value);
    } catch (Refusal r) {
      return new Decoded.Invalid(r.reason, r.detail);
    }
  }

  private Decoded.Valid read(byte[] key, byte[] value) {
    if (value == null || value.length == 0) {
      throw new Refusal(DlqReason.EMPTY, "record has no value");
    }
    if (value.length > maxRecordBytes) {
      throw new Refusal(DlqReason.OVERSIZED, "value is " + value.length + " bytes, limit " + maxRecordBytes);
    }
    String text = utf8(value);
    JsonNode root;
    try {
      root = READER.readTree(text);
    } catch (IOException e) {
      throw new Refusal(DlqReason.NOT_JSON, firstLine(e.getMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new Refusal(DlqReason.NOT_JSON,
          "expected a JSON object, got " + (root == null ? "nothing" : root.getNodeType()));
    }
    String orderId = requiredString(root, "orderId");
    if (!ORDER_ID.matcher(orderId).matches()) {
      throw new Refusal(DlqReason.BAD_ORDER_ID,
          "orderId must be 1-64 characters of [A-Za-z0-9_-], got " + orderId.length() + " characters");
    }
    long userId = positive("userId", longField(root, "userId", true));
    long productId = positive("productId", longField(root, "productId", true));
    long quantity = longField(root, "quantity", true);
    if (quantity < 1 || quantity > maxQuantity) {
      throw new Refusal(DlqReason.QUANTITY_OUT_OF_RANGE, "quantity " + quantity + " outside 1.." + maxQuantity);
    }
    long couponId = longField(root, "couponId", false);
    if (couponId < 0) {
      throw new Refusal(DlqReason.BAD_VALUE, "couponId must be >= 0, got " + couponId);
    }
    // A negative amount is malformed (the order service rejects it as INVALID_ARGUMENT, even when
    // recording a cancellation). Zero is the pay service's business: it refuses it (ABORTED), so
    // such an order ends CANCELLED with that reason instead of vanishing into the DLQ.
    long amountCents = longField(root, "amountCents", true);
    if (amountCents < 0) {
      throw new Refusal(DlqReason.BAD_VALUE, "amountCents must be >= 0, got " + amountCents);
    }
    String requestedAt = "";
    String requestedAtText = "";
    JsonNode at = root.get("requestedAt");
    if (at != null && !at.isNull()) {
      if (!at.isTextual()) {
        throw new Refusal(DlqReason.WRONG_TYPE, "requestedAt must be an ISO-8601 string");
      }
      requestedAtText = at.asText();
      try {
        requestedAt = Instant.parse(requestedAtText).toString();
      } catch (DateTimeParseException e) {
        throw new Refusal(DlqReason.WRONG_TYPE, "requestedAt is not an ISO-8601 instant");
      }
    }
    // Last: a record wrong in its fields is reported for the field, the more useful reason.
    if (key != null && !Arrays.equals(key, orderId.getBytes(StandardCharsets.UTF_8))) {
      throw new Refusal(DlqReason.KEY_MISMATCH, "record key differs from orderId " + orderId);
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
    return new Decoded.Valid(order, requestedAtText);
  }

  private static String utf8(byte[] value) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(value))
          .toString();
    } catch (CharacterCodingException e) {
      throw new Refusal(DlqReason.NOT_UTF8, "value is not valid UTF-8");
    }
  }

  private static String requiredString(JsonNode root, String name) {
    JsonNode node = root.get(name);
    if (node == null || node.isNull()) {
      throw new Refusal(DlqReason.MISSING_FIELD, name + " is missing");
    }
    if (!node.isTextual()) {
      throw new Refusal(DlqReason.WRONG_TYPE, name + " must be a string, got " + node.getNodeType());
    }
    return node.asText();
  }

  /** The integer field {@code name}: absent or null is MISSING_FIELD when {@code required}, else 0. */
  private static long longField(JsonNode root, String name, boolean required) {
    JsonNode node = root.get(name);
    if (node == null || node.isNull()) {
      if (required) {
        throw new Refusal(DlqReason.MISSING_FIELD, name + " is missing");
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
    throw new Refusal(DlqReason.WRONG_TYPE, name + " must be an integer, got " + describe(node));
  }

  private static long positive(String name, long value) {
    if (value <= 0) {
      throw new Refusal(DlqReason.BAD_VALUE, name + " must be positive, got " + value);
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

  /** The first problem of a record, thrown inside {@link #decode} only; no stack trace. */
  private static final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final DlqReason reason;
    private final String detail;

    Refusal(DlqReason reason, String detail) {
      super(reason + ": " + detail, null, false, false);
      this.reason = reason;
      this.detail = detail;
    }
  }
}

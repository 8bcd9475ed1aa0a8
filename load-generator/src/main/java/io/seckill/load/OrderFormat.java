package io.seckill.load;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The order message format of docs/design.md, as a checker: what the load generator promises to send
 * (valid orders pass, bad messages fail). It is the load generator's own reading of the document,
 * written independently of the consumer's parser so the two can catch each other's mistakes.
 */
public final class OrderFormat {
  private static final Pattern ORDER_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private final int maxBytes;
  private final int maxQuantity;

  /** A checker refusing records above {@code maxBytes} and quantities above {@code maxQuantity}. */
  public OrderFormat(int maxBytes, int maxQuantity) {
    this.maxBytes = maxBytes;
    this.maxQuantity = maxQuantity;
  }

  /** The first problem of the record ({@code key}, {@code value}), or empty when it is a valid order. */
  public Optional<String> problem(byte[] key, byte[] value) {
    if (value == null || value.length == 0) {
      return Optional.of("empty value");
    }
    if (value.length > maxBytes) {
      return Optional.of("oversized: " + value.length + " bytes");
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
    } catch (CharacterCodingException e) {
      return Optional.of("not UTF-8");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(text);
    } catch (IOException e) {
      return Optional.of("not JSON");
    }
    if (root == null || !root.isObject()) {
      return Optional.of("not a JSON object");
    }
    JsonNode id = root.get("orderId");
    if (id == null || !id.isTextual() || !ORDER_ID.matcher(id.asText()).matches()) {
      return Optional.of("orderId missing or not 1-64 chars of [A-Za-z0-9_-]");
    }
    if (key != null && !Arrays.equals(key, id.asText().getBytes(StandardCharsets.UTF_8))) {
      return Optional.of("key differs from orderId");
    }
    for (String f : new String[] {"userId", "productId"}) {
      JsonNode n = root.get(f);
      if (n == null || !n.isIntegralNumber() || n.asLong() <= 0) {
        return Optional.of(f + " missing or not a positive integer");
      }
    }
    JsonNode q = root.get("quantity");
    if (q == null || !q.isIntegralNumber() || q.asLong() < 1 || q.asLong() > maxQuantity) {
      return Optional.of("quantity missing or outside 1.." + maxQuantity);
    }
    JsonNode c = root.get("couponId");
    if (c != null && (!c.isIntegralNumber() || c.asLong() < 0)) {
      return Optional.of("couponId not a non-negative integer");
    }
    JsonNode a = root.get("amountCents");
    if (a == null || !a.isIntegralNumber()) {
      return Optional.of("amountCents missing or not an integer");
    }
    JsonNode at = root.get("requestedAt");
    if (at != null) {
      try {
        Instant.parse(at.asText());
      } catch (DateTimeParseException e) {
        return Optional.of("requestedAt not an ISO-8601 instant");
      }
    }
    return Optional.empty();
  }
}

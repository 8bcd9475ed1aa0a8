package io.seckill.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;

/**
 * A validated {@code POST /api/v1/seckill/orders} body. The buyer is not part of it: the buyer is the
 * subject of the request's token, and a {@code userId} field is refused rather than compared, so a
 * client never believes it chose who buys.
 */
public record AdmissionRequest(long productId, int quantity, long couponId) {
  private static final JsonFactory JSON_FACTORY = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final String[] NAMES = {"productId", "quantity", "couponId"};

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
   * Parses and checks {@code body}: positive integer productId, quantity in
   * 1..{@code maxQuantity}, couponId 0 (none, the default) or positive. Any other field is refused,
   * so a buyer cannot believe a price or amount they sent was used.
   */
  public static AdmissionRequest parse(byte[] body, int maxQuantity) throws InvalidField {
    // One pass of Jackson's streaming parser, no tree: the hot path of every admission. The whole
    // body is read before any field is judged, so a syntax error anywhere is reported as such.
    Field[] values = new Field[NAMES.length];
    String unknown = null;
    try (JsonParser p = JSON_FACTORY.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new InvalidField("body", "body must be a JSON object");
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        int i = index(name);
        JsonToken v = p.nextToken();
        if (i < 0) {
          if (unknown == null) {
            unknown = name;
          }
          p.skipChildren();
          continue;
        }
        values[i] = Field.of(p, v);
      }
      if (t != JsonToken.END_OBJECT) {
        throw new InvalidField("body", "body must be a JSON object");
      }
      if (p.nextToken() != null) {
        throw new InvalidField("body", "body is not valid JSON: trailing content after the object");
      }
    } catch (JsonProcessingException e) {
      throw new InvalidField("body", "body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidField("body", "body cannot be read");
    }
    if ("userId".equals(unknown)) {
      throw new InvalidField(unknown, "userId is not accepted: the buyer is the subject of the Bearer token");
    }
    if (unknown != null) {
      throw new InvalidField(unknown, "unknown field '" + unknown + "': send only productId, quantity, couponId"
          + " (the buyer comes from the token, the amount from the product and coupon data)");
    }
    long productId = whole(values[0], "productId", true, 1, Long.MAX_VALUE);
    int quantity = (int) whole(values[1], "quantity", true, 1, maxQuantity);
    long couponId = whole(values[2], "couponId", false, 0, Long.MAX_VALUE);
    return new AdmissionRequest(productId, quantity, couponId);
  }

  private static int index(String name) {
    for (int i = 0; i < NAMES.length; i++) {
      if (NAMES[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** One field's value as read: a long when it is a whole number that fits, else what it was. */
  private record Field(boolean isNull, boolean fitsLong, long value, String type, String text) {
    static Field of(JsonParser p, JsonToken v) throws IOException {
      switch (v) {
        case VALUE_NULL:
          return new Field(true, false, 0, "null", null);
        case VALUE_NUMBER_INT:
          if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            return new Field(false, false, 0, "number", p.getText());
          }
          return new Field(false, true, p.getLongValue(), "number", null);
        case VALUE_NUMBER_FLOAT:
          return new Field(false, false, 0, "number", p.getText());
        case VALUE_STRING:
          return new Field(false, false, 0, "string", null);
        case VALUE_TRUE:
        case VALUE_FALSE:
          return new Field(false, false, 0, "boolean", null);
        case START_OBJECT:
          p.skipChildren();
          return new Field(false, false, 0, "object", null);
        case START_ARRAY:
          p.skipChildren();
          return new Field(false, false, 0, "array", null);
        default:
          return new Field(false, false, 0, v.name().toLowerCase(), null);
      }
    }
  }

  private static long whole(Field f, String field, boolean required, long min, long max) throws InvalidField {
    if (f == null || f.isNull()) {
      if (required) {
        throw new InvalidField(field, field + " is required");
      }
      return 0;
    }
    if (!f.fitsLong()) {
      throw new InvalidField(field, field + " must be a whole number, got " + f.type()
          + (f.text() != null ? " " + f.text() : ""));
    }
    long v = f.value();
    if (v < min || v > max) {
      throw new InvalidField(field, field + " must be in " + min + ".." + max + ", got " + v);
    }
    return v;
  }
}

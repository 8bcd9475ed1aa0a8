package io.seckill.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.seckill.api.AdmissionRequest.InvalidField;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * A validated {@code POST /api/v1/payments/callback} body, parsed as strictly as an admission: one
 * JSON object, no duplicate or unknown field, nothing after it, every field of its own type. It is
 * parsed only after its signature was checked, so these rules guard against a provider's mistakes,
 * not against strangers.
 *
 * @param providerTxnId the provider's transaction id (1-64 characters of [A-Za-z0-9_-])
 * @param orderId the order paid for
 * @param amountCents what the provider took, in cents (positive)
 * @param succeeded true for {@code SUCCEEDED}, false for {@code FAILED}
 */
public record PaymentCallback(String providerTxnId, String orderId, long amountCents, boolean succeeded) {
  private static final JsonFactory JSON_FACTORY = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final String[] NAMES = {"providerTxnId", "orderId", "amountCents", "status"};

  /** Parses and checks {@code body}; {@link InvalidField} names the field at fault ({@code body} for the whole). */
  public static PaymentCallback parse(byte[] body) throws InvalidField {
    String txn = null;
    String orderId = null;
    String status = null;
    Long amount = null;
    try (JsonParser p = JSON_FACTORY.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new InvalidField("body", "body must be a JSON object");
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        switch (name) {
          case "providerTxnId" -> txn = text(p, v, name);
          case "orderId" -> orderId = text(p, v, name);
          case "status" -> status = text(p, v, name);
          case "amountCents" -> {
            if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
              throw new InvalidField(name, "amountCents must be a whole number of cents");
            }
            amount = p.getLongValue();
          }
          default -> throw new InvalidField(name, "unknown field '" + name + "': a callback has only "
              + String.join(", ", NAMES));
        }
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
    id(txn, "providerTxnId");
    id(orderId, "orderId");
    if (amount == null || amount < 1) {
      throw new InvalidField("amountCents", "amountCents must be a positive whole number");
    }
    if (!"SUCCEEDED".equals(status) && !"FAILED".equals(status)) {
      throw new InvalidField("status", "status must be SUCCEEDED or FAILED");
    }
    return new PaymentCallback(txn, orderId, amount, "SUCCEEDED".equals(status));
  }

  private static String text(JsonParser p, JsonToken v, String name) throws IOException, InvalidField {
    if (v != JsonToken.VALUE_STRING) {
      throw new InvalidField(name, name + " must be a string");
    }
    return p.getText();
  }

  private static void id(String value, String name) throws InvalidField {
    if (value == null || !ID.matcher(value).matches()) {
      throw new InvalidField(name, name + " must be 1-64 characters of [A-Za-z0-9_-]");
    }
  }
}

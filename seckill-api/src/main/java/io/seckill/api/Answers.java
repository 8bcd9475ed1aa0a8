package io.seckill.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;

/**
 * The JSON answers every route writes: errors carry {@code error} (and {@code reason} or
 * {@code field} where there is one) and a {@code message} for people; never an exception's class or
 * stack, which would tell a caller how the server is built.
 */
final class Answers {
  static final ObjectMapper JSON = new ObjectMapper();

  private Answers() {}

  static void send(HttpServerExchange ex, int status, Object body) {
    String text;
    try {
      text = JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise an answer", e);
    }
    ex.setStatusCode(status);
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    ex.getResponseSender().send(text, StandardCharsets.UTF_8);
  }

  static void error(HttpServerExchange ex, int status, String error, String message) {
    ObjectNode n = JSON.createObjectNode();
    n.put("error", error);
    n.put("message", message);
    send(ex, status, n);
  }

  /** 400 naming the field at fault ({@code body} for the whole). */
  static void invalidField(HttpServerExchange ex, String field, String message) {
    ObjectNode n = JSON.createObjectNode();
    n.put("error", "INVALID_FIELD");
    n.put("field", field);
    n.put("message", message);
    send(ex, 400, n);
  }

  /** A refusal with a machine-readable reason; 429, 503 and 504 also say when to come back. */
  static void refusal(HttpServerExchange ex, int status, String reason, String message, long retryAfterSeconds) {
    ObjectNode n = JSON.createObjectNode();
    n.put("error", reason);
    n.put("reason", reason);
    n.put("message", message);
    if (retryAfterSeconds > 0) {
      ex.getResponseHeaders().put(Headers.RETRY_AFTER, Long.toString(retryAfterSeconds));
    }
    send(ex, status, n);
  }

  /** 503 for a request that failed inside: the log has the cause, the caller gets a retry hint. */
  static void unavailable(HttpServerExchange ex) {
    refusal(ex, 503, "UNAVAILABLE", "temporarily unavailable, retry", 1);
  }
}

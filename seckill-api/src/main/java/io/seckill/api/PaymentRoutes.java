package io.seckill.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seckill.api.OrderDirectory.StoredOrder;
import io.seckill.auth.ProviderSignature;
import io.seckill.proto.pay.Payment;
import io.seckill.proto.pay.Refund;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Paying, on the buyer port (worker threads: every step is a blocking call). The buyer starts a
 * payment with the provider; the provider's signed callback settles it through the payment saga.
 */
final class PaymentRoutes {
  private static final Pattern TXN = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Set<String> CALLBACK_FIELDS = Set.of("providerTxnId", "orderId", "amountCents", "status");

  private final GrpcClients orders;
  private final OrderSagas sagas;
  private final PaymentProvider provider;
  private final ProviderSignature signature;
  private final ApiMetrics metrics;
  private final long toleranceSeconds;
  private final int maxBodyBytes;

  PaymentRoutes(GrpcClients orders, OrderSagas sagas, PaymentProvider provider, ProviderSignature signature,
      ApiMetrics metrics, long toleranceSeconds, int maxBodyBytes) {
    this.orders = orders;
    this.sagas = sagas;
    this.provider = provider;
    this.signature = signature;
    this.metrics = metrics;
    this.toleranceSeconds = toleranceSeconds;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** {@code POST /api/v1/orders/{id}/payment} for the buyer {@code userId}: 202 with the provider's id. */
  void start(HttpServerExchange ex, long userId, String orderId) {
    Optional<StoredOrder> stored = orders.find(orderId);
    if (stored.isEmpty() || stored.get().userId() != userId) {
      Answers.error(ex, 404, "NOT_FOUND", "no order " + orderId);
      return;
    }
    StoredOrder o = stored.get();
    Optional<Payment> p = sagas.payment(orderId);
    boolean payable = "CONFIRMED".equals(o.status()) && o.payDeadlineMillis() > System.currentTimeMillis()
        && p.isPresent() && p.get().getStatus() == io.seckill.proto.pay.PaymentStatus.AWAITING_PAYMENT;
    if (!payable) {
      String status = "CONFIRMED".equals(o.status()) ? "past its payment deadline" : o.status();
      Answers.refusal(ex, 409, "ORDER_NOT_PAYABLE", "order " + orderId + " cannot be paid: " + status, 0);
      return;
    }
    String txn = provider.start(orderId, o.amountCents());
    metrics.lifecycle("payment_started");
    ObjectNode n = Answers.JSON.createObjectNode();
    n.put("orderId", orderId);
    n.put("paymentId", txn);
    n.put("status", "PENDING");
    Answers.send(ex, 202, n);
  }

  /** {@code POST /api/v1/payments/callback}: the provider's signed result. */
  void callback(HttpServerExchange ex) throws IOException {
    ex.startBlocking();
    byte[] body;
    try (InputStream in = ex.getInputStream()) {
      body = in.readNBytes(maxBodyBytes + 1);
    }
    if (body.length > maxBodyBytes) {
      Answers.error(ex, 413, "TOO_LARGE", "a callback is at most " + maxBodyBytes + " bytes");
      return;
    }
    ProviderSignature.Verdict v = signature.verify(ex.getRequestHeaders().getFirst(ProviderSignature.HEADER), body,
        Instant.now().getEpochSecond(), toleranceSeconds);
    if (v != ProviderSignature.Verdict.VALID) {
      String reason = v == ProviderSignature.Verdict.EXPIRED ? "SIGNATURE_EXPIRED" : "BAD_SIGNATURE";
      metrics.lifecycle("callback_" + reason);
      Answers.refusal(ex, 401, reason, v == ProviderSignature.Verdict.EXPIRED
          ? "the signature is older or newer than " + toleranceSeconds + " s"
          : "missing, malformed or wrong " + ProviderSignature.HEADER, 0);
      return;
    }
    JsonNode n;
    try {
      n = Answers.JSON.readTree(body);
    } catch (IOException e) {
      Answers.invalidField(ex, "body", "body is not valid JSON");
      return;
    }
    if (n == null || !n.isObject()) {
      Answers.invalidField(ex, "body", "body must be a JSON object");
      return;
    }
    for (var it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!CALLBACK_FIELDS.contains(f)) {
        Answers.invalidField(ex, f, "unknown field '" + f + "'");
        return;
      }
    }
    String txn = n.path("providerTxnId").asText("");
    String orderId = n.path("orderId").asText("");
    String status = n.path("status").asText("");
    if (!TXN.matcher(txn).matches()) {
      Answers.invalidField(ex, "providerTxnId", "providerTxnId must be 1-64 characters of [A-Za-z0-9_-]");
      return;
    }
    if (!TXN.matcher(orderId).matches()) {
      Answers.invalidField(ex, "orderId", "orderId must be 1-64 characters of [A-Za-z0-9_-]");
      return;
    }
    if (!n.path("amountCents").canConvertToLong() || !n.path("amountCents").isIntegralNumber()
        || n.path("amountCents").asLong() < 1) {
      Answers.invalidField(ex, "amountCents", "amountCents must be a positive whole number");
      return;
    }
    if (!status.equals("SUCCEEDED") && !status.equals("FAILED")) {
      Answers.invalidField(ex, "status", "status must be SUCCEEDED or FAILED");
      return;
    }
    Optional<StoredOrder> o = orders.find(orderId);
    if (o.isEmpty()) {
      Answers.error(ex, 404, "NOT_FOUND", "no order " + orderId);
      return;
    }
    String outcome;
    if (status.equals("FAILED")) {
      outcome = "FAILED";
    } else {
      OrderSagas.Outcome r;
      try {
        r = sagas.pay(o.get(), txn, n.path("amountCents").asLong());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        Answers.unavailable(ex);
        return;
      }
      outcome = outcome(orderId, txn, r);
    }
    metrics.lifecycle("callback_" + outcome);
    ObjectNode a = Answers.JSON.createObjectNode();
    a.put("providerTxnId", txn);
    a.put("orderId", orderId);
    a.put("outcome", outcome);
    Answers.send(ex, 200, a);
  }

  /** What the payment row says now about {@code txn}: PAID, REFUND_PENDING or PROCESSING. */
  private String outcome(String orderId, String txn, OrderSagas.Outcome saga) {
    Payment p = sagas.payment(orderId).orElse(null);
    if (p != null && txn.equals(p.getProviderTxnId()) && saga == OrderSagas.Outcome.DONE) {
      return "PAID";
    }
    if (p != null && p.getRefundsList().stream().anyMatch(r -> txn.equals(r.getProviderTxnId()))) {
      return "REFUND_PENDING";
    }
    return "PROCESSING";
  }

  /** Adds the payment facts of {@code o} to an order answer: deadline, status for a buyer, refunds. */
  void describe(StoredOrder o, ObjectNode n) {
    if ("CONFIRMED".equals(o.status())) {
      n.put("status", "AWAITING_PAYMENT");
      n.put("payDeadline", Instant.ofEpochMilli(o.payDeadlineMillis()).toString());
      return;
    }
    if (!"PAID".equals(o.status()) && !"EXPIRED".equals(o.status())) {
      return;
    }
    Payment p = sagas.payment(o.orderId()).orElse(null);
    if (p == null || p.getRefundsCount() == 0) {
      return;
    }
    if ("EXPIRED".equals(o.status())) {
      n.put("status", "REFUND_PENDING");
    }
    ArrayNode refunds = n.putArray("refunds");
    for (Refund r : p.getRefundsList()) {
      ObjectNode x = refunds.addObject();
      x.put("providerTxnId", r.getProviderTxnId());
      x.put("amountCents", r.getAmountCents());
      x.put("reason", r.getReason());
      x.put("status", r.getStatus().name());
    }
  }

  static boolean hasJsonType(HttpServerExchange ex) {
    String type = ex.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
    return type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json");
  }
}

package io.seckill.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seckill.api.OrderDirectory.StoredOrder;
import io.seckill.auth.ProviderSignature;
import io.seckill.proto.pay.Payment;
import io.seckill.proto.pay.PaymentStatus;
import io.seckill.proto.pay.Refund;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Paying, on the buyer port (worker threads: every step is a blocking call). The buyer starts a
 * payment with the provider; the provider's signed callback settles it through the payment saga.
 */
final class PaymentRoutes {
  private static final Logger log = LoggerFactory.getLogger(PaymentRoutes.class);

  private final GrpcClients orders;
  private final OrderSagas sagas;
  private final PaymentProvider provider;
  private final ProviderSignature signature;
  private final ApiMetrics metrics;
  private final long toleranceSeconds;
  private final int maxBodyBytes;
  // The final outcome per provider transaction and order: a replayed callback is answered without DTM.
  private final Cache<String, String> settled = Caffeine.newBuilder().maximumSize(100_000)
      .expireAfterWrite(Duration.ofHours(1)).build();

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

  /**
   * {@code POST /api/v1/orders/{id}/payment} for the buyer {@code userId}: 202 with the provider's id;
   * 404 for an unknown order or another buyer's; 409 ORDER_NOT_PAYABLE naming the status unless the
   * order is CONFIRMED before its deadline and its payment AWAITING_PAYMENT.
   */
  void start(HttpServerExchange ex, long userId, String orderId) {
    Optional<StoredOrder> stored = orders.find(orderId);
    if (stored.isEmpty() || stored.get().userId() != userId) {
      Answers.error(ex, 404, "NOT_FOUND", "no order " + orderId);
      return;
    }
    StoredOrder o = stored.get();
    String why = null;
    if (!"CONFIRMED".equals(o.status())) {
      why = "it is " + buyerStatus(o.status());
    } else if (o.payDeadlineMillis() <= System.currentTimeMillis()) {
      why = "its payment deadline " + Instant.ofEpochMilli(o.payDeadlineMillis()) + " has passed";
    } else {
      Optional<Payment> p = sagas.payment(orderId);
      if (p.isEmpty()) {
        why = "it has no payment record";
      } else if (p.get().getStatus() != PaymentStatus.AWAITING_PAYMENT) {
        why = "its payment is " + p.get().getStatus().name();
      }
    }
    if (why != null) {
      ObjectNode n = Answers.JSON.createObjectNode();
      n.put("error", "ORDER_NOT_PAYABLE");
      n.put("reason", "ORDER_NOT_PAYABLE");
      n.put("status", buyerStatus(o.status()));
      n.put("message", "order " + orderId + " cannot be paid: " + why);
      Answers.send(ex, 409, n);
      return;
    }
    String txn = provider.start(orderId, o.amountCents());
    metrics.paymentStarted();
    ObjectNode n = Answers.JSON.createObjectNode();
    n.put("orderId", orderId);
    n.put("paymentId", txn);
    n.put("status", "PENDING");
    Answers.send(ex, 202, n);
  }

  /** An order status as buyers see it: TRYING is still QUEUED, CONFIRMED is AWAITING_PAYMENT. */
  private static String buyerStatus(String status) {
    return switch (status) {
      case "TRYING" -> "QUEUED";
      case "CONFIRMED" -> "AWAITING_PAYMENT";
      default -> status;
    };
  }

  /**
   * {@code POST /api/v1/payments/callback}: the provider's signed result. The signature is checked
   * over the raw bytes before the body is parsed; a SUCCEEDED result runs the payment saga (its gid
   * is the provider transaction, so a replay does the work once) and answers what the payment row
   * says; when DTM or a service cannot answer, 503 makes the provider deliver again.
   */
  void callback(HttpServerExchange ex) throws IOException {
    if (!hasJsonType(ex)) {
      Answers.error(ex, 415, "UNSUPPORTED_MEDIA_TYPE", "send the callback as Content-Type: application/json");
      return;
    }
    if (ex.getRequestContentLength() > maxBodyBytes) {
      Answers.error(ex, 413, "TOO_LARGE", "a callback is at most " + maxBodyBytes + " bytes");
      return;
    }
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
      metrics.callback(reason);
      Answers.refusal(ex, 401, reason, v == ProviderSignature.Verdict.EXPIRED
          ? "the signed time is more than " + toleranceSeconds + " s from now"
          : "missing, malformed or wrong " + ProviderSignature.HEADER, 0);
      return;
    }
    PaymentCallback c;
    try {
      c = PaymentCallback.parse(body);
    } catch (AdmissionRequest.InvalidField e) {
      Answers.invalidField(ex, e.field(), e.getMessage());
      return;
    }
    String outcome = c.succeeded() ? settled.getIfPresent(settledKey(c)) : null;
    if (outcome == null) {
      Optional<StoredOrder> o = orders.find(c.orderId());
      if (o.isEmpty()) {
        Answers.error(ex, 404, "NOT_FOUND", "no order " + c.orderId());
        return;
      }
      if (!c.succeeded()) {
        // The buyer was not charged: nothing changes, and the order may be paid again.
        outcome = "FAILED";
      } else {
        try {
          outcome = settle(o.get(), c);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          Answers.unavailable(ex);
          return;
        } catch (RuntimeException e) {
          log.warn("payment {} of order {} not settled yet, the provider delivers again: {}", c.providerTxnId(),
              c.orderId(), e.toString());
          Answers.unavailable(ex);
          return;
        }
      }
    }
    metrics.callback(outcome);
    if (outcome.equals(CONFLICT)) {
      Answers.error(ex, 409, "PROVIDER_TXN_CONFLICT", "provider transaction " + c.providerTxnId()
          + " was already settled for another order");
      return;
    }
    ObjectNode a = Answers.JSON.createObjectNode();
    a.put("providerTxnId", c.providerTxnId());
    a.put("orderId", c.orderId());
    a.put("outcome", outcome);
    Answers.send(ex, 200, a);
  }

  /** The outcome of a callback whose transaction id was already settled for another order. */
  static final String CONFLICT = "TXN_CONFLICT";

  // Keyed by order too: a transaction id reused for another order must not borrow the first one's answer.
  private static String settledKey(PaymentCallback c) {
    return c.providerTxnId() + "/" + c.orderId();
  }

  /** Runs the payment saga of {@code c} and answers what the payment row says now about its transaction. */
  private String settle(StoredOrder o, PaymentCallback c) throws InterruptedException {
    OrderSagas.Outcome saga = sagas.pay(o, c.providerTxnId(), c.amountCents());
    // When this Submit ran the saga, its pivot settled this order's payment with this transaction:
    // PAID, without asking pay-rpc. Otherwise the payment row says what became of the transaction.
    String outcome = saga == OrderSagas.Outcome.RAN ? "PAID"
        : outcome(sagas.payment(o.orderId()).orElse(null), c.providerTxnId(), saga);
    if (!outcome.equals("PROCESSING") && settled.asMap().putIfAbsent(settledKey(c), outcome) == null
        && outcome.equals("REFUND_PENDING")) {
      metrics.refund();
    }
    return outcome;
  }

  /**
   * What a payment row says about {@code txn}: PAID when it paid the order (later steps never refuse,
   * so DTM finishes the order's side), REFUND_PENDING when it became a refund, PROCESSING while the
   * saga runs, and {@link #CONFLICT} when the saga of {@code txn} is over without a trace on this
   * order: the provider used the id for another order before.
   */
  static String outcome(Payment p, String txn, OrderSagas.Outcome saga) {
    if (p != null && p.getStatus() == PaymentStatus.PAID && txn.equals(p.getProviderTxnId())) {
      return "PAID";
    }
    if (p != null && p.getRefundsList().stream().anyMatch(r -> txn.equals(r.getProviderTxnId()))) {
      return "REFUND_PENDING";
    }
    return saga == OrderSagas.Outcome.RUNNING ? "PROCESSING" : CONFLICT;
  }

  /**
   * Adds the payment facts of {@code o} to an order answer: CONFIRMED is AWAITING_PAYMENT with its
   * {@code payDeadline}; an EXPIRED order whose payment has a refund is REFUND_PENDING; every refund
   * (a late, double or wrong-amount payment) is listed under {@code refunds}, whatever the status.
   */
  void describe(StoredOrder o, ObjectNode n) {
    if ("TRYING".equals(o.status())) {
      return;
    }
    if ("CONFIRMED".equals(o.status())) {
      n.put("status", "AWAITING_PAYMENT");
      n.put("payDeadline", Instant.ofEpochMilli(o.payDeadlineMillis()).toString());
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

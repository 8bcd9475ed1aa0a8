package io.seckill.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seckill.auth.ProviderSignature;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Paying through the whole stack: admission, the TCC, the buyer's payment with the simulated
 * provider, its signed callback and the payment saga through DTM to pay-rpc and order-rpc. Forged and
 * expired callbacks change nothing; a replayed callback answers the same outcome and does the work
 * once (also on another API instance, where only DTM's gid stops it); a second payment becomes a
 * refund that the order view lists.
 */
class PaymentFlowIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CALLBACK = "/api/v1/payments/callback";

  @Test
  void aBuyerPaysOnceAndForgedOrReplayedCallbacksChangeNothing() throws Exception {
    assertTrue(TestStack.reachable(TestStack.REDIS_PORT) && TestStack.reachable(TestStack.KAFKA_PORT)
        && TestStack.reachable(TestStack.ORDER_PORT) && TestStack.reachable(TestStack.PRODUCT_PORT)
        && TestStack.reachable(TestStack.DB_PORT) && TestStack.reachable(TestStack.PAY_PORT)
        && TestStack.reachable(TestStack.DTM_GRPC_PORT), "the local stack and its services are not running");
    assertTrue(TestStack.consumerRunning(), "seckill-consumer is not running");
    ProviderSignature provider = TestStack.SECRETS.providerSignature();
    long product = TestStack.testProductId();
    long buyer = 7_100_001;
    List<String> orderIds = new ArrayList<>();
    Map<String, String> settings = Map.of(ApiConfig.KAFKA_TOPIC.name(), "seckill.orders",
        ApiConfig.RECONCILE_INTERVAL_MS.name(), "300", ApiConfig.RECONCILE_MIN_AGE_MS.name(), "0",
        ApiConfig.PAYMENT_SIM_DELAY_MS.name(), "50");
    try (Connection db = TestStack.db()) {
      exec(db, "INSERT INTO seckill_product.product (id, name, price_cents, initial_stock, available) "
          + "VALUES (?, 'seckill-api payment test', 1000, 2, 2)", product);
      try (ApiServer server = ApiServer.start(TestStack.config(settings))) {
        int port = server.port();
        assertEquals(200, TestStack.adminPost(server.adminPort(), "/api/v1/admin/sales/" + product + "/open").statusCode());
        HttpResponse<String> admitted = TestStack.admit(port, buyer, product, 1, 0);
        assertEquals(202, admitted.statusCode(), admitted.body());
        String orderId = JSON.readTree(admitted.body()).get("orderId").asText();
        orderIds.add(orderId);

        JsonNode awaiting = waitForStatus(port, buyer, orderId, "AWAITING_PAYMENT");
        Instant deadline = Instant.parse(awaiting.get("payDeadline").asText());
        assertTrue(deadline.isAfter(Instant.now()), awaiting.toString());
        assertEquals(404, pay(port, buyer + 1, orderId).statusCode(), "another buyer's order is not found");
        assertEquals(401, TestStack.post(port, "/api/v1/orders/" + orderId + "/payment", "").statusCode(),
            "paying needs the buyer's token");

        // Forged, unsigned and expired callbacks are refused before anything is read or changed.
        String forged = callback("forged-" + AdmissionStore.randomSuffix(), orderId, 1000, "SUCCEEDED");
        byte[] otherSecret = new byte[32];
        HttpResponse<String> bad = signedPost(port, forged, new ProviderSignature(otherSecret)
            .sign(Instant.now().getEpochSecond(), bytes(forged)));
        assertEquals(401, bad.statusCode(), bad.body());
        assertEquals("BAD_SIGNATURE", JSON.readTree(bad.body()).get("reason").asText());
        assertEquals(401, TestStack.post(port, CALLBACK, forged).statusCode(), "no signature");
        String valid = provider.sign(Instant.now().getEpochSecond(), bytes(forged));
        assertEquals(401, signedPost(port, forged.replace("1000", "1"), valid).statusCode(), "the body was changed");
        HttpResponse<String> old = signedPost(port, forged, provider.sign(Instant.now().getEpochSecond() - 301,
            bytes(forged)));
        assertEquals(401, old.statusCode(), old.body());
        assertEquals("SIGNATURE_EXPIRED", JSON.readTree(old.body()).get("reason").asText());
        assertEquals(List.of("AWAITING_PAYMENT", ""), payment(db, orderId), "nothing changed");
        assertEquals(0, refunds(db, orderId));

        // A FAILED payment changes nothing either; the buyer may pay again.
        String failedTxn = "test-" + AdmissionStore.randomSuffix();
        assertEquals("FAILED", outcome(port, provider, callback(failedTxn, orderId, 1000, "FAILED")));
        assertEquals(List.of("AWAITING_PAYMENT", ""), payment(db, orderId));
        HttpResponse<String> unknown = signedPost(port, callback(failedTxn, product + "-" + "0".repeat(32), 1000,
            "SUCCEEDED"), null);
        assertEquals(404, unknown.statusCode(), unknown.body());

        // The buyer pays; the simulated provider calls back over HTTP; the saga settles it.
        HttpResponse<String> started = pay(port, buyer, orderId);
        assertEquals(202, started.statusCode(), started.body());
        JsonNode s = JSON.readTree(started.body());
        String txn = s.get("paymentId").asText();
        assertTrue(txn.matches("sim-[0-9a-f]{32}"), txn);
        assertEquals("PENDING", s.get("status").asText());
        assertEquals(orderId, s.get("orderId").asText());
        JsonNode paid = waitForStatus(port, buyer, orderId, "PAID");
        assertFalse(paid.has("refunds"), paid.toString());
        assertEquals(List.of("PAID", txn), payment(db, orderId));
        assertEquals(1.0, server.metrics().callbackCount("PAID"));

        // Replays: from this instance's memory, and on another instance through DTM's finished gid.
        String replay = callback(txn, orderId, 1000, "SUCCEEDED");
        assertEquals("PAID", outcome(port, provider, replay));
        try (ApiServer other = ApiServer.start(TestStack.config(settings))) {
          assertEquals("PAID", outcome(other.port(), provider, replay));
          assertEquals("PAID", outcome(other.port(), provider, replay));
        }
        assertEquals(List.of("PAID", txn), payment(db, orderId));
        assertEquals(0, refunds(db, orderId), "one payment, one effect");
        HttpResponse<String> again = pay(port, buyer, orderId);
        assertEquals(409, again.statusCode(), again.body());
        assertEquals("ORDER_NOT_PAYABLE", JSON.readTree(again.body()).get("error").asText());
        assertEquals("PAID", JSON.readTree(again.body()).get("status").asText());

        // A second payment of a paid order becomes a refund, once, and the order view lists it.
        String second = "test-" + AdmissionStore.randomSuffix();
        assertEquals("REFUND_PENDING", outcome(port, provider, callback(second, orderId, 1000, "SUCCEEDED")));
        assertEquals("REFUND_PENDING", outcome(port, provider, callback(second, orderId, 1000, "SUCCEEDED")));
        assertEquals(1, refunds(db, orderId));
        JsonNode view = JSON.readTree(TestStack.getOrder(port, buyer, orderId).body());
        assertEquals("PAID", view.get("status").asText(), view.toString());
        assertEquals(1, view.get("refunds").size(), view.toString());
        assertEquals(second, view.get("refunds").get(0).get("providerTxnId").asText());
        assertEquals("DOUBLE_PAYMENT", view.get("refunds").get(0).get("reason").asText());
        assertEquals(1000, view.get("refunds").get(0).get("amountCents").asLong());
        assertEquals(List.of("PAID", txn), payment(db, orderId));
        // A transaction id the provider already used for another order is refused, on every delivery.
        HttpResponse<String> other = TestStack.admit(port, buyer + 2, product, 1, 0);
        assertEquals(202, other.statusCode(), other.body());
        String otherId = JSON.readTree(other.body()).get("orderId").asText();
        orderIds.add(otherId);
        waitForStatus(port, buyer + 2, otherId, "AWAITING_PAYMENT");
        for (int i = 0; i < 2; i++) {
          HttpResponse<String> reused = signedPost(port, callback(txn, otherId, 1000, "SUCCEEDED"), null);
          assertEquals(409, reused.statusCode(), reused.body());
          assertEquals("PROVIDER_TXN_CONFLICT", JSON.readTree(reused.body()).get("error").asText());
        }
        assertEquals(List.of("AWAITING_PAYMENT", ""), payment(db, otherId), "the reused id paid nothing");
        assertEquals(0, refunds(db, otherId));
        String metrics = TestStack.get(server.adminPort(), "/metrics", "Authorization",
            "Bearer " + TestStack.SECRETS.adminTokenValue()).body();
        assertTrue(metrics.contains("seckill_api_payments_started_total 1.0"), metrics);
        assertTrue(metrics.contains("seckill_api_refunds_total 1.0"), metrics);
        assertTrue(metrics.contains("seckill_api_payment_callbacks_total{outcome=\"BAD_SIGNATURE\"} 3.0"), metrics);
      }
    } finally {
      try (Connection db = TestStack.db()) {
        for (String id : orderIds) {
          exec(db, "DELETE FROM seckill_pay.refund WHERE order_id = ?", id);
          exec(db, "DELETE FROM seckill_pay.payment WHERE order_id = ?", id);
        }
        exec(db, "DELETE FROM seckill_order.orders WHERE product_id = ?", product);
        exec(db, "DELETE FROM seckill_product.product WHERE id = ?", product);
      }
      var redis = TestStack.redis();
      try {
        TestStack.cleanRedis(redis, product);
      } finally {
        redis.shutdown();
      }
    }
  }

  private static HttpResponse<String> pay(int port, long buyer, String orderId) throws Exception {
    return TestStack.post(port, "/api/v1/orders/" + orderId + "/payment", "", "Authorization",
        "Bearer " + TestStack.token(buyer));
  }

  private static String callback(String txn, String orderId, long amount, String status) {
    return "{\"providerTxnId\":\"" + txn + "\",\"orderId\":\"" + orderId + "\",\"amountCents\":" + amount
        + ",\"status\":\"" + status + "\"}";
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Posts {@code body} with the stack's provider signature made now, or with {@code header} when given. */
  private static HttpResponse<String> signedPost(int port, String body, String header) throws Exception {
    String h = header != null ? header
        : TestStack.SECRETS.providerSignature().sign(Instant.now().getEpochSecond(), bytes(body));
    return TestStack.post(port, CALLBACK, body, ProviderSignature.HEADER, h);
  }

  private static String outcome(int port, ProviderSignature provider, String body) throws Exception {
    HttpResponse<String> r = signedPost(port, body, provider.sign(Instant.now().getEpochSecond(), bytes(body)));
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body()).get("outcome").asText();
  }

  private static JsonNode waitForStatus(int port, long buyer, String orderId, String status) throws Exception {
    long deadline = System.currentTimeMillis() + 120_000;
    JsonNode last = null;
    while (System.currentTimeMillis() < deadline) {
      HttpResponse<String> g = TestStack.getOrder(port, buyer, orderId);
      if (g.statusCode() == 200) {
        last = JSON.readTree(g.body());
        if (last.get("status").asText().equals(status)) {
          return last;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("order " + orderId + " not " + status + " in time: " + last);
  }

  /** The payment row's status and paying transaction. */
  private static List<String> payment(Connection db, String orderId) throws Exception {
    try (PreparedStatement ps = db.prepareStatement(
        "SELECT status, COALESCE(provider_txn_id, '') FROM seckill_pay.payment WHERE order_id = ?")) {
      ps.setString(1, orderId);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next(), "no payment row for " + orderId);
        return List.of(rs.getString(1), rs.getString(2));
      }
    }
  }

  private static int refunds(Connection db, String orderId) throws Exception {
    try (PreparedStatement ps = db.prepareStatement("SELECT COUNT(*) FROM seckill_pay.refund WHERE order_id = ?")) {
      ps.setString(1, orderId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static void exec(Connection db, String sql, Object arg) throws Exception {
    try (PreparedStatement ps = db.prepareStatement(sql)) {
      ps.setObject(1, arg);
      ps.executeUpdate();
    }
  }
}

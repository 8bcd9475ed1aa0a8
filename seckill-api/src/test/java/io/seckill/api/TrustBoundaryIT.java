package io.seckill.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seckill.auth.BuyerTokens;
import io.seckill.auth.OrderSigning;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/**
 * Who may do what, over the real Redis and Kafka: buyer tokens, private orders, the admin listener,
 * signed order messages, and the HTTP limits (content type, slow bodies, per-IP bucket, in-flight).
 */
class TrustBoundaryIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static ApiServer server;
  private static RedissonClient redis;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    assertTrue(TestStack.reachable(TestStack.REDIS_PORT), "Redis of the local stack is not running (./seckill up)");
    assertTrue(TestStack.reachable(TestStack.KAFKA_PORT), "Kafka of the local stack is not running (./seckill up)");
    TestStack.ensureTopic(TestStack.TEST_TOPIC);
    redis = TestStack.redis();
    server = ApiServer.start(TestStack.config(Map.of()));
    port = server.port();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (redis != null) {
      redis.shutdown();
    }
  }

  private static HttpResponse<String> admitWith(String authorization, long product) throws Exception {
    return TestStack.post(port, "/api/v1/seckill/orders", TestStack.order(product, 1, 0), "Authorization", authorization);
  }

  private static void assertUnauthorized(HttpResponse<String> r, String reason) throws Exception {
    assertEquals(401, r.statusCode(), r.body());
    JsonNode n = JSON.readTree(r.body());
    assertEquals("UNAUTHORIZED", n.get("error").asText());
    assertEquals(reason, n.get("reason").asText(), r.body());
    assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"), "RFC 6750 challenge");
  }

  @Test
  void missingExpiredForgedAndWrongAudienceTokensGet401() throws Exception {
    long product = TestStack.testProductId();
    try {
      server.store().openSale(product, 10, 100, 10, System.currentTimeMillis());
      assertUnauthorized(TestStack.post(port, "/api/v1/seckill/orders", TestStack.order(product, 1, 0)), "TOKEN_MISSING");
      BuyerTokens stack = TestStack.SECRETS.buyerTokens();
      Instant now = Instant.now();
      assertUnauthorized(admitWith("Bearer " + stack.mint("5", now.minusSeconds(3600), now.minusSeconds(600)), product),
          "TOKEN_EXPIRED");
      byte[] otherSecret = "a-secret-that-is-not-the-stacks!".getBytes(StandardCharsets.UTF_8);
      String forged = new BuyerTokens(otherSecret, BuyerTokens.LOCAL_ISSUER, BuyerTokens.AUDIENCE)
          .mint(5, Duration.ofMinutes(5), now);
      assertUnauthorized(admitWith("Bearer " + forged, product), "TOKEN_INVALID");
      byte[] stackSecret = io.seckill.auth.SecretFiles.readBase64Url(TestStack.SECRETS.buyerTokenSecret(), "buyer token secret");
      String otherAudience = new BuyerTokens(stackSecret, BuyerTokens.LOCAL_ISSUER, "another-api")
          .mint(5, Duration.ofMinutes(5), now);
      assertUnauthorized(admitWith("Bearer " + otherAudience, product), "TOKEN_INVALID");
      assertUnauthorized(TestStack.get(port, "/api/v1/orders/" + product + "-00"), "TOKEN_MISSING");
      // Nothing of the refused requests reached Redis.
      assertEquals(10, server.store().sale(product).orElseThrow().left());
      assertEquals(202, TestStack.admit(port, 5, product, 1, 0).statusCode(), "the stack's own token works");
    } finally {
      TestStack.cleanRedis(redis, product);
    }
  }

  @Test
  void aBuyerSeesOnlyTheirOwnOrdersAndTheMessageIsSigned() throws Exception {
    long product = TestStack.testProductId();
    long alice = 7_100_001;
    long bob = 7_100_002;
    try {
      server.store().openSale(product, 10, 250, 10, System.currentTimeMillis());
      HttpResponse<String> r = TestStack.admit(port, alice, product, 2, 0);
      assertEquals(202, r.statusCode(), r.body());
      String orderId = JSON.readTree(r.body()).get("orderId").asText();
      assertEquals(200, TestStack.getOrder(port, alice, orderId).statusCode());
      HttpResponse<String> theirs = TestStack.getOrder(port, bob, orderId);
      HttpResponse<String> unknown = TestStack.getOrder(port, bob, product + "-0123456789abcdef0123456789abcdef");
      assertEquals(404, theirs.statusCode(), "someone else's order is not found");
      assertEquals(404, unknown.statusCode());
      assertEquals(JSON.readTree(unknown.body()).get("error"), JSON.readTree(theirs.body()).get("error"),
          "and reads exactly like an unknown id");
      HttpResponse<String> again = TestStack.admit(port, alice, product, 1, 0);
      assertEquals("ALREADY_BOUGHT", JSON.readTree(again.body()).get("reason").asText());
      assertEquals(orderId, JSON.readTree(again.body()).get("orderId").asText(), "the caller's own order");
      assertFalse(again.body().contains("7100002"));

      ConsumerRecord<String, byte[]> rec = recordOf(orderId);
      OrderSigning ring = TestStack.SECRETS.orderSigning();
      JsonNode m = JSON.readTree(rec.value());
      assertEquals(alice, m.get("userId").asLong(), "the buyer is the token's subject");
      OrderSigning.Content content = new OrderSigning.Content(orderId, alice, product, 2, 0,
          m.get("amountCents").asLong(), m.get("requestedAt").asText());
      assertEquals(OrderSigning.Check.VALID, ring.verify(header(rec, OrderSigning.KEY_ID_HEADER),
          header(rec, OrderSigning.SIGNATURE_HEADER), content));
      OrderSigning.Content cheaper = new OrderSigning.Content(orderId, alice, product, 2, 0, 0, m.get("requestedAt").asText());
      assertEquals(OrderSigning.Check.MISMATCH, ring.verify(header(rec, OrderSigning.KEY_ID_HEADER),
          header(rec, OrderSigning.SIGNATURE_HEADER), cheaper));
    } finally {
      TestStack.cleanRedis(redis, product);
    }
  }

  @Test
  void adminNeedsItsTokenOnItsOwnPort() throws Exception {
    long product = TestStack.testProductId();
    int admin = server.adminPort();
    String path = "/api/v1/admin/sales/" + product;
    HttpResponse<String> none = TestStack.get(admin, path);
    assertEquals(401, none.statusCode(), none.body());
    assertEquals(401, TestStack.get(admin, path, "Authorization", "Bearer not-the-admin-token").statusCode());
    assertEquals(401, TestStack.get(admin, path, "Authorization", "Bearer " + TestStack.token(1)).statusCode(),
        "a buyer token is not an operator token");
    HttpResponse<String> ok = TestStack.get(admin, path, "Authorization", "Bearer " + TestStack.SECRETS.adminTokenValue());
    assertEquals(404, ok.statusCode(), "past the token check: no sale for this product");
    assertEquals("NO_SALE", JSON.readTree(ok.body()).get("error").asText());
    assertEquals(404, TestStack.adminPost(port, "/api/v1/admin/sales/" + product + "/open").statusCode(),
        "the buyer port has no admin routes, token or not");
    assertEquals(404, TestStack.get(port, "/metrics").statusCode(), "metrics are on the admin port");
    HttpResponse<String> tooMany = TestStack.adminPost(admin, "/api/v1/admin/sales/open-all?ids=1-5000");
    assertEquals(400, tooMany.statusCode(), tooMany.body());
    assertTrue(tooMany.body().contains("more than 1000 ids"), tooMany.body());
  }

  @Test
  void onlyJsonBodiesAndNoClassNamesInAnswers() throws Exception {
    HttpResponse<String> text = TestStack.postTyped(port, "/api/v1/seckill/orders", "text/plain",
        TestStack.order(1, 1, 0), "Authorization", "Bearer " + TestStack.token(3));
    assertEquals(415, text.statusCode(), text.body());
    assertEquals("UNSUPPORTED_MEDIA_TYPE", JSON.readTree(text.body()).get("error").asText());
    HttpResponse<String> form = TestStack.postTyped(port, "/api/v1/seckill/orders", "application/x-www-form-urlencoded",
        "productId=1", "Authorization", "Bearer " + TestStack.token(3));
    assertEquals(415, form.statusCode());
    HttpResponse<String> utf8 = TestStack.postTyped(port, "/api/v1/seckill/orders", "application/json; charset=utf-8",
        "{\"productId\":1,\"quantity\":1}{}", "Authorization", "Bearer " + TestStack.token(3));
    assertEquals(400, utf8.statusCode(), "JSON with a charset is JSON; the trailing object is refused");
    assertFalse(utf8.body().contains("Exception"), utf8.body());
  }

  @Test
  void aSlowBodyGets408AndDoesNotStallTheServer() throws Exception {
    try (ApiServer s = ApiServer.start(TestStack.config(Map.of(ApiConfig.HTTP_BODY_TIMEOUT_MS.name(), "1500")))) {
      try (Socket slow = new Socket(TestStack.HOST, s.port())) {
        slow.setSoTimeout(10_000);
        OutputStream out = slow.getOutputStream();
        out.write(("POST /api/v1/seckill/orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Authorization: Bearer " + TestStack.token(4) + "\r\nContent-Length: 100\r\n\r\n{\"prod")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        long t0 = System.nanoTime();
        HttpResponse<String> health = TestStack.get(s.port(), "/health");
        assertEquals(200, health.statusCode(), "the server answers others meanwhile");
        String status = statusLine(slow.getInputStream());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(status.startsWith("HTTP/1.1 408"), status);
        assertTrue(ms < 8_000, "answered after the body deadline, not Undertow's default: " + ms + " ms");
      }
    }
  }

  @Test
  void perClientBucketAnswers429WithRetryAfter() throws Exception {
    try (ApiServer s = ApiServer.start(TestStack.config(Map.of(ApiConfig.CLIENT_RATE.name(), "1", ApiConfig.CLIENT_BURST.name(), "2")))) {
      int limited = 0;
      HttpResponse<String> last = null;
      for (int i = 0; i < 5; i++) {
        last = TestStack.getOrder(s.port(), 9, "1-0123456789abcdef0123456789abcdef");
        if (last.statusCode() == 429) {
          limited++;
          assertEquals("RATE_LIMITED", JSON.readTree(last.body()).get("reason").asText());
          assertTrue(Long.parseLong(last.headers().firstValue("Retry-After").orElse("0")) >= 1, "Retry-After");
        }
      }
      assertTrue(limited >= 2, "a burst of 2 at 1/s lets at most 3 of 5 through; limited " + limited);
      assertEquals(200, TestStack.get(s.port(), "/health").statusCode(), "probes are not charged");
    }
  }

  @Test
  void pastTheInFlightBoundTheAnswerIs503() throws Exception {
    try (ApiServer s = ApiServer.start(TestStack.config(Map.of(ApiConfig.HTTP_MAX_IN_FLIGHT.name(), "1",
        ApiConfig.HTTP_BODY_TIMEOUT_MS.name(), "5000")))) {
      try (Socket slow = new Socket(TestStack.HOST, s.port())) {
        slow.getOutputStream().write(("POST /api/v1/seckill/orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Authorization: Bearer " + TestStack.token(4) + "\r\nContent-Length: 100\r\n\r\n{")
            .getBytes(StandardCharsets.US_ASCII));
        slow.getOutputStream().flush();
        Thread.sleep(300);
        HttpResponse<String> r = TestStack.admit(s.port(), 6, 1, 1, 0);
        assertEquals(503, r.statusCode(), r.body());
        assertEquals("OVERLOADED", JSON.readTree(r.body()).get("reason").asText());
        assertNotNull(r.headers().firstValue("Retry-After").orElse(null));
      }
    }
  }

  private static String statusLine(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      b.append((char) c);
    }
    return b.toString().strip();
  }

  private static String header(ConsumerRecord<String, byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /** The record of {@code orderId} on the test topic. */
  private static ConsumerRecord<String, byte[]> recordOf(String orderId) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.HOST + ":" + TestStack.KAFKA_PORT);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "trust-boundary-test-" + System.nanoTime());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(TestStack.TEST_TOPIC));
      long deadline = System.currentTimeMillis() + 60_000;
      while (System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
          if (orderId.equals(r.key())) {
            return r;
          }
        }
      }
    }
    throw new AssertionError("no record of " + orderId + " on " + TestStack.TEST_TOPIC);
  }
}

package io.seckill.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/** The HTTP API over the real Redis and Kafka: every refusal, and Kafka down. */
class ApiServerIT {
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
    server = ApiServer.start(TestStack.config(Map.of(ApiConfig.RATE_LIMIT.name(), "3", ApiConfig.RATE_WINDOW_MS.name(), "60000")));
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

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  private static String bearer(long user) {
    return "Bearer " + TestStack.token(user);
  }

  private static HttpResponse<String> order(long user, long product) throws Exception {
    return TestStack.admit(port, user, product, 1, 0);
  }

  @Test
  void admitsQueuesAndReportsTheOrder() throws Exception {
    long product = TestStack.testProductId();
    try {
      server.store().openSale(product, 2, 1234, 2, System.currentTimeMillis());
      HttpResponse<String> r = TestStack.admit(port, 41, product, 2, 0);
      assertEquals(202, r.statusCode(), r.body());
      String orderId = json(r).get("orderId").asText();
      assertEquals("QUEUED", json(r).get("status").asText());
      assertEquals('Q', server.store().record(orderId).orElseThrow().state(), "Kafka acknowledged it");
      // order-rpc has no row for it (the test topic has no consumer) or is not running: either
      // way the Redis admission record says it is on its way.
      assertTrue(orderId.matches(product + "-[0-9a-f]{32}"), "unguessable id: " + orderId);
      HttpResponse<String> g = TestStack.getOrder(port, 41, orderId);
      assertEquals(200, g.statusCode(), g.body());
      assertEquals("QUEUED", json(g).get("status").asText());
      assertEquals(2, json(g).get("quantity").asInt());
    } finally {
      TestStack.cleanRedis(redis, product);
    }
  }

  @Test
  void refusesEachBadFieldByName() throws Exception {
    Map<String, String> cases = Map.of(
        "{\"userId\":1,\"productId\":1,\"quantity\":1}", "userId",
        "{\"productId\":0,\"quantity\":1}", "productId",
        "{\"productId\":1,\"quantity\":99}", "quantity",
        "{\"productId\":1,\"quantity\":1,\"couponId\":-3}", "couponId",
        "{\"productId\":1,\"quantity\":1,\"priceCents\":1}", "priceCents",
        "{\"productId\":1,\"quantity\":1}{\"amountCents\":0}", "body",
        "{\"productId\":1,\"quantity\":1}garbage", "body",
        "{not json", "body");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      HttpResponse<String> r = TestStack.post(port, "/api/v1/seckill/orders", c.getKey(), "Authorization", bearer(5));
      assertEquals(400, r.statusCode(), c.getKey() + " -> " + r.body());
      assertEquals(c.getValue(), json(r).get("field").asText(), r.body());
    }
    HttpResponse<String> g = TestStack.getOrder(port, 5, "bad!id");
    assertEquals(400, g.statusCode());
    assertEquals("orderId", json(g).get("field").asText());
    // Unknown everywhere: 404 from order-rpc, or 503 when order-rpc is not there to ask.
    assertEquals(TestStack.reachable(TestStack.ORDER_PORT) ? 404 : 503,
        TestStack.getOrder(port, 5, "999-nope-1").statusCode());
  }

  @Test
  void tooLargeBodiesGet413() throws Exception {
    String big = "{\"productId\":1,\"quantity\":1,\"pad\":\"" + "x".repeat(5000) + "\"}";
    HttpResponse<String> r = TestStack.post(port, "/api/v1/seckill/orders", big, "Authorization", bearer(1));
    assertEquals(413, r.statusCode(), r.body());
    assertEquals("TOO_LARGE", json(r).get("error").asText());
  }

  @Test
  void soldOutAlreadyBoughtNotOpenAndRateLimited() throws Exception {
    long product = TestStack.testProductId();
    try {
      assertEquals(409, order(1, product).statusCode(), "no sale yet");
      assertEquals("SALE_NOT_OPEN", json(order(2, product)).get("reason").asText());

      server.store().openSale(product, 1, 500, 1, System.currentTimeMillis());
      HttpResponse<String> first = order(1, product);
      assertEquals(202, first.statusCode(), first.body());
      String orderId = json(first).get("orderId").asText();

      HttpResponse<String> again = order(1, product);
      assertEquals(409, again.statusCode());
      assertEquals("ALREADY_BOUGHT", json(again).get("reason").asText());
      assertEquals(orderId, json(again).get("orderId").asText());

      HttpResponse<String> soldOut = order(3, product);
      assertEquals(409, soldOut.statusCode());
      assertEquals("SOLD_OUT", json(soldOut).get("reason").asText());
      assertTrue(server.admission().isFlaggedSoldOut(product));
      double cachedBefore = server.metrics().admissionCount("sold_out_cached");
      HttpResponse<String> cached = order(4, product);
      assertEquals(409, cached.statusCode());
      assertEquals("SOLD_OUT", json(cached).get("reason").asText());
      assertEquals(cachedBefore + 1, server.metrics().admissionCount("sold_out_cached"), "answered without Redis");

      // The flag is cleared so user 1's attempts reach Redis again: 3 attempts per window are allowed.
      server.admission().clearSoldOut(product);
      assertEquals(409, order(1, product).statusCode()); // attempt 3 of user 1
      HttpResponse<String> limited = order(1, product);
      assertEquals(429, limited.statusCode(), limited.body());
      assertEquals("RATE_LIMITED", json(limited).get("reason").asText());
      assertTrue(limited.headers().firstValue("Retry-After").isPresent());

      String metrics = TestStack.get(server.adminPort(), "/metrics").body();
      assertTrue(metrics.contains("seckill_api_admissions_total{outcome=\"rate_limited\"}"), metrics);
      assertTrue(metrics.contains("seckill_api_request_seconds_bucket{route=\"admit\""), metrics);
    } finally {
      TestStack.cleanRedis(redis, product);
    }
  }

  @Test
  void healthAndUnknownRoutes() throws Exception {
    HttpResponse<String> h = TestStack.get(port, "/health");
    assertEquals(200, h.statusCode());
    assertEquals("UP", json(h).get("redis").asText());
    assertEquals(404, TestStack.get(port, "/nope").statusCode());
    assertEquals(405, TestStack.get(port, "/api/v1/seckill/orders").statusCode());
    assertEquals(200, TestStack.get(server.adminPort(), "/health").statusCode());
  }

  @Test
  void kafkaDownMeans503AndNoSlotLost() throws Exception {
    long product = TestStack.testProductId();
    int closed = TestStack.closedPort();
    try (ApiServer noKafka = ApiServer.start(TestStack.config(Map.of(ApiConfig.KAFKA_PORT.name(), Integer.toString(closed),
        ApiConfig.KAFKA_MAX_BLOCK_MS.name(), "1000", ApiConfig.KAFKA_DELIVERY_TIMEOUT_MS.name(), "1500")))) {
      noKafka.store().openSale(product, 5, 700, 5, System.currentTimeMillis());
      for (long user = 1; user <= 3; user++) {
        HttpResponse<String> r = TestStack.admit(noKafka.port(), user, product, 2, 0);
        assertEquals(503, r.statusCode(), r.body());
        assertEquals("QUEUE_UNAVAILABLE", json(r).get("reason").asText());
      }
      // Every slot and every mark came back: the same user is refused for the queue again, not as a buyer.
      assertEquals(5, noKafka.store().sale(product).orElseThrow().left());
      assertTrue(noKafka.store().pending(product, Long.MAX_VALUE, 100).isEmpty());
      assertEquals(0, redis.getMap("seckill:users:{" + product + "}").size());
      HttpResponse<String> retry = TestStack.admit(noKafka.port(), 1, product, 1, 0);
      assertEquals(503, retry.statusCode());
      assertFalse(noKafka.admission().isFlaggedSoldOut(product));
      assertEquals(4.0, noKafka.metrics().admissionCount("queue_unavailable"));
    } finally {
      TestStack.cleanRedis(redis, product);
    }
  }
}

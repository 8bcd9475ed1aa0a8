package io.seckill.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/**
 * Stock 100, 2,000 concurrent requests from 500 users: exactly 100 admitted, nobody twice, every
 * other request told why. With the services and the consumer running, the same flood must end in
 * exactly 100 CONFIRMED orders in the databases.
 */
class FloodIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int STOCK = 100;
  private static final int USERS = 500;
  private static final int REQUESTS = 2_000;
  private static RedissonClient redis;

  @BeforeAll
  static void connect() throws Exception {
    assertTrue(TestStack.reachable(TestStack.REDIS_PORT), "Redis of the local stack is not running (./seckill up)");
    assertTrue(TestStack.reachable(TestStack.KAFKA_PORT), "Kafka of the local stack is not running (./seckill up)");
    TestStack.ensureTopic(TestStack.TEST_TOPIC);
    redis = TestStack.redis();
  }

  @AfterAll
  static void disconnect() {
    if (redis != null) {
      redis.shutdown();
    }
  }

  /** What the flood got back. */
  private record Result(Map<String, String> admittedByUser, Map<String, Integer> refusals, int admittedCount) {}

  @Test
  void floodAdmitsExactlyTheStock() throws Exception {
    long product = TestStack.testProductId();
    try (ApiServer server = ApiServer.start(TestStack.config(Map.of()))) {
      server.store().openSale(product, STOCK, 990, STOCK, System.currentTimeMillis());
      Result r = flood(server.port(), product);
      check(r);
      assertEquals(0, server.store().sale(product).orElseThrow().left());
      assertEquals(STOCK, redis.getMap("seckill:users:{" + product + "}").size());
      assertEquals(STOCK, server.store().pending(product, Long.MAX_VALUE, 1_000).size());
    } finally {
      TestStack.cleanRedis(redis, product);
    }
  }

  @Test
  void floodThroughTheWholePipelineConfirmsExactlyTheStock() throws Exception {
    assertTrue(TestStack.reachable(TestStack.ORDER_PORT) && TestStack.reachable(TestStack.PRODUCT_PORT)
        && TestStack.reachable(TestStack.DB_PORT), "order-rpc, product-rpc or MariaDB is not running");
    assertTrue(TestStack.consumerRunning(), "seckill-consumer is not running");
    long product = TestStack.testProductId();
    try (Connection db = TestStack.db()) {
      TestStack.insertProduct(db, product, "seckill-api flood test", 990, STOCK);
      try (ApiServer server = ApiServer.start(TestStack.config(Map.of(ApiConfig.KAFKA_TOPIC.name(), "seckill.orders",
          ApiConfig.RECONCILE_INTERVAL_MS.name(), "500", ApiConfig.RECONCILE_MIN_AGE_MS.name(), "0")))) {
        HttpResponse<String> open = TestStack.adminPost(server.adminPort(), "/api/v1/admin/sales/" + product + "/open");
        assertEquals(200, open.statusCode(), open.body());
        assertEquals(STOCK, JSON.readTree(open.body()).get("left").asInt());

        Result r = flood(server.port(), product);
        check(r);

        // Wait for the pipeline: every admitted order must end CONFIRMED (stock suffices for all).
        long deadline = System.currentTimeMillis() + 420_000;
        Map<String, String> states = new HashMap<>();
        while (System.currentTimeMillis() < deadline) {
          states.clear();
          for (Map.Entry<String, String> e : r.admittedByUser().entrySet()) {
            HttpResponse<String> g = TestStack.getOrder(server.port(), Long.parseLong(e.getKey()), e.getValue());
            states.put(e.getValue(),
                g.statusCode() == 200 ? JSON.readTree(g.body()).get("status").asText() : "HTTP" + g.statusCode());
          }
          if (states.values().stream().allMatch(s -> s.equals("AWAITING_PAYMENT") || s.equals("CANCELLED"))) {
            break;
          }
          Thread.sleep(1_000);
        }
        Map<String, Integer> histogram = new TreeMap<>();
        states.values().forEach(s -> histogram.merge(s, 1, Integer::sum));
        assertEquals(Map.of("AWAITING_PAYMENT", STOCK), histogram, "final order states");

        try (PreparedStatement ps = db.prepareStatement(
            "SELECT available, frozen, sold FROM seckill_product.product WHERE id = ?")) {
          ps.setLong(1, product);
          try (ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next());
            assertEquals(List.of(0L, 0L, (long) STOCK), List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
          }
        }
        try (PreparedStatement ps = db.prepareStatement("SELECT COUNT(*), COUNT(DISTINCT user_id) FROM "
            + "seckill_order.orders WHERE product_id = ? AND status = 'CONFIRMED'")) {
          ps.setLong(1, product);
          try (ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next());
            assertEquals(STOCK, rs.getInt(1));
            assertEquals(STOCK, rs.getInt(2), "nobody holds two orders");
          }
        }
        server.reconciler().runOnce();
        assertTrue(server.store().pending(product, Long.MAX_VALUE, 1_000).isEmpty(), "all admissions final");
        assertEquals(0, server.store().sale(product).orElseThrow().left());
      }
    } finally {
      TestStack.deleteProductRows(product);
      TestStack.cleanRedis(redis, product);
    }
  }

  /** 500 users x 4 requests each, shuffled, released at once over 250 client threads. */
  private static Result flood(int port, long product) throws Exception {
    List<Long> users = new ArrayList<>(REQUESTS);
    for (int i = 0; i < REQUESTS; i++) {
      users.add(1L + (i % USERS));
    }
    Collections.shuffle(users);
    Map<String, String> admitted = new ConcurrentHashMap<>();
    Map<String, Integer> refusals = new ConcurrentHashMap<>();
    List<String> problems = Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicInteger admittedCount = new java.util.concurrent.atomic.AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(250);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (long user : users) {
      done.add(pool.submit(() -> {
        go.await();
        HttpResponse<String> r = TestStack.admit(port, user, product, 1, 0);
        JsonNode body = JSON.readTree(r.body());
        if (r.statusCode() == 202) {
          admittedCount.incrementAndGet();
          String prev = admitted.put(Long.toString(user), body.get("orderId").asText());
          if (prev != null) {
            problems.add("user " + user + " admitted twice: " + prev + ", " + body.get("orderId").asText());
          }
        } else if (body.hasNonNull("reason")) {
          refusals.merge(r.statusCode() + " " + body.get("reason").asText(), 1, Integer::sum);
        } else {
          problems.add("unexplained " + r.statusCode() + ": " + r.body());
        }
        return null;
      }));
    }
    go.countDown();
    for (Future<?> f : done) {
      f.get(120, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertEquals(List.of(), problems);
    return new Result(admitted, refusals, admittedCount.get());
  }

  private static void check(Result r) {
    assertEquals(STOCK, r.admittedCount(), "admitted; refusals: " + r.refusals());
    assertEquals(STOCK, r.admittedByUser().size(), "distinct admitted users");
    Set<String> ids = new HashSet<>(r.admittedByUser().values());
    assertEquals(STOCK, ids.size(), "distinct orderIds");
    int refused = r.refusals().values().stream().mapToInt(Integer::intValue).sum();
    assertEquals(REQUESTS - STOCK, refused, "every other request told why: " + r.refusals());
    Set<String> allowed = Set.of("409 SOLD_OUT", "409 ALREADY_BOUGHT");
    assertTrue(allowed.containsAll(r.refusals().keySet()), "refusal kinds " + r.refusals());
  }
}

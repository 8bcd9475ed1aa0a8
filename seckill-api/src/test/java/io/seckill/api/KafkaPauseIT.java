package io.seckill.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/**
 * The ambiguous Kafka ack, through the whole pipeline: buyers keep coming while the stack's broker
 * is paused with SIGSTOP for longer than the producer's delivery timeout. Some of the paused sends
 * are written all the same, so a buyer told 503/504 must never end with a confirmed order, no
 * admitted buyer may be lost, and once everything settles Redis must hold exactly the slots the
 * database still has.
 */
class KafkaPauseIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int STOCK = 40;
  private static final int BUYERS = 120;
  private static RedissonClient redis;

  @BeforeAll
  static void connect() throws Exception {
    assertTrue(TestStack.reachable(TestStack.REDIS_PORT), "Redis of the local stack is not running (./seckill up)");
    assertTrue(TestStack.reachable(TestStack.KAFKA_PORT), "Kafka of the local stack is not running (./seckill up)");
    assertTrue(TestStack.reachable(TestStack.ORDER_PORT) && TestStack.reachable(TestStack.PRODUCT_PORT)
        && TestStack.reachable(TestStack.DB_PORT), "order-rpc, product-rpc or MariaDB is not running (./seckill up)");
    assertTrue(TestStack.consumerRunning(), "seckill-consumer is not running (./seckill up)");
    redis = TestStack.redis();
  }

  @AfterAll
  static void disconnect() {
    if (redis != null) {
      redis.shutdown();
    }
  }

  /** The broker's process, from the launcher's pid file. */
  private static ProcessHandle broker() throws Exception {
    String dir = System.getenv().getOrDefault("SECKILL_STACK_DIR", Files.isDirectory(Path.of(".stack")) ? ".stack" : "../.stack");
    Path pidFile = Path.of(dir, "run", "kafka.pid");
    assertTrue(Files.isReadable(pidFile), "no " + pidFile + ": the launcher did not start Kafka (./seckill up)");
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    return ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("Kafka (pid " + pid + ") is not running"));
  }

  private static void signal(ProcessHandle p, String sig) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).inheritIO().start();
    assertEquals(0, kill.waitFor(), "kill -" + sig + " " + p.pid());
  }

  @Test
  void aBrokerPausedMidAckNeverConfirmsAnOrderItsBuyerWasToldFailed() throws Exception {
    long product = TestStack.testProductId();
    ProcessHandle kafka = broker();
    Map<Long, String> answers = new ConcurrentHashMap<>();
    Map<Long, String> orderOf = new ConcurrentHashMap<>();
    try (Connection db = TestStack.db()) {
      TestStack.insertProduct(db, product, "seckill-api kafka pause test", 990, STOCK);
      // Delivery timeout 1 s, so that a 6-s pause makes sends expire with their records possibly
      // written; the reconciler settles admissions the API could not.
      try (ApiServer server = ApiServer.start(TestStack.config(Map.of(ApiConfig.KAFKA_TOPIC.name(), "seckill.orders",
          ApiConfig.KAFKA_DELIVERY_TIMEOUT_MS.name(), "1000", ApiConfig.KAFKA_MAX_BLOCK_MS.name(), "1000",
          ApiConfig.RECONCILE_INTERVAL_MS.name(), "500", ApiConfig.RECONCILE_MIN_AGE_MS.name(), "0",
          ApiConfig.RECONCILE_STALE_MS.name(), "5000")))) {
        HttpResponse<String> open = TestStack.adminPost(server.adminPort(), "/api/v1/admin/sales/" + product + "/open");
        assertEquals(200, open.statusCode(), open.body());

        // One buyer every 50 ms for 6 s; the broker is paused from 1 s to 7 s.
        ExecutorService pool = Executors.newFixedThreadPool(BUYERS);
        List<Future<?>> sent = new ArrayList<>();
        long t0 = System.nanoTime();
        boolean paused = false;
        try {
          for (long user = 1; user <= BUYERS; user++) {
            long u = user;
            if (!paused && System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(1)) {
              signal(kafka, "STOP");
              paused = true;
            }
            sent.add(pool.submit(() -> {
              HttpResponse<String> r = TestStack.admit(server.port(), u, product, 1, 0);
              JsonNode body = JSON.readTree(r.body());
              answers.put(u, r.statusCode() + (body.hasNonNull("reason") ? " " + body.get("reason").asText() : ""));
              if (body.hasNonNull("orderId")) {
                orderOf.put(u, body.get("orderId").asText());
              }
              return null;
            }));
            Thread.sleep(50);
          }
          long pauseLeft = TimeUnit.SECONDS.toMillis(7) - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
          if (pauseLeft > 0) {
            Thread.sleep(pauseLeft);
          }
        } finally {
          signal(kafka, "CONT");
        }
        for (Future<?> f : sent) {
          f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        Map<String, Integer> histogram = new TreeMap<>();
        answers.values().forEach(a -> histogram.merge(a, 1, Integer::sum));
        long failed = answers.values().stream().filter(a -> a.startsWith("503") || a.startsWith("504")).count();
        assertTrue(failed > 0, "the pause made no send fail, so it tested nothing: " + histogram);

        // Every order the API handed out (202) and every order of a buyer told 503/504 ends final.
        Map<String, String> status;
        long deadline = System.currentTimeMillis() + 240_000;
        while (true) {
          server.reconciler().runOnce();
          status = statuses(db, product);
          // A cancelled order's row is written before DTM's Abort runs the Cancels, so its frozen
          // stock comes back a moment after the row is final: settled means nothing frozen too.
          boolean settled = status.values().stream().allMatch(s -> s.equals("CONFIRMED") || s.equals("CANCELLED"))
              && server.store().pending(product, Long.MAX_VALUE, 1_000).isEmpty()
              && orderOf.values().stream().allMatch(status::containsKey)
              && frozen(db, product) == 0;
          if (settled || System.currentTimeMillis() > deadline) {
            break;
          }
          Thread.sleep(1_000);
        }
        assertTrue(server.store().pending(product, Long.MAX_VALUE, 1_000).isEmpty(),
            "admissions still pending: " + server.store().pending(product, Long.MAX_VALUE, 1_000));

        List<String> problems = new ArrayList<>();
        for (Map.Entry<Long, String> a : answers.entrySet()) {
          String id = orderOf.get(a.getKey());
          if (a.getValue().startsWith("202")) {
            if (!status.containsKey(id)) {
              problems.add("buyer " + a.getKey() + " was admitted (" + id + ") but the order is lost");
            }
          }
        }
        // A buyer told 503/504 gets no order id; find their order rows by buyer.
        Map<Long, List<String>> confirmedByUser = confirmedByUser(db, product);
        for (Map.Entry<Long, String> a : answers.entrySet()) {
          if ((a.getValue().startsWith("503") || a.getValue().startsWith("504")) && confirmedByUser.containsKey(a.getKey())) {
            problems.add("buyer " + a.getKey() + " was told " + a.getValue() + " but holds confirmed order(s) "
                + confirmedByUser.get(a.getKey()));
          }
        }
        assertEquals(List.of(), problems, "answers " + histogram + ", orders " + count(status));

        System.out.println("[kafka-pause] answers " + histogram + ", orders " + count(status) + ", cancel reasons "
            + reasons(db, product));
        long confirmed = status.values().stream().filter("CONFIRMED"::equals).count();
        try (PreparedStatement ps = db.prepareStatement(
            "SELECT available, frozen, sold FROM seckill_product.product WHERE id = ?")) {
          ps.setLong(1, product);
          try (ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next());
            assertEquals(List.of(STOCK - confirmed, 0L, confirmed), List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3)),
                "stock after the sale (available, frozen, sold)");
          }
        }
        assertEquals(STOCK - confirmed, server.store().sale(product).orElseThrow().left(),
            "Redis holds exactly the units the database still has");
        assertEquals(confirmed, redis.getMap("seckill:users:{" + product + "}").size(),
            "one buyer mark per confirmed order, none for a refused buyer");
      }
    } finally {
      if (kafka.isAlive()) {
        signal(kafka, "CONT");
      }
      TestStack.deleteProductRows(product);
      TestStack.cleanRedis(redis, product);
    }
  }

  private static long frozen(Connection db, long product) throws Exception {
    try (PreparedStatement ps = db.prepareStatement("SELECT frozen FROM seckill_product.product WHERE id = ?")) {
      ps.setLong(1, product);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  private static Map<String, Integer> count(Map<String, String> status) {
    Map<String, Integer> n = new TreeMap<>();
    status.values().forEach(s -> n.merge(s, 1, Integer::sum));
    return n;
  }

  private static Map<String, Integer> reasons(Connection db, long product) throws Exception {
    Map<String, Integer> out = new TreeMap<>();
    try (PreparedStatement ps = db.prepareStatement(
        "SELECT reason FROM seckill_order.orders WHERE product_id = ? AND status = 'CANCELLED'")) {
      ps.setLong(1, product);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.merge(String.valueOf(rs.getString(1)), 1, Integer::sum);
        }
      }
    }
    return out;
  }

  private static Map<String, String> statuses(Connection db, long product) throws Exception {
    Map<String, String> out = new HashMap<>();
    try (PreparedStatement ps = db.prepareStatement("SELECT order_id, status FROM seckill_order.orders WHERE product_id = ?")) {
      ps.setLong(1, product);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return out;
  }

  private static Map<Long, List<String>> confirmedByUser(Connection db, long product) throws Exception {
    Map<Long, List<String>> out = new HashMap<>();
    try (PreparedStatement ps = db.prepareStatement(
        "SELECT user_id, order_id FROM seckill_order.orders WHERE product_id = ? AND status = 'CONFIRMED'")) {
      ps.setLong(1, product);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getString(2));
        }
      }
    }
    return out;
  }
}

package io.seckill.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seckill.proto.OrderMessage;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/**
 * The asynchronous admission path over real Redis and order-rpc with a scripted publisher: a send
 * the broker never saw (slots back at once), an ack that fails in its callback and one that never
 * comes (the message may be in Kafka: its cancellation is recorded with order-rpc before the slots
 * go back, 503 / 504, a late answer changes nothing), one whose order reached the databases all the
 * same (admitted), and many slow acks served by two worker threads.
 */
class AsyncAdmissionIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static RedissonClient redis;
  private static ScheduledExecutorService timer;

  /** A publisher whose acks the test completes: {@code publish} only records the message. */
  private static final class HeldPublisher implements OrderPublisher {
    final ConcurrentLinkedQueue<OrderMessage> sent = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<CompletableFuture<Void>> acks = new ConcurrentLinkedQueue<>();
    volatile long ackAfterMs = -1;
    volatile boolean fail;
    volatile boolean refuseAtOnce;

    @Override
    public CompletableFuture<Void> publish(OrderMessage order) {
      sent.add(order);
      CompletableFuture<Void> ack = new CompletableFuture<>();
      acks.add(ack);
      if (refuseAtOnce) {
        // As send() failing for metadata: the record never left this process.
        ack.completeExceptionally(new PublishException("no metadata", new RuntimeException("max.block.ms"), false));
        return ack;
      }
      if (ackAfterMs >= 0) {
        // The answer comes later from another thread, as the Kafka producer's callback does.
        timer.schedule(() -> {
          if (fail) {
            ack.completeExceptionally(new PublishException("delivery timeout", new RuntimeException("expired"), true));
          } else {
            ack.complete(null);
          }
        }, ackAfterMs, TimeUnit.MILLISECONDS);
      }
      return ack;
    }
  }

  @BeforeAll
  static void start() throws Exception {
    assertTrue(TestStack.reachable(TestStack.REDIS_PORT), "Redis of the local stack is not running (./seckill up)");
    assertTrue(TestStack.reachable(9001), "order-rpc of the local stack is not running (./seckill up)");
    redis = TestStack.redis();
    timer = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterAll
  static void stop() {
    if (timer != null) {
      timer.shutdownNow();
    }
    if (redis != null) {
      redis.shutdown();
    }
  }

  private static ApiServer server(HeldPublisher publisher, Map<String, String> overrides) {
    return ApiServer.start(TestStack.config(overrides), publisher);
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  private static HttpResponse<String> order(ApiServer s, long user, long product, int quantity) throws Exception {
    return TestStack.admit(s.port(), user, product, quantity, 0);
  }

  @Test
  void aSendTheBrokerNeverSawMeans503AndTheSlotsBackAtOnce() throws Exception {
    long product = TestStack.testProductId();
    HeldPublisher kafka = new HeldPublisher();
    kafka.refuseAtOnce = true;
    try (ApiServer s = server(kafka, Map.of())) {
      s.store().openSale(product, 3, 900, 3, System.currentTimeMillis());
      HttpResponse<String> r = order(s, 6, product, 3);
      assertEquals(503, r.statusCode(), r.body());
      assertEquals("QUEUE_UNAVAILABLE", json(r).get("reason").asText());
      String orderId = kafka.sent.peek().getOrderId();
      assertEquals(3, s.store().sale(product).orElseThrow().left(), "all slots back");
      assertTrue(s.store().record(orderId).isEmpty(), "the admission record is dropped");
      assertTrue(s.orders().find(orderId).isEmpty(), "nothing recorded with order-rpc: nothing was written");
      assertEquals(1.0, s.metrics().admissionCount("queue_unavailable"));
    } finally {
      TestStack.cleanRedis(redis, product);
    }
  }

  @Test
  void anAckFailingInItsCallbackRecordsTheCancellationThenMeans503AndTheSlotsBack() throws Exception {
    long product = TestStack.testProductId();
    HeldPublisher kafka = new HeldPublisher();
    kafka.ackAfterMs = 50;
    kafka.fail = true;
    try (ApiServer s = server(kafka, Map.of())) {
      s.store().openSale(product, 3, 900, 3, System.currentTimeMillis());
      HttpResponse<String> r = order(s, 7, product, 3);
      assertEquals(503, r.statusCode(), r.body());
      assertEquals("QUEUE_UNAVAILABLE", json(r).get("reason").asText());
      assertTrue(r.headers().firstValue("Retry-After").isPresent());
      assertEquals(1, kafka.sent.size());
      String orderId = kafka.sent.peek().getOrderId();
      // Kafka may hold the message: the order is CANCELLED first, so its Try can only refuse.
      OrderDirectory.StoredOrder row = s.orders().find(orderId).orElseThrow(() -> new AssertionError("no order row"));
      assertEquals("CANCELLED", row.status());
      assertEquals(AdmissionService.NOT_ACKNOWLEDGED, row.reason());
      assertEquals(3, s.store().sale(product).orElseThrow().left(), "all slots back");
      assertTrue(s.store().pending(product, Long.MAX_VALUE, 10).isEmpty());
      assertEquals(0, redis.getMap("seckill:users:{" + product + "}").size(), "the user's mark is back");
      assertEquals('C', s.store().record(orderId).orElseThrow().state(), "the admission is kept as cancelled");
      assertFalse(s.admission().isFlaggedSoldOut(product));
      assertEquals(1.0, s.metrics().admissionCount("queue_unavailable"));

      // The same buyer can try again, and an ack that succeeds admits them.
      kafka.fail = false;
      HttpResponse<String> again = order(s, 7, product, 3);
      assertEquals(202, again.statusCode(), again.body());
      assertEquals('Q', s.store().record(json(again).get("orderId").asText()).orElseThrow().state());
      assertEquals(0, s.store().sale(product).orElseThrow().left());
    } finally {
      TestStack.cleanRedis(redis, product);
    }
  }

  @Test
  void anOrderThatReachedTheDatabasesAlthoughItsAckFailedIsAdmitted() throws Exception {
    long product = TestStack.testProductId();
    HeldPublisher kafka = new HeldPublisher();
    try (ApiServer s = server(kafka, Map.of())) {
      s.store().openSale(product, 2, 900, 2, System.currentTimeMillis());
      CompletableFuture<HttpResponse<String>> answer = CompletableFuture.supplyAsync(() -> {
        try {
          return order(s, 11, product, 1);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      CompletableFuture<Void> ack = null;
      for (int i = 0; i < 200 && (ack = kafka.acks.peek()) == null; i++) {
        Thread.sleep(10);
      }
      assertTrue(ack != null, "the API published");
      String orderId = kafka.sent.peek().getOrderId();
      // The broker wrote the message and the consumer's Try created the row; then the answer was lost.
      assertEquals("TRYING", TestStack.tryOrder(orderId, 11, product, 1).status());
      ack.completeExceptionally(new OrderPublisher.PublishException("connection lost", new RuntimeException("reset"), true));
      HttpResponse<String> r = answer.get(30, TimeUnit.SECONDS);
      assertEquals(202, r.statusCode(), r.body());
      assertEquals(orderId, json(r).get("orderId").asText());
      assertEquals("TRYING", s.orders().find(orderId).orElseThrow().status(), "the live order is left alone");
      assertEquals(1, s.store().sale(product).orElseThrow().left(), "its slot stays taken");
      assertEquals('Q', s.store().record(orderId).orElseThrow().state());
    } finally {
      TestStack.cleanRedis(redis, product);
      // The Try ran without a global transaction: its row would stay TRYING for ./seckill verify to find.
      TestStack.deleteProductRows(product);
    }
  }

  @Test
  void anAckThatNeverComesRecordsTheCancellationThenMeans504AndTheSlotsBackExactlyOnce() throws Exception {
    long product = TestStack.testProductId();
    HeldPublisher kafka = new HeldPublisher(); // never answers by itself
    // delivery timeout 1000 ms: the API gives up waiting after 1000 + 2000 ms.
    try (ApiServer s = server(kafka, Map.of(ApiConfig.KAFKA_DELIVERY_TIMEOUT_MS.name(), "1000"))) {
      s.store().openSale(product, 2, 900, 2, System.currentTimeMillis());
      long t0 = System.nanoTime();
      HttpResponse<String> r = order(s, 8, product, 2);
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertEquals(504, r.statusCode(), r.body());
      assertEquals("QUEUE_TIMEOUT", json(r).get("reason").asText());
      assertEquals("CANCELLED", s.orders().find(kafka.sent.peek().getOrderId()).orElseThrow().status());
      assertTrue(tookMs >= 2900 && tookMs < 10_000, "answered after the ack wait, took " + tookMs + " ms");
      assertEquals(2, s.store().sale(product).orElseThrow().left(), "slots back");
      assertEquals(0, redis.getMap("seckill:users:{" + product + "}").size(), "mark back");
      CompletableFuture<Void> lateAck = kafka.acks.poll();

      // Someone else takes one slot; then the first send answers late, as a failure: nothing is
      // given back a second time (the other buyer's slot stays taken) and no outcome is counted again.
      kafka.ackAfterMs = 0;
      HttpResponse<String> other = order(s, 9, product, 1);
      assertEquals(202, other.statusCode(), other.body());
      lateAck.completeExceptionally(new OrderPublisher.PublishException("expired", new RuntimeException(), true));
      Thread.sleep(300);
      assertEquals(1, s.store().sale(product).orElseThrow().left());
      assertEquals(1, redis.getMap("seckill:users:{" + product + "}").size());
      assertEquals(1.0, s.metrics().admissionCount("queue_timeout"));
      assertEquals(0.0, s.metrics().admissionCount("queue_unavailable"));
      assertEquals(1.0, s.metrics().admissionCount("admitted"));
    } finally {
      TestStack.cleanRedis(redis, product);
    }
  }

  @Test
  void slowAcksDoNotHoldWorkerThreads() throws Exception {
    long product = TestStack.testProductId();
    HeldPublisher kafka = new HeldPublisher();
    kafka.ackAfterMs = 1000;
    int buyers = 100;
    // Two worker threads: a request that held one while waiting 1 s for its ack would make 100
    // buyers take 50 s; asynchronously they all wait for their acks at the same time.
    try (ApiServer s = server(kafka, Map.of(ApiConfig.HTTP_WORKER_THREADS.name(), "2"))) {
      s.store().openSale(product, buyers, 900, buyers, System.currentTimeMillis());
      ExecutorService clients = Executors.newFixedThreadPool(buyers);
      try {
        long t0 = System.nanoTime();
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        for (int u = 1; u <= buyers; u++) {
          long user = u;
          answers.add(clients.submit(() -> order(s, user, product, 1)));
        }
        for (Future<HttpResponse<String>> a : answers) {
          HttpResponse<String> r = a.get(60, TimeUnit.SECONDS);
          assertEquals(202, r.statusCode(), r.body());
        }
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(tookMs < 15_000, buyers + " buyers with 1 s acks took " + tookMs + " ms");
      } finally {
        clients.shutdownNow();
      }
      assertEquals(0, s.store().sale(product).orElseThrow().left());
      assertEquals(buyers, kafka.sent.size());
      assertEquals((double) buyers, s.metrics().admissionCount("admitted"));
    } finally {
      TestStack.cleanRedis(redis, product);
    }
  }
}

package io.seckill.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seckill.auth.OrderSigning;
import io.seckill.dtm.tcc.Backoff;
import io.seckill.dtm.tcc.Retries;
import io.seckill.dtm.tcc.TccFailure;
import io.seckill.dtm.tcc.TccOutcome;
import io.seckill.proto.OrderMessage;
import io.seckill.proto.codec.OrderCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The poll loop against Kafka's MockConsumer, with transactions completed by the test. */
class OrderConsumerTest {
  private static final String TOPIC = "orders";
  private final TopicPartition p0 = new TopicPartition(TOPIC, 0);
  private final TopicPartition p1 = new TopicPartition(TOPIC, 1);
  private final MockConsumer<byte[], byte[]> kafka = new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name());
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final Map<String, CompletableFuture<TccOutcome>> running = new ConcurrentHashMap<>();
  private final List<String> dead = new CopyOnWriteArrayList<>();
  private final Metrics metrics = new Metrics(100);
  private OrderConsumer loop;
  private Thread thread;
  /** These records are unsigned: most tests are about the loop, not about signatures. */
  private SignatureCheck signatures = new SignatureCheck(null, false);

  @AfterEach
  void stop() throws Exception {
    if (loop != null) {
      loop.stop();
      running.values().forEach(f -> f.complete(new TccOutcome.Confirmed(false)));
      thread.join(10_000);
    }
    timer.shutdownNow();
  }

  private void start(int maxInFlight) {
    OrderTransactions tx = order -> running.computeIfAbsent(order.getOrderId(), k -> new CompletableFuture<>());
    DeadLetters dlq = (record, poison) -> {
      dead.add(poison.reason().name());
      return CompletableFuture.completedFuture(null);
    };
    Retries retries = new Retries(timer, Backoff.doubling(1, 5), () -> false, (s, t) -> { });
    loop = new OrderConsumer(new OrderConsumer.Settings(TOPIC, maxInFlight, Duration.ofMillis(5), Duration.ofMillis(1),
        Duration.ofSeconds(2), Duration.ofSeconds(2)), kafka, new OrderCodec(1024, 10), signatures, tx, dlq, retries, metrics);
    kafka.schedulePollTask(() -> {
      kafka.rebalance(List.of(p0, p1));
      kafka.updateBeginningOffsets(Map.of(p0, 0L, p1, 0L));
      kafka.updateEndOffsets(Map.of(p0, 0L, p1, 0L));
    });
    thread = new Thread(loop, "loop");
    thread.start();
  }

  private void add(TopicPartition tp, long offset, String orderId) {
    String json = "{\"orderId\":\"" + orderId + "\",\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":1}";
    add(tp, offset, orderId, json);
  }

  private void add(TopicPartition tp, long offset, String key, String json) {
    kafka.schedulePollTask(() -> kafka.addRecord(new ConsumerRecord<>(tp.topic(), tp.partition(), offset,
        key.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8))));
  }

  private Long committed(TopicPartition tp) {
    OffsetAndMetadata om = kafka.committed(java.util.Set.of(tp)).get(tp);
    return om == null ? null : om.offset();
  }

  private static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      Thread.sleep(5);
    }
  }

  private void finish(String orderId) {
    running.get(orderId).complete(new TccOutcome.Confirmed(false));
  }

  @Test
  void commitsOnlyTheContiguousPrefixOfFinishedOrders() throws Exception {
    start(16);
    for (int i = 0; i < 4; i++) {
      add(p0, i, "o" + i);
    }
    eventually("all four started", () -> running.size() == 4);
    finish("o1");
    finish("o3");
    Thread.sleep(100);
    Long c = committed(p0);
    assertTrue(c == null || c == 0, "o0 is still running: nothing past it may be committed, got " + c);
    finish("o0");
    eventually("commit 2", () -> Long.valueOf(2).equals(committed(p0)));
    Thread.sleep(50);
    assertEquals(2L, committed(p0), "o2 still running");
    finish("o2");
    eventually("commit 4", () -> Long.valueOf(4).equals(committed(p0)));
  }

  @Test
  void aCommittedOffsetThatFellOffTheLogIsCountedAndReadFromTheEarliest() throws Exception {
    start(16);
    add(p0, 0, "r0");
    eventually("r0 started", () -> running.containsKey("r0"));
    finish("r0");
    eventually("commit 1", () -> Long.valueOf(1).equals(committed(p0)));
    // Retention deleted the log past the committed offset: the next fetch answers out of range.
    kafka.schedulePollTask(() -> kafka.setPollException(
        new org.apache.kafka.clients.consumer.OffsetOutOfRangeException("out of range", Map.of(p0, 1L))));
    eventually("counted", () -> metrics.offsetsLost() == 1);
    assertTrue(metrics.render().contains("seckill_consumer_offsets_lost_total 1.0"), metrics.render());
    add(p0, 0, "again");
    eventually("read again from the earliest offset", () -> running.containsKey("again"));
    assertTrue(loop.running(), "the loop goes on");
  }

  @Test
  void pausesAtTheInFlightLimitAndResumes() throws Exception {
    start(2);
    for (int i = 0; i < 5; i++) {
      add(p0, i, "q" + i);
    }
    eventually("two started", () -> running.size() == 2);
    eventually("paused", () -> kafka.paused().containsAll(List.of(p0, p1)));
    Thread.sleep(100);
    assertEquals(2, running.size(), "no third transaction while two are in flight");
    assertEquals(2, metrics.inFlight());
    finish("q0");
    eventually("third started", () -> running.size() == 3);
    finish("q1");
    finish("q2");
    eventually("all started", () -> running.size() == 5);
    finish("q3");
    finish("q4");
    eventually("all committed", () -> Long.valueOf(5).equals(committed(p0)));
    eventually("resumed", () -> kafka.paused().isEmpty());
  }

  @Test
  void poisonGoesToTheDlqAndThePartitionMovesOn() throws Exception {
    start(16);
    add(p1, 0, "bad", "not json");
    add(p1, 1, "x", "{\"orderId\":\"x\",\"userId\":1,\"productId\":1,\"quantity\":99,\"amountCents\":1}");
    add(p1, 2, "ok1");
    eventually("order after poison started", () -> running.containsKey("ok1"));
    finish("ok1");
    eventually("committed past the poison", () -> Long.valueOf(3).equals(committed(p1)));
    assertEquals(List.of("NOT_JSON", "QUANTITY_OUT_OF_RANGE"), dead);
  }

  @Test
  void anUnsignedRecordIsPoisonWhenSignaturesAreRequired() throws Exception {
    OrderSigning ring = OrderSigning.parse("k1 " + "A".repeat(43), "test keyring");
    signatures = new SignatureCheck(ring, true);
    start(16);
    add(p0, 0, "unsigned");
    String json = "{\"orderId\":\"signed\",\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":1}";
    OrderSigning.Signature sig = ring.sign(new OrderSigning.Content("signed", 1, 1, 1, 0, 1, ""));
    ConsumerRecord<byte[], byte[]> signed = new ConsumerRecord<>(TOPIC, 0, 1, b("signed"), b(json));
    signed.headers().add(OrderSigning.KEY_ID_HEADER, b(sig.keyId())).add(OrderSigning.SIGNATURE_HEADER, b(sig.value()));
    kafka.schedulePollTask(() -> kafka.addRecord(signed));
    eventually("the signed order started", () -> running.containsKey("signed"));
    finish("signed");
    eventually("committed past both", () -> Long.valueOf(2).equals(committed(p0)));
    assertEquals(List.of("BAD_SIGNATURE"), dead);
    assertFalse(running.containsKey("unsigned"), "no transaction for the unsigned record");
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void theSameOrderTwiceRunsOneAfterTheOther() throws Exception {
    start(16);
    add(p0, 0, "dup");
    add(p0, 1, "dup");
    eventually("first started", () -> running.containsKey("dup"));
    Thread.sleep(50);
    assertEquals(2, metrics.inFlight(), "both counted in flight");
    CompletableFuture<TccOutcome> first = running.remove("dup");
    first.complete(new TccOutcome.Confirmed(false));
    eventually("second started after the first finished", () -> running.containsKey("dup"));
    finish("dup");
    eventually("both committed", () -> Long.valueOf(2).equals(committed(p0)));
  }

  @Test
  void anUnfinishedOrderIsNotCommittedAtShutdown() throws Exception {
    start(16);
    add(p0, 0, "s0");
    add(p0, 1, "s1");
    eventually("started", () -> running.size() == 2);
    finish("s1");
    running.get("s0").completeExceptionally(new TccFailure.Stopped("test"));
    loop.stop();
    assertTrue(loop.awaitFinished(Duration.ofSeconds(5)));
    assertFalse(loop.running());
    loop = null;
  }
}

package io.seckill.load;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Counts the DLQ records of one run: reads topic seckill.orders.dlq from where it ended when the
 * run started, keeps the records whose key carries the run's prefix, and groups them by the
 * consumer's {@code dlq-reason} header. A valid order found there is counted apart: it is a bug.
 */
public final class DeadLetterCounter implements AutoCloseable {
  private final KafkaConsumer<String, byte[]> consumer;
  private final String badPrefix;
  private final String runPrefix;
  private final Map<String, Long> byReason = new TreeMap<>();
  private long bad;
  private long validOrders;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final Thread thread;

  /** A counter for run {@code runId}, positioned at the DLQ's current end; call {@link #start()}. */
  public DeadLetterCounter(Endpoints endpoints, String runId) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap());
    // No group: partitions are assigned by hand and nothing is committed; this is an observer.
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "load-dlq-" + runId);
    this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    this.runPrefix = runId + "-";
    this.badPrefix = runId + "-bad-";
    List<TopicPartition> parts = consumer.partitionsFor(Endpoints.DLQ_TOPIC, Duration.ofSeconds(10)).stream()
        .map(i -> new TopicPartition(i.topic(), i.partition())).collect(Collectors.toList());
    consumer.assign(parts);
    consumer.seekToEnd(parts);
    // position() resolves the end offsets now, before the run sends anything.
    parts.forEach(consumer::position);
    this.thread = new Thread(this::loop, "dlq-counter");
    thread.setDaemon(true);
  }

  /** Starts reading in the background. */
  public void start() {
    thread.start();
  }

  private void loop() {
    while (!stop.get()) {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
        String key = r.key();
        if (key == null || !key.startsWith(runPrefix)) {
          continue;
        }
        synchronized (this) {
          if (key.startsWith(badPrefix)) {
            bad++;
            Header h = r.headers().lastHeader("dlq-reason");
            String reason = h == null ? "(no dlq-reason header)" : new String(h.value(), StandardCharsets.UTF_8);
            byReason.merge(reason, 1L, Long::sum);
          } else {
            validOrders++;
          }
        }
      }
    }
    consumer.close(Duration.ofSeconds(2));
  }

  /** Bad messages of this run found in the DLQ. */
  public synchronized long bad() {
    return bad;
  }

  /** Valid orders of this run found in the DLQ (should be none). */
  public synchronized long validOrders() {
    return validOrders;
  }

  /** The run's bad messages in the DLQ by the consumer's reason code. */
  public synchronized Map<String, Long> byReason() {
    return new TreeMap<>(byReason);
  }

  @Override
  public void close() throws InterruptedException {
    stop.set(true);
    if (thread.isAlive()) {
      thread.join(5000);
    } else {
      consumer.close(Duration.ofSeconds(2));
    }
  }
}

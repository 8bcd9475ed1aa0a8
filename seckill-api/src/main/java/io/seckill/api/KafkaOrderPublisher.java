package io.seckill.api;

import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** An idempotent Kafka producer that waits for {@code acks=all} on every order. */
public final class KafkaOrderPublisher implements OrderPublisher {
  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final long waitMs;

  /** A producer for {@code topic} on {@code bootstrap}. */
  public KafkaOrderPublisher(String bootstrap, String topic, int deliveryTimeoutMs, int maxBlockMs, int lingerMs) {
    this.topic = topic;
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "seckill-api");
    // An admitted buyer was promised an order: the write must survive a broker failover.
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    // Producer retries must not duplicate an order in the log.
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    // Idempotence keeps ordering with up to 5 in flight; more concurrency per connection.
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    // The whole budget of one send, retries included; the buyer waits for it, so it is short.
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryTimeoutMs);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(1, deliveryTimeoutMs - lingerMs));
    // With the broker gone, send() blocks for metadata; bound it so the request fails in time.
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlockMs);
    // A few ms of batching turns a flood of single sends into a few produce requests.
    p.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    this.producer = new KafkaProducer<>(p);
    // The future always completes within delivery.timeout.ms; the margin makes "unknown" impossible
    // in practice, and an expired wait is still reported as a failure (see publish).
    this.waitMs = (long) deliveryTimeoutMs + 2_000L;
  }

  @Override
  public void publish(OrderMessage order) throws PublishException {
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic,
        order.orderId().getBytes(StandardCharsets.UTF_8), order.toJson());
    Future<RecordMetadata> ack;
    try {
      ack = producer.send(record);
    } catch (RuntimeException e) {
      // max.block.ms expired waiting for metadata, or the producer is closed: nothing was written.
      throw new PublishException("kafka send refused: " + e.getMessage(), e);
    }
    try {
      ack.get(waitMs, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new PublishException("kafka did not acknowledge: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new PublishException("kafka ack wait expired after " + waitMs + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PublishException("interrupted waiting for the kafka ack", e);
    }
  }

  @Override
  public void close() {
    producer.close(java.time.Duration.ofSeconds(5));
  }
}

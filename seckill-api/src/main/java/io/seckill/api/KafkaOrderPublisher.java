package io.seckill.api;

import io.seckill.auth.OrderSigning;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * An idempotent Kafka producer; each order completes its future on {@code acks=all}. Every record is
 * signed (HMAC-SHA256 over the order's content, key id and signature in headers), so the consumer
 * can tell the API's orders from anything else written to the topic.
 */
public final class KafkaOrderPublisher implements OrderPublisher {
  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final OrderSigning signing;

  /** A producer for {@code topic} on {@code bootstrap}, signing with {@code signing}'s first key. */
  public KafkaOrderPublisher(String bootstrap, String topic, OrderSigning signing, int deliveryTimeoutMs,
      int maxBlockMs, int lingerMs, int batchBytes, String compression) {
    this.topic = topic;
    this.signing = signing;
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
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, batchBytes);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    this.producer = new KafkaProducer<>(p);
  }

  @Override
  public CompletableFuture<Void> publish(OrderMessage order) {
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic,
        order.orderId().getBytes(StandardCharsets.US_ASCII), order.toJson());
    OrderSigning.Signature sig = signing.sign(order.signedContent());
    record.headers().add(OrderSigning.KEY_ID_HEADER, sig.keyId().getBytes(StandardCharsets.US_ASCII));
    record.headers().add(OrderSigning.SIGNATURE_HEADER, sig.value().getBytes(StandardCharsets.US_ASCII));
    CompletableFuture<Void> ack = new CompletableFuture<>();
    Thread caller = Thread.currentThread();
    AtomicBoolean returned = new AtomicBoolean();
    try {
      // The callback runs on the producer's I/O thread once the broker answered or the record expired
      // (delivery.timeout.ms): nobody waits for it. send() itself calls it, on this thread, when the
      // record never reached the producer's buffer (no metadata within max.block.ms, too large).
      producer.send(record, (meta, e) -> {
        if (e == null) {
          ack.complete(null);
        } else {
          // Once buffered, a delivery timeout or a broken connection says nothing about what the broker wrote.
          boolean neverBuffered = !returned.get() && Thread.currentThread() == caller;
          ack.completeExceptionally(new PublishException("kafka did not acknowledge: " + e.getMessage(), e,
              !neverBuffered));
        }
      });
      returned.set(true);
    } catch (RuntimeException e) {
      // max.block.ms expired waiting for metadata, or the producer is closed: nothing was written.
      ack.completeExceptionally(new PublishException("kafka send refused: " + e.getMessage(), e, false));
    }
    return ack;
  }

  @Override
  public void close() {
    producer.close(java.time.Duration.ofSeconds(5));
  }
}

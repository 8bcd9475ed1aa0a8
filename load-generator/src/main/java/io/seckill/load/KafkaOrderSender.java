package io.seckill.load;

import io.seckill.auth.OrderSigning;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends straight to topic seckill.orders with an idempotent producer, key = orderId, the JSON of
 * docs/design.md stamped with requestedAt = the send time. An order is tracked once Kafka acknowledges it.
 *
 * <p>Valid orders are signed with the stack's keyring (key id and HMAC in the record headers), as
 * seckill-api signs its own: the consumer refuses unsigned orders. Bad messages go unsigned; they
 * are poison for what they contain, and the consumer reports that before any signature.
 */
public final class KafkaOrderSender implements OrderSender {
  private final KafkaProducer<String, byte[]> producer;
  private final OrderSigning signing;
  private final OutcomeTracker tracker;
  private final SendStats stats;
  private final AtomicInteger inFlight = new AtomicInteger();

  /** A sender to the stack's Kafka. */
  public KafkaOrderSender(Endpoints endpoints, OutcomeTracker tracker, SendStats stats) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap());
    // Idempotence (with acks=all) so a retried batch never duplicates an order on the topic.
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    // A few ms of batching cuts the broker's per-request work, which competes for the same 2 cores.
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
    // Room for the oversized bad messages (the broker's default limit is about 1 MiB).
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "1000000");
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "seckill-load");
    // The keyring first: a missing one fails the run before anything is sent.
    this.signing = endpoints.secrets().orderSigning();
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    this.tracker = tracker;
    this.stats = stats;
  }

  @Override
  public void send(Outgoing item) {
    long now = System.currentTimeMillis();
    stats.attempt(now);
    ProducerRecord<String, byte[]> record = record(item, Instant.ofEpochMilli(now), signing);
    inFlight.incrementAndGet();
    try {
      // send() blocks when the producer's buffer is full: that is the back-pressure of --rate max.
      producer.send(record, (meta, error) -> {
        inFlight.decrementAndGet();
        if (error != null) {
          stats.error("kafka: " + error.getClass().getSimpleName() + ": " + error.getMessage());
        } else if (item instanceof Order o) {
          stats.acceptedValid();
          tracker.register(o.orderId(), now);
        } else {
          stats.acceptedBad();
        }
      });
    } catch (RuntimeException e) {
      inFlight.decrementAndGet();
      stats.error("kafka: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /** The record of {@code item} sent at {@code now}: a valid order signed with {@code signing}'s key. */
  static ProducerRecord<String, byte[]> record(Outgoing item, Instant now, OrderSigning signing) {
    if (!(item instanceof Order o)) {
      return new ProducerRecord<>(Endpoints.ORDER_TOPIC, item.key(), ((BadMessage) item).value());
    }
    ProducerRecord<String, byte[]> r = new ProducerRecord<>(Endpoints.ORDER_TOPIC, o.key(), o.kafkaJson(now));
    OrderSigning.Signature sig = signing.sign(o.signedContent(now));
    r.headers().add(OrderSigning.KEY_ID_HEADER, sig.keyId().getBytes(StandardCharsets.UTF_8));
    r.headers().add(OrderSigning.SIGNATURE_HEADER, sig.value().getBytes(StandardCharsets.UTF_8));
    return r;
  }

  @Override
  public void flush() {
    producer.flush();
  }

  @Override
  public int inFlight() {
    return inFlight.get();
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}

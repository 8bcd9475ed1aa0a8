package io.seckill.api;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.seckill.auth.OrderSigning;
import io.seckill.proto.OrderMessage;
import io.seckill.proto.codec.OrderCodec;
import io.seckill.runtime.tracing.Tracing;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * An idempotent Kafka producer; each order completes its future on {@code acks=all}. The record value
 * is the order message as {@link OrderCodec} writes it (docs/design.md "Order message"). Every record is
 * signed (HMAC-SHA256 over the order's content, key id and signature in headers), so the consumer
 * can tell the API's orders from anything else written to the topic. With tracing on, each record
 * also carries the W3C trace context of its publish span (headers {@code traceparent},
 * {@code tracestate}), the parent of the consumer's span for the order.
 */
public final class KafkaOrderPublisher implements OrderPublisher {
  /** Record headers as a W3C carrier: one value per name, the last written wins. */
  static final TextMapSetter<Headers> HEADERS = (headers, key, value) -> {
    headers.remove(key);
    headers.add(key, value.getBytes(StandardCharsets.ISO_8859_1));
  };

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final OrderSigning signing;
  private final Tracing tracing;

  /** A producer for {@code topic} on {@code bootstrap}, signing with {@code signing}'s first key; no tracing. */
  public KafkaOrderPublisher(String bootstrap, String topic, OrderSigning signing, int deliveryTimeoutMs,
      int maxBlockMs, int lingerMs, int batchBytes, String compression) {
    this(bootstrap, topic, signing, deliveryTimeoutMs, maxBlockMs, lingerMs, batchBytes, compression, Tracing.off());
  }

  /** As above; with {@code tracing} enabled, every record carries its publish span's trace context. */
  public KafkaOrderPublisher(String bootstrap, String topic, OrderSigning signing, int deliveryTimeoutMs,
      int maxBlockMs, int lingerMs, int batchBytes, String compression, Tracing tracing) {
    this(new KafkaProducer<>(props(bootstrap, deliveryTimeoutMs, maxBlockMs, lingerMs, batchBytes, compression)),
        topic, signing, tracing);
  }

  /** A publisher over {@code producer} (tests pass Kafka's MockProducer). */
  public KafkaOrderPublisher(Producer<byte[], byte[]> producer, String topic, OrderSigning signing, Tracing tracing) {
    this.producer = producer;
    this.topic = topic;
    this.signing = signing;
    this.tracing = tracing;
  }

  private static Properties props(String bootstrap, int deliveryTimeoutMs, int maxBlockMs, int lingerMs,
      int batchBytes, String compression) {
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
    return p;
  }

  @Override
  public CompletableFuture<Void> publish(OrderMessage order) {
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic,
        order.getOrderId().getBytes(StandardCharsets.US_ASCII), OrderCodec.encode(order));
    OrderSigning.Signature sig = signing.sign(signedContent(order));
    record.headers().add(OrderSigning.KEY_ID_HEADER, sig.keyId().getBytes(StandardCharsets.US_ASCII));
    record.headers().add(OrderSigning.SIGNATURE_HEADER, sig.value().getBytes(StandardCharsets.US_ASCII));
    // Null when tracing is off: then no span and no header. The trace headers are not signed: they
    // steer no decision, and a forged one only misfiles spans.
    Span span = tracing.enabled() ? publishSpan(order, record) : null;
    CompletableFuture<Void> ack = new CompletableFuture<>();
    if (span != null) {
      ack.whenComplete((ok, e) -> {
        if (e != null) {
          span.setStatus(StatusCode.ERROR, e.getMessage());
        }
        span.end();
      });
    }
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

  /** What the signature of {@code order}'s record covers: its fields, requestedAt as {@link OrderCodec} writes it. */
  static OrderSigning.Content signedContent(OrderMessage order) {
    return new OrderSigning.Content(order.getOrderId(), order.getUserId(), order.getProductId(), order.getQuantity(),
        order.getCouponId(), order.getAmountCents(), order.getRequestedAt());
  }

  /** A producer span, child of the current (admission) span, whose context goes into the record's headers. */
  private Span publishSpan(OrderMessage order, ProducerRecord<byte[], byte[]> record) {
    Span span = tracing.tracer().spanBuilder(topic + " publish")
        .setParent(Context.current())
        .setSpanKind(SpanKind.PRODUCER)
        .setAttribute("messaging.system", "kafka")
        .setAttribute("messaging.operation", "publish")
        .setAttribute("messaging.destination.name", topic)
        .setAttribute("seckill.order_id", order.getOrderId())
        .startSpan();
    tracing.inject(Context.current().with(span), record.headers(), HEADERS);
    return span;
  }

  @Override
  public void close() {
    producer.close(java.time.Duration.ofSeconds(5));
  }
}

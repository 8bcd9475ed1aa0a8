package io.seckill.consumer;

import io.seckill.dtm.tcc.Retries;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes poison records to the DLQ topic: the original key, value and headers, plus
 * {@code dlq-reason} (a {@link io.seckill.proto.codec.DlqReason} code), {@code dlq-detail} (text),
 * {@code dlq-source-topic}, {@code dlq-source-partition}, {@code dlq-source-offset} and
 * {@code dlq-failed-at}. A value too large even for the DLQ is cut to {@code fallbackBytes} with
 * {@code dlq-truncated: true}, so no record can block its partition.
 */
public final class KafkaDeadLetters implements DeadLetters {
  /** Header names, for consumers of the DLQ and for tests. */
  public static final String REASON = "dlq-reason";
  public static final String DETAIL = "dlq-detail";
  public static final String SOURCE_TOPIC = "dlq-source-topic";
  public static final String SOURCE_PARTITION = "dlq-source-partition";
  public static final String SOURCE_OFFSET = "dlq-source-offset";
  public static final String FAILED_AT = "dlq-failed-at";
  public static final String TRUNCATED = "dlq-truncated";

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final int fallbackBytes;

  /** Dead letters to {@code topic} through {@code producer} (which must use acks=all). */
  public KafkaDeadLetters(Producer<byte[], byte[]> producer, String topic, int fallbackBytes) {
    this.producer = producer;
    this.topic = topic;
    this.fallbackBytes = fallbackBytes;
  }

  @Override
  public CompletionStage<Void> send(ConsumerRecord<byte[], byte[]> record, Poison poison) {
    return send(record, poison, false).exceptionallyCompose(error -> {
      Throwable c = Retries.cause(error);
      if (c instanceof RecordTooLargeException) {
        return send(record, poison, true);
      }
      return CompletableFuture.failedFuture(c);
    });
  }

  private CompletableFuture<Void> send(ConsumerRecord<byte[], byte[]> record, Poison poison, boolean truncate) {
    RecordHeaders headers = new RecordHeaders();
    for (Header h : record.headers()) {
      headers.add(h);
    }
    headers.add(REASON, bytes(poison.reason().name()));
    headers.add(DETAIL, bytes(poison.detail()));
    headers.add(SOURCE_TOPIC, bytes(record.topic()));
    headers.add(SOURCE_PARTITION, bytes(Integer.toString(record.partition())));
    headers.add(SOURCE_OFFSET, bytes(Long.toString(record.offset())));
    headers.add(FAILED_AT, bytes(Instant.now().toString()));
    byte[] value = record.value();
    if (truncate && value != null && value.length > fallbackBytes) {
      value = java.util.Arrays.copyOf(value, fallbackBytes);
      headers.add(TRUNCATED, bytes("true"));
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      producer.send(new ProducerRecord<>(topic, null, record.key(), value, headers), (meta, error) -> {
        if (error == null) {
          done.complete(null);
        } else {
          done.completeExceptionally(error);
        }
      });
    } catch (RuntimeException e) {
      done.completeExceptionally(e);
    }
    return done;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

package io.seckill.consumer;

import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Where poison records go, with their original bytes and the reason. */
public interface DeadLetters {
  /** Completes once the dead letter is durably written (acks=all); fails with trouble otherwise. */
  CompletionStage<Void> send(ConsumerRecord<byte[], byte[]> record, Poison poison);
}

package io.seckill.api;

import java.util.concurrent.CompletableFuture;

/** Writes an admitted order to the queue the consumer reads. */
public interface OrderPublisher extends AutoCloseable {
  /**
   * Starts publishing {@code order} and returns at once (or after the bounded wait for the broker's
   * metadata): the future completes when the broker acknowledged the message, or exceptionally with a
   * {@link PublishException} when it did not, in which case the message was not written. It never
   * throws itself. Idempotency key: the orderId (the record key).
   */
  CompletableFuture<Void> publish(OrderMessage order);

  /** Flushes and closes. */
  @Override
  default void close() {}

  /** The order message was not written. */
  final class PublishException extends Exception {
    private static final long serialVersionUID = 1L;

    /** A failed publish and why. */
    public PublishException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}

package io.seckill.api;

/** Writes an admitted order to the queue the consumer reads. */
public interface OrderPublisher extends AutoCloseable {
  /**
   * Publishes {@code order} and returns once the broker acknowledged it; throws when it did not, in
   * which case the message was not written. Idempotency key: the orderId (the record key).
   */
  void publish(OrderMessage order) throws PublishException;

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

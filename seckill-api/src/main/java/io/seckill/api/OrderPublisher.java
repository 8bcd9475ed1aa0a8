package io.seckill.api;

import io.seckill.proto.OrderMessage;
import java.util.concurrent.CompletableFuture;

/** Writes an admitted order to the queue the consumer reads. */
public interface OrderPublisher extends AutoCloseable {
  /**
   * Starts publishing {@code order} and returns at once (or after the bounded wait for the broker's
   * metadata): the future completes when the broker acknowledged the message, or exceptionally with a
   * {@link PublishException} when it did not. A failure without an answer from the broker does not
   * prove that nothing was written ({@link PublishException#mayBeWritten()}). It never throws itself.
   * Idempotency key: the orderId (the record key).
   */
  CompletableFuture<Void> publish(OrderMessage order);

  /** Flushes and closes. */
  @Override
  default void close() {}

  /** The broker did not acknowledge the order message. */
  final class PublishException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean mayBeWritten;

    /**
     * A failed publish and why; {@code mayBeWritten} when the record had left for the broker (a
     * delivery timeout or a lost answer: the broker may hold it all the same).
     */
    public PublishException(String message, Throwable cause, boolean mayBeWritten) {
      super(message, cause);
      this.mayBeWritten = mayBeWritten;
    }

    /** True unless the message certainly never reached the broker. */
    public boolean mayBeWritten() {
      return mayBeWritten;
    }
  }
}

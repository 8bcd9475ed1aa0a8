package io.seckill.load;

/** Sends the records of a run somewhere; accepted valid orders are handed to the tracker. */
public interface OrderSender extends AutoCloseable {
  /** Sends {@code item}, blocking while the sender's bound on in-flight sends is reached. */
  void send(Outgoing item) throws InterruptedException;

  /** Waits until every send started so far has its answer. */
  void flush() throws InterruptedException;

  /** Sends not yet answered. */
  int inFlight();

  @Override
  void close();
}

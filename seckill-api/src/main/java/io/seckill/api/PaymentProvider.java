package io.seckill.api;

/** A payment provider: starts a payment; its result comes back later as a signed callback. */
public interface PaymentProvider extends AutoCloseable {
  /** Starts paying {@code amountCents} for {@code orderId}; returns the provider's transaction id. */
  String start(String orderId, long amountCents);

  @Override
  void close();
}

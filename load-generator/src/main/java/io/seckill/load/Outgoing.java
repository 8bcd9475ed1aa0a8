package io.seckill.load;

/** One record a run sends: a valid {@link Order} or a deliberately {@link BadMessage}. */
public sealed interface Outgoing permits Order, BadMessage {
  /** The Kafka record key (the order id, or the bad message's run-prefixed id). */
  String key();
}

package io.seckill.consumer;

import io.seckill.dtm.tcc.TccOutcome;
import io.seckill.proto.OrderMessage;
import java.util.concurrent.CompletionStage;

/** Runs (or finishes) the one global transaction of an order; the consumer's only view of DTM. */
public interface OrderTransactions {
  /**
   * Completes once the order's fate is durable: DTM holds it submitted, or aborted and the order
   * table holds the cancellation reason. Idempotency key: gid = "seckill-" + orderId, so calling
   * this again for the same order (a redelivery) finishes the same transaction, never a second one.
   * Completes exceptionally only with {@link io.seckill.dtm.tcc.TccFailure.Stopped} (shutdown) or an
   * unexpected bug; trouble is retried inside.
   */
  CompletionStage<TccOutcome> run(OrderMessage order);
}

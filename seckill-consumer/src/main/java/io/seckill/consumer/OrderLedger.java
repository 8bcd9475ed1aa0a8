package io.seckill.consumer;

import io.seckill.proto.OrderMessage;
import java.util.concurrent.CompletionStage;

/** Where an aborted order's reason is written (order-rpc's RecordCancellation). */
public interface OrderLedger {
  /**
   * Records {@code reason} on the order, creating a CANCELLED row if its Try never ran.
   * Idempotency key: orderId (the call may repeat freely). Yields true once the order is CANCELLED
   * with a reason, false while it is still live (TRYING: DTM's Cancel has not run yet).
   */
  CompletionStage<Boolean> recordCancellation(OrderMessage order, String reason);
}

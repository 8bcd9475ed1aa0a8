package io.seckill.consumer;

import io.seckill.proto.OrderMessage;
import java.util.concurrent.CompletionStage;

/** Where an aborted order's reason is written (order-rpc's RecordCancellation). */
public interface OrderLedger {
  /**
   * Records {@code reason} on the order, creating a CANCELLED row if its Try never ran.
   * Idempotency key: orderId (the call may repeat freely). Yields true once the reason is durably
   * on the order (CANCELLED, or TRYING with the reason until DTM's Cancel flips it), false while
   * the row holds no reason yet.
   */
  CompletionStage<Boolean> recordCancellation(OrderMessage order, String reason);
}

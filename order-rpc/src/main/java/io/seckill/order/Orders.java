package io.seckill.order;

import java.util.List;
import java.util.Map;
import io.seckill.dtm.branch.BarrierOutcome;
import io.seckill.dtm.branch.BranchContext;
import io.seckill.proto.order.OrderRequest;
import java.util.Optional;

/**
 * Orders as a TCC resource. Each branch operation is idempotent on the DTM key (gid, branch id, op)
 * through the barrier; order_id is the primary key besides, and at most one order per (user, product)
 * is live (TRYING, CONFIRMED or PAID; an EXPIRED or CANCELLED one is not).
 */
public interface Orders {

  /**
   * Try: inserts the order as TRYING. Idempotency key: (gid, branch id), and order_id. Throws
   * BusinessRefusal DUPLICATE_ORDER when the user holds a live order for the product, ORDER_EXISTS when
   * the order id is already recorded (e.g. cancelled before its Try arrived).
   */
  BarrierOutcome create(BranchContext branch, OrderRequest request) throws Exception;

  /**
   * Confirm: TRYING -> CONFIRMED, awaiting payment until now + the payment deadline. Idempotency
   * key: (gid, branch id).
   */
  BarrierOutcome confirm(BranchContext branch, OrderRequest request) throws Exception;

  /**
   * Cancel: TRYING -> CANCELLED. Idempotency key: (gid, branch id); a Cancel whose Try never ran
   * (or was refused) writes nothing (null compensation).
   */
  BarrierOutcome cancel(BranchContext branch, OrderRequest request) throws Exception;

  /**
   * Records why the order was cancelled; not a TCC branch. Idempotency key: order_id: creates a
   * CANCELLED row when none exists, fills an empty reason otherwise, never changes a status. Throws
   * BusinessRefusal ORDER_CONFIRMED for an order whose TCC committed (CONFIRMED, PAID, EXPIRED).
   * Returns the order as stored.
   */
  OrderRow recordCancellation(OrderRequest order, String reason);

  /**
   * Expiry saga step (after the payment was CLOSED): CONFIRMED -> EXPIRED. Idempotency key: (gid,
   * branch id), and the status (EXPIRED stays EXPIRED). Any other status is an IllegalStateException
   * (DTM retries; the saga's pivot has decided, so this step never refuses). Only a saga action:
   * any other op is an IllegalArgumentException (the step has no compensation).
   */
  BarrierOutcome expire(BranchContext branch, OrderRequest request) throws Exception;

  /** Payment saga step (after the payment was PAID): CONFIRMED -> PAID; idempotent like {@link #expire}. */
  BarrierOutcome markPaid(BranchContext branch, OrderRequest request) throws Exception;

  /** Up to {@code limit} (1..{@link #MAX_DUE_BATCH}) CONFIRMED orders past their deadline, oldest first. */
  List<OrderRow> due(int limit);

  /** The most orders one {@link #due} call returns. */
  int MAX_DUE_BATCH = 1000;

  /** One order, if it exists. */
  Optional<OrderRow> order(String orderId);

  /** The status of each of {@code orderIds} that has a row (at most {@link #MAX_STATUS_BATCH} ids). */
  Map<String, String> statuses(List<String> orderIds);

  /** The most ids one {@link #statuses} call takes. */
  int MAX_STATUS_BATCH = 500;
}

package io.seckill.pay;

import io.seckill.dtm.branch.BarrierOutcome;
import io.seckill.dtm.branch.BranchContext;
import io.seckill.proto.pay.PayRequest;
import io.seckill.proto.pay.SettleRequest;
import java.util.List;
import java.util.Optional;

/**
 * The payment record of each order as a TCC resource. Each operation is idempotent on the DTM key
 * (gid, branch id, op) through the barrier; order_id is the payment's primary key besides.
 */
public interface Payments {

  /**
   * Try: inserts a PENDING payment for the amount. Idempotency key: (gid, branch id), and order_id
   * (a second Try for the same order under another gid is refused PAYMENT_EXISTS). Throws
   * BusinessRefusal INVALID_AMOUNT when the amount is not positive.
   */
  BarrierOutcome open(BranchContext branch, PayRequest request) throws Exception;

  /** Confirm: PENDING -> AWAITING_PAYMENT. Idempotency key: (gid, branch id). */
  BarrierOutcome awaitPayment(BranchContext branch, PayRequest request) throws Exception;

  /**
   * Cancel: PENDING -> CANCELLED. Idempotency key: (gid, branch id); a Cancel whose Try never ran
   * (or was refused) writes nothing (null compensation).
   */
  BarrierOutcome cancel(BranchContext branch, PayRequest request) throws Exception;

  /**
   * Expiry pivot (saga action): AWAITING_PAYMENT -> CLOSED. Idempotency key: (gid, branch id), and
   * the status (a CLOSED payment stays closed). Throws BusinessRefusal PAYMENT_PAID when the buyer
   * paid first, which ends the expiry saga before any other step. Only a saga action: any other op
   * is an IllegalArgumentException (the step has no compensation).
   */
  BarrierOutcome close(BranchContext branch, PayRequest request) throws Exception;

  /**
   * Payment pivot (saga action): AWAITING_PAYMENT -> PAID by the provider transaction. Idempotency
   * key: (gid, branch id), and the transaction id (PAID by the same one is a success). When the
   * payment lost (CLOSED or CANCELLED: LATE_PAYMENT; PAID by another transaction: DOUBLE_PAYMENT;
   * another amount: AMOUNT_MISMATCH) it records a REFUND_PENDING refund for the transaction in a
   * transaction of its own, then throws BusinessRefusal with that reason, so the saga stops there.
   */
  BarrierOutcome settle(BranchContext branch, SettleRequest request) throws Exception;

  /** The payment of one order, if any. */
  Optional<PaymentRow> payment(String orderId);

  /** The refunds of one order, oldest first. */
  List<RefundRow> refunds(String orderId);
}

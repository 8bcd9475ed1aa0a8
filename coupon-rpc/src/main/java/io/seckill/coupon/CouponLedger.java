package io.seckill.coupon;

import io.seckill.dtm.branch.BarrierOutcome;
import io.seckill.dtm.branch.BranchContext;
import io.seckill.proto.coupon.CouponRequest;
import java.util.Optional;

/**
 * One-shot coupons as a TCC resource. Each operation is idempotent on the DTM key (gid, branch id, op)
 * through the barrier; the coupon row also records the order_id holding it.
 */
public interface CouponLedger {

  /**
   * Try: UNUSED -> FROZEN, held by the request's order. Idempotency key: (gid, branch id); a Try after
   * its Cancel does nothing. Throws BusinessRefusal UNKNOWN_COUPON, COUPON_NOT_OWNED or
   * COUPON_NOT_AVAILABLE, IllegalArgumentException for a malformed request.
   */
  BarrierOutcome freeze(BranchContext branch, CouponRequest request) throws Exception;

  /** Confirm: FROZEN -> USED. Idempotency key: (gid, branch id); the row must be held by order_id. */
  BarrierOutcome use(BranchContext branch, CouponRequest request) throws Exception;

  /**
   * Cancel: FROZEN -> UNUSED. Idempotency key: (gid, branch id); a Cancel whose Try never ran (or was
   * refused) changes nothing (null compensation).
   */
  BarrierOutcome release(BranchContext branch, CouponRequest request) throws Exception;

  /**
   * Expiry saga step (after the payment was CLOSED): USED by the order -> UNUSED, no order, so its
   * owner can use it again. Idempotency key: (gid, branch id), and the row: a coupon already UNUSED
   * with no order (and the request's user's) is a success. Anything else (missing, FROZEN, held by
   * another order) is an IllegalStateException (DTM retries; this step never refuses). Only a saga
   * action: any other op is an IllegalArgumentException (the step has no compensation).
   */
  BarrierOutcome restore(BranchContext branch, CouponRequest request) throws Exception;

  /** One coupon, if it exists. */
  Optional<CouponRow> coupon(long couponId);
}

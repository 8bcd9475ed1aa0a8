package io.seckill.coupon;

import io.seckill.dtm.BranchOp;
import io.seckill.dtm.branch.BarrierOutcome;
import io.seckill.dtm.branch.BranchBarrier;
import io.seckill.dtm.branch.BranchContext;
import io.seckill.dtm.branch.BusinessRefusal;
import io.seckill.proto.coupon.CouponRequest;
import io.seckill.runtime.Requests;
import java.util.Optional;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;

/** {@link CouponLedger} on the seckill_coupon database, each operation in one barrier transaction. */
public final class SqlCouponLedger implements CouponLedger {
  private final SqlSessionFactory sessions;
  private final BranchBarrier barrier = new BranchBarrier();

  /** A ledger over {@code sessions}, which must know {@link CouponMapper}. */
  public SqlCouponLedger(SqlSessionFactory sessions) {
    this.sessions = sessions;
  }

  @Override
  public BarrierOutcome freeze(BranchContext branch, CouponRequest request) throws Exception {
    validate(request);
    return barrier.call(sessions, branch, s -> {
      CouponMapper coupons = s.getMapper(CouponMapper.class);
      if (coupons.freeze(request.getCouponId(), request.getUserId(), request.getOrderId()) == 0) {
        // Thrown inside the barrier so its try row rolls back too: the following Cancel is a no-op.
        throw refusal(coupons.find(request.getCouponId()), request);
      }
    });
  }

  private static BusinessRefusal refusal(CouponRow row, CouponRequest request) {
    if (row == null) {
      return new BusinessRefusal("UNKNOWN_COUPON", "no coupon " + request.getCouponId());
    }
    if (row.userId() != request.getUserId()) {
      return new BusinessRefusal("COUPON_NOT_OWNED", "coupon " + row.id() + " belongs to another user");
    }
    return new BusinessRefusal("COUPON_NOT_AVAILABLE", "coupon " + row.id() + " is " + row.status());
  }

  @Override
  public BarrierOutcome use(BranchContext branch, CouponRequest request) throws Exception {
    return barrier.call(sessions, branch, s -> settle(s, request, BranchOp.CONFIRM));
  }

  @Override
  public BarrierOutcome release(BranchContext branch, CouponRequest request) throws Exception {
    return barrier.call(sessions, branch, s -> settle(s, request, BranchOp.CANCEL));
  }

  // Validated only once the barrier lets the call through: a malformed Try was refused, and its
  // Cancel (same bytes) must still succeed as a null compensation.
  private static void settle(SqlSession s, CouponRequest request, BranchOp op) {
    validate(request);
    CouponMapper coupons = s.getMapper(CouponMapper.class);
    int rows = op == BranchOp.CONFIRM
        ? coupons.use(request.getCouponId(), request.getOrderId())
        : coupons.release(request.getCouponId(), request.getOrderId());
    if (rows == 0) {
      // The barrier says our Try froze it; anything else means the row was changed behind our back.
      throw new IllegalStateException(op + ": coupon " + request.getCouponId() + " is not FROZEN by order "
          + request.getOrderId());
    }
  }

  @Override
  public BarrierOutcome restore(BranchContext branch, CouponRequest request) throws Exception {
    Requests.sagaAction(branch);
    validate(request);
    return barrier.call(sessions, branch, s -> {
      CouponMapper coupons = s.getMapper(CouponMapper.class);
      if (coupons.restore(request.getCouponId(), request.getOrderId()) == 1) {
        return;
      }
      // Already given back (UNUSED, no order, the buyer's): done. Anything else, including a coupon
      // another order now holds, is not what this expiry can explain: retried and logged, never refused.
      CouponRow row = coupons.find(request.getCouponId());
      if (row == null || !"UNUSED".equals(row.status()) || row.orderId() != null
          || row.userId() != request.getUserId()) {
        throw new IllegalStateException("restore: coupon " + request.getCouponId() + " of order "
            + request.getOrderId() + " is " + (row == null ? "missing"
            : row.status() + " (order " + row.orderId() + ", user " + row.userId() + ")"));
      }
    });
  }

  @Override
  public Optional<CouponRow> coupon(long couponId) {
    try (SqlSession s = sessions.openSession()) {
      return Optional.ofNullable(s.getMapper(CouponMapper.class).find(couponId));
    }
  }

  private static void validate(CouponRequest request) {
    Requests.orderId(request.getOrderId());
    Requests.positive("user_id", request.getUserId());
    // An order without a coupon (coupon_id 0) registers no coupon branch, so 0 here is a caller bug.
    Requests.positive("coupon_id", request.getCouponId());
  }
}

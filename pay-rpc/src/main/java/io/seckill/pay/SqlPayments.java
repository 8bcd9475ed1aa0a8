package io.seckill.pay;

import io.seckill.dtm.BranchOp;
import io.seckill.dtm.branch.BarrierOutcome;
import io.seckill.dtm.branch.BranchBarrier;
import io.seckill.dtm.branch.BranchContext;
import io.seckill.dtm.branch.BusinessRefusal;
import io.seckill.proto.pay.PayRequest;
import io.seckill.runtime.DuplicateKeys;
import io.seckill.runtime.Requests;
import java.util.Optional;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;

/** {@link Payments} on the seckill_pay database, each operation in one barrier transaction. */
public final class SqlPayments implements Payments {
  private final SqlSessionFactory sessions;
  private final BranchBarrier barrier = new BranchBarrier();

  /** Payments over {@code sessions}, which must know {@link PaymentMapper}. */
  public SqlPayments(SqlSessionFactory sessions) {
    this.sessions = sessions;
  }

  @Override
  public BarrierOutcome open(BranchContext branch, PayRequest request) throws Exception {
    validate(request);
    if (request.getAmountCents() <= 0) {
      // A business refusal, not a malformed call (see pay.proto): the caller aborts the order.
      throw new BusinessRefusal("INVALID_AMOUNT", "amount_cents must be positive, got " + request.getAmountCents());
    }
    return barrier.call(sessions, branch, s -> {
      try {
        s.getMapper(PaymentMapper.class).open(request.getOrderId(), request.getUserId(), request.getAmountCents());
      } catch (RuntimeException e) {
        if (DuplicateKeys.violated(e) != null) {
          throw new BusinessRefusal("PAYMENT_EXISTS", "order " + request.getOrderId() + " already has a payment");
        }
        throw e;
      }
    });
  }

  @Override
  public BarrierOutcome awaitPayment(BranchContext branch, PayRequest request) throws Exception {
    return barrier.call(sessions, branch, s -> move(s, request, BranchOp.CONFIRM, "AWAITING_PAYMENT"));
  }

  @Override
  public BarrierOutcome cancel(BranchContext branch, PayRequest request) throws Exception {
    return barrier.call(sessions, branch, s -> move(s, request, BranchOp.CANCEL, "CANCELLED"));
  }

  // Validated only once the barrier lets the call through: a malformed Try was refused, and its
  // Cancel (same bytes) must still succeed as a null compensation.
  private static void move(SqlSession s, PayRequest request, BranchOp op, String to) {
    validate(request);
    if (s.getMapper(PaymentMapper.class).move(request.getOrderId(), "PENDING", to) == 0) {
      throw new IllegalStateException(op + ": payment of order " + request.getOrderId() + " is not PENDING");
    }
  }

  @Override
  public Optional<PaymentRow> payment(String orderId) {
    try (SqlSession s = sessions.openSession()) {
      return Optional.ofNullable(s.getMapper(PaymentMapper.class).find(orderId));
    }
  }

  private static void validate(PayRequest request) {
    Requests.orderId(request.getOrderId());
    Requests.positive("user_id", request.getUserId());
  }
}

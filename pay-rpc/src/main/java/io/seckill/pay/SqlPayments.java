package io.seckill.pay;

import io.seckill.dtm.BranchOp;
import io.seckill.dtm.branch.BarrierOutcome;
import io.seckill.dtm.branch.BranchBarrier;
import io.seckill.dtm.branch.BranchContext;
import io.seckill.dtm.branch.BusinessRefusal;
import io.seckill.proto.pay.PayRequest;
import io.seckill.runtime.DuplicateKeys;
import io.seckill.runtime.Requests;
import io.seckill.proto.pay.SettleRequest;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;

/** {@link Payments} on the seckill_pay database, each operation in one barrier transaction. */
public final class SqlPayments implements Payments {
  private static final Pattern PROVIDER_TXN = Pattern.compile("[A-Za-z0-9_-]{1,64}");
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
  public BarrierOutcome close(BranchContext branch, PayRequest request) throws Exception {
    Requests.sagaAction(branch);
    validate(request);
    return barrier.call(sessions, branch, s -> {
      PaymentMapper payments = s.getMapper(PaymentMapper.class);
      if (payments.close(request.getOrderId()) == 1) {
        return;
      }
      PaymentRow row = payments.lock(request.getOrderId());
      String status = row == null ? "missing" : row.status();
      switch (status) {
        case "CLOSED" -> { }
        case "PAID" -> throw new BusinessRefusal("PAYMENT_PAID", "order " + request.getOrderId() + " is paid");
        default -> throw new IllegalStateException("close: payment of order " + request.getOrderId() + " is " + status);
      }
    });
  }

  @Override
  public BarrierOutcome settle(BranchContext branch, SettleRequest request) throws Exception {
    Requests.sagaAction(branch);
    Requests.orderId(request.getOrderId());
    String txn = providerTxnId(request.getProviderTxnId());
    Requests.positive("amount_cents", request.getAmountCents());
    String[] lost = new String[1];
    try {
      return barrier.call(sessions, branch, s -> {
        PaymentMapper payments = s.getMapper(PaymentMapper.class);
        if (payments.settle(request.getOrderId(), txn, request.getAmountCents()) == 1) {
          return;
        }
        PaymentRow row = payments.lock(request.getOrderId());
        if (row == null) {
          throw new IllegalArgumentException("no payment for order " + request.getOrderId());
        }
        if ("PAID".equals(row.status()) && txn.equals(row.providerTxnId())) {
          return;
        }
        lost[0] = switch (row.status()) {
          case "AWAITING_PAYMENT" -> "AMOUNT_MISMATCH";
          case "PAID" -> "DOUBLE_PAYMENT";
          case "CLOSED", "CANCELLED" -> "LATE_PAYMENT";
          default -> throw new IllegalStateException("settle: payment of order " + request.getOrderId()
              + " is " + row.status());
        };
        throw new BusinessRefusal(lost[0], "payment " + txn + " of order " + request.getOrderId() + " lost: "
            + row.status());
      });
    } catch (BusinessRefusal refusal) {
      // The barrier transaction rolled back with the refusal; the refund must outlive it.
      // If this fails, its error (not the refusal) answers, so DTM retries Settle and it is written then.
      try (SqlSession s = sessions.openSession(false)) {
        s.getMapper(PaymentMapper.class).refund(txn, request.getOrderId(), request.getAmountCents(), lost[0]);
        s.commit(true);
      }
      throw refusal;
    }
  }

  @Override
  public List<RefundRow> refunds(String orderId) {
    try (SqlSession s = sessions.openSession()) {
      return s.getMapper(PaymentMapper.class).refunds(orderId);
    }
  }

  /** A provider transaction id: 1-64 chars of [A-Za-z0-9_-]. */
  static String providerTxnId(String txn) {
    if (txn == null || !PROVIDER_TXN.matcher(txn).matches()) {
      throw new IllegalArgumentException("provider_txn_id must be 1-64 chars of [A-Za-z0-9_-], got '" + txn + "'");
    }
    return txn;
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

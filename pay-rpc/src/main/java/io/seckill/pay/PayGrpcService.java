package io.seckill.pay;

import com.google.protobuf.Empty;
import io.grpc.stub.StreamObserver;
import io.seckill.proto.pay.GetPaymentRequest;
import io.seckill.proto.pay.PayRequest;
import io.seckill.proto.pay.PayServiceGrpc;
import io.seckill.proto.pay.Payment;
import io.seckill.proto.pay.PaymentStatus;
import io.seckill.proto.pay.Refund;
import io.seckill.proto.pay.RefundStatus;
import io.seckill.runtime.Replies;
import io.seckill.runtime.Requests;

/** The gRPC face of {@link Payments}: unpacks, delegates, and lets BranchStatus (via Replies) map every failure. */
public final class PayGrpcService extends PayServiceGrpc.PayServiceImplBase {
  private final Payments payments;

  /** A service over {@code payments}. */
  public PayGrpcService(Payments payments) {
    this.payments = payments;
  }

  @Override
  public void try_(PayRequest request, StreamObserver<Empty> reply) {
    Replies.branch(reply, branch -> payments.open(branch, request));
  }

  @Override
  public void confirm(PayRequest request, StreamObserver<Empty> reply) {
    Replies.branch(reply, branch -> payments.awaitPayment(branch, request));
  }

  @Override
  public void cancel(PayRequest request, StreamObserver<Empty> reply) {
    Replies.branch(reply, branch -> payments.cancel(branch, request));
  }

  @Override
  public void getPayment(GetPaymentRequest request, StreamObserver<Payment> reply) {
    Replies.read(reply, () -> {
      String orderId = Requests.orderId(request.getOrderId());
      PaymentRow row = payments.payment(orderId).orElseThrow(() -> Replies.notFound("no payment for order " + orderId));
      Payment.Builder out = Payment.newBuilder().setOrderId(row.orderId()).setUserId(row.userId())
          .setAmountCents(row.amountCents()).setStatus(PaymentStatus.valueOf(row.status()));
      if (row.providerTxnId() != null) {
        out.setProviderTxnId(row.providerTxnId());
      }
      for (RefundRow r : payments.refunds(orderId)) {
        out.addRefunds(Refund.newBuilder().setProviderTxnId(r.providerTxnId()).setAmountCents(r.amountCents())
            .setReason(r.reason()).setStatus(RefundStatus.valueOf(r.status())));
      }
      return out.build();
    });
  }
}

package io.seckill.pay;

import com.google.protobuf.Empty;
import io.grpc.stub.StreamObserver;
import io.seckill.proto.pay.PayRequest;
import io.seckill.proto.pay.PaySagaGrpc;
import io.seckill.proto.pay.SettleRequest;
import io.seckill.runtime.Replies;

/** The saga pivots of pay-rpc: where a payment and an expiry of the same order meet. */
public final class PaySagaService extends PaySagaGrpc.PaySagaImplBase {
  private final Payments payments;

  /** A service over {@code payments}. */
  public PaySagaService(Payments payments) {
    this.payments = payments;
  }

  @Override
  public void close(PayRequest request, StreamObserver<Empty> reply) {
    Replies.branch(reply, branch -> payments.close(branch, request));
  }

  @Override
  public void settle(SettleRequest request, StreamObserver<Empty> reply) {
    Replies.branch(reply, branch -> payments.settle(branch, request));
  }
}

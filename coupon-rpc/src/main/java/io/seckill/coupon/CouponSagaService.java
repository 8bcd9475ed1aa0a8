package io.seckill.coupon;

import com.google.protobuf.Empty;
import io.grpc.stub.StreamObserver;
import io.seckill.proto.coupon.CouponRequest;
import io.seckill.proto.coupon.CouponSagaGrpc;
import io.seckill.runtime.Replies;

/** The saga step of coupon-rpc: an expired order's coupon goes back to its owner. */
public final class CouponSagaService extends CouponSagaGrpc.CouponSagaImplBase {
  private final CouponLedger ledger;

  /** A service over {@code ledger}. */
  public CouponSagaService(CouponLedger ledger) {
    this.ledger = ledger;
  }

  @Override
  public void restore(CouponRequest request, StreamObserver<Empty> reply) {
    Replies.branch(reply, branch -> ledger.restore(branch, request));
  }
}

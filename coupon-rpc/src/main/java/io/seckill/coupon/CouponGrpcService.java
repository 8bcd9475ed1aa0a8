package io.seckill.coupon;

import com.google.protobuf.Empty;
import io.grpc.stub.StreamObserver;
import io.seckill.proto.coupon.Coupon;
import io.seckill.proto.coupon.CouponRequest;
import io.seckill.proto.coupon.CouponServiceGrpc;
import io.seckill.proto.coupon.CouponStatus;
import io.seckill.proto.coupon.GetCouponRequest;
import io.seckill.runtime.Replies;
import io.seckill.runtime.Requests;

/** The gRPC face of {@link CouponLedger}: unpacks, delegates, and lets BranchStatus (via Replies) map every failure. */
public final class CouponGrpcService extends CouponServiceGrpc.CouponServiceImplBase {
  private final CouponLedger ledger;

  /** A service over {@code ledger}. */
  public CouponGrpcService(CouponLedger ledger) {
    this.ledger = ledger;
  }

  @Override
  public void try_(CouponRequest request, StreamObserver<Empty> reply) {
    Replies.branch(reply, branch -> ledger.freeze(branch, request));
  }

  @Override
  public void confirm(CouponRequest request, StreamObserver<Empty> reply) {
    Replies.branch(reply, branch -> ledger.use(branch, request));
  }

  @Override
  public void cancel(CouponRequest request, StreamObserver<Empty> reply) {
    Replies.branch(reply, branch -> ledger.release(branch, request));
  }

  @Override
  public void getCoupon(GetCouponRequest request, StreamObserver<Coupon> reply) {
    Replies.read(reply, () -> {
      long id = Requests.positive("coupon_id", request.getCouponId());
      CouponRow row = ledger.coupon(id).orElseThrow(() -> Replies.notFound("no coupon " + id));
      return Coupon.newBuilder().setCouponId(row.id()).setUserId(row.userId())
          .setStatus(CouponStatus.valueOf(row.status()))
          .setOrderId(row.orderId() == null ? "" : row.orderId()).setDiscountCents(row.discountCents()).build();
    });
  }
}

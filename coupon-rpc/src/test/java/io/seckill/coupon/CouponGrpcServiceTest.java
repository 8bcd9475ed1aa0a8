package io.seckill.coupon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.seckill.dtm.BranchOp;
import io.seckill.dtm.branch.BarrierOutcome;
import io.seckill.dtm.branch.BranchContext;
import io.seckill.dtm.branch.BusinessRefusal;
import io.seckill.proto.coupon.CouponRequest;
import io.seckill.proto.coupon.CouponSagaGrpc;
import io.seckill.proto.coupon.CouponServiceGrpc;
import io.seckill.proto.coupon.CouponStatus;
import io.seckill.proto.coupon.GetCouponRequest;
import io.seckill.runtime.testing.Branches;
import io.seckill.runtime.testing.InProcessBranchServer;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** coupon-rpc's transport, in-process over a stub ledger: metadata, refusal, reads. */
class CouponGrpcServiceTest {
  private static final CouponRequest REQUEST =
      CouponRequest.newBuilder().setOrderId("o").setUserId(1).setCouponId(2).build();

  /** Refuses every Try; knows coupon 2 as FROZEN by order "o". */
  private static final class RefusingLedger implements CouponLedger {
    @Override
    public BarrierOutcome freeze(BranchContext branch, CouponRequest request) {
      throw new BusinessRefusal("COUPON_NOT_AVAILABLE", "used");
    }

    @Override
    public BarrierOutcome use(BranchContext branch, CouponRequest request) {
      return BarrierOutcome.DUPLICATE;
    }

    @Override
    public BarrierOutcome release(BranchContext branch, CouponRequest request) {
      return BarrierOutcome.NULL_COMPENSATION;
    }

    @Override
    public BarrierOutcome restore(BranchContext branch, CouponRequest request) {
      throw new IllegalStateException("restore: coupon 2 is FROZEN by order o");
    }

    @Override
    public Optional<CouponRow> coupon(long couponId) {
      return couponId == 2 ? Optional.of(new CouponRow(2, 1, "FROZEN", "o", 200)) : Optional.empty();
    }
  }

  @Test
  void transportContract() throws Exception {
    try (InProcessBranchServer server = InProcessBranchServer.start(new CouponGrpcService(new RefusingLedger()))) {
      CouponServiceGrpc.CouponServiceBlockingStub plain = CouponServiceGrpc.newBlockingStub(server.channel());
      assertEquals(Status.Code.INVALID_ARGUMENT,
          assertThrows(StatusRuntimeException.class, () -> plain.cancel(REQUEST)).getStatus().getCode());
      StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
          () -> plain.withInterceptors(Branches.headers("g", BranchOp.TRY)).try_(REQUEST));
      assertEquals(Status.Code.ABORTED, refused.getStatus().getCode());
      assertEquals("COUPON_NOT_AVAILABLE", refused.getStatus().getDescription());
      plain.withInterceptors(Branches.headers("g", BranchOp.CANCEL)).cancel(REQUEST);

      assertEquals(CouponStatus.FROZEN, plain.getCoupon(GetCouponRequest.newBuilder().setCouponId(2).build()).getStatus());
      assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class,
          () -> plain.getCoupon(GetCouponRequest.newBuilder().setCouponId(3).build())).getStatus().getCode());
      assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class,
          () -> plain.getCoupon(GetCouponRequest.getDefaultInstance())).getStatus().getCode());
    }
  }

  @Test
  void restoreIsASagaStepThatIsRetriedNeverAborted() throws Exception {
    try (InProcessBranchServer server = InProcessBranchServer.start(new CouponSagaService(new RefusingLedger()))) {
      CouponSagaGrpc.CouponSagaBlockingStub plain = CouponSagaGrpc.newBlockingStub(server.channel());
      assertEquals(Status.Code.INVALID_ARGUMENT,
          assertThrows(StatusRuntimeException.class, () -> plain.restore(REQUEST)).getStatus().getCode());
      assertEquals(Status.Code.INTERNAL, assertThrows(StatusRuntimeException.class,
          () -> plain.withInterceptors(Branches.headers("expire-o", BranchOp.ACTION)).restore(REQUEST))
          .getStatus().getCode());
    }
  }
}

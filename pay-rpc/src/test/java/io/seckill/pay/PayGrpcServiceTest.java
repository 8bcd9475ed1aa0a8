package io.seckill.pay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.seckill.dtm.BranchOp;
import io.seckill.dtm.branch.BarrierOutcome;
import io.seckill.dtm.branch.BranchContext;
import io.seckill.dtm.branch.BusinessRefusal;
import io.seckill.proto.pay.GetPaymentRequest;
import io.seckill.proto.pay.PayRequest;
import io.seckill.proto.pay.PayServiceGrpc;
import io.seckill.proto.pay.PaySagaGrpc;
import io.seckill.proto.pay.Payment;
import io.seckill.proto.pay.PaymentStatus;
import io.seckill.proto.pay.RefundStatus;
import io.seckill.proto.pay.SettleRequest;
import io.seckill.runtime.testing.Branches;
import io.seckill.runtime.testing.InProcessBranchServer;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** pay-rpc's transport, in-process over a stub: metadata, refusal, reads. */
class PayGrpcServiceTest {
  private static final PayRequest REQUEST = PayRequest.newBuilder().setOrderId("o").setUserId(1).setAmountCents(0).build();

  /** Refuses every Try; knows the payment of order "o". */
  private static final class RefusingPayments implements Payments {
    @Override
    public BarrierOutcome open(BranchContext branch, PayRequest request) {
      throw new BusinessRefusal("INVALID_AMOUNT", "zero");
    }

    @Override
    public BarrierOutcome awaitPayment(BranchContext branch, PayRequest request) {
      return BarrierOutcome.EXECUTED;
    }

    @Override
    public BarrierOutcome cancel(BranchContext branch, PayRequest request) {
      return BarrierOutcome.EXECUTED;
    }

    @Override
    public BarrierOutcome close(BranchContext branch, PayRequest request) {
      throw new BusinessRefusal("PAYMENT_PAID", "paid");
    }

    @Override
    public BarrierOutcome settle(BranchContext branch, SettleRequest request) {
      return BarrierOutcome.EXECUTED;
    }

    @Override
    public Optional<PaymentRow> payment(String orderId) {
      return "o".equals(orderId) ? Optional.of(new PaymentRow("o", 1, 10, "PAID", "sim-1")) : Optional.empty();
    }

    @Override
    public List<RefundRow> refunds(String orderId) {
      return List.of(new RefundRow("sim-2", orderId, 10, "DOUBLE_PAYMENT", "REFUND_PENDING"));
    }
  }

  @Test
  void transportContract() throws Exception {
    try (InProcessBranchServer server = InProcessBranchServer.start(new PayGrpcService(new RefusingPayments()))) {
      PayServiceGrpc.PayServiceBlockingStub plain = PayServiceGrpc.newBlockingStub(server.channel());
      assertEquals(Status.Code.INVALID_ARGUMENT,
          assertThrows(StatusRuntimeException.class, () -> plain.try_(REQUEST)).getStatus().getCode());
      StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
          () -> plain.withInterceptors(Branches.headers("g", BranchOp.TRY)).try_(REQUEST));
      assertEquals(Status.Code.ABORTED, refused.getStatus().getCode());
      assertEquals("INVALID_AMOUNT", refused.getStatus().getDescription());
      Payment p = plain.getPayment(GetPaymentRequest.newBuilder().setOrderId("o").build());
      assertEquals(PaymentStatus.PAID, p.getStatus());
      assertEquals("sim-1", p.getProviderTxnId());
      assertEquals("sim-2", p.getRefunds(0).getProviderTxnId());
      assertEquals(RefundStatus.REFUND_PENDING, p.getRefunds(0).getStatus());
      assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class,
          () -> plain.getPayment(GetPaymentRequest.newBuilder().setOrderId("x").build())).getStatus().getCode());
    }
  }

  @Test
  void sagaPivotsNeedSagaMetadataAndRefuseWithAborted() throws Exception {
    PayRequest close = PayRequest.newBuilder().setOrderId("o").setUserId(1).setAmountCents(10).build();
    SettleRequest settle = SettleRequest.newBuilder().setOrderId("o").setProviderTxnId("sim-1").setAmountCents(10).build();
    try (InProcessBranchServer server = InProcessBranchServer.start(new PaySagaService(new RefusingPayments()))) {
      PaySagaGrpc.PaySagaBlockingStub plain = PaySagaGrpc.newBlockingStub(server.channel());
      assertEquals(Status.Code.INVALID_ARGUMENT,
          assertThrows(StatusRuntimeException.class, () -> plain.close(close)).getStatus().getCode());
      assertEquals(Status.Code.INVALID_ARGUMENT,
          assertThrows(StatusRuntimeException.class, () -> plain.settle(settle)).getStatus().getCode());
      assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class,
          () -> plain.withInterceptors(Branches.headers("g", BranchOp.TRY)).settle(settle)).getStatus().getCode());
      StatusRuntimeException paid = assertThrows(StatusRuntimeException.class,
          () -> plain.withInterceptors(Branches.headers("expire-o", BranchOp.ACTION)).close(close));
      assertEquals(Status.Code.ABORTED, paid.getStatus().getCode());
      assertEquals("PAYMENT_PAID", paid.getStatus().getDescription());
      plain.withInterceptors(Branches.headers("pay-sim-1", BranchOp.ACTION)).settle(settle);
    }
  }
}

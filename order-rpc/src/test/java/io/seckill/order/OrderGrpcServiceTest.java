package io.seckill.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.seckill.dtm.BranchOp;
import io.seckill.dtm.branch.BarrierOutcome;
import io.seckill.dtm.branch.BranchContext;
import io.seckill.dtm.branch.BusinessRefusal;
import io.seckill.proto.order.GetOrderRequest;
import io.seckill.proto.order.OrderRequest;
import io.seckill.proto.order.OrderServiceGrpc;
import io.seckill.proto.order.OrderStatus;
import io.seckill.proto.order.RecordCancellationRequest;
import io.seckill.runtime.testing.Branches;
import io.seckill.runtime.testing.InProcessBranchServer;
import java.util.Optional;
import io.seckill.proto.order.ListDueOrdersRequest;
import io.seckill.proto.order.Order;
import io.seckill.proto.order.OrderSagaGrpc;
import org.junit.jupiter.api.Test;

/** order-rpc's transport, in-process over a stub: metadata, refusal, RecordCancellation, reads. */
class OrderGrpcServiceTest {
  private static final OrderRequest REQUEST = OrderRequest.newBuilder().setOrderId("o").setUserId(1).setProductId(2)
      .setQuantity(1).setAmountCents(10).build();

  /** Refuses every Try as a duplicate; "c" is confirmed; "o" exists as TRYING. */
  private static final class StubOrders implements Orders {
    @Override
    public BarrierOutcome create(BranchContext branch, OrderRequest request) {
      throw new BusinessRefusal("DUPLICATE_ORDER", "live order exists");
    }

    @Override
    public BarrierOutcome confirm(BranchContext branch, OrderRequest request) {
      return BarrierOutcome.EXECUTED;
    }

    @Override
    public BarrierOutcome cancel(BranchContext branch, OrderRequest request) {
      return BarrierOutcome.EXECUTED;
    }

    @Override
    public OrderRow recordCancellation(OrderRequest order, String reason) {
      if ("c".equals(order.getOrderId())) {
        throw new BusinessRefusal("ORDER_CONFIRMED", "confirmed");
      }
      return new OrderRow(order.getOrderId(), 1, 2, 1, 0, 10, "CANCELLED", reason, null);
    }

    @Override
    public Optional<OrderRow> order(String orderId) {
      if ("p".equals(orderId)) {
        return Optional.of(new OrderRow("p", 1, 2, 1, 0, 10, "PAID", "", 1_700_000_000_123L));
      }
      return "o".equals(orderId) ? Optional.of(new OrderRow("o", 1, 2, 1, 0, 10, "TRYING", "", null)) : Optional.empty();
    }

    @Override
    public BarrierOutcome expire(BranchContext branch, OrderRequest request) {
      throw new IllegalStateException("EXPIRED: order is PAID, not CONFIRMED");
    }

    @Override
    public BarrierOutcome markPaid(BranchContext branch, OrderRequest request) {
      return BarrierOutcome.EXECUTED;
    }

    @Override
    public java.util.List<OrderRow> due(int limit) {
      return java.util.List.of(new OrderRow("d", 1, 2, 1, 0, 10, "CONFIRMED", "", 1_700_000_000_000L));
    }

    @Override
    public java.util.Map<String, String> statuses(java.util.List<String> orderIds) {
      java.util.Map<String, String> all = java.util.Map.of("o", "CONFIRMED", "p", "PAID", "e", "EXPIRED");
      java.util.Map<String, String> out = new java.util.HashMap<>();
      orderIds.stream().filter(all::containsKey).forEach(id -> out.put(id, all.get(id)));
      return out;
    }
  }

  @Test
  void transportContract() throws Exception {
    try (InProcessBranchServer server = InProcessBranchServer.start(new OrderGrpcService(new StubOrders()))) {
      OrderServiceGrpc.OrderServiceBlockingStub plain = OrderServiceGrpc.newBlockingStub(server.channel());
      assertEquals(Status.Code.INVALID_ARGUMENT,
          assertThrows(StatusRuntimeException.class, () -> plain.confirm(REQUEST)).getStatus().getCode());
      StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
          () -> plain.withInterceptors(Branches.headers("g", BranchOp.TRY)).try_(REQUEST));
      assertEquals(Status.Code.ABORTED, refused.getStatus().getCode());
      assertEquals("DUPLICATE_ORDER", refused.getStatus().getDescription());

      // RecordCancellation is not a branch: no dtm-* metadata needed.
      assertEquals("SOLD_OUT", plain.recordCancellation(RecordCancellationRequest.newBuilder()
          .setOrder(REQUEST.toBuilder().setOrderId("n")).setReason("SOLD_OUT").build()).getReason());
      StatusRuntimeException confirmed = assertThrows(StatusRuntimeException.class,
          () -> plain.recordCancellation(RecordCancellationRequest.newBuilder()
              .setOrder(REQUEST.toBuilder().setOrderId("c")).setReason("LATE").build()));
      assertEquals(Status.Code.FAILED_PRECONDITION, confirmed.getStatus().getCode());

      assertEquals(OrderStatus.TRYING, plain.getOrder(GetOrderRequest.newBuilder().setOrderId("o").build()).getStatus());
      assertEquals(0, plain.getOrder(GetOrderRequest.newBuilder().setOrderId("o").build()).getPayDeadlineMillis());
      Order paid = plain.getOrder(GetOrderRequest.newBuilder().setOrderId("p").build());
      assertEquals(OrderStatus.PAID, paid.getStatus());
      assertEquals(1_700_000_000_123L, paid.getPayDeadlineMillis());
      assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class,
          () -> plain.getOrder(GetOrderRequest.newBuilder().setOrderId("x").build())).getStatus().getCode());

      // The batched read leaves out orders without a row.
      assertEquals(java.util.Map.of("o", OrderStatus.CONFIRMED, "p", OrderStatus.PAID, "e", OrderStatus.EXPIRED),
          plain.getOrderStatuses(io.seckill.proto.order.GetOrderStatusesRequest.newBuilder().addOrderIds("o")
              .addOrderIds("p").addOrderIds("e").addOrderIds("x").build()).getStatusesMap());

      Order due = plain.listDueOrders(ListDueOrdersRequest.newBuilder().setLimit(10).build()).getOrders(0);
      assertEquals("d", due.getOrderId());
      assertEquals(1_700_000_000_000L, due.getPayDeadlineMillis());
    }
  }

  @Test
  void sagaStepsNeedSagaMetadataAndAnUnexpectedStateIsRetriedNotAborted() throws Exception {
    try (InProcessBranchServer server = InProcessBranchServer.start(new OrderSagaService(new StubOrders()))) {
      OrderSagaGrpc.OrderSagaBlockingStub plain = OrderSagaGrpc.newBlockingStub(server.channel());
      assertEquals(Status.Code.INVALID_ARGUMENT,
          assertThrows(StatusRuntimeException.class, () -> plain.markPaid(REQUEST)).getStatus().getCode());
      assertEquals(Status.Code.INVALID_ARGUMENT,
          assertThrows(StatusRuntimeException.class, () -> plain.expire(REQUEST)).getStatus().getCode());
      assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class,
          () -> plain.withInterceptors(Branches.headers("expire-o", BranchOp.TRY)).expire(REQUEST)).getStatus().getCode());
      plain.withInterceptors(Branches.headers("pay-t", BranchOp.ACTION)).markPaid(REQUEST);
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> plain.withInterceptors(Branches.headers("expire-o", BranchOp.ACTION)).expire(REQUEST));
      assertEquals(Status.Code.INTERNAL, e.getStatus().getCode(), "DTM must retry it, not roll the saga back");
    }
  }
}

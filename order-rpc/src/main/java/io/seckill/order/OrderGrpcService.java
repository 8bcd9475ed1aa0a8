package io.seckill.order;

import com.google.protobuf.Empty;
import io.grpc.stub.StreamObserver;
import io.seckill.proto.order.DueOrders;
import io.seckill.proto.order.GetOrderRequest;
import io.seckill.proto.order.GetOrderStatusesRequest;
import io.seckill.proto.order.ListDueOrdersRequest;
import io.seckill.proto.order.Order;
import io.seckill.proto.order.OrderRequest;
import io.seckill.proto.order.OrderServiceGrpc;
import io.seckill.proto.order.OrderStatus;
import io.seckill.proto.order.OrderStatuses;
import io.seckill.proto.order.RecordCancellationRequest;
import io.seckill.runtime.Replies;
import io.seckill.runtime.Requests;

/** The gRPC face of {@link Orders}: unpacks, delegates, and lets BranchStatus (via Replies) map every failure. */
public final class OrderGrpcService extends OrderServiceGrpc.OrderServiceImplBase {
  private final Orders orders;

  /** A service over {@code orders}. */
  public OrderGrpcService(Orders orders) {
    this.orders = orders;
  }

  @Override
  public void try_(OrderRequest request, StreamObserver<Empty> reply) {
    Replies.branch(reply, branch -> orders.create(branch, request));
  }

  @Override
  public void confirm(OrderRequest request, StreamObserver<Empty> reply) {
    Replies.branch(reply, branch -> orders.confirm(branch, request));
  }

  @Override
  public void cancel(OrderRequest request, StreamObserver<Empty> reply) {
    Replies.branch(reply, branch -> orders.cancel(branch, request));
  }

  @Override
  public void getOrder(GetOrderRequest request, StreamObserver<Order> reply) {
    Replies.read(reply, () -> {
      String orderId = Requests.orderId(request.getOrderId());
      return toProto(orders.order(orderId).orElseThrow(() -> Replies.notFound("no order " + orderId)));
    });
  }

  /** Not a TCC branch: no dtm-* metadata; a CONFIRMED, PAID or EXPIRED order answers FAILED_PRECONDITION. */
  @Override
  public void recordCancellation(RecordCancellationRequest request, StreamObserver<Order> reply) {
    Replies.read(reply, () -> toProto(orders.recordCancellation(request.getOrder(), request.getReason())));
  }

  /** Not a TCC branch: a batched read of order statuses. */
  @Override
  public void getOrderStatuses(GetOrderStatusesRequest request, StreamObserver<OrderStatuses> reply) {
    Replies.read(reply, () -> {
      OrderStatuses.Builder out = OrderStatuses.newBuilder();
      orders.statuses(request.getOrderIdsList()).forEach((id, status) -> out.putStatuses(id, OrderStatus.valueOf(status)));
      return out.build();
    });
  }

  /** Not a branch: CONFIRMED orders past their deadline, for the expirer. */
  @Override
  public void listDueOrders(ListDueOrdersRequest request, StreamObserver<DueOrders> reply) {
    Replies.read(reply, () -> {
      DueOrders.Builder out = DueOrders.newBuilder();
      orders.due(request.getLimit()).forEach(row -> out.addOrders(toProto(row)));
      return out.build();
    });
  }

  private static Order toProto(OrderRow row) {
    return Order.newBuilder().setOrderId(row.orderId()).setUserId(row.userId()).setProductId(row.productId())
        .setQuantity(row.quantity()).setCouponId(row.couponId()).setAmountCents(row.amountCents())
        .setStatus(OrderStatus.valueOf(row.status())).setReason(row.reason())
        .setPayDeadlineMillis(row.payDeadlineMillis() == null ? 0 : row.payDeadlineMillis()).build();
  }
}

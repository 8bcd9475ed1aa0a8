package io.seckill.api;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.seckill.proto.order.GetOrderRequest;
import io.seckill.proto.order.ListDueOrdersRequest;
import io.seckill.proto.order.Order;
import io.seckill.proto.order.OrderRequest;
import io.seckill.proto.order.OrderServiceGrpc;
import io.seckill.proto.order.RecordCancellationRequest;
import io.seckill.proto.product.GetStockRequest;
import io.seckill.proto.product.ProductServiceGrpc;
import io.seckill.proto.product.Stock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** gRPC clients of order-rpc and product-rpc, each call under a deadline. */
public final class GrpcClients implements OrderDirectory, ProductCatalog, AutoCloseable {
  private final ManagedChannel orders;
  private final ManagedChannel products;
  private final long deadlineMs;

  /** Plaintext channels to {@code orderTarget} and {@code productTarget} (host:port, loopback). */
  public GrpcClients(String orderTarget, String productTarget, long deadlineMs) {
    this.orders = ManagedChannelBuilder.forTarget(orderTarget).usePlaintext().build();
    this.products = ManagedChannelBuilder.forTarget(productTarget).usePlaintext().build();
    this.deadlineMs = deadlineMs;
  }

  @Override
  public Optional<StoredOrder> find(String orderId) {
    try {
      Order o = OrderServiceGrpc.newBlockingStub(orders).withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS)
          .getOrder(GetOrderRequest.newBuilder().setOrderId(orderId).build());
      return Optional.of(view(o));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public StoredOrder recordCancellation(StoredOrder order, String reason) {
    OrderRequest req = OrderRequest.newBuilder().setOrderId(order.orderId()).setUserId(order.userId())
        .setProductId(order.productId()).setQuantity(order.quantity()).setCouponId(order.couponId())
        .setAmountCents(order.amountCents()).build();
    Order o = OrderServiceGrpc.newBlockingStub(orders).withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS)
        .recordCancellation(RecordCancellationRequest.newBuilder().setOrder(req).setReason(reason).build());
    return view(o);
  }

  @Override
  public Optional<ProductStock> stock(long productId) {
    try {
      Stock s = ProductServiceGrpc.newBlockingStub(products).withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS)
          .getStock(GetStockRequest.newBuilder().setProductId(productId).build());
      return Optional.of(new ProductStock(s.getProductId(), s.getName(), s.getPriceCents(), s.getInitialStock(),
          s.getAvailable(), s.getFrozen(), s.getSold()));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private static StoredOrder view(Order o) {
    return new StoredOrder(o.getOrderId(), o.getUserId(), o.getProductId(), o.getQuantity(), o.getCouponId(),
        o.getAmountCents(), o.getStatus().name(), o.getReason(), o.getPayDeadlineMillis());
  }

  /** Up to {@code limit} CONFIRMED orders past their payment deadline, oldest first. */
  public List<StoredOrder> dueOrders(int limit) {
    return OrderServiceGrpc.newBlockingStub(orders).withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS)
        .listDueOrders(ListDueOrdersRequest.newBuilder().setLimit(limit).build())
        .getOrdersList().stream().map(GrpcClients::view).toList();
  }

  @Override
  public void close() {
    orders.shutdown();
    products.shutdown();
    try {
      orders.awaitTermination(2, TimeUnit.SECONDS);
      products.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

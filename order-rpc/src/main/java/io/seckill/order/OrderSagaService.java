package io.seckill.order;

import com.google.protobuf.Empty;
import io.grpc.stub.StreamObserver;
import io.seckill.proto.order.OrderRequest;
import io.seckill.proto.order.OrderSagaGrpc;
import io.seckill.runtime.Replies;

/** The saga steps of order-rpc: they follow a pivot on pay-rpc and never refuse. */
public final class OrderSagaService extends OrderSagaGrpc.OrderSagaImplBase {
  private final Orders orders;

  /** A service over {@code orders}. */
  public OrderSagaService(Orders orders) {
    this.orders = orders;
  }

  @Override
  public void expire(OrderRequest request, StreamObserver<Empty> reply) {
    Replies.branch(reply, branch -> orders.expire(branch, request));
  }

  @Override
  public void markPaid(OrderRequest request, StreamObserver<Empty> reply) {
    Replies.branch(reply, branch -> orders.markPaid(branch, request));
  }
}

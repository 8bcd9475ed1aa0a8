package io.seckill.consumer;

import io.seckill.dtm.tcc.TccFailure;
import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Channel;
import io.grpc.Status;
import io.seckill.proto.OrderMessage;
import io.seckill.proto.order.GetOrderStatusesRequest;
import io.seckill.proto.order.Order;
import io.seckill.proto.order.OrderServiceGrpc;
import io.seckill.proto.order.OrderStatus;
import io.seckill.proto.order.OrderStatuses;
import io.seckill.proto.order.RecordCancellationRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** {@link OrderLedger} over order-rpc's RecordCancellation. */
public final class GrpcOrderLedger implements OrderLedger, OrderRowSubmitCheck.Statuses {
  private final OrderServiceGrpc.OrderServiceFutureStub stub;
  private final Duration deadline;

  /** Calls order-rpc on {@code channel} with {@code deadline} per call. */
  public GrpcOrderLedger(Channel channel, Duration deadline) {
    this.stub = OrderServiceGrpc.newFutureStub(channel);
    this.deadline = deadline;
  }

  @Override
  public CompletionStage<Boolean> recordCancellation(OrderMessage order, String reason) {
    CompletableFuture<Boolean> result = new CompletableFuture<>();
    RecordCancellationRequest req = RecordCancellationRequest.newBuilder()
        .setOrder(BranchPlan.orderRequest(order))
        .setReason(reason)
        .build();
    Futures.addCallback(stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS).recordCancellation(req),
        new FutureCallback<Order>() {
          @Override
          public void onSuccess(Order o) {
            if (o.getStatus() == OrderStatus.CONFIRMED) {
              // DTM aborted this gid, so its Confirm can never run: a CONFIRMED row means a bug.
              result.completeExceptionally(new IllegalStateException(
                  "order " + order.getOrderId() + " is CONFIRMED although its transaction was aborted"));
              return;
            }
            // Durable once the row carries a reason: CANCELLED already, or TRYING until DTM's
            // Cancel, which DTM retries until it succeeds and which keeps the reason. Waiting for
            // that Cancel here would tie the in-flight window to DTM's retry back-off (minutes
            // after a long branch outage) and stall every partition behind it.
            result.complete(o.getStatus() == OrderStatus.CANCELLED || !o.getReason().isEmpty());
          }

          @Override
          public void onFailure(Throwable t) {
            Status st = Status.fromThrowable(t);
            result.completeExceptionally(new TccFailure.Trouble("RecordCancellation: " + st.getCode()
                + (st.getDescription() == null ? "" : ": " + st.getDescription()), t));
          }
        }, MoreExecutors.directExecutor());
    return result;
  }

  /** One GetOrderStatuses call: order id -> status name for the ids that have a row. */
  @Override
  public CompletionStage<Map<String, String>> of(List<String> orderIds) {
    CompletableFuture<Map<String, String>> result = new CompletableFuture<>();
    GetOrderStatusesRequest req = GetOrderStatusesRequest.newBuilder().addAllOrderIds(orderIds).build();
    Futures.addCallback(stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS).getOrderStatuses(req),
        new FutureCallback<OrderStatuses>() {
          @Override
          public void onSuccess(OrderStatuses found) {
            Map<String, String> out = new HashMap<>();
            found.getStatusesMap().forEach((id, status) -> out.put(id, status.name()));
            result.complete(out);
          }

          @Override
          public void onFailure(Throwable t) {
            result.completeExceptionally(new TccFailure.Trouble("GetOrderStatuses: " + Status.fromThrowable(t).getCode(), t));
          }
        }, MoreExecutors.directExecutor());
    return result;
  }
}

package io.seckill.api;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.seckill.api.OrderDirectory.StoredOrder;
import io.seckill.dtm.client.DtmClient;
import io.seckill.dtm.client.DtmTransaction;
import io.seckill.dtm.client.GlobalStatus;
import io.seckill.dtm.client.SagaStep;
import io.seckill.dtm.client.TransOptions;
import io.seckill.proto.admission.AdmissionSagaGrpc;
import io.seckill.proto.admission.SlotRequest;
import io.seckill.proto.coupon.CouponRequest;
import io.seckill.proto.coupon.CouponSagaGrpc;
import io.seckill.proto.order.OrderRequest;
import io.seckill.proto.order.OrderSagaGrpc;
import io.seckill.proto.pay.GetPaymentRequest;
import io.seckill.proto.pay.PayRequest;
import io.seckill.proto.pay.PaySagaGrpc;
import io.seckill.proto.pay.PayServiceGrpc;
import io.seckill.proto.pay.Payment;
import io.seckill.proto.pay.SettleRequest;
import io.seckill.proto.product.ProductSagaGrpc;
import io.seckill.proto.product.StockRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The two sagas after the TCC, both "pivot first" (see docs/order-lifecycle.md): the expiry
 * {@code expire-<orderId>} and the payment {@code pay-<providerTxnId>}. Step 1 runs on pay-rpc's
 * payment row and decides; the later steps never refuse, so DTM retries them until they are done.
 * The gid is the idempotency key, so several API instances may submit the same saga.
 */
public final class OrderSagas implements AutoCloseable {
  /** What became of a saga. */
  public enum Outcome {
    /** This Submit ran every step: the pivot succeeded for this very request. */
    RAN,
    /** Every step ran (DTM says so; perhaps through an earlier Submit of the same gid). */
    DONE,
    /** The pivot refused (the payment was paid first, or the payment lost): nothing else ran. */
    REFUSED,
    /** DTM holds it and is still running a step (it retries until done). */
    RUNNING
  }

  private final DtmClient dtm;
  private final ManagedChannel pay;
  private final String orderTarget;
  private final String productTarget;
  private final String couponTarget;
  private final String payTarget;
  private final String admissionTarget;
  private final long deadlineMs;
  private final TransOptions options;

  /** Sagas through {@code dtm}; the targets are the host:port DTM calls for each service. */
  public OrderSagas(DtmClient dtm, String orderTarget, String productTarget, String couponTarget, String payTarget,
      String admissionTarget, long deadlineMs) {
    this.dtm = dtm;
    this.pay = ManagedChannelBuilder.forTarget(payTarget).usePlaintext().build();
    this.orderTarget = orderTarget;
    this.productTarget = productTarget;
    this.couponTarget = couponTarget;
    this.payTarget = payTarget;
    this.admissionTarget = admissionTarget;
    this.deadlineMs = deadlineMs;
    // DTM retries a failing later step every 2 s, backing off; the caller waits for the first run.
    this.options = TransOptions.defaults().withWaitResult(true).withRetryInterval(Duration.ofSeconds(2));
  }

  /** The gid of the expiry of {@code orderId}. */
  public static String expiryGid(String orderId) {
    return "expire-" + orderId;
  }

  /** The gid of the payment by provider transaction {@code txn}. */
  public static String paymentGid(String txn) {
    return "pay-" + txn;
  }

  /** Expires {@code o} (CONFIRMED past its deadline): closes the payment, then gives everything back. */
  public Outcome expire(StoredOrder o) throws InterruptedException {
    List<SagaStep> steps = new ArrayList<>();
    steps.add(SagaStep.retriable(payTarget, PaySagaGrpc.SERVICE_NAME + "/Close", PayRequest.newBuilder()
        .setOrderId(o.orderId()).setUserId(o.userId()).setAmountCents(o.amountCents()).build().toByteArray()));
    steps.add(SagaStep.retriable(orderTarget, OrderSagaGrpc.SERVICE_NAME + "/Expire", request(o).toByteArray()));
    steps.add(SagaStep.retriable(productTarget, ProductSagaGrpc.SERVICE_NAME + "/Release", StockRequest.newBuilder()
        .setOrderId(o.orderId()).setProductId(o.productId()).setQuantity(o.quantity()).build().toByteArray()));
    if (o.couponId() > 0) {
      steps.add(SagaStep.retriable(couponTarget, CouponSagaGrpc.SERVICE_NAME + "/Restore", CouponRequest.newBuilder()
          .setOrderId(o.orderId()).setUserId(o.userId()).setCouponId(o.couponId()).build().toByteArray()));
    }
    steps.add(SagaStep.retriable(admissionTarget, AdmissionSagaGrpc.SERVICE_NAME + "/ReleaseSlot", SlotRequest.newBuilder()
        .setOrderId(o.orderId()).setProductId(o.productId()).setUserId(o.userId()).setQuantity(o.quantity())
        .build().toByteArray()));
    return run(expiryGid(o.orderId()), steps);
  }

  /** Settles {@code o} as paid by provider transaction {@code txn} for {@code amountCents}. */
  public Outcome pay(StoredOrder o, String txn, long amountCents) throws InterruptedException {
    List<SagaStep> steps = List.of(
        SagaStep.retriable(payTarget, PaySagaGrpc.SERVICE_NAME + "/Settle", SettleRequest.newBuilder()
            .setOrderId(o.orderId()).setProviderTxnId(txn).setAmountCents(amountCents).build().toByteArray()),
        SagaStep.retriable(orderTarget, OrderSagaGrpc.SERVICE_NAME + "/MarkPaid", request(o).toByteArray()));
    return run(paymentGid(txn), steps);
  }

  /** The payment of {@code orderId} (status, paying transaction, refunds), if pay-rpc has one. */
  public Optional<Payment> payment(String orderId) {
    try {
      return Optional.of(PayServiceGrpc.newBlockingStub(pay).withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS)
          .getPayment(GetPaymentRequest.newBuilder().setOrderId(orderId).build()));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private Outcome run(String gid, List<SagaStep> steps) throws InterruptedException {
    try {
      dtm.submitSaga(gid, steps, options).get(deadlineMs + 10_000, TimeUnit.MILLISECONDS);
      return Outcome.RAN;
    } catch (ExecutionException e) {
      // ABORTED means rolled back, still retrying, or finished by an earlier Submit: DTM says which.
      if (Status.fromThrowable(e.getCause()).getCode() != Status.Code.ABORTED) {
        throw new IllegalStateException("DTM did not take saga " + gid + ": " + e.getCause(), e.getCause());
      }
      return status(gid);
    } catch (TimeoutException e) {
      return status(gid);
    }
  }

  private Outcome status(String gid) throws InterruptedException {
    try {
      Optional<DtmTransaction> t = dtm.queryNow(gid);
      if (t.isEmpty()) {
        throw new IllegalStateException("DTM does not know saga " + gid);
      }
      GlobalStatus s = t.get().status();
      return s == GlobalStatus.SUCCEED ? Outcome.DONE : s == GlobalStatus.FAILED ? Outcome.REFUSED : Outcome.RUNNING;
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot ask DTM about " + gid + ": " + e, e);
    }
  }

  private static OrderRequest request(StoredOrder o) {
    return OrderRequest.newBuilder().setOrderId(o.orderId()).setUserId(o.userId()).setProductId(o.productId())
        .setQuantity(o.quantity()).setCouponId(o.couponId()).setAmountCents(o.amountCents()).build();
  }

  @Override
  public void close() {
    pay.shutdown();
    dtm.close();
  }
}

package io.seckill.api;

import com.google.protobuf.Empty;
import io.grpc.stub.StreamObserver;
import io.seckill.proto.admission.AdmissionSagaGrpc;
import io.seckill.proto.admission.SlotRequest;
import io.seckill.runtime.Replies;
import io.seckill.runtime.Requests;

/**
 * The last step of an expiry saga, served by the API because it owns Redis admission: the expired
 * order's slots go back to its sale and its buyer's mark is cleared, once per order (admission state
 * F, or a still-pending A/Q, -> E), so the unit can be sold again while the sale is open. A call
 * without DTM's branch metadata never gets here (DtmServerInterceptor answers INVALID_ARGUMENT).
 */
public final class AdmissionSagaService extends AdmissionSagaGrpc.AdmissionSagaImplBase {
  private final AdmissionStore store;
  private final AdmissionService admission;
  private final ApiMetrics metrics;

  /** A service over the admission store. */
  public AdmissionSagaService(AdmissionStore store, AdmissionService admission, ApiMetrics metrics) {
    this.store = store;
    this.admission = admission;
    this.metrics = metrics;
  }

  @Override
  public void releaseSlot(SlotRequest request, StreamObserver<Empty> reply) {
    Replies.branch(reply, branch -> {
      Requests.orderId(request.getOrderId());
      if (store.expireFinal(request.getOrderId())) {
        metrics.slotReleased();
        // The sale may have units again: the in-process "sold out" answer must not hide them.
        admission.clearSoldOut(AdmissionStore.productOf(request.getOrderId()));
      }
    });
  }
}

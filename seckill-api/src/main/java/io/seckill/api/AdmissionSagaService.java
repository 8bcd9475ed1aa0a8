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
 * F -> E), so the unit can be sold again while the sale is open.
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
        metrics.lifecycle("slot_released");
        admission.clearSoldOut(request.getProductId());
      }
    });
  }
}

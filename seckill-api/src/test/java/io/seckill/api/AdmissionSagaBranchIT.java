package io.seckill.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import io.seckill.api.AdmissionStore.Admission;
import io.seckill.dtm.DtmHeaders;
import io.seckill.proto.admission.AdmissionSagaGrpc;
import io.seckill.proto.admission.SlotRequest;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The API's own gRPC listener against the stack's Redis: AdmissionSaga/ReleaseSlot as DTM calls it
 * (state F -> E once), refused without DTM's branch metadata, and grpc.health.v1.
 */
class AdmissionSagaBranchIT {
  @Test
  void releaseSlotIsADtmBranchThatReleasesOnce() throws Exception {
    assertTrue(TestStack.reachable(TestStack.REDIS_PORT), "Redis of the local stack is not running (./seckill up)");
    int grpcPort = TestStack.closedPort();
    long product = TestStack.testProductId();
    try (ApiServer server = ApiServer.start(TestStack.config(Map.of(ApiConfig.GRPC_PORT.name(), Integer.toString(grpcPort),
        ApiConfig.EXPIRY_ENABLED.name(), "false")))) {
      assertEquals(grpcPort, server.grpcPort());
      assertTrue(server.expirer() == null, "expiry.enabled=false runs no expirer");
      AdmissionStore store = server.store();
      store.openSale(product, 1, 1000, 1, System.currentTimeMillis());
      Admission a = store.admit(5, product, 1, 0, System.currentTimeMillis(), 0, 1000);
      assertTrue(store.finalizeConfirmed(a.orderId()));
      assertEquals(AdmissionStore.Outcome.SOLD_OUT, store.admit(6, product, 1, 0, System.currentTimeMillis(), 0, 1000)
          .outcome());
      SlotRequest req = SlotRequest.newBuilder().setOrderId(a.orderId()).setProductId(product).setUserId(5)
          .setQuantity(1).build();
      ManagedChannel ch = ManagedChannelBuilder.forAddress(TestStack.HOST, grpcPort).usePlaintext().build();
      try {
        HealthCheckResponse h = HealthGrpc.newBlockingStub(ch).withDeadlineAfter(5, TimeUnit.SECONDS)
            .check(HealthCheckRequest.getDefaultInstance());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, h.getStatus());

        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> AdmissionSagaGrpc.newBlockingStub(ch)
            .withDeadlineAfter(5, TimeUnit.SECONDS).releaseSlot(req));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
        assertEquals('F', store.record(a.orderId()).orElseThrow().state(), "nothing moved without DTM's metadata");

        Metadata dtm = new Metadata();
        dtm.put(DtmHeaders.GID, OrderSagas.expiryGid(a.orderId()));
        dtm.put(DtmHeaders.TRANS_TYPE, DtmHeaders.SAGA);
        dtm.put(DtmHeaders.BRANCH_ID, "05");
        dtm.put(DtmHeaders.OP, "action");
        dtm.put(DtmHeaders.DTM, "127.0.0.1:36790");
        AdmissionSagaGrpc.AdmissionSagaBlockingStub branch = AdmissionSagaGrpc.newBlockingStub(ch)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(dtm));
        branch.withDeadlineAfter(5, TimeUnit.SECONDS).releaseSlot(req);
        assertEquals('E', store.record(a.orderId()).orElseThrow().state());
        assertEquals(1, store.sale(product).orElseThrow().left());
        assertEquals(1.0, server.metrics().slotsReleasedCount());
        assertEquals(AdmissionStore.Outcome.ADMITTED, store.admit(6, product, 1, 0, System.currentTimeMillis(), 0, 1000)
            .outcome(), "the unit can be sold again");
        // DTM retries a step whose reply it lost: the second call succeeds and changes nothing.
        branch.withDeadlineAfter(5, TimeUnit.SECONDS).releaseSlot(req);
        assertEquals(0, store.sale(product).orElseThrow().left(), "the resold unit stays sold");
        assertEquals(1.0, server.metrics().slotsReleasedCount());
      } finally {
        ch.shutdownNow();
        try (var redis = new AutoCloseableRedis()) {
          TestStack.cleanRedis(redis.client, product);
        }
      }
    }
  }

  private static final class AutoCloseableRedis implements AutoCloseable {
    final org.redisson.api.RedissonClient client = TestStack.redis();

    @Override
    public void close() {
      client.shutdown();
    }
  }
}

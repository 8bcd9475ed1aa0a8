package io.seckill.product;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.seckill.dtm.BranchOp;
import io.seckill.dtm.branch.BarrierOutcome;
import io.seckill.dtm.branch.BranchContext;
import io.seckill.dtm.branch.BusinessRefusal;
import io.seckill.proto.product.GetStockRequest;
import io.seckill.proto.product.ProductServiceGrpc;
import io.seckill.proto.product.ProductServiceGrpc.ProductServiceBlockingStub;
import io.seckill.proto.product.Stock;
import io.seckill.proto.product.ProductSagaGrpc;
import io.seckill.proto.product.StockRequest;
import io.seckill.runtime.testing.Branches;
import io.seckill.runtime.testing.InProcessBranchServer;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The transport layer of product-rpc, in-process, over a scripted ledger: metadata, status mapping, reads. */
class ProductGrpcServiceTest {
  private static final StockRequest REQUEST =
      StockRequest.newBuilder().setOrderId("o-1").setProductId(7).setQuantity(2).build();

  private final ScriptedLedger ledger = new ScriptedLedger();
  private InProcessBranchServer server;

  @BeforeEach
  void start() throws Exception {
    server = InProcessBranchServer.start(new ProductGrpcService(ledger));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private ProductServiceBlockingStub stub(String gid, BranchOp op) {
    return ProductServiceGrpc.newBlockingStub(server.channel()).withInterceptors(Branches.headers(gid, op));
  }

  @Test
  void tryWithoutDtmMetadataIsInvalidArgumentNamingTheKey() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> ProductServiceGrpc.newBlockingStub(server.channel()).try_(REQUEST));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("dtm-gid"), e.getStatus().getDescription());
    assertTrue(ledger.calls.isEmpty(), "the ledger must not be called");
  }

  @Test
  void tryPassesTheBranchContextAndRequest() {
    stub("g-ok", BranchOp.TRY).try_(REQUEST);
    assertEquals(List.of("freeze g-ok 01 TRY o-1"), ledger.calls);
  }

  @Test
  void refusalOnTryIsAbortedWithTheReasonCode() {
    ledger.failure = new BusinessRefusal("SOLD_OUT", "none left");
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub("g-r", BranchOp.TRY).try_(REQUEST));
    assertEquals(Status.Code.ABORTED, e.getStatus().getCode());
    assertEquals("SOLD_OUT", e.getStatus().getDescription());
  }

  @Test
  void malformedRequestIsInvalidArgumentWithoutStackTrace() {
    ledger.failure = new IllegalArgumentException("quantity must be positive, got 0");
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub("g-m", BranchOp.TRY).try_(REQUEST));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals("quantity must be positive, got 0", e.getStatus().getDescription());
  }

  @Test
  void transientDatabaseTroubleOnConfirmIsUnavailable() {
    ledger.failure = new SQLTransientConnectionException("pool timeout");
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> stub("g-t", BranchOp.CONFIRM).confirm(REQUEST));
    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
  }

  @Test
  void opHeaderMustMatchTheMethod() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> stub("g-x", BranchOp.CANCEL).confirm(REQUEST));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(ledger.calls.isEmpty());
  }

  @Test
  void getStockNeedsNoDtmMetadataAndIsNotFoundWhenAbsent() {
    ledger.row = new StockRow(7, "thing", 1100, 50, 40, 3, 7);
    Stock stock = ProductServiceGrpc.newBlockingStub(server.channel())
        .getStock(GetStockRequest.newBuilder().setProductId(7).build());
    assertEquals(40, stock.getAvailable());
    assertEquals(7, stock.getSold());

    ledger.row = null;
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () ->
        ProductServiceGrpc.newBlockingStub(server.channel()).getStock(GetStockRequest.newBuilder().setProductId(8).build()));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
  }

  @Test
  void healthReportsServingUntilStopped() {
    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(server.channel());
    assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.newBuilder()
        .setService(ProductServiceGrpc.SERVICE_NAME).build()).getStatus());
    assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.getDefaultInstance()).getStatus());
    server.server().stop();
    assertTrue(server.server().isTerminated());
    assertFalse(server.channel().isTerminated());
  }

  /** A ledger that records calls and fails as told. */
  private static final class ScriptedLedger implements StockLedger {
    final List<String> calls = new ArrayList<>();
    Exception failure;
    StockRow row;

    private BarrierOutcome record(String what, BranchContext b, StockRequest r) throws Exception {
      calls.add(what + " " + b.gid() + " " + b.branchId() + " " + b.op().name() + " " + r.getOrderId());
      if (failure != null) {
        throw failure;
      }
      return BarrierOutcome.EXECUTED;
    }

    @Override
    public BarrierOutcome freeze(BranchContext branch, StockRequest request) throws Exception {
      return record("freeze", branch, request);
    }

    @Override
    public BarrierOutcome sell(BranchContext branch, StockRequest request) throws Exception {
      return record("sell", branch, request);
    }

    @Override
    public BarrierOutcome release(BranchContext branch, StockRequest request) throws Exception {
      return record("release", branch, request);
    }

    @Override
    public BarrierOutcome unsell(BranchContext branch, StockRequest request) throws Exception {
      return record("unsell", branch, request);
    }

    @Override
    public Optional<StockRow> stock(long productId) {
      return Optional.ofNullable(row);
    }
  }

  @Test
  void releaseIsASagaStepThatNeedsSagaMetadata() throws Exception {
    ScriptedLedger saga = new ScriptedLedger();
    try (InProcessBranchServer s = InProcessBranchServer.start(new ProductSagaService(saga))) {
      ProductSagaGrpc.ProductSagaBlockingStub plain = ProductSagaGrpc.newBlockingStub(s.channel());
      assertEquals(Status.Code.INVALID_ARGUMENT,
          assertThrows(StatusRuntimeException.class, () -> plain.release(REQUEST)).getStatus().getCode());
      assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class,
          () -> plain.withInterceptors(Branches.headers("expire-o-1", BranchOp.CANCEL)).release(REQUEST))
          .getStatus().getCode());
      plain.withInterceptors(Branches.headers("expire-o-1", BranchOp.ACTION)).release(REQUEST);
      assertEquals(List.of("unsell expire-o-1 01 ACTION o-1"), saga.calls);
    }
  }
}

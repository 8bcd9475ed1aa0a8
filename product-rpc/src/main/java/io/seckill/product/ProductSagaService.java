package io.seckill.product;

import com.google.protobuf.Empty;
import io.grpc.stub.StreamObserver;
import io.seckill.proto.product.ProductSagaGrpc;
import io.seckill.proto.product.StockRequest;
import io.seckill.runtime.Replies;

/** The saga step of product-rpc: an expired order's units go back on sale. */
public final class ProductSagaService extends ProductSagaGrpc.ProductSagaImplBase {
  private final StockLedger ledger;

  /** A service over {@code ledger}. */
  public ProductSagaService(StockLedger ledger) {
    this.ledger = ledger;
  }

  @Override
  public void release(StockRequest request, StreamObserver<Empty> reply) {
    Replies.branch(reply, branch -> ledger.unsell(branch, request));
  }
}

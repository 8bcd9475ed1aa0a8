package io.seckill.product;

import com.google.protobuf.Empty;
import io.grpc.stub.StreamObserver;
import io.seckill.proto.product.GetStockRequest;
import io.seckill.proto.product.ProductServiceGrpc;
import io.seckill.proto.product.Stock;
import io.seckill.proto.product.StockRequest;
import io.seckill.runtime.Replies;
import io.seckill.runtime.Requests;

/** The gRPC face of {@link StockLedger}: unpacks, delegates, and lets BranchStatus (via Replies) map every failure. */
public final class ProductGrpcService extends ProductServiceGrpc.ProductServiceImplBase {
  private final StockLedger ledger;

  /** A service over {@code ledger}. */
  public ProductGrpcService(StockLedger ledger) {
    this.ledger = ledger;
  }

  @Override
  public void try_(StockRequest request, StreamObserver<Empty> reply) {
    Replies.branch(reply, branch -> ledger.freeze(branch, request));
  }

  @Override
  public void confirm(StockRequest request, StreamObserver<Empty> reply) {
    Replies.branch(reply, branch -> ledger.sell(branch, request));
  }

  @Override
  public void cancel(StockRequest request, StreamObserver<Empty> reply) {
    Replies.branch(reply, branch -> ledger.release(branch, request));
  }

  @Override
  public void getStock(GetStockRequest request, StreamObserver<Stock> reply) {
    Replies.read(reply, () -> {
      long id = Requests.positive("product_id", request.getProductId());
      StockRow row = ledger.stock(id).orElseThrow(
          () -> Replies.notFound("no product " + id));
      return Stock.newBuilder().setProductId(row.id()).setName(row.name()).setPriceCents(row.priceCents())
          .setInitialStock(row.initialStock()).setAvailable(row.available()).setFrozen(row.frozen())
          .setSold(row.sold()).build();
    });
  }
}

package io.seckill.product;

import io.seckill.dtm.BranchOp;
import io.seckill.dtm.branch.BarrierOutcome;
import io.seckill.dtm.branch.BranchBarrier;
import io.seckill.dtm.branch.BranchContext;
import io.seckill.dtm.branch.BusinessRefusal;
import io.seckill.proto.product.StockRequest;
import io.seckill.runtime.Requests;
import java.util.Optional;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;

/** {@link StockLedger} on the seckill_product database, each operation in one barrier transaction. */
public final class SqlStockLedger implements StockLedger {
  private final SqlSessionFactory sessions;
  private final BranchBarrier barrier = new BranchBarrier();

  /** A ledger over {@code sessions}, which must know {@link ProductMapper}. */
  public SqlStockLedger(SqlSessionFactory sessions) {
    this.sessions = sessions;
  }

  @Override
  public BarrierOutcome freeze(BranchContext branch, StockRequest request) throws Exception {
    // A Try is checked before the barrier: a malformed Try writes nothing, not even a barrier row.
    validate(request);
    return barrier.call(sessions, branch, s -> {
      ProductMapper products = s.getMapper(ProductMapper.class);
      if (products.freeze(request.getProductId(), request.getQuantity()) == 0) {
        // Thrown inside the barrier: the transaction rolls back with its barrier row, so the Cancel
        // DTM sends next finds no Try and compensates nothing.
        if (products.exists(request.getProductId()) == null) {
          throw new BusinessRefusal("UNKNOWN_PRODUCT", "no product " + request.getProductId());
        }
        throw new BusinessRefusal("SOLD_OUT", "product " + request.getProductId() + " has fewer than "
            + request.getQuantity() + " units available");
      }
    });
  }

  @Override
  public BarrierOutcome sell(BranchContext branch, StockRequest request) throws Exception {
    return barrier.call(sessions, branch, s -> settle(s, request, BranchOp.CONFIRM));
  }

  @Override
  public BarrierOutcome release(BranchContext branch, StockRequest request) throws Exception {
    return barrier.call(sessions, branch, s -> settle(s, request, BranchOp.CANCEL));
  }

  // Confirm and Cancel validate only once the barrier has let them through: a refused, malformed Try
  // is followed by a Cancel with the same bytes, and that Cancel must succeed as a null compensation.
  private static void settle(SqlSession s, StockRequest request, BranchOp op) {
    validate(request);
    ProductMapper products = s.getMapper(ProductMapper.class);
    int rows = op == BranchOp.CONFIRM
        ? products.sell(request.getProductId(), request.getQuantity())
        : products.release(request.getProductId(), request.getQuantity());
    if (rows == 0) {
      // Only possible if someone changed the row behind the barrier; INTERNAL makes DTM retry and alerts.
      throw new IllegalStateException(op + " found fewer than " + request.getQuantity()
          + " frozen units on product " + request.getProductId());
    }
  }

  @Override
  public BarrierOutcome unsell(BranchContext branch, StockRequest request) throws Exception {
    Requests.sagaAction(branch);
    validate(request);
    return barrier.call(sessions, branch, s -> {
      if (s.getMapper(ProductMapper.class).unsell(request.getProductId(), request.getQuantity()) == 0) {
        throw new IllegalStateException("release: product " + request.getProductId() + " has fewer than "
            + request.getQuantity() + " sold units (order " + request.getOrderId() + ")");
      }
    });
  }

  @Override
  public Optional<StockRow> stock(long productId) {
    try (SqlSession s = sessions.openSession()) {
      return Optional.ofNullable(s.getMapper(ProductMapper.class).find(productId));
    }
  }

  private static void validate(StockRequest request) {
    Requests.orderId(request.getOrderId());
    Requests.positive("product_id", request.getProductId());
    Requests.positive("quantity", request.getQuantity());
  }
}

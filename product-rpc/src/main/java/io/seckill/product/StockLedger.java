package io.seckill.product;

import io.seckill.dtm.branch.BarrierOutcome;
import io.seckill.dtm.branch.BranchContext;
import io.seckill.proto.product.StockRequest;
import java.util.Optional;

/**
 * Product stock as a TCC resource. Each branch operation is idempotent on the DTM key
 * (gid, branch id, op) through the barrier; DTM replays Try's request to Confirm and Cancel.
 */
public interface StockLedger {

  /**
   * Try: available -= quantity, frozen += quantity. Idempotency key: (gid, branch id) of
   * {@code branch}; a repeat does nothing, a Try after its Cancel does nothing (anti-hanging).
   * Throws BusinessRefusal UNKNOWN_PRODUCT or SOLD_OUT, IllegalArgumentException for a malformed request.
   */
  BarrierOutcome freeze(BranchContext branch, StockRequest request) throws Exception;

  /** Confirm: frozen -= quantity, sold += quantity. Idempotency key: (gid, branch id); repeats do nothing. */
  BarrierOutcome sell(BranchContext branch, StockRequest request) throws Exception;

  /**
   * Cancel: frozen -= quantity, available += quantity. Idempotency key: (gid, branch id); a Cancel
   * whose Try never ran (or was refused) changes nothing (null compensation).
   */
  BarrierOutcome release(BranchContext branch, StockRequest request) throws Exception;

  /**
   * Expiry saga step (after the payment was CLOSED): sold -= quantity, available += quantity, so the
   * unit can be sold again. Idempotency key: (gid, branch id); the expiry's gid is the order's. Too few
   * sold units is an IllegalStateException (DTM retries; this step never refuses). Only a saga
   * action: a compensate is an IllegalArgumentException (it would give the units back twice).
   */
  BarrierOutcome unsell(BranchContext branch, StockRequest request) throws Exception;

  /** The counters of one product, if it exists. */
  Optional<StockRow> stock(long productId);
}

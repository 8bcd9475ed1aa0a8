package io.seckill.runtime;

import io.seckill.dtm.BranchOp;
import io.seckill.dtm.branch.BranchContext;
import java.util.regex.Pattern;

/**
 * Field checks shared by the branch services. Each throws IllegalArgumentException naming the field,
 * which {@code BranchStatus} turns into INVALID_ARGUMENT.
 */
public final class Requests {
  // The order id format (docs/design.md, "Order message"): it is also part of the DTM gid, so it must stay short and plain.
  private static final Pattern ORDER_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private Requests() {
  }

  /** {@code value} when it is a valid order id (1-64 chars of [A-Za-z0-9_-]). */
  public static String orderId(String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("order_id is required");
    }
    if (!ORDER_ID.matcher(value).matches()) {
      throw new IllegalArgumentException("order_id must be 1-64 chars of [A-Za-z0-9_-]");
    }
    return value;
  }

  /** {@code value} when it is positive. */
  public static long positive(String field, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(field + " must be positive, got " + value);
    }
    return value;
  }

  /** {@code value} when it is not negative. */
  public static long notNegative(String field, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(field + " must not be negative, got " + value);
    }
    return value;
  }

  /**
   * {@code branch} when it is a saga action. The saga steps of the branch services have no
   * compensation (DTM never calls an empty compensation), so a compensate sent to one is misrouted:
   * running the step's work again as a compensation would repeat it (a second stock release).
   */
  public static BranchContext sagaAction(BranchContext branch) {
    if (branch.op() != BranchOp.ACTION) {
      throw new IllegalArgumentException("op " + branch.op().wire() + " is not action: this saga step has no compensation");
    }
    return branch;
  }
}

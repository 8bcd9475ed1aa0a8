package io.seckill.dtm;

import java.util.Locale;
import java.util.Optional;

/**
 * The operations of a DTM branch, with their DTM wire names and gRPC method names: TCC's three
 * (try, confirm, cancel) and Saga's two (action, compensate).
 */
public enum BranchOp {
  TRY("try", "Try"),
  CONFIRM("confirm", "Confirm"),
  CANCEL("cancel", "Cancel"),
  ACTION("action", "Action"),
  COMPENSATE("compensate", "Compensate");

  private final String wire;
  private final String methodName;

  BranchOp(String wire, String methodName) {
    this.wire = wire;
    this.methodName = methodName;
  }

  /** The name DTM uses in the {@code dtm-op} metadata and its branch tables. */
  public String wire() {
    return wire;
  }

  /** The conventional gRPC method name (Try, Confirm, Cancel) of this operation. */
  public String methodName() {
    return methodName;
  }

  /** The DTM transaction type this op belongs to: {@code tcc} or {@code saga}. */
  public String transType() {
    return this == ACTION || this == COMPENSATE ? DtmHeaders.SAGA : DtmHeaders.TCC;
  }

  /**
   * True for the forward ops that may refuse for a business reason (TRY, ACTION): their refusal is
   * ABORTED, which rolls the transaction back. The others must succeed eventually.
   */
  public boolean mayRefuse() {
    return this == TRY || this == ACTION;
  }

  /**
   * The op whose barrier row a compensating op claims first (CANCEL -> TRY, COMPENSATE -> ACTION):
   * when the claim succeeds, the forward op never ran (null compensation). Empty for forward ops.
   */
  public Optional<BranchOp> origin() {
    return switch (this) {
      case CANCEL -> Optional.of(TRY);
      case COMPENSATE -> Optional.of(ACTION);
      default -> Optional.empty();
    };
  }

  /** The op whose wire name is {@code wire}; IllegalArgumentException for anything else. */
  public static BranchOp fromWire(String wire) {
    for (BranchOp op : values()) {
      if (op.wire.equals(wire)) {
        return op;
      }
    }
    throw new IllegalArgumentException(
        "not a branch op: '" + wire + "' (expected try, confirm, cancel, action or compensate)");
  }

  /** The TCC op whose conventional method name (Try, Confirm, Cancel) is {@code methodName}, if any. */
  public static Optional<BranchOp> fromMethodName(String methodName) {
    for (BranchOp op : new BranchOp[] {TRY, CONFIRM, CANCEL}) {
      if (op.methodName.equals(methodName)) {
        return Optional.of(op);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}

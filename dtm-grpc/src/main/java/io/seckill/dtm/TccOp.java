package io.seckill.dtm;

import java.util.Locale;
import java.util.Optional;

/** The three operations of a TCC branch, with their DTM wire names and gRPC method names. */
public enum TccOp {
  TRY("try", "Try"),
  CONFIRM("confirm", "Confirm"),
  CANCEL("cancel", "Cancel");

  private final String wire;
  private final String methodName;

  TccOp(String wire, String methodName) {
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

  /** The op whose wire name is {@code wire}; IllegalArgumentException for anything else. */
  public static TccOp fromWire(String wire) {
    if (wire != null) {
      switch (wire) {
        case "try": return TRY;
        case "confirm": return CONFIRM;
        case "cancel": return CANCEL;
        default: break;
      }
    }
    throw new IllegalArgumentException("not a TCC op: '" + wire + "' (expected try, confirm or cancel)");
  }

  /** The op whose conventional method name is {@code methodName}, if it is one (case-sensitive). */
  public static Optional<TccOp> fromMethodName(String methodName) {
    for (TccOp op : values()) {
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

package io.seckill.consumer;

/** How one order ended; every outcome is durable in DTM (and, when cancelled, in the order table). */
public record Outcome(Kind kind, String reason) {
  /** The final state of an order and how it got there; the metrics label is the lower-case name. */
  public enum Kind {
    /** Submitted now: DTM confirms every branch. */
    CONFIRMED,
    /** Found submitted or succeeded in DTM by an earlier delivery: nothing to do again. */
    ALREADY_CONFIRMED,
    /** A branch refused its Try (sold out, coupon used, duplicate order): aborted, CANCELLED. */
    REFUSED,
    /** A Try kept failing with transport trouble past its retry budget: aborted, CANCELLED. */
    TRY_FAILED,
    /** Found aborting or failed in DTM (an earlier delivery aborted, or DTM timed it out): CANCELLED. */
    ALREADY_CANCELLED;

    /** The Prometheus label value. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** True when the order ends CONFIRMED. */
    public boolean confirmed() {
      return this == CONFIRMED || this == ALREADY_CONFIRMED;
    }
  }

  static Outcome confirmed(Kind kind) {
    return new Outcome(kind, "");
  }
}

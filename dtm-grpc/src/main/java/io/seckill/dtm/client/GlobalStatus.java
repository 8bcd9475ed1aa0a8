package io.seckill.dtm.client;

/**
 * The status of a DTM global transaction, as its query API reports it, plus {@link #NONE} for a gid
 * DTM does not know (which DTM never reports as a status).
 */
public enum GlobalStatus {
  NONE, PREPARED, SUBMITTED, ABORTING, SUCCEED, FAILED;

  /** The status whose DTM name is {@code wire} (e.g. {@code "succeed"}); never {@link #NONE}. */
  public static GlobalStatus fromWire(String wire) {
    for (GlobalStatus s : values()) {
      if (s != NONE && s.name().equalsIgnoreCase(wire)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown DTM global status: '" + wire + "'");
  }

  /** True for succeed and failed: DTM will never touch the transaction again. */
  public boolean isFinal() {
    return this == SUCCEED || this == FAILED;
  }

  /** True when the transaction is (or will be) committed: submitted or succeed. */
  public boolean isCommitted() {
    return this == SUBMITTED || this == SUCCEED;
  }

  /** True when the transaction is (or will be) rolled back: aborting or failed. */
  public boolean isRolledBack() {
    return this == ABORTING || this == FAILED;
  }
}

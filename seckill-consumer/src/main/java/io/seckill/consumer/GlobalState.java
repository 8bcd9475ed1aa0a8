package io.seckill.consumer;

import java.util.Set;

/** What DTM holds for a gid: its status, the branch ids already registered, the rollback reason. */
public record GlobalState(Status status, Set<String> registeredBranches, String rollbackReason) {
  /** DTM's global statuses plus NONE for an unknown gid. */
  public enum Status { NONE, PREPARED, SUBMITTED, SUCCEED, ABORTING, FAILED }

  /** No transaction with this gid exists. */
  public static GlobalState none() {
    return new GlobalState(Status.NONE, Set.of(), "");
  }
}

package io.seckill.dtm.tcc;

import io.seckill.dtm.client.GlobalStatus;
import java.util.Set;

/** What DTM holds for a gid: its status, the branch ids already registered, the rollback reason. */
public record GlobalState(GlobalStatus status, Set<String> registeredBranches, String rollbackReason) {
  /** Copies the set; a null reason is empty. */
  public GlobalState {
    registeredBranches = Set.copyOf(registeredBranches);
    rollbackReason = rollbackReason == null ? "" : rollbackReason;
  }

  /** No transaction with this gid exists. */
  public static GlobalState none() {
    return new GlobalState(GlobalStatus.NONE, Set.of(), "");
  }
}

package io.seckill.dtm.client;

import java.util.List;

/**
 * A global transaction as DTM's query API reports it.
 *
 * @param gid            the global transaction id
 * @param transType      {@code tcc} for ours
 * @param status         the global status
 * @param rollbackReason the reason given to Abort (or empty)
 * @param branches       one entry per registered (branch, op): a TCC branch has a cancel and a confirm
 */
public record DtmTransaction(String gid, String transType, GlobalStatus status, String rollbackReason,
                             List<Branch> branches) {

  /** Copies the list. */
  public DtmTransaction {
    branches = List.copyOf(branches);
  }

  /** One registered branch operation. */
  public record Branch(String branchId, String op, String status, String url) { }

  /** The status of {@code op} of branch {@code branchId}, or null when not registered. */
  public String branchStatus(String branchId, String op) {
    for (Branch b : branches) {
      if (b.branchId().equals(branchId) && b.op().equals(op)) {
        return b.status();
      }
    }
    return null;
  }
}

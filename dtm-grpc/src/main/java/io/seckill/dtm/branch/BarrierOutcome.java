package io.seckill.dtm.branch;

/** What {@link BranchBarrier#call} did with one branch request. Every outcome means "reply OK to DTM". */
public enum BarrierOutcome {
  /** First delivery: the business work ran and committed with the barrier rows. */
  EXECUTED,
  /** A repeated delivery of an op that already ran (or was already skipped): nothing ran. */
  DUPLICATE,
  /** A Cancel whose Try never ran here: nothing to undo; its barrier row now blocks a late Try. */
  NULL_COMPENSATION,
  /** A Try that arrived after its Cancel (hanging request): it must not run, and did not. */
  BLOCKED_HANGING;

  /** True only when the business work ran. */
  public boolean executed() {
    return this == EXECUTED;
  }
}

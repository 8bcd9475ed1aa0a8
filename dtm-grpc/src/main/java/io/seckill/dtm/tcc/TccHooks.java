package io.seckill.dtm.tcc;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What the caller's business record adds to one transaction. The runner calls these; a caller with
 * no record of its own (a benchmark, a test) uses {@link #NONE}.
 */
public interface TccHooks {
  /**
   * Completes true once the caller's own data proves that DTM stored the acknowledged Submit (e.g.
   * a row that only DTM's Confirm writes); false when it cannot tell in time, and the runner asks
   * DTM. Never fails.
   */
  default CompletionStage<Boolean> submitStored() {
    return CompletableFuture.completedFuture(false);
  }

  /**
   * Told once, before the Abort, with the outcome and the names of the branches whose Try succeeded.
   * Best effort: a failure is logged and the Abort goes ahead.
   */
  default CompletionStage<Void> beforeAbort(TccOutcome outcome, Set<String> held) {
    return CompletableFuture.completedFuture(null);
  }

  /**
   * Records the cancellation's reason durably; completes true once the record holds it, false when
   * not yet (DTM's Cancel still running): the runner asks again after a backoff. Fails with trouble
   * to be retried.
   */
  default CompletionStage<Boolean> recordCancellation(String reason) {
    return CompletableFuture.completedFuture(true);
  }

  /** No business record. */
  TccHooks NONE = new TccHooks() { };
}

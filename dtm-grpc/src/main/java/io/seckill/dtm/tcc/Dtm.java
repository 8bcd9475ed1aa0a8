package io.seckill.dtm.tcc;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The protocol steps of DTM's TCC API as the runner needs them. Every stage fails only with a
 * {@link TccFailure}: {@link TccFailure.Conflict} when DTM gives a definite "no" (the transaction is
 * no longer in the status the step needs), {@link TccFailure.Trouble} when a retry may help, and for
 * a Try also {@link TccFailure.Refusal} and {@link TccFailure.Rejection}. All steps are idempotent
 * per gid (and branch id) as DTM defines them; {@link #register} recognises its own duplicates.
 */
public interface Dtm {
  /** DTM's state of {@code gid}; {@link GlobalState#none()} when it does not exist. */
  CompletionStage<GlobalState> query(String gid);

  /** Creates {@code gid} as a prepared TCC transaction (a no-op while it is prepared). */
  CompletionStage<Void> prepare(String gid);

  /** Registers {@code branch}'s Confirm and Cancel with its payload (again: a no-op). */
  CompletionStage<Void> register(String gid, Branch branch);

  /** Calls {@code branch}'s Try with DTM's metadata. */
  CompletionStage<Void> tryBranch(String gid, Branch branch);

  /** Commits {@code gid}: DTM confirms every branch. */
  CompletionStage<Void> submit(String gid);

  /** Rolls back {@code gid} with {@code reason}: DTM cancels every branch. */
  CompletionStage<Void> abort(String gid, String reason);

  /**
   * The same steps, with {@code headers} added to the transaction's branch headers: DTM stores them
   * at Prepare and sends them as metadata on every Confirm and Cancel it makes (e.g. a trace
   * context). This default ignores them.
   */
  default Dtm withBranchHeaders(Map<String, String> headers) {
    return this;
  }
}

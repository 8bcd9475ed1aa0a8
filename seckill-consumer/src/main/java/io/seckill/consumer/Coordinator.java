package io.seckill.consumer;

import java.util.concurrent.CompletionStage;

/**
 * The consumer's view of DTM's TCC API. Every stage fails with {@link Refused} when DTM gives a
 * definite "no" (the transaction is no longer in the state the call needs) and with anything else
 * for trouble, which the caller retries. All calls are idempotent per gid (and branch id) as DTM
 * defines it, except registering the same branch twice, which callers avoid by querying first.
 */
public interface Coordinator {
  /** DTM's state of {@code gid}; {@link GlobalState#none()} when it does not exist. */
  CompletionStage<GlobalState> query(String gid);

  /** Creates {@code gid} as a prepared TCC transaction (a no-op while it is prepared). */
  CompletionStage<Void> prepare(String gid);

  /** Registers {@code branch}'s Confirm and Cancel with its payload. */
  CompletionStage<Void> register(String gid, Branch branch);

  /**
   * Calls {@code branch}'s Try with the DTM metadata; fails with {@link Refused} carrying the
   * branch's reason when it answers ABORTED (a business refusal).
   */
  CompletionStage<Void> tryBranch(String gid, Branch branch);

  /** Commits {@code gid}: DTM confirms every branch. */
  CompletionStage<Void> submit(String gid);

  /** Rolls back {@code gid} with {@code reason}: DTM cancels every branch. */
  CompletionStage<Void> abort(String gid, String reason);
}

package io.seckill.consumer;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
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

  /**
   * This coordinator for one traced order: every call starts with {@code ctx} current, so its
   * gRPC call joins the order's trace whichever thread (a transport or the retry timer) makes it.
   */
  default Coordinator within(Context ctx) {
    Coordinator self = this;
    return new Coordinator() {
      @Override
      public CompletionStage<GlobalState> query(String gid) {
        try (Scope s = ctx.makeCurrent()) {
          return self.query(gid);
        }
      }

      @Override
      public CompletionStage<Void> prepare(String gid) {
        try (Scope s = ctx.makeCurrent()) {
          return self.prepare(gid);
        }
      }

      @Override
      public CompletionStage<Void> register(String gid, Branch branch) {
        try (Scope s = ctx.makeCurrent()) {
          return self.register(gid, branch);
        }
      }

      @Override
      public CompletionStage<Void> tryBranch(String gid, Branch branch) {
        try (Scope s = ctx.makeCurrent()) {
          return self.tryBranch(gid, branch);
        }
      }

      @Override
      public CompletionStage<Void> submit(String gid) {
        try (Scope s = ctx.makeCurrent()) {
          return self.submit(gid);
        }
      }

      @Override
      public CompletionStage<Void> abort(String gid, String reason) {
        try (Scope s = ctx.makeCurrent()) {
          return self.abort(gid, reason);
        }
      }
    };
  }
}

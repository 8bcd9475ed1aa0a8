package io.seckill.dtm.tcc;

import io.seckill.dtm.tcc.TccMachine.Result;
import io.seckill.dtm.tcc.TccMachine.State;
import io.seckill.dtm.tcc.TccMachine.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs TCC global transactions: the small asynchronous driver of {@link TccMachine}. It performs
 * each step the machine names through {@link Dtm} and the caller's {@link TccHooks}, with the retry
 * policy of each step, and feeds the answer back:
 *
 * <ul>
 *   <li>Prepare, query, register, Abort and recording the cancellation: retried on trouble until done;
 *   <li>each Try: retried on trouble within the Try budget, after which its trouble is the branch's
 *       result (DTM's rule: a Try that cannot complete leads to rollback, and a prepared transaction
 *       cannot wait forever, since DTM aborts it after its TimeoutToFail);
 *   <li>Submit: sent once; after trouble a query, made once {@code submitSettle} has passed, tells
 *       whether it landed.
 * </ul>
 *
 * <p>The gid is the caller's idempotency key: running the same gid again (a redelivery, another
 * instance, a restart) finishes the same transaction, never a second one. The returned stage fails
 * only with {@link TccFailure.Stopped} (the caller is stopping) or an unexpected bug; trouble is
 * retried inside. Thread-safe; one runner serves every transaction of a process.
 */
public final class TccRunner {
  private static final Logger log = LoggerFactory.getLogger(TccRunner.class);

  private final Dtm dtm;
  private final Retries retries;
  private final Duration tryBudget;
  private final Duration submitSettle;
  private final Checkpoint checkpoint;

  /**
   * A runner over {@code dtm}; {@code tryBudget} bounds each Try's retries; {@code submitSettle} is
   * how long a Submit whose reply was lost gets to land before the query (at least DTM's call timeout).
   */
  public TccRunner(Dtm dtm, Retries retries, Duration tryBudget, Duration submitSettle, Checkpoint checkpoint) {
    this.dtm = dtm;
    this.retries = retries;
    this.tryBudget = tryBudget;
    this.submitSettle = submitSettle;
    this.checkpoint = checkpoint;
  }

  /** This runner over another {@link Dtm} (e.g. one traced for a single transaction). */
  public TccRunner with(Dtm other) {
    return new TccRunner(other, retries, tryBudget, submitSettle, checkpoint);
  }

  /** Runs (or finishes) the transaction {@code gid} of {@code branches}, with no business record. */
  public CompletionStage<TccOutcome> run(String gid, List<Branch> branches) {
    return run(gid, branches, TccHooks.NONE);
  }

  /** Runs (or finishes) the transaction {@code gid} of {@code branches}, recording through {@code hooks}. */
  public CompletionStage<TccOutcome> run(String gid, List<Branch> branches, TccHooks hooks) {
    // Through a stage, so that anything thrown on the way becomes a failed stage, never a throw.
    return CompletableFuture.completedFuture(new TccMachine(branches))
        .thenCompose(machine -> drive(new Transaction(gid, machine, hooks), machine.start()));
  }

  private record Transaction(String gid, TccMachine machine, TccHooks hooks) { }

  private CompletionStage<TccOutcome> drive(Transaction tx, State state) {
    if (state.step() instanceof Step.Finish f) {
      if (f.outcome() instanceof TccOutcome.Confirmed c && !c.already()) {
        checkpoint.reached(Checkpoint.Step.AFTER_SUBMIT, tx.gid(), "");
      }
      return CompletableFuture.completedFuture(f.outcome());
    }
    return perform(tx, state.step()).thenCompose(result -> drive(tx, tx.machine().next(state, result)));
  }

  private CompletionStage<Result> perform(Transaction tx, Step step) {
    String gid = tx.gid();
    if (step instanceof Step.Prepare) {
      checkpoint.reached(Checkpoint.Step.BEFORE_PREPARE, gid, "");
      return answered(retries.untilDone(Retries.Kind.PREPARE, "prepare " + gid, () -> dtm.prepare(gid)), gid, () -> {
        checkpoint.reached(Checkpoint.Step.AFTER_PREPARE, gid, "");
      });
    }
    if (step instanceof Step.Query q) {
      CompletionStage<Void> settled = q.purpose() == TccMachine.Purpose.AFTER_SUBMIT_TROUBLE
          ? retries.after("submit " + gid, submitSettle.toMillis())
          : CompletableFuture.completedFuture(null);
      return settled.thenCompose(x -> retries.untilDone(Retries.Kind.QUERY, "query " + gid, () -> dtm.query(gid)))
          .thenApply(state -> {
            if (q.purpose() == TccMachine.Purpose.READ_BACK && state.status() == io.seckill.dtm.client.GlobalStatus.PREPARED) {
              log.warn("{}: DTM acknowledged Submit but did not store it; resuming the transaction", gid);
            } else if (q.purpose() == TccMachine.Purpose.SETTLE && state.status() == io.seckill.dtm.client.GlobalStatus.PREPARED) {
              log.info("{} found prepared: resuming it", gid);
            }
            return new Result.Found(state);
          });
    }
    if (step instanceof Step.Register r) {
      List<CompletableFuture<Void>> calls = new ArrayList<>();
      for (Branch b : r.branches()) {
        calls.add(retries.untilDone(Retries.Kind.REGISTER, "register " + gid + "/" + b.id(), () -> dtm.register(gid, b))
            .toCompletableFuture());
      }
      return answered(CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)), gid, () -> { });
    }
    if (step instanceof Step.TryAll t) {
      return tryAll(tx, t.branches());
    }
    if (step instanceof Step.Submit) {
      return Retries.once(() -> dtm.submit(gid)).handle((ok, error) -> {
        if (error == null) {
          return CompletableFuture.<Result>completedFuture(Result.OK);
        }
        Throwable c = Retries.cause(error);
        if (c instanceof TccFailure.Conflict) {
          log.info("{}: DTM refused Submit ({}); querying its state again", gid, c.getMessage());
          return CompletableFuture.<Result>completedFuture(new Result.Conflicted(c.getMessage()));
        }
        if (!Retries.retryable(c)) {
          return CompletableFuture.<Result>failedFuture(c);
        }
        log.warn("{}: Submit failed ({}); checking DTM before any resend", gid, c.toString());
        return CompletableFuture.<Result>completedFuture(new Result.Failed(c.toString()));
      }).thenCompose(s -> s);
    }
    if (step instanceof Step.Prove) {
      return tx.hooks().submitStored().handle((stored, error) -> new Result.Proven(error == null && Boolean.TRUE.equals(stored)));
    }
    if (step instanceof Step.BeforeAbort b) {
      return Retries.once(() -> tx.hooks().beforeAbort(b.outcome(), b.held())).handle((done, error) -> {
        if (error != null) {
          log.info("{}: before-Abort record failed ({}); the record after the Abort stays the one that must succeed",
              gid, Retries.cause(error).toString());
        }
        return Result.OK;
      });
    }
    if (step instanceof Step.Abort a) {
      String reason = a.outcome().reason();
      return answered(retries.untilDone(Retries.Kind.ABORT, "abort " + gid, () -> dtm.abort(gid, reason)), gid, () -> {
        checkpoint.reached(Checkpoint.Step.AFTER_ABORT, gid, "");
      });
    }
    if (step instanceof Step.Record c) {
      String reason = c.outcome().reason();
      return retries.untilDone(Retries.Kind.RECORD_CANCELLATION, "record cancellation " + gid,
          () -> tx.hooks().recordCancellation(reason).thenApply(done -> {
            if (!done) {
              throw new TccFailure.NotYet(gid + " holds no reason yet");
            }
            return done;
          })).thenApply(done -> Result.OK);
    }
    if (step instanceof Step.Pause) {
      log.warn("{}: DTM refused {} rounds in a row; pausing before the next query", gid, TccMachine.MAX_ROUNDS);
      return retries.after("pause " + gid, retries.maxDelayMillis()).thenApply(x -> Result.OK);
    }
    throw new IllegalStateException("no driver for step " + step);
  }

  /** Every Try at once, each retried within the budget; waits for all before deciding. */
  private CompletionStage<Result> tryAll(Transaction tx, List<Branch> branches) {
    String gid = tx.gid();
    List<CompletableFuture<TryResult>> tries = new ArrayList<>();
    for (Branch b : branches) {
      tries.add(retries.within(Retries.Kind.TRY, "try " + gid + "/" + b.name(), tryBudget.toMillis(),
              () -> dtm.tryBranch(gid, b))
          .handle((ok, error) -> {
            checkpoint.reached(Checkpoint.Step.AFTER_TRY, gid, b.id());
            return error == null ? TryResult.DONE : tryResult(Retries.cause(error));
          }).toCompletableFuture());
    }
    // Aborting while a Try still runs is safe thanks to the barrier, but it turns a normal Try into
    // a hanging one: every Try ends (each bounded by its deadline) before the decision.
    return CompletableFuture.allOf(tries.toArray(CompletableFuture[]::new)).thenCompose(x -> {
      List<TryResult> results = new ArrayList<>();
      for (CompletableFuture<TryResult> t : tries) {
        TryResult r = t.join();
        if (r == null) {
          return CompletableFuture.failedFuture(new TccFailure.Stopped("trying " + gid));
        }
        results.add(r);
      }
      return CompletableFuture.completedFuture(new Result.Tried(results));
    });
  }

  /** The Try result {@code error} stands for; null for a stop. */
  private static TryResult tryResult(Throwable error) {
    if (error instanceof TccFailure.Stopped) {
      return null;
    }
    if (error instanceof Error e) {
      throw e;
    }
    if (error instanceof TccFailure.Refusal) {
      return new TryResult.Refused(error.getMessage());
    }
    if (error instanceof TccFailure.Rejection) {
      return new TryResult.Rejected(error.getMessage());
    }
    return new TryResult.Failed(error instanceof TccFailure.Trouble ? error.getMessage() : error.toString());
  }

  /** Ok, or Conflicted when DTM refused the step; any other failure fails the run. */
  private static CompletionStage<Result> answered(CompletionStage<?> call, String gid, Runnable onOk) {
    return call.handle((ok, error) -> {
      if (error == null) {
        onOk.run();
        return CompletableFuture.completedFuture(Result.OK);
      }
      Throwable c = Retries.cause(error);
      if (c instanceof TccFailure.Conflict) {
        log.info("{}: DTM refused a step ({}); querying its state again", gid, c.getMessage());
        return CompletableFuture.<Result>completedFuture(new Result.Conflicted(c.getMessage()));
      }
      return CompletableFuture.<Result>failedFuture(c);
    }).thenCompose(s -> s);
  }
}

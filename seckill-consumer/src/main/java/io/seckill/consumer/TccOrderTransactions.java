package io.seckill.consumer;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.seckill.proto.OrderMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCC global transaction per order, resumable from any crash point because every step is
 * idempotent per gid and DTM's status decides what is left to do:
 *
 * <ul>
 *   <li>unknown gid: Prepare, register the branches, Try them all (in parallel), then Submit, or
 *       Abort with the first reason and record the cancellation;
 *   <li>prepared (an earlier delivery died mid-way): Prepare succeeds again, the branches are
 *       registered again (duplicates are recognised) and all Tried again. The barrier makes a repeated Try a no-op, so the order gets the outcome its
 *       data deserves instead of a cancellation caused by our crash. A competing decision (DTM's
 *       timeout, a zombie previous owner) is serialised by DTM: the loser's Submit or Abort is
 *       refused and the state is queried again;
 *   <li>submitted or succeed: already confirmed, nothing to do;
 *   <li>aborting or failed: make sure the order records why it was cancelled.
 * </ul>
 *
 * <p>Trouble (DTM or a service unreachable) is retried with backoff and never turned into an
 * outcome, except on a Try: DTM's maintainers' rule is that a Try that cannot be completed leads to
 * rollback, and a prepared transaction cannot wait forever (DTM aborts it after TimeoutToFail), so
 * a Try keeps failing for longer than {@code tryBudgetMillis} ends the order CANCELLED with an
 * honest "TRY_FAILED branch: cause" reason, distinct from a business refusal.
 */
public final class TccOrderTransactions implements OrderTransactions {
  private static final Logger log = LoggerFactory.getLogger(TccOrderTransactions.class);
  /** The gid of order X is "seckill-" + X: the idempotency key of the whole transaction. */
  public static final String GID_PREFIX = "seckill-";
  /** Reasons end up in a VARCHAR(255) order column. */
  static final int MAX_REASON = 255;
  /** Rounds of "query, act, refused, query again" before the order waits a backoff period. */
  private static final int MAX_ROUNDS = 5;

  private final Coordinator dtm;
  private final OrderLedger ledger;
  private final BranchPlan plan;
  private final Retrier retrier;
  private final long tryBudgetMillis;
  private final long submitSettleMillis;
  private final Checkpoint checkpoint;
  private final SubmitCheck submitCheck;

  /**
   * A runner over {@code dtm} and {@code ledger}; {@code submitSettleMillis} is how long to let a
   * Submit whose reply was lost land in DTM before querying (at least DTM's call timeout);
   * {@code submitCheck} proves most acknowledged Submits stored without asking DTM.
   */
  public TccOrderTransactions(Coordinator dtm, OrderLedger ledger, BranchPlan plan, Retrier retrier,
      long tryBudgetMillis, long submitSettleMillis, Checkpoint checkpoint, SubmitCheck submitCheck) {
    this.submitCheck = submitCheck;
    this.dtm = dtm;
    this.ledger = ledger;
    this.plan = plan;
    this.retrier = retrier;
    this.tryBudgetMillis = tryBudgetMillis;
    this.submitSettleMillis = submitSettleMillis;
    this.checkpoint = checkpoint;
  }

  /** The gid of {@code orderId}. */
  public static String gid(String orderId) {
    return GID_PREFIX + orderId;
  }

  /**
   * Starts with Prepare, not with a status query: Prepare succeeds for an unknown or a prepared gid
   * (a redelivery then re-registers its branches, which DTM recognises as duplicates) and is
   * refused in every other status, which then sends us to {@link #settle}. That saves a DTM query
   * (and its storage read) on every first delivery, the common case.
   */
  @Override
  public CompletionStage<Outcome> run(OrderMessage order) {
    // Inside an order's span (tracing on), every step of this run is bound to it; else no cost.
    Context ctx = Context.current();
    TccOrderTransactions tx = Span.fromContext(ctx).getSpanContext().isValid() ? within(ctx) : this;
    // Through a stage, so that anything thrown on the way becomes a failed future, never a throw.
    return CompletableFuture.completedFuture(order)
        .thenCompose(o -> tx.fresh(o, gid(o.getOrderId()), plan.branches(o), 0));
  }

  /** This runner for one traced order: DTM and the ledger are called with {@code ctx} current. */
  TccOrderTransactions within(Context ctx) {
    OrderLedger untraced = ledger;
    OrderLedger traced = (order, reason) -> {
      try (Scope s = ctx.makeCurrent()) {
        return untraced.recordCancellation(order, reason);
      }
    };
    return new TccOrderTransactions(dtm.within(ctx), traced, plan, retrier, tryBudgetMillis,
        submitSettleMillis, checkpoint, submitCheck);
  }

  private CompletionStage<Outcome> settle(OrderMessage order, String gid, List<Branch> branches, int round) {
    if (round >= MAX_ROUNDS) {
      // DTM keeps changing its mind under us (should not happen): treat it as trouble and come back.
      return retrier.untilDone("settle " + gid, () -> CompletableFuture.failedFuture(
              new IllegalStateException("no stable state after " + MAX_ROUNDS + " rounds")))
          .thenCompose(x -> settle(order, gid, branches, 0));
    }
    return retrier.untilDone("query " + gid, () -> dtm.query(gid)).thenCompose(state -> {
      switch (state.status()) {
        case NONE:
          return fresh(order, gid, branches, round);
        case PREPARED:
          log.info("{} found prepared: resuming it", gid);
          return proceed(order, gid, branches, state, round);
        case SUBMITTED:
        case SUCCEED:
          return CompletableFuture.completedFuture(Outcome.confirmed(Outcome.Kind.ALREADY_CONFIRMED));
        default:
          String reason = state.rollbackReason() == null || state.rollbackReason().isBlank()
              ? "ABORTED: global transaction " + state.status().name().toLowerCase(java.util.Locale.ROOT)
                  + " in DTM (timed out or aborted earlier)"
              : state.rollbackReason();
          return cancelled(order, reason, Outcome.Kind.ALREADY_CANCELLED);
      }
    });
  }

  private CompletionStage<Outcome> fresh(OrderMessage order, String gid, List<Branch> branches, int round) {
    checkpoint.reached(Checkpoint.Step.BEFORE_PREPARE, gid, "");
    return onRefusedSettle(retrier.untilDone("prepare " + gid, () -> dtm.prepare(gid)), order, gid, branches, round, () -> {
      checkpoint.reached(Checkpoint.Step.AFTER_PREPARE, gid, "");
      return proceed(order, gid, branches, GlobalState.none(), round);
    });
  }

  private CompletionStage<Outcome> proceed(OrderMessage order, String gid, List<Branch> branches,
      GlobalState state, int round) {
    List<CompletableFuture<Void>> registrations = new ArrayList<>();
    for (Branch b : branches) {
      if (!state.registeredBranches().contains(b.id())) {
        registrations.add(retrier.untilDone("register " + gid + "/" + b.id(), () -> dtm.register(gid, b)).toCompletableFuture());
      }
    }
    CompletableFuture<Void> registered = CompletableFuture.allOf(registrations.toArray(CompletableFuture[]::new));
    return onRefusedSettle(registered, order, gid, branches, round, () -> tryAll(order, gid, branches, round));
  }

  private CompletionStage<Outcome> tryAll(OrderMessage order, String gid, List<Branch> branches, int round) {
    List<CompletableFuture<String>> tries = new ArrayList<>();
    for (Branch b : branches) {
      tries.add(retrier.within("try " + gid + "/" + b.name(), tryBudgetMillis, () -> dtm.tryBranch(gid, b))
          .handle((ok, error) -> {
            checkpoint.reached(Checkpoint.Step.AFTER_TRY, gid, b.id());
            return error == null ? null : failureReason(b, Retrier.cause(error));
          }).toCompletableFuture());
    }
    return CompletableFuture.allOf(tries.toArray(CompletableFuture[]::new)).thenCompose(x -> {
      String reason = null;
      // A business refusal explains the order better than trouble elsewhere: prefer it.
      for (CompletableFuture<String> t : tries) {
        String r = t.join();
        if (r != null && (reason == null || (r.startsWith("REFUSED") && !reason.startsWith("REFUSED")))) {
          reason = r;
        }
      }
      for (CompletableFuture<String> t : tries) {
        if ("STOPPED".equals(t.join())) {
          return CompletableFuture.failedFuture(new Stopped("trying " + gid));
        }
      }
      if (reason == null) {
        return submit(order, gid, branches, round);
      }
      String why = clip(reason);
      Outcome.Kind kind = why.startsWith("REFUSED") ? Outcome.Kind.REFUSED : Outcome.Kind.TRY_FAILED;
      boolean orderRowLive = false;
      for (int i = 0; i < branches.size(); i++) {
        orderRowLive |= branches.get(i).name().equals(BranchPlan.ORDER_BRANCH) && tries.get(i).join() == null;
      }
      CompletionStage<?> annotated = orderRowLive ? annotate(order, gid, why) : CompletableFuture.completedFuture(null);
      return annotated.thenCompose(written -> abort(order, gid, branches, why, kind, round));
    });
  }

  /**
   * Writes the reason onto the TRYING order row before the Abort, so the row is never seen
   * CANCELLED (DTM's Cancel runs as soon as it gets the Abort) without saying why. One attempt,
   * not retried: when order-rpc cannot take it, DTM's Cancel cannot reach it either, and the
   * record after the Abort stays the one that must succeed.
   */
  private CompletionStage<Void> annotate(OrderMessage order, String gid, String reason) {
    return once(() -> ledger.recordCancellation(order, reason)).handle((done, error) -> {
      if (error != null) {
        log.info("{}: reason not written before the Abort ({}); it is recorded after it", gid, error.toString());
      }
      return null;
    });
  }

  private static String failureReason(Branch b, Throwable error) {
    if (error instanceof Stopped) {
      return "STOPPED";
    }
    if (error instanceof Error) {
      throw (Error) error;
    }
    if (error instanceof Refused) {
      return "REFUSED " + b.name() + ": " + error.getMessage();
    }
    boolean described = error instanceof Trouble || error instanceof Rejected;
    return "TRY_FAILED " + b.name() + ": " + (described ? error.getMessage() : error.toString());
  }

  /**
   * Submits once; after trouble it never resends blindly (docs/dtm-quirks.md Q1): a Submit whose
   * reply was lost is followed by a status query: submitted or succeed means done, prepared (after
   * letting an in-flight attempt land) means the Submit never arrived and is sent again.
   */
  private CompletionStage<Outcome> submit(OrderMessage order, String gid, List<Branch> branches, int round) {
    return once(() -> dtm.submit(gid)).handle((ok, error) -> {
      if (error == null) {
        return submitCheck.confirmed(order.getOrderId()).thenCompose(confirmed -> confirmed
            ? submitted(gid)
            : verifySubmitted(order, gid, branches, round));
      }
      Throwable c = Retrier.cause(error);
      if (c instanceof Refused) {
        log.info("{}: DTM refused Submit ({}); querying its state again", gid, c.getMessage());
        return settle(order, gid, branches, round + 1);
      }
      if (!Retrier.isTrouble(c)) {
        return CompletableFuture.<Outcome>failedFuture(c);
      }
      log.warn("{}: Submit failed ({}); checking DTM before any resend", gid, c.toString());
      return retrier.after("submit " + gid, submitSettleMillis)
          .thenCompose(x -> retrier.untilDone("query " + gid, () -> dtm.query(gid)))
          .thenCompose(state -> {
            switch (state.status()) {
              case SUBMITTED:
              case SUCCEED:
                return submitted(gid);
              case PREPARED:
                return submit(order, gid, branches, round);
              default:
                return settle(order, gid, branches, round + 1);
            }
          });
    }).thenCompose(s -> s);
  }

  /**
   * Reads back an acknowledged Submit whose order row the {@link SubmitCheck} did not see CONFIRMED
   * in time (docs/dtm-quirks.md Q2): a gid still prepared now means the Submit was lost, and
   * resuming it (Submit again) is safe. WaitResult would catch it too but holds each order through
   * its Confirms, which under a paused branch stalls the whole window.
   */
  private CompletionStage<Outcome> verifySubmitted(OrderMessage order, String gid, List<Branch> branches, int round) {
    return retrier.untilDone("query " + gid, () -> dtm.query(gid)).thenCompose(state -> {
      switch (state.status()) {
        case SUBMITTED:
        case SUCCEED:
          return submitted(gid);
        case PREPARED:
          log.warn("{}: DTM acknowledged Submit but did not store it; submitting again", gid);
          return settle(order, gid, branches, round + 1);
        default:
          return settle(order, gid, branches, round + 1);
      }
    });
  }

  /** One unretried call; a RuntimeException thrown instead of returned becomes a failed stage. */
  private static <T> CompletionStage<T> once(java.util.function.Supplier<CompletionStage<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletionStage<Outcome> submitted(String gid) {
    checkpoint.reached(Checkpoint.Step.AFTER_SUBMIT, gid, "");
    return CompletableFuture.completedFuture(Outcome.confirmed(Outcome.Kind.CONFIRMED));
  }

  private CompletionStage<Outcome> abort(OrderMessage order, String gid, List<Branch> branches,
      String reason, Outcome.Kind kind, int round) {
    return onRefusedSettle(retrier.untilDone("abort " + gid, () -> dtm.abort(gid, reason)), order, gid, branches, round, () -> {
      checkpoint.reached(Checkpoint.Step.AFTER_ABORT, gid, "");
      return cancelled(order, reason, kind);
    });
  }

  /** Waits until the order row durably carries {@code reason} (see {@link OrderLedger}). */
  private CompletionStage<Outcome> cancelled(OrderMessage order, String reason, Outcome.Kind kind) {
    String gid = gid(order.getOrderId());
    return retrier.untilDone("record cancellation " + gid, () -> ledger.recordCancellation(order, reason)
            .thenApply(done -> {
              if (!done) {
                throw new Retrier.NotYet("order " + order.getOrderId() + " holds no reason yet");
              }
              return done;
            }))
        .thenApply(done -> new Outcome(kind, reason));
  }

  /**
   * Runs {@code next} after {@code step} succeeded; when DTM refused the step, the transaction is
   * not in the state we thought (another delivery or DTM's timeout decided): query and act again.
   */
  private CompletionStage<Outcome> onRefusedSettle(CompletionStage<?> step, OrderMessage order, String gid,
      List<Branch> branches, int round, java.util.function.Supplier<CompletionStage<Outcome>> next) {
    return step.handle((ok, error) -> {
      if (error == null) {
        return next.get();
      }
      Throwable c = Retrier.cause(error);
      if (c instanceof Refused) {
        log.info("{}: DTM refused a step ({}); querying its state again", gid, c.getMessage());
        return settle(order, gid, branches, round + 1);
      }
      return CompletableFuture.<Outcome>failedFuture(c);
    }).thenCompose(s -> s);
  }

  static String clip(String reason) {
    String oneLine = reason.replace('\n', ' ');
    return oneLine.length() <= MAX_REASON ? oneLine : oneLine.substring(0, MAX_REASON);
  }
}

package io.seckill.dtm.tcc;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The decisions of one TCC global transaction as a pure state machine: given the step just done and
 * what it answered, {@link #next} names the step to do next. No I/O, no clock, no threads: the
 * {@link TccRunner} performs the steps, and every path is unit-testable step by step.
 *
 * <p>The transaction is resumable from any crash point because every step is idempotent per gid and
 * DTM's stored status decides what is left (docs/design.md, "The TCC runner"):
 *
 * <ul>
 *   <li>it starts with Prepare, not with a query: Prepare succeeds for an unknown or a prepared gid,
 *       and DTM refuses it in every other status, which leads to a query; that saves a DTM read on
 *       every first run, the common case;
 *   <li>unknown gid: Prepare, register every branch, Try them all (concurrently), then Submit, or
 *       Abort with the reason and record the cancellation;
 *   <li>prepared (an earlier run died mid-way): register the branches DTM lacks and Try them all
 *       again; the branch barrier makes a repeated Try a no-op, so the transaction gets the outcome
 *       its data deserves instead of a cancellation caused by the crash;
 *   <li>submitted or succeed: confirmed already; aborting or failed: record why it was cancelled;
 *   <li>a step DTM refuses (a competing decision: DTM's timeout, another instance) leads to a query
 *       and a fresh decision; after {@link #MAX_ROUNDS} such rounds in a row the runner pauses for
 *       a backoff period before the next query;
 *   <li>an acknowledged Submit is proven stored (docs/dtm-quirks.md Q2), cheaply through
 *       {@link TccHooks#submitStored} or else by a query; a Submit whose reply was lost is never
 *       sent again blindly (Q1): after a settle period a query tells whether it landed.
 * </ul>
 */
public final class TccMachine {
  /** Rounds of "act, refused, query again" before the runner pauses. */
  public static final int MAX_ROUNDS = 5;
  /** Reasons are one line of at most this many characters (they end up in VARCHAR(255) columns). */
  public static final int MAX_REASON = 255;

  /** Why a query is made: what its answer is compared with. */
  public enum Purpose {
    /** Decide afresh from DTM's status. */
    SETTLE,
    /** A Submit met trouble: did it land? (The runner lets an in-flight attempt settle first.) */
    AFTER_SUBMIT_TROUBLE,
    /** An acknowledged Submit was not proven cheaply: did DTM store it? */
    READ_BACK
  }

  /** What the runner does next. */
  public sealed interface Step {
    /** Create the gid as a prepared TCC transaction. */
    record Prepare() implements Step { }

    /** Read DTM's state of the gid. */
    record Query(Purpose purpose) implements Step { }

    /** Register these branches (those DTM does not hold yet). */
    record Register(List<Branch> branches) implements Step { }

    /** Try every branch, concurrently, each within the Try budget. */
    record TryAll(List<Branch> branches) implements Step { }

    /** Submit once (never resent blindly). */
    record Submit() implements Step { }

    /** Prove an acknowledged Submit stored, cheaply ({@link TccHooks#submitStored}). */
    record Prove() implements Step { }

    /** Tell the hooks, once, before the Abort; {@code held} names the branches whose Try succeeded. */
    record BeforeAbort(TccOutcome outcome, Set<String> held) implements Step { }

    /** Abort with the outcome's reason. */
    record Abort(TccOutcome outcome) implements Step { }

    /** Wait until the hooks hold the cancellation's reason durably. */
    record Record(TccOutcome outcome) implements Step { }

    /** Too many refused rounds in a row: wait a backoff period, then query afresh. */
    record Pause() implements Step { }

    /** Done. */
    record Finish(TccOutcome outcome) implements Step { }
  }

  /** What a step answered. */
  public sealed interface Result {
    /** The step succeeded. */
    record Ok() implements Result { }

    /** DTM refused the step: the transaction is not in the status the step needs. */
    record Conflicted(String why) implements Result { }

    /** An unretried step (Submit) met trouble: whether it took effect is not known. */
    record Failed(String why) implements Result { }

    /** A query's answer. */
    record Found(GlobalState state) implements Result { }

    /** Every branch's Try result, in branch order. */
    record Tried(List<TryResult> results) implements Result { }

    /** Whether the acknowledged Submit was proven stored. */
    record Proven(boolean stored) implements Result { }

    /** The shared instance of {@link Ok}. */
    Result OK = new Ok();
  }

  /** Where a transaction is: the step to do, and how many refused rounds in a row led here. */
  public record State(Step step, int round) { }

  private final List<Branch> branches;

  /** The machine of a transaction with {@code branches} (1-99, distinct ids), in registration order. */
  public TccMachine(List<Branch> branches) {
    if (branches == null || branches.isEmpty() || branches.size() > 99) {
      throw new IllegalArgumentException("a TCC transaction needs 1-99 branches");
    }
    if (branches.stream().map(Branch::id).distinct().count() != branches.size()) {
      throw new IllegalArgumentException("branch ids must be distinct: " + branches);
    }
    this.branches = List.copyOf(branches);
  }

  /** The branches, in order. */
  public List<Branch> branches() {
    return branches;
  }

  /** The first step: Prepare. */
  public State start() {
    return new State(new Step.Prepare(), 0);
  }

  /** The step after {@code s} answered {@code r}. */
  public State next(State s, Result r) {
    Step step = s.step();
    int round = s.round();
    if (step instanceof Step.Finish f) {
      throw new IllegalStateException("the transaction is finished: " + f.outcome());
    }
    if (r instanceof Result.Conflicted
        && (step instanceof Step.Prepare || step instanceof Step.Register || step instanceof Step.Submit
            || step instanceof Step.Abort)) {
      return query(round + 1);
    }
    if (step instanceof Step.Prepare && r instanceof Result.Ok) {
      return at(new Step.Register(branches), round);
    }
    if (step instanceof Step.Register && r instanceof Result.Ok) {
      return at(new Step.TryAll(branches), round);
    }
    if (step instanceof Step.TryAll && r instanceof Result.Tried tried) {
      return afterTries(tried.results(), round);
    }
    if (step instanceof Step.Submit && r instanceof Result.Ok) {
      return at(new Step.Prove(), round);
    }
    if (step instanceof Step.Submit && r instanceof Result.Failed) {
      return at(new Step.Query(Purpose.AFTER_SUBMIT_TROUBLE), round);
    }
    if (step instanceof Step.Prove && r instanceof Result.Proven proven) {
      return proven.stored() ? finish(new TccOutcome.Confirmed(false)) : at(new Step.Query(Purpose.READ_BACK), round);
    }
    if (step instanceof Step.Query q && r instanceof Result.Found found) {
      return afterQuery(q.purpose(), found.state(), round);
    }
    if (step instanceof Step.BeforeAbort b && r instanceof Result.Ok) {
      return at(new Step.Abort(b.outcome()), round);
    }
    if (step instanceof Step.Abort a && r instanceof Result.Ok) {
      return at(new Step.Record(a.outcome()), round);
    }
    if (step instanceof Step.Record c && r instanceof Result.Ok) {
      return finish(c.outcome());
    }
    if (step instanceof Step.Pause && r instanceof Result.Ok) {
      return at(new Step.Query(Purpose.SETTLE), 0);
    }
    throw new IllegalArgumentException("step " + step + " cannot answer " + r);
  }

  private State afterQuery(Purpose purpose, GlobalState state, int round) {
    if (purpose == Purpose.SETTLE) {
      return decide(state, round);
    }
    if (state.status().isCommitted()) {
      return finish(new TccOutcome.Confirmed(false));
    }
    if (purpose == Purpose.AFTER_SUBMIT_TROUBLE && state.status() == io.seckill.dtm.client.GlobalStatus.PREPARED) {
      // The Submit never arrived: sending it now is its first arrival.
      return at(new Step.Submit(), round);
    }
    // Read back still prepared: DTM acknowledged a Submit it did not store; resume the transaction.
    // Anything else: another decision won; decide afresh from what DTM holds.
    return decide(state, round + 1);
  }

  /** The step DTM's {@code state} calls for, unless too many rounds were refused in a row. */
  private State decide(GlobalState state, int round) {
    if (round >= MAX_ROUNDS) {
      return at(new Step.Pause(), round);
    }
    return switch (state.status()) {
      case NONE -> at(new Step.Prepare(), round);
      case PREPARED -> {
        List<Branch> missing = new ArrayList<>();
        for (Branch b : branches) {
          if (!state.registeredBranches().contains(b.id())) {
            missing.add(b);
          }
        }
        yield missing.isEmpty() ? at(new Step.TryAll(branches), round) : at(new Step.Register(missing), round);
      }
      case SUBMITTED, SUCCEED -> finish(new TccOutcome.Confirmed(true));
      case ABORTING, FAILED -> at(new Step.Record(new TccOutcome.AlreadyCancelled(state.rollbackReason().isBlank()
          ? "ABORTED: global transaction " + state.status().name().toLowerCase(java.util.Locale.ROOT)
              + " in DTM (timed out or aborted earlier)"
          : clip(state.rollbackReason()))), round);
    };
  }

  /**
   * All Tries done: Submit when every one succeeded; else abort with one reason. A business refusal
   * explains the outcome better than trouble elsewhere, so the first refusal (in branch order) wins
   * over the first failure.
   */
  private State afterTries(List<TryResult> results, int round) {
    if (results.size() != branches.size()) {
      throw new IllegalArgumentException("expected " + branches.size() + " Try results, got " + results.size());
    }
    TccOutcome refusal = null;
    TccOutcome failure = null;
    Set<String> held = new TreeSet<>();
    for (int i = 0; i < results.size(); i++) {
      String name = branches.get(i).name();
      TryResult t = results.get(i);
      if (t instanceof TryResult.Done) {
        held.add(name);
      } else if (t instanceof TryResult.Refused x) {
        refusal = refusal == null ? new TccOutcome.Refused(name, x.why()) : refusal;
      } else if (t instanceof TryResult.Rejected x) {
        failure = failure == null ? new TccOutcome.TryFailed(name, x.why()) : failure;
      } else if (t instanceof TryResult.Failed x) {
        failure = failure == null ? new TccOutcome.TryFailed(name, x.why()) : failure;
      }
    }
    if (refusal == null && failure == null) {
      return at(new Step.Submit(), round);
    }
    return at(new Step.BeforeAbort(refusal != null ? refusal : failure, Set.copyOf(held)), round);
  }

  private State query(int round) {
    return round >= MAX_ROUNDS ? at(new Step.Pause(), round) : at(new Step.Query(Purpose.SETTLE), round);
  }

  private static State at(Step step, int round) {
    return new State(step, round);
  }

  private static State finish(TccOutcome outcome) {
    return new State(new Step.Finish(outcome), 0);
  }

  /** {@code reason} on one line, at most {@link #MAX_REASON} characters. */
  public static String clip(String reason) {
    String oneLine = reason.replace('\n', ' ').replace('\r', ' ');
    return oneLine.length() <= MAX_REASON ? oneLine : oneLine.substring(0, MAX_REASON);
  }
}

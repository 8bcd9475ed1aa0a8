package io.seckill.dtm.tcc;

import java.util.Locale;

/**
 * How a TCC transaction ended. Every outcome is durable in DTM (and, when cancelled, recorded
 * through {@link TccHooks#recordCancellation}). {@link #reason()} is the one line written to DTM's
 * rollback reason and to the business record: {@code REFUSED <branch>: <why>} or
 * {@code TRY_FAILED <branch>: <why>}.
 */
public sealed interface TccOutcome {
  /** The outcome's kind; its lower-case name is the metrics label. */
  enum Kind {
    CONFIRMED, ALREADY_CONFIRMED, REFUSED, TRY_FAILED, ALREADY_CANCELLED;

    /** The Prometheus label value. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** True for the kinds that end committed. */
    public boolean confirmed() {
      return this == CONFIRMED || this == ALREADY_CONFIRMED;
    }
  }

  /** This outcome's kind. */
  Kind kind();

  /** Why it was cancelled; empty when confirmed. */
  String reason();

  /** True when the transaction is committed. */
  default boolean confirmed() {
    return this instanceof Confirmed;
  }

  /** Submitted by this run ({@code already} false) or found submitted or succeeded in DTM. */
  record Confirmed(boolean already) implements TccOutcome {
    @Override
    public Kind kind() {
      return already ? Kind.ALREADY_CONFIRMED : Kind.CONFIRMED;
    }

    @Override
    public String reason() {
      return "";
    }
  }

  /** A branch refused its Try: aborted. */
  record Refused(String branch, String why) implements TccOutcome {
    @Override
    public Kind kind() {
      return Kind.REFUSED;
    }

    @Override
    public String reason() {
      return TccMachine.clip("REFUSED " + branch + ": " + why);
    }
  }

  /** A branch's Try was rejected, or its trouble outlasted the Try budget: aborted. */
  record TryFailed(String branch, String why) implements TccOutcome {
    @Override
    public Kind kind() {
      return Kind.TRY_FAILED;
    }

    @Override
    public String reason() {
      return TccMachine.clip("TRY_FAILED " + branch + ": " + why);
    }
  }

  /** Found aborting or failed in DTM (an earlier run aborted it, or DTM timed it out). */
  record AlreadyCancelled(String reason) implements TccOutcome {
    @Override
    public Kind kind() {
      return Kind.ALREADY_CANCELLED;
    }
  }
}

package io.seckill.dtm.tcc;

/**
 * The ways a step of a TCC transaction can fail, as types: the driver and its callers switch on the
 * class, never on a message. Only {@link Trouble} and {@link NotYet} (and an unexpected exception)
 * are retried; the others are answers.
 */
public abstract sealed class TccFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  TccFailure(String message, Throwable cause, boolean trace) {
    super(message, cause, false, trace);
  }

  /**
   * DTM refused a step because the global transaction is no longer in the status the step needs
   * (another delivery, another instance or DTM's timeout decided first): query and act again.
   */
  public static final class Conflict extends TccFailure {
    private static final long serialVersionUID = 1L;

    public Conflict(String message, Throwable cause) {
      super(message, cause, true);
    }
  }

  /** A call failed for a reason a retry may fix (unreachable, deadline, internal error). */
  public static final class Trouble extends TccFailure {
    private static final long serialVersionUID = 1L;

    public Trouble(String message, Throwable cause) {
      super(message, cause, true);
    }
  }

  /** A branch refused its Try (gRPC ABORTED): a business "no" (sold out, coupon used, duplicate). */
  public static final class Refusal extends TccFailure {
    private static final long serialVersionUID = 1L;

    public Refusal(String message, Throwable cause) {
      super(message, cause, true);
    }
  }

  /**
   * A branch rejected its Try as malformed or not allowed (INVALID_ARGUMENT, UNIMPLEMENTED,
   * PERMISSION_DENIED, ...): no retry can help, yet it is not a business refusal either.
   */
  public static final class Rejection extends TccFailure {
    private static final long serialVersionUID = 1L;

    public Rejection(String message, Throwable cause) {
      super(message, cause, true);
    }
  }

  /** The caller is stopping: the work is handed back unfinished. */
  public static final class Stopped extends TccFailure {
    private static final long serialVersionUID = 1L;

    public Stopped(String what) {
      super("stopped while " + what, null, false);
    }
  }

  /** A condition expected to become true soon (e.g. DTM's asynchronous Cancel): retried, not counted as trouble. */
  public static final class NotYet extends TccFailure {
    private static final long serialVersionUID = 1L;

    public NotYet(String message) {
      super(message, null, false);
    }
  }
}
